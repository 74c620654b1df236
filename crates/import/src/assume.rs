//! What AWS always has but an export may leave out, assumed only when asked
//! (`openvpc import --assume-default-acls`). Every VPC has a default network ACL and every
//! subnet is associated with one; an export without `describe-network-acls` output leaves
//! its subnets with none, and the engine then answers `unknown` for every flow through
//! them rather than guess. Asked to assume, each such subnet is associated with its VPC's
//! default ACL — the imported one, else one made as AWS makes it (allow everything, both
//! directions). Batfish treats missing ACLs as permitting; this makes that choice explicit.

use std::collections::{BTreeMap, BTreeSet};

use openvpc_core::{nacl, World};

/// Subnets without a network ACL, by VPC (one pass over the ACLs' associations: an import
/// may hold tens of thousands of each).
fn subnets_without_acl(w: &World) -> BTreeMap<String, Vec<String>> {
    let associated: BTreeSet<&str> = w
        .network_acls
        .values()
        .flat_map(|a| a.associations.iter().map(|s| s.subnet_id.as_str()))
        .collect();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in w.subnets.values() {
        if !associated.contains(s.id.as_str()) {
            out.entry(s.vpc_id.clone()).or_default().push(s.id.clone());
        }
    }
    out
}

/// How many subnets have no network ACL (the export had none for them).
pub fn count_without_acl(w: &World) -> usize {
    subnets_without_acl(w).values().map(Vec::len).sum()
}

/// Associates every subnet without a network ACL with its VPC's default ACL, made as AWS
/// makes it when the VPC has none imported. Returns (subnets, default ACLs made).
pub fn default_acls(w: &mut World) -> (usize, usize) {
    let (mut subnets, mut made) = (0, 0);
    for (vpc_id, ids) in subnets_without_acl(w) {
        let Some(scope) = w.vpcs.get(&vpc_id).map(|v| v.scope.clone()) else {
            continue;
        };
        if !w
            .network_acls
            .values()
            .any(|a| a.vpc_id == vpc_id && a.is_default)
        {
            nacl::create_default(w, &scope, &vpc_id);
            made += 1;
        }
        for id in ids {
            nacl::associate_default(w, &vpc_id, &id);
            subnets += 1;
        }
    }
    (subnets, made)
}
