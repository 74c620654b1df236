//! What other areas ask of a list (may a scope reference it, its blocks, its weight, its
//! family), and who references it: route tables and security groups
//! (GetManagedPrefixListAssociations, and the rule that a referenced list stays).

use ipnet::IpNet;

use crate::error::Result;
use crate::ids::Kind;
use crate::route::Destination;
use crate::sg::Peer;
use crate::world::{Ctx, Scope, World};

use super::aws_managed::{aws_managed, aws_managed_by_id};
use super::model::{AddressFamily, PrefixList};

/// The list `id` as `scope` sees it: the Region's AWS-managed lists or the scope's own.
pub fn lookup(w: &World, scope: &Scope, id: &str) -> Option<PrefixList> {
    if let Some(pl) = w.prefix_lists.get_in(scope, id) {
        return Some(pl.clone());
    }
    aws_managed_by_id(w, id).filter(|pl| pl.scope.region == scope.region)
}

/// Whether `scope` may reference the list `id` (AWS-managed lists of its Region are
/// visible to every account; customer lists only to their owner).
pub fn exists_for(w: &World, scope: &Scope, id: &str) -> bool {
    w.prefix_lists.get_in(scope, id).is_some()
        || aws_managed(w, &scope.region).iter().any(|pl| pl.id == id)
}

/// Whether `id` is an AWS-managed list (of any served Region).
pub fn is_aws_managed(w: &World, id: &str) -> bool {
    aws_managed_by_id(w, id).is_some()
}

/// The current blocks of the list `id` (empty when unknown).
pub fn cidrs(w: &World, id: &str) -> Vec<IpNet> {
    match w.prefix_lists.get(id) {
        Some(pl) => pl.entries().iter().map(|e| e.cidr).collect(),
        None => aws_managed_by_id(w, id)
            .map(|pl| pl.entries().iter().map(|e| e.cidr).collect())
            .unwrap_or_default(),
    }
}

/// `MaxEntries` of the list `id`: its weight against route and rule quotas (0 when unknown).
pub fn max_entries(w: &World, id: &str) -> u32 {
    match w.prefix_lists.get(id) {
        Some(pl) => pl.max_entries,
        None => aws_managed_by_id(w, id).map_or(0, |pl| pl.max_entries),
    }
}

/// The address family of the list `id`, if known.
pub fn address_family(w: &World, id: &str) -> Option<AddressFamily> {
    match w.prefix_lists.get(id) {
        Some(pl) => Some(pl.address_family),
        None => aws_managed_by_id(w, id).map(|pl| pl.address_family),
    }
}

/// Resources referencing the list `id`: (resource id, owner account) of route tables with a
/// route to it, transit-gateway route tables with a reference to it and security groups
/// with a rule for it, in id order. `scope` restricts to
/// one owner's resources when given.
pub fn references(w: &World, id: &str, scope: Option<&Scope>) -> Vec<(String, String)> {
    let dest = Destination::PrefixList(id.to_string());
    let mut out: Vec<(String, String)> = Vec::new();
    let owned = |s: &Scope| scope.is_none_or(|want| want == s);
    for t in w.route_tables.values().filter(|t| owned(&t.scope)) {
        if t.routes.iter().any(|r| r.destination == dest) {
            out.push((t.id.clone(), t.scope.account.clone()));
        }
    }
    for t in w.tgw_route_tables.values().filter(|t| owned(&t.scope)) {
        if t.prefix_list_refs.iter().any(|r| r.prefix_list_id == id) {
            out.push((t.id.clone(), t.scope.account.clone()));
        }
    }
    for g in w.security_groups.values().filter(|g| owned(&g.scope)) {
        let uses = |p: &Peer| matches!(p, Peer::PrefixList(p) if p == id);
        if g.ingress.iter().chain(&g.egress).any(|r| uses(&r.peer)) {
            out.push((g.id.clone(), g.scope.account.clone()));
        }
    }
    out.sort();
    out
}

/// GetManagedPrefixListAssociations: the caller's route tables and security groups that
/// reference the list, as (resource id, owner).
pub fn associations(w: &World, ctx: &Ctx, id: &str) -> Result<Vec<(String, String)>> {
    let scope = ctx.scope();
    if !exists_for(w, scope, id) {
        return Err(Kind::PrefixList.not_found(id));
    }
    Ok(references(w, id, Some(scope)))
}
