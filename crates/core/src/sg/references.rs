//! References to other groups (§1.8) and the one rule of when such a reference is stale.
//!
//! A rule may name a group of its own VPC, or of a VPC in the same Region joined to its
//! own by an `active` peering connection. When the referenced group is deleted, or the
//! peering goes away, the rule stays but is *stale*: it matches nothing, is listed by
//! DescribeStaleSecurityGroups, and no longer keeps the referenced group from deletion.
//! [`referenced_group`] decides this for every reader: the describe actions here and
//! the reachability engine (`crates/reach`), which
//! resolves references with [`referenced_group_given`] over its index of
//! [`linked_vpc_pairs`] and watches that set to know which groups a peering change
//! re-resolves.

use std::collections::BTreeSet;

use super::groups::get;
use super::model::{Peer, Rule, SecurityGroup};
use crate::error::{ApiError, Result};
use crate::peering::Peering;
use crate::world::{Ctx, World};

/// Whether a connection lets the groups of its two VPCs reference each other: it is
/// `active` and both ends are in one Region.
fn links_groups(p: &Peering) -> bool {
    p.status.is_active() && !p.is_inter_region()
}

/// The active same-Region peering joining two VPCs, if any.
pub fn active_link<'w>(w: &'w World, vpc_a: &str, vpc_b: &str) -> Option<&'w Peering> {
    w.peerings.between(vpc_a, vpc_b).find(|p| links_groups(p))
}

/// Every ordered pair of VPCs (both orders) joined by an active same-Region peering: the
/// pairs across which group references resolve.
pub fn linked_vpc_pairs(w: &World) -> impl Iterator<Item = (&str, &str)> {
    w.peerings
        .values()
        .filter(|p| links_groups(p))
        .flat_map(|p| {
            let (a, b) = (p.requester.vpc_id.as_str(), p.accepter.vpc_id.as_str());
            [(a, b), (b, a)]
        })
}

/// The group a reference of `owner` to `group_id` reaches, or None when the reference is
/// stale: the group is gone, or it lives in another VPC that no active same-Region
/// peering joins to `owner`'s.
pub fn referenced_group<'w>(
    w: &'w World,
    owner: &SecurityGroup,
    group_id: &str,
) -> Option<&'w SecurityGroup> {
    referenced_group_given(w, owner, group_id, |a, b| active_link(w, a, b).is_some())
}

/// [`referenced_group`] for readers that resolve many references at once and have
/// gathered [`linked_vpc_pairs`] beforehand: `linked(a, b)` must say whether that set
/// holds the pair (the engine keeps it as an index).
pub fn referenced_group_given<'w>(
    w: &'w World,
    owner: &SecurityGroup,
    group_id: &str,
    linked: impl FnOnce(&str, &str) -> bool,
) -> Option<&'w SecurityGroup> {
    let referenced = w.security_groups.get(group_id)?;
    (referenced.vpc_id == owner.vpc_id || linked(&owner.vpc_id, &referenced.vpc_id))
        .then_some(referenced)
}

/// Whether a rule of `group` references a group it can no longer reach (see
/// [`referenced_group`]). Non-group rules are never stale. Stale rules match nothing.
pub fn reference_is_stale(w: &World, group: &SecurityGroup, rule: &Rule) -> bool {
    match &rule.peer {
        Peer::Group { group_id, .. } => referenced_group(w, group, group_id).is_none(),
        _ => false,
    }
}

/// Whether another group of the same VPC as `id` references `id` through a rule that is
/// not stale; returns that group's id. References from peered VPCs do not count: AWS lets
/// the group go and those rules become stale.
pub(super) fn referenced_by(w: &World, id: &str) -> Option<String> {
    let vpc_id = &w.security_groups.get(id)?.vpc_id;
    w.security_groups.values().find_map(|g| {
        if g.id == id || &g.vpc_id != vpc_id {
            return None;
        }
        g.ingress
            .iter()
            .chain(g.egress.iter())
            .any(|r| {
                matches!(&r.peer, Peer::Group { group_id, .. } if group_id == id)
                    && !reference_is_stale(w, g, r)
            })
            .then(|| g.id.clone())
    })
}

/// How a group reference is shown (`groups` items, `referencedGroupInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceInfo {
    pub group_id: String,
    pub user_id: String,
    pub group_name: Option<String>,
    /// Set for a group in another VPC.
    pub vpc_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    /// `active`, `deleted`, … for a group in another VPC.
    pub peering_status: Option<String>,
}

/// The display of a group peer of a rule of `owner` (None for non-group peers).
pub fn reference_info(w: &World, owner: &SecurityGroup, peer: &Peer) -> Option<ReferenceInfo> {
    let Peer::Group {
        group_id,
        user_id,
        vpc_id,
        vpc_peering_connection_id,
    } = peer
    else {
        return None;
    };
    let referenced = w.security_groups.get(group_id);
    let ref_vpc = referenced.map(|g| g.vpc_id.clone()).or(vpc_id.clone());
    let cross = ref_vpc.as_ref().is_some_and(|v| v != &owner.vpc_id);
    let (pcx, status) = if cross {
        let ref_vpc = ref_vpc.clone().expect("cross implies known");
        match active_link(w, &owner.vpc_id, &ref_vpc) {
            Some(p) => (Some(p.id.clone()), Some("active".to_string())),
            None => {
                let status = vpc_peering_connection_id
                    .as_ref()
                    .and_then(|id| w.peerings.get(id))
                    .map(|p| p.status.as_str())
                    .filter(|s| *s != "active")
                    .unwrap_or("deleted");
                (vpc_peering_connection_id.clone(), Some(status.to_string()))
            }
        }
    } else {
        (None, None)
    };
    Some(ReferenceInfo {
        group_id: group_id.clone(),
        user_id: user_id.clone(),
        group_name: referenced
            .filter(|g| g.scope == owner.scope)
            .map(|g| g.name.clone()),
        vpc_id: if cross { ref_vpc } else { None },
        vpc_peering_connection_id: pcx,
        peering_status: status,
    })
}

/// A group of DescribeStaleSecurityGroups with its stale rules.
#[derive(Debug, Clone)]
pub struct StaleGroup<'w> {
    pub group: &'w SecurityGroup,
    pub ingress: Vec<&'w Rule>,
    pub egress: Vec<&'w Rule>,
}

/// DescribeStaleSecurityGroups: the caller's groups of `vpc_id` with stale references.
pub fn stale<'w>(w: &'w World, ctx: &Ctx, vpc_id: &str) -> Result<Vec<StaleGroup<'w>>> {
    let scope = ctx.scope();
    crate::vpc::get(w, scope, vpc_id)?;
    Ok(w.security_groups
        .in_scope(scope)
        .filter(|g| g.vpc_id == vpc_id)
        .filter_map(|g| {
            let pick = |rules: &'w [Rule]| -> Vec<&'w Rule> {
                rules
                    .iter()
                    .filter(|r| reference_is_stale(w, g, r))
                    .collect()
            };
            let s = StaleGroup {
                group: g,
                ingress: pick(&g.ingress),
                egress: pick(&g.egress),
            };
            (!s.ingress.is_empty() || !s.egress.is_empty()).then_some(s)
        })
        .collect())
}

/// One item of DescribeSecurityGroupReferences.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    pub group_id: String,
    pub referencing_vpc_id: String,
    pub vpc_peering_connection_id: String,
}

/// DescribeSecurityGroupReferences: other VPCs' groups referencing the caller's groups
/// through an active peering.
pub fn references(w: &World, ctx: &Ctx, group_ids: &[String]) -> Result<Vec<Reference>> {
    let scope = ctx.scope();
    if group_ids.is_empty() {
        return Err(ApiError::missing("GroupId"));
    }
    let mut out = BTreeSet::new();
    for id in group_ids {
        let target = get(w, scope, id)?;
        for g in w.security_groups.values() {
            if g.vpc_id == target.vpc_id {
                continue;
            }
            let refers = g
                .ingress
                .iter()
                .chain(g.egress.iter())
                .any(|r| matches!(&r.peer, Peer::Group { group_id, .. } if group_id == id));
            if !refers {
                continue;
            }
            if let Some(p) = active_link(w, &g.vpc_id, &target.vpc_id) {
                out.insert(Reference {
                    group_id: id.clone(),
                    referencing_vpc_id: g.vpc_id.clone(),
                    vpc_peering_connection_id: p.id.clone(),
                });
            }
        }
    }
    Ok(out.into_iter().collect())
}
