//! Network ACLs themselves: custom ACLs, each VPC's default ACL and the entries a new ACL
//! starts with.

use crate::cidr::{ANY_V4, ANY_V6};
use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::protocol::Protocol;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

use super::model::{Entry, EntryCidr, NetworkAcl, RuleAction, DEFAULT_RULE_V4, DEFAULT_RULE_V6};

/// The caller's ACL `id`, or `InvalidNetworkAclID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w NetworkAcl> {
    w.network_acls
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkAcl.not_found(id))
}

/// CreateNetworkAcl: a custom ACL that denies everything.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: String,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let vpc = vpc::get(w, scope, &vpc_id)?;
    let has_ipv6 = !vpc.ipv6_cidrs.is_empty();
    tags::check_specs(specs, "network-acl")?;
    let id = w.ids.id(Kind::NetworkAcl);
    w.network_acls.insert(NetworkAcl {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id,
        is_default: false,
        entries: custom_entries(has_ipv6),
        associations: Vec::new(),
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteNetworkAcl: not the default ACL, not while associated.
pub(super) fn delete(w: &mut World, ctx: &Ctx, acl_id: &str) -> Result<Output> {
    let acl = get(w, ctx.scope(), acl_id)?;
    if acl.is_default {
        return Err(ApiError::invalid_value(format!(
            "cannot delete default network ACL {acl_id}"
        )));
    }
    if !acl.associations.is_empty() {
        return Err(ApiError::dependency(format!(
            "The networkAcl '{acl_id}' has dependencies and cannot be deleted."
        )));
    }
    w.network_acls.remove(acl_id);
    tags::forget(w, acl_id);
    Ok(Output::Done)
}

/// An entry for every protocol and address of `cidr`.
fn all_traffic(rule_number: u32, egress: bool, action: RuleAction, cidr: EntryCidr) -> Entry {
    Entry {
        rule_number,
        egress,
        protocol: Protocol::All,
        action,
        cidr,
        icmp: None,
        port_range: None,
    }
}

fn deny_all_v4(egress: bool) -> Entry {
    all_traffic(
        DEFAULT_RULE_V4,
        egress,
        RuleAction::Deny,
        EntryCidr::V4(ANY_V4),
    )
}

/// The IPv6 entries of each direction: rule 101 allowing all (default ACLs), then `*`.
fn ipv6_entries(allow: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for egress in [false, true] {
        if allow {
            out.push(all_traffic(
                101,
                egress,
                RuleAction::Allow,
                EntryCidr::V6(ANY_V6),
            ));
        }
        out.push(all_traffic(
            DEFAULT_RULE_V6,
            egress,
            RuleAction::Deny,
            EntryCidr::V6(ANY_V6),
        ));
    }
    out
}

/// Creates the VPC's default ACL: allow all (rule 100, and 101 for IPv6), then deny.
pub fn create_default(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::NetworkAcl);
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(all_traffic(
            100,
            egress,
            RuleAction::Allow,
            EntryCidr::V4(ANY_V4),
        ));
        entries.push(deny_all_v4(egress));
    }
    if has_ipv6 {
        entries.extend(ipv6_entries(true));
    }
    w.network_acls.insert(NetworkAcl {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        is_default: true,
        entries,
        associations: Vec::new(),
    });
    id
}

/// A custom ACL's initial entries: deny everything.
pub fn custom_entries(has_ipv6: bool) -> Vec<Entry> {
    let mut entries = vec![deny_all_v4(false), deny_all_v4(true)];
    if has_ipv6 {
        entries.extend(ipv6_entries(false));
    }
    entries
}

/// When a VPC gains IPv6, its ACLs gain the IPv6 rules (the allow only in the default ACL).
pub fn on_ipv6_added(w: &mut World, vpc_id: &str) {
    for acl in w.network_acls.values_mut().filter(|a| a.vpc_id == vpc_id) {
        if acl
            .entries
            .iter()
            .any(|e| matches!(e.cidr, EntryCidr::V6(_)))
        {
            continue;
        }
        acl.entries.extend(ipv6_entries(acl.is_default));
    }
}
