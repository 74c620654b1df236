//! DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeAddresses and
//! DescribeNatGateways (filters and fields), and a NAT gateway's address status.

use std::net::Ipv4Addr;

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::world::{Ctx, World};

use super::addresses::{address_instance, find_address};
use super::internet::get_igw;
use super::{Address, EgressOnlyGateway, InternetGateway, NatGateway, NatState};

/// Filters DescribeInternetGateways accepts.
pub const IGW_FILTERS: &[&str] = &[
    "attachment.state",
    "attachment.vpc-id",
    "internet-gateway-id",
    "owner-id",
];

/// DescribeInternetGateways: explicit ids must all exist; then filters.
pub fn describe_igws<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w InternetGateway>> {
    filter::check_names(filters, IGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .internet_gateways
        .pick(scope, ids, |id| get_igw(w, scope, id))?;
    Ok(filter::tagged(
        w,
        scope,
        candidates,
        filters,
        |g, name| match name {
            "attachment.state" => g.attachment.iter().map(|_| "available".into()).collect(),
            "attachment.vpc-id" => filter::opt(g.attachment.clone()),
            "internet-gateway-id" => filter::s(&g.id),
            "owner-id" => filter::s(&g.scope.account),
            _ => Vec::new(),
        },
    ))
}

/// Filters DescribeEgressOnlyInternetGateways accepts (tags only).
pub const EIGW_FILTERS: &[&str] = &[];

/// DescribeEgressOnlyInternetGateways.
pub fn describe_eigws<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w EgressOnlyGateway>> {
    filter::check_names(filters, EIGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.egress_only_gateways.pick(scope, ids, |id| {
        w.egress_only_gateways
            .get_in(scope, id)
            .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(id))
    })?;
    Ok(filter::tagged(w, scope, candidates, filters, |_, _| {
        Vec::new()
    }))
}

/// Filters DescribeAddresses accepts.
pub const ADDRESS_FILTERS: &[&str] = &[
    "allocation-id",
    "association-id",
    "domain",
    "instance-id",
    "network-border-group",
    "network-interface-id",
    "network-interface-owner-id",
    "private-ip-address",
    "public-ip",
];

/// DescribeAddresses: explicit allocation ids and public IPs must all exist.
pub fn describe_addresses<'w>(
    w: &'w World,
    ctx: &Ctx,
    allocation_ids: &[String],
    public_ips: &[Ipv4Addr],
    filters: &[Filter],
) -> Result<Vec<&'w Address>> {
    filter::check_names(filters, ADDRESS_FILTERS)?;
    let scope = ctx.scope();
    let mut candidates: Vec<&Address> = Vec::new();
    for id in allocation_ids {
        candidates.push(find_address(w, scope, Some(id), None)?);
    }
    for ip in public_ips {
        candidates.push(find_address(w, scope, None, Some(*ip))?);
    }
    if allocation_ids.is_empty() && public_ips.is_empty() {
        candidates = w.addresses.in_scope(scope).collect();
    } else {
        candidates.sort_by(|a, b| a.id.cmp(&b.id));
        candidates.dedup_by(|a, b| a.id == b.id);
    }
    Ok(filter::tagged(w, scope, candidates, filters, |a, name| {
        address_field(w, a, name)
    }))
}

fn address_field(w: &World, a: &Address, name: &str) -> Vec<String> {
    let assoc = a.association.as_ref();
    match name {
        "allocation-id" => filter::s(&a.id),
        "association-id" => filter::opt(assoc.map(|x| x.association_id.clone())),
        "domain" => filter::s("vpc"),
        "instance-id" => filter::opt(address_instance(w, a)),
        "network-border-group" => filter::s(&a.scope.region),
        "network-interface-id" => filter::opt(assoc.map(|x| x.network_interface_id.clone())),
        "network-interface-owner-id" => filter::opt(assoc.map(|_| a.scope.account.clone())),
        "private-ip-address" => filter::opt(assoc.map(|x| x.private_ip.to_string())),
        "public-ip" => filter::s(a.public_ip.to_string()),
        _ => Vec::new(),
    }
}

/// Filters DescribeNatGateways accepts.
pub const NAT_FILTERS: &[&str] = &["nat-gateway-id", "state", "subnet-id", "vpc-id"];

/// DescribeNatGateways (deleted and failed gateways stay visible until purged).
pub fn describe_nats<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NatGateway>> {
    filter::check_names(filters, NAT_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.nat_gateways.pick(scope, ids, |id| {
        w.nat_gateways
            .get_in(scope, id)
            .ok_or_else(|| Kind::NatGateway.not_found(id))
    })?;
    Ok(filter::tagged(
        w,
        scope,
        candidates,
        filters,
        |n, name| match name {
            "nat-gateway-id" => filter::s(&n.id),
            "state" => filter::s(n.state.as_str()),
            "subnet-id" => filter::s(&n.subnet_id),
            "vpc-id" => filter::s(&n.vpc_id),
            _ => Vec::new(),
        },
    ))
}

/// The `status` of a NAT gateway's address as DescribeNatGateways shows it.
pub fn nat_address_status(n: &NatGateway) -> &'static str {
    match (n.state, n.public) {
        (NatState::Pending, true) => "associating",
        (NatState::Pending, false) => "assigning",
        (NatState::Deleting, true) => "disassociating",
        (NatState::Deleting, false) => "unassigning",
        (NatState::Failed, _) => "failed",
        (NatState::Available | NatState::Deleted, _) => "succeeded",
    }
}
