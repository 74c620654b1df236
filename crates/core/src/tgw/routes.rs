//! Routes of transit-gateway route tables: the routes a table holds in effect
//! ([`table_routes`]: static routes, and the VPC blocks of propagating attachments that no
//! static route to the same prefix overrides), the one lookup ([`lookup`]: longest prefix),
//! and Create/Delete/ReplaceTransitGatewayRoute.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, World};
use crate::Output;

use super::attachments;
use super::model::{
    AttachmentState, RouteTarget, RouteType, StaticRoute, TableRoute, TgwRouteTable,
};
use super::route_tables;

/// The blocks an attachment propagates: its VPC's IPv4 blocks, and its IPv6 blocks when the
/// attachment supports IPv6 (a VPN attachment: its connection's routes). Nothing unless the attachment is `available`.
pub fn propagated_blocks(w: &World, attachment_id: &str) -> Vec<IpNet> {
    let Some(a) = w
        .tgw_attachments
        .get(attachment_id)
        .filter(|a| a.state == AttachmentState::Available)
    else {
        return Vec::new();
    };
    if let Some(vpn) = &a.vpn_connection_id {
        return super::vpn_attachments::propagated_blocks(w, vpn);
    }
    let Some(vpc) = w.vpcs.get(&a.vpc_id) else {
        return Vec::new();
    };
    let mut blocks: Vec<IpNet> = vpc.cidrs.iter().map(|c| IpNet::V4(c.cidr)).collect();
    if a.options.ipv6_support {
        blocks.extend(vpc.ipv6_cidrs.iter().map(|c| IpNet::V6(c.cidr)));
    }
    blocks
}

/// The routes `t` holds in effect, static first, then the entries of its prefix-list
/// references, then propagated routes: of routes to one prefix a static route wins over a
/// prefix list's, which wins over a propagated one (AWS's route evaluation order); of two
/// prefix lists holding one prefix the reference made first wins, of two propagated routes
/// the first propagation enabled.
pub fn table_routes(w: &World, t: &TgwRouteTable) -> Vec<TableRoute> {
    let mut out: Vec<TableRoute> = t
        .routes
        .iter()
        .map(|r| TableRoute {
            destination: r.destination,
            attachment: r.target.attachment(),
            route_type: RouteType::Static,
            prefix_list_id: None,
        })
        .collect();
    super::prefix_list_refs::add_routes(w, t, &mut out);
    // The prefixes held so far (a set: a table may hold thousands of propagated routes).
    let mut held: std::collections::HashSet<IpNet> = out.iter().map(|r| r.destination).collect();
    for a in &t.propagations {
        for block in propagated_blocks(w, a) {
            if held.insert(block) {
                out.push(TableRoute {
                    destination: block,
                    attachment: Some(a.clone()),
                    route_type: RouteType::Propagated,
                    prefix_list_id: None,
                });
            }
        }
    }
    out
}

/// The route of `t` that `ip` takes: the longest matching prefix.
pub fn lookup(w: &World, t: &TgwRouteTable, ip: IpAddr) -> Option<TableRoute> {
    table_routes(w, t)
        .into_iter()
        .filter(|r| r.destination.contains(&ip))
        .max_by_key(|r| r.destination.prefix_len())
}

/// Refuses `extra` more routes when the gateway's tables already hold the quota's worth.
pub(super) fn check_route_quota(w: &World, ctx: &Ctx, tgw_id: &str, extra: usize) -> Result<()> {
    let Some(limit) = w.config.quotas.limit(ctx.account(), quota::ROUTES_PER_TGW) else {
        return Ok(());
    };
    let held: usize = w
        .tgw_route_tables
        .values()
        .filter(|t| t.transit_gateway_id == tgw_id && t.state.is_live())
        .map(|t| table_routes(w, t).len())
        .sum();
    if held + extra > limit as usize {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteLimitExceeded,
            format!("{tgw_id} has reached the limit of {limit} routes across its route tables."),
        ));
    }
    Ok(())
}

/// What a route request targets: exactly one of an attachment (live, on the table's
/// gateway) and `Blackhole`.
pub(super) fn target_of(
    w: &World,
    ctx: &Ctx,
    t: &TgwRouteTable,
    attachment_id: Option<String>,
    blackhole: bool,
) -> Result<RouteTarget> {
    match (attachment_id, blackhole) {
        (Some(_), true) => Err(ApiError::new(
            ErrorCode::InvalidParameterCombination,
            "Specify either TransitGatewayAttachmentId or Blackhole, not both.",
        )),
        (None, false) => Err(ApiError::missing("TransitGatewayAttachmentId")),
        (None, true) => Ok(RouteTarget::Blackhole),
        (Some(id), false) => {
            if super::peering::table_side(w, ctx, t, &id)?.is_some() {
                return Ok(RouteTarget::Attachment(id));
            }
            let a = attachments::get_visible(w, ctx.scope(), &id)?;
            if a.transit_gateway_id != t.transit_gateway_id {
                return Err(ApiError::invalid_value(format!(
                    "{id} and {} belong to different transit gateways.",
                    t.id
                )));
            }
            Ok(RouteTarget::Attachment(id))
        }
    }
}

/// CreateTransitGatewayRoute: a static route; one per prefix.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    destination: IpNet,
    attachment_id: Option<String>,
    blackhole: bool,
) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    let destination = destination.trunc();
    let target = target_of(w, ctx, t, attachment_id, blackhole)?;
    if t.routes.iter().any(|r| r.destination == destination) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!("Route {destination} already exists in Transit Gateway Route Table {rtb_id}."),
        ));
    }
    check_route_quota(w, ctx, &t.transit_gateway_id, 1)?;
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .push(StaticRoute {
            destination,
            target,
        });
    Ok(Output::Done)
}

/// The index of the static route to `destination` in `t`, or `InvalidRoute.NotFound`.
fn static_route(t: &TgwRouteTable, destination: &IpNet) -> Result<usize> {
    t.routes
        .iter()
        .position(|r| r.destination == *destination)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidRouteNotFound,
                format!(
                    "No route with destination-cidr-block {destination} in Transit Gateway Route Table {}",
                    t.id
                ),
            )
        })
}

/// DeleteTransitGatewayRoute: static routes only.
pub(super) fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str, destination: IpNet) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    let i = static_route(t, &destination.trunc())?;
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .remove(i);
    Ok(Output::Done)
}

/// ReplaceTransitGatewayRoute: a static route gets another target.
pub(super) fn replace(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    destination: IpNet,
    attachment_id: Option<String>,
    blackhole: bool,
) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    let i = static_route(t, &destination.trunc())?;
    let target = target_of(w, ctx, t, attachment_id, blackhole)?;
    w.tgw_route_tables.get_mut(rtb_id).expect("checked").routes[i].target = target;
    Ok(Output::Done)
}
