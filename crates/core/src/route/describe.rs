//! DescribeRouteTables: its filters and the values each filter matches.

use crate::filter::{self, Filter};
use crate::world::{Ctx, World};
use crate::Result;

use super::model::{gateway_id_of, Association, Destination, Route, RouteTable, Target};
use super::tables::get;
use super::targets::route_state_in;

/// Filters DescribeRouteTables accepts.
pub const FILTERS: &[&str] = &[
    "association.gateway-id",
    "association.route-table-association-id",
    "association.route-table-id",
    "association.subnet-id",
    "association.main",
    "owner-id",
    "route-table-id",
    "route.destination-cidr-block",
    "route.destination-ipv6-cidr-block",
    "route.destination-prefix-list-id",
    "route.egress-only-internet-gateway-id",
    "route.gateway-id",
    "route.instance-id",
    "route.nat-gateway-id",
    "route.transit-gateway-id",
    "route.origin",
    "route.state",
    "route.vpc-peering-connection-id",
    "vpc-id",
];

/// DescribeRouteTables: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w RouteTable>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.route_tables.pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |t, name| {
        field(w, t, name)
    }))
}

/// The values of filter `name` for table `t`.
fn field(w: &World, t: &RouteTable, name: &str) -> Vec<String> {
    let assoc = |f: fn(&Association) -> Option<String>| -> Vec<String> {
        t.associations.iter().filter_map(f).collect()
    };
    let route = |f: &dyn Fn(&Route) -> Option<String>| -> Vec<String> {
        t.routes.iter().filter_map(f).collect()
    };
    if let Some(pick) = target_filter(name) {
        return route(&|r: &Route| pick(&r.target).cloned());
    }
    match name {
        "association.gateway-id" => assoc(|a| a.gateway_id.clone()),
        "association.route-table-association-id" => assoc(|a| Some(a.id.clone())),
        "association.route-table-id" => t.associations.iter().map(|_| t.id.clone()).collect(),
        "association.subnet-id" => assoc(|a| a.subnet_id.clone()),
        "association.main" => assoc(|a| Some(a.main.to_string())),
        "owner-id" => filter::s(&t.scope.account),
        "route-table-id" => filter::s(&t.id),
        "route.destination-cidr-block" => route(&|r| match &r.destination {
            Destination::V4(c) => Some(c.to_string()),
            _ => None,
        }),
        "route.destination-ipv6-cidr-block" => route(&|r| match &r.destination {
            Destination::V6(c) => Some(c.to_string()),
            _ => None,
        }),
        "route.destination-prefix-list-id" => route(&|r| match &r.destination {
            Destination::PrefixList(id) => Some(id.clone()),
            _ => None,
        }),
        "route.gateway-id" => route(&|r| gateway_id_of(&r.target).map(str::to_string)),
        "route.origin" => route(&|r| Some(r.origin.as_str().to_string())),
        "route.state" => route(&|r| Some(route_state_in(w, t, r).to_string())),
        "vpc-id" => filter::s(&t.vpc_id),
        _ => Vec::new(),
    }
}

/// The target-id filters: which target's id each one matches.
fn target_filter(name: &str) -> Option<fn(&Target) -> Option<&String>> {
    Some(match name {
        "route.egress-only-internet-gateway-id" => |t| match t {
            Target::EgressOnlyInternetGateway(id) => Some(id),
            _ => None,
        },
        "route.instance-id" => |t| match t {
            Target::Instance(id) => Some(id),
            _ => None,
        },
        "route.nat-gateway-id" => |t| match t {
            Target::NatGateway(id) => Some(id),
            _ => None,
        },
        "route.transit-gateway-id" => |t| match t {
            Target::TransitGateway(id) => Some(id),
            _ => None,
        },
        "route.vpc-peering-connection-id" => |t| match t {
            Target::VpcPeeringConnection(id) => Some(id),
            _ => None,
        },
        _ => return None,
    })
}
