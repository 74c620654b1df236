//! DescribeVpcs: its filters and the values each filter matches.

use super::model::Vpc;
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::world::{Ctx, World};

/// Filters DescribeVpcs accepts.
pub const FILTERS: &[&str] = &[
    "cidr",
    "cidr-block-association.cidr-block",
    "cidr-block-association.association-id",
    "cidr-block-association.state",
    "dhcp-options-id",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.ipv6-pool",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
    "is-default",
    "owner-id",
    "state",
    "vpc-id",
];

/// DescribeVpcs: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Vpc>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpcs.pick(scope, ids, |id| super::get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |v, name| {
        field(v, name)
    }))
}

fn field(v: &Vpc, name: &str) -> Vec<String> {
    match name {
        "cidr" => filter::s(v.primary_cidr().to_string()),
        "cidr-block-association.cidr-block" => v.cidrs.iter().map(|c| c.cidr.to_string()).collect(),
        "cidr-block-association.association-id" => {
            v.cidrs.iter().map(|c| c.association_id.clone()).collect()
        }
        "cidr-block-association.state" => v.cidrs.iter().map(|_| "associated".into()).collect(),
        "dhcp-options-id" => filter::s(&v.dhcp_options_id),
        "ipv6-cidr-block-association.ipv6-cidr-block" => {
            v.ipv6_cidrs.iter().map(|c| c.cidr.to_string()).collect()
        }
        "ipv6-cidr-block-association.ipv6-pool" => {
            v.ipv6_cidrs.iter().map(|_| "Amazon".into()).collect()
        }
        "ipv6-cidr-block-association.association-id" => v
            .ipv6_cidrs
            .iter()
            .map(|c| c.association_id.clone())
            .collect(),
        "ipv6-cidr-block-association.state" => {
            v.ipv6_cidrs.iter().map(|_| "associated".into()).collect()
        }
        "is-default" => filter::b(v.is_default),
        "owner-id" => filter::s(&v.scope.account),
        "state" => filter::s("available"),
        "vpc-id" => filter::s(&v.id),
        _ => Vec::new(),
    }
}
