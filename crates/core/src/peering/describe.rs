//! DescribeVpcPeeringConnections: the caller's view, its filters and the values each
//! filter matches.

use std::collections::BTreeSet;

use super::find;
use super::model::Peering;
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags;
use crate::world::{Ctx, World};

/// Filters DescribeVpcPeeringConnections accepts.
pub const FILTERS: &[&str] = &[
    "accepter-vpc-info.cidr-block",
    "accepter-vpc-info.owner-id",
    "accepter-vpc-info.vpc-id",
    "expiration-time",
    "requester-vpc-info.cidr-block",
    "requester-vpc-info.owner-id",
    "requester-vpc-info.vpc-id",
    "status-code",
    "status-message",
    "vpc-peering-connection-id",
];

/// DescribeVpcPeeringConnections in the caller's view. Filters on a VPC id use the index.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Peering>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let by_vpc = filters.iter().find(|f| {
        matches!(
            f.name.as_str(),
            "requester-vpc-info.vpc-id" | "accepter-vpc-info.vpc-id"
        ) && f.values.iter().all(|v| !v.contains(['*', '?', '\\']))
    });
    let candidates: Vec<&Peering> = if !ids.is_empty() {
        ids.iter()
            .map(|id| find(w, ctx, id))
            .collect::<Result<_>>()?
    } else if let Some(f) = by_vpc {
        let mut set = BTreeSet::new();
        for v in &f.values {
            set.extend(w.peerings.of_vpc(v).map(|p| p.id.as_str()));
        }
        set.into_iter()
            .filter_map(|id| w.peerings.get(id))
            .filter(|p| p.visible_to(scope, ctx.now))
            .collect()
    } else {
        w.peerings
            .in_scope(scope)
            .filter(|p| p.visible_to(scope, ctx.now))
            .collect()
    };
    Ok(candidates
        .into_iter()
        .filter(|p| filter::matches(filters, tags::of(w, scope, &p.id), |name| field(p, name)))
        .collect())
}

/// Whether the accepter's CIDR blocks are disclosed (from acceptance on).
pub fn discloses_accepter_cidrs(p: &Peering) -> bool {
    p.accepted.is_some()
}

fn field(p: &Peering, name: &str) -> Vec<String> {
    match name {
        "accepter-vpc-info.cidr-block" if discloses_accepter_cidrs(p) => {
            p.accepter_blocks.v4.iter().map(|c| c.to_string()).collect()
        }
        "accepter-vpc-info.owner-id" => filter::s(&p.accepter.account),
        "accepter-vpc-info.vpc-id" => filter::s(&p.accepter.vpc_id),
        "requester-vpc-info.cidr-block" => p
            .requester_blocks
            .v4
            .iter()
            .map(|c| c.to_string())
            .collect(),
        "requester-vpc-info.owner-id" => filter::s(&p.requester.account),
        "requester-vpc-info.vpc-id" => filter::s(&p.requester.vpc_id),
        "status-code" => filter::s(p.status.as_str()),
        "status-message" => filter::s(&p.message),
        "vpc-peering-connection-id" => filter::s(&p.id),
        _ => Vec::new(),
    }
}
