//! CreateRoute, ReplaceRoute, DeleteRoute: destination rules, the local route's slot, the
//! routes quota.

use ipnet::{Ipv4Net, Ipv6Net};

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::{prefix_list, vpc, Output};

use super::model::{Destination, Origin, Route, RouteParams, RouteTable, Target};
use super::params::{destination_of, require_target};
use super::tables::get;
use super::targets::{check_target, endpoint_managed};

/// CreateRoute: a new destination, a target other than `local`, the routes quota.
pub(super) fn create(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let scope = ctx.scope();
    let table = get(w, scope, rtb_id)?;
    let dest = destination_of(p)?;
    let target = require_target(p)?;
    check_destination(w, scope, &dest)?;
    if table
        .routes
        .iter()
        .any(|r| r.destination == dest && !r.is_propagated())
    {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!("The route identified by {dest} already exists."),
        ));
    }
    let vpc = vpc::get(w, scope, &table.vpc_id)?;
    if target == Target::Local {
        return Err(ApiError::invalid_value(
            "The target 'local' cannot be used with CreateRoute: local routes are created with the VPC's CIDR blocks.",
        ));
    }
    check_more_specific(w, vpc, &dest, &target)?;
    check_target(w, ctx, table, &dest, &target)?;
    check_quota(w, ctx, table, &dest)?;
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .push(Route {
            destination: dest,
            target,
            origin: Origin::CreateRoute,
        });
    Ok(Output::Done)
}

/// The routes-per-table quota, when configured: `CreateRoute` routes of the new route's
/// address family, a prefix list counting by its `MaxEntries`.
fn check_quota(w: &World, ctx: &Ctx, table: &RouteTable, dest: &Destination) -> Result<()> {
    let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::ROUTES_PER_TABLE)
    else {
        return Ok(());
    };
    let count: usize = table
        .routes
        .iter()
        .filter(|r| r.origin == Origin::CreateRoute && family(w, &r.destination) == family(w, dest))
        .map(|r| weight(w, &r.destination))
        .sum();
    if count + weight(w, dest) > limit as usize {
        return Err(ApiError::limit(
            ErrorCode::RouteLimitExceeded,
            "routes",
            limit,
        ));
    }
    Ok(())
}

/// ReplaceRoute: an existing destination gets a new target; a VPC block's route takes only
/// a middlebox or `local` back.
pub(super) fn replace(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let scope = ctx.scope();
    let table = get(w, scope, rtb_id)?;
    let dest = destination_of(p)?;
    let target = require_target(p)?;
    check_destination(w, scope, &dest)?;
    let index = table
        .routes
        .iter()
        .position(|r| r.destination == dest && !r.is_propagated())
        .ok_or_else(|| {
            ApiError::invalid_value(format!(
                "There is no route defined for '{dest}' in the route table. Use CreateRoute instead."
            ))
        })?;
    let existing = &table.routes[index];
    if matches!(existing.target, Target::GatewayEndpoint(_)) {
        return Err(endpoint_managed(&dest, rtb_id));
    }
    if existing.is_local_slot() {
        match &target {
            Target::Local => {}
            Target::NetworkInterface(_) | Target::VpcEndpoint(_) => {
                check_target(w, ctx, table, &dest, &target)?
            }
            _ => {
                return Err(unsupported_local_target(
                    "network interface and Gateway Load Balancer endpoint",
                ))
            }
        }
    } else {
        let vpc = vpc::get(w, scope, &table.vpc_id)?;
        check_more_specific(w, vpc, &dest, &target)?;
        check_target(w, ctx, table, &dest, &target)?;
    }
    w.route_tables.get_mut(rtb_id).expect("checked").routes[index].target = target;
    Ok(Output::Done)
}

/// DeleteRoute: any route but a VPC block's and a gateway endpoint's.
pub(super) fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let table = get(w, ctx.scope(), rtb_id)?;
    let dest = destination_of(p)?;
    let route = table
        .routes
        .iter()
        .find(|r| r.destination == dest && !r.is_propagated())
        .ok_or_else(|| {
            let kind = match dest {
                Destination::V4(_) => "destination-cidr-block",
                Destination::V6(_) => "destination-ipv6-cidr-block",
                Destination::PrefixList(_) => "destination-prefix-list-id",
            };
            ApiError::new(
                ErrorCode::InvalidRouteNotFound,
                format!("no route with {kind} {dest} in route table {rtb_id}"),
            )
        })?;
    if route.is_local_slot() {
        return Err(ApiError::invalid_value(format!(
            "cannot remove local route {dest} in route table {rtb_id}"
        )));
    }
    if matches!(route.target, Target::GatewayEndpoint(_)) {
        return Err(endpoint_managed(&dest, rtb_id));
    }
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .retain(|r| r.destination != dest || r.is_propagated());
    Ok(Output::Done)
}

fn reserved_v4() -> Ipv4Net {
    "169.254.168.0/22".parse().expect("constant")
}

fn reserved_v6() -> Ipv6Net {
    "fd00:ec2::/32".parse().expect("constant")
}

/// Destination rules independent of the table's routes: reserved ranges, prefix lists.
fn check_destination(w: &World, scope: &Scope, dest: &Destination) -> Result<()> {
    let reserved = match dest {
        Destination::V4(c) => reserved_v4().contains(c),
        Destination::V6(c) => reserved_v6().contains(c),
        Destination::PrefixList(id) => {
            if !prefix_list::exists_for(w, scope, id) {
                return Err(Kind::PrefixList.not_found(id));
            }
            if prefix_list::is_aws_managed(w, id) {
                return Err(ApiError::invalid_value(format!(
                    "The prefix list {id} is managed by AWS; routes to it are added by gateway VPC endpoints."
                )));
            }
            false
        }
    };
    if reserved {
        return Err(ApiError::invalid_value(format!(
            "The destination CIDR block {dest} is reserved by AWS and cannot be used in a route."
        )));
    }
    Ok(())
}

/// Middlebox targets: the only ones a route more specific than (or replacing) the local
/// route may use.
fn is_middlebox(target: &Target) -> bool {
    matches!(
        target,
        Target::NatGateway(_) | Target::NetworkInterface(_) | Target::VpcEndpoint(_)
    )
}

/// A new route more specific than a VPC block must be to an entire subnet CIDR of the
/// VPC and through a middlebox (NAT gateway, ENI, GWLB endpoint).
fn check_more_specific(
    w: &World,
    vpc: &vpc::Vpc,
    dest: &Destination,
    target: &Target,
) -> Result<()> {
    let (inside, subnet_cidr) = match dest {
        Destination::V4(d) => (
            vpc.cidrs.iter().any(|b| b.cidr.contains(d) && b.cidr != *d),
            w.subnets
                .values()
                .any(|s| s.vpc_id == vpc.id && s.cidr == Some(*d)),
        ),
        Destination::V6(d) => (
            vpc.ipv6_cidrs
                .iter()
                .any(|b| b.cidr.contains(d) && b.cidr != *d),
            w.subnets
                .values()
                .any(|s| s.vpc_id == vpc.id && s.ipv6_cidrs.iter().any(|c| c.cidr == *d)),
        ),
        Destination::PrefixList(_) => (false, false),
    };
    if !inside {
        return Ok(());
    }
    if !subnet_cidr {
        return Err(ApiError::invalid_value(format!(
            "The destination CIDR block {dest} is more specific than the local route of the VPC. Only a route to the entire CIDR block of a subnet of the VPC can be more specific than the local route."
        )));
    }
    if !is_middlebox(target) {
        return Err(unsupported_local_target(
            "NAT gateway, network interface and Gateway Load Balancer endpoint",
        ));
    }
    Ok(())
}

fn unsupported_local_target(kinds: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Route target is not supported. This route only supports {kinds} targets."
    ))
}

/// The address family a destination routes (a prefix list's declared family), for the
/// per-table quota.
fn family(w: &World, dest: &Destination) -> u8 {
    match dest {
        Destination::V6(_) => 6,
        Destination::PrefixList(id) => match prefix_list::address_family(w, id) {
            Some(prefix_list::AddressFamily::IPv6) => 6,
            _ => 4,
        },
        Destination::V4(_) => 4,
    }
}

/// How many routes a destination counts for against the routes quota: a prefix list counts
/// by its `MaxEntries`.
fn weight(w: &World, dest: &Destination) -> usize {
    match dest {
        Destination::PrefixList(id) => prefix_list::max_entries(w, id).max(1) as usize,
        _ => 1,
    }
}
