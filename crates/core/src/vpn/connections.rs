//! Site-to-Site VPN connections: CreateVpnConnection (idempotent on an identical live
//! connection), DeleteVpnConnection, and their static routes
//! (Create/DeleteVpnConnectionRoute).

use ipnet::Ipv4Net;

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::model::{NewConnection, State, VpnConnection, VpnRoute};
use super::{customer, gateways, propagation};

/// The caller's live VPN connection `id`, or `InvalidVpnConnectionID.NotFound`.
fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w VpnConnection> {
    w.vpn_connections
        .get_in(scope, id)
        .filter(|c| c.state == State::Available)
        .ok_or_else(|| Kind::VpnConnection.not_found(id))
}

/// The gateway a new connection names: a virtual private gateway or a transit gateway
/// (exactly one), with its Amazon side ASN.
fn gateway_of(w: &World, ctx: &Ctx, new: &NewConnection) -> Result<(Gateway, u64)> {
    match (&new.vpn_gateway_id, &new.transit_gateway_id) {
        (Some(_), Some(_)) => Err(ApiError::new(
            ErrorCode::InvalidParameterCombination,
            "Specify either VpnGatewayId or TransitGatewayId, not both.",
        )),
        (None, None) => Err(ApiError::new(
            ErrorCode::MissingParameter,
            "The request must contain the parameter VpnGatewayId or TransitGatewayId",
        )),
        (Some(vgw_id), None) => {
            let vgw = gateways::get(w, ctx.scope(), vgw_id)?;
            Ok((Gateway::Vgw(vgw_id.clone()), vgw.amazon_side_asn))
        }
        (None, Some(tgw_id)) => {
            let asn = w.transit_gateway_for_vpn(ctx, tgw_id)?;
            Ok((Gateway::Tgw(tgw_id.clone()), asn))
        }
    }
}

/// The AWS end of a connection.
#[derive(PartialEq)]
enum Gateway {
    Vgw(String),
    Tgw(String),
}

impl Gateway {
    fn of(c: &VpnConnection) -> Gateway {
        match &c.transit_gateway_id {
            Some(t) => Gateway::Tgw(t.clone()),
            None => Gateway::Vgw(c.vpn_gateway_id.clone()),
        }
    }

    fn id(&self) -> &str {
        match self {
            Gateway::Vgw(id) | Gateway::Tgw(id) => id,
        }
    }
}

/// CreateVpnConnection to a virtual private gateway, or to a transit gateway (which gets a
/// VPN attachment through the world's hook).
pub(super) fn create(w: &mut World, ctx: &Ctx, new: NewConnection) -> Result<Output> {
    let scope = ctx.scope();
    tags::check_specs(&new.tags, "vpn-connection")?;
    let cgw = customer::get(w, scope, &new.customer_gateway_id)?;
    if cgw.state != State::Available {
        return Err(ApiError::new(
            ErrorCode::InvalidCustomerGatewayState,
            format!("The customer gateway {} is not available.", cgw.id),
        ));
    }
    let (gateway, amazon_asn) = gateway_of(w, ctx, &new)?;
    let gw_id = gateway.id().to_string();
    if !new.static_routes_only && cgw.bgp_asn == amazon_asn {
        return Err(ApiError::new(
            ErrorCode::AsnConflict,
            format!(
                "The customer gateway ASN {} conflicts with the Amazon side ASN of {gw_id}.",
                cgw.bgp_asn
            ),
        ));
    }
    let any = crate::cidr::ANY_V4;
    let local = new.local_ipv4_network_cidr.unwrap_or(any);
    let remote = new.remote_ipv4_network_cidr.unwrap_or(any);
    let live = |c: &&VpnConnection| c.state == State::Available && Gateway::of(c) == gateway;
    if let Some(same) = w.vpn_connections.in_scope(scope).filter(live).find(|c| {
        c.customer_gateway_id == cgw.id
            && c.static_routes_only == new.static_routes_only
            && c.local_ipv4_network_cidr == local
            && c.remote_ipv4_network_cidr == remote
    }) {
        return Ok(Output::Id(same.id.clone()));
    }
    let cgw_ip = cgw.ip_address;
    if w.vpn_connections.in_scope(scope).filter(live).any(|c| {
        w.customer_gateways
            .get(&c.customer_gateway_id)
            .is_some_and(|g| g.ip_address == cgw_ip)
    }) {
        return Err(ApiError::new(
            ErrorCode::InvalidCustomerGatewayDuplicateIpAddress,
            format!("A VPN connection of {gw_id} already uses a customer gateway with the IP address {cgw_ip}."),
        ));
    }
    let id = w.ids.id(Kind::VpnConnection);
    let outside_ips = [w.counters.next_public_ip(), w.counters.next_public_ip()];
    let (vpn_gateway_id, transit_gateway_id) = match &gateway {
        Gateway::Vgw(v) => (v.clone(), None),
        Gateway::Tgw(t) => (String::new(), Some(t.clone())),
    };
    w.vpn_connections.insert(VpnConnection {
        id: id.clone(),
        scope: scope.clone(),
        customer_gateway_id: new.customer_gateway_id,
        vpn_gateway_id,
        transit_gateway_id: transit_gateway_id.clone(),
        static_routes_only: new.static_routes_only,
        local_ipv4_network_cidr: local,
        remote_ipv4_network_cidr: remote,
        outside_ips,
        routes: Vec::new(),
        state: State::Available,
        created: ctx.now,
        purge_at: None,
    });
    if let Some(tgw_id) = transit_gateway_id {
        w.on_vpn_connection_created(ctx, &tgw_id, &id);
    }
    tags::apply_specs(w, scope, &id, &new.tags);
    Ok(Output::Id(id))
}

/// DeleteVpnConnection: `deleted` at once; its routes leave the propagating tables (a
/// transit gateway's connection: its attachment goes `deleting`).
pub(super) fn delete(w: &mut World, ctx: &Ctx, vpn_id: &str) -> Result<Output> {
    let vgw_id = get(w, ctx.scope(), vpn_id)?.vpn_gateway_id.clone();
    let due = super::schedule_purge(w, ctx, vpn_id);
    let c = w.vpn_connections.get_mut(vpn_id).expect("checked");
    c.state = State::Deleted;
    c.purge_at = Some(due);
    propagation::sync(w, &vgw_id);
    w.on_vpn_connection_deleted(ctx, vpn_id);
    Ok(Output::Done)
}

/// The caller's live static-routes connection `vpn_id`.
fn static_connection<'w>(w: &'w World, ctx: &Ctx, vpn_id: &str) -> Result<&'w VpnConnection> {
    let c = get(w, ctx.scope(), vpn_id)?;
    if !c.static_routes_only {
        return Err(ApiError::new(
            ErrorCode::InvalidVpnConnectionInvalidType,
            format!("The VPN connection {vpn_id} does not support static routes: it was created with StaticRoutesOnly false (BGP)."),
        ));
    }
    Ok(c)
}

/// CreateVpnConnectionRoute: a new range on the customer's side.
pub(super) fn add_route(
    w: &mut World,
    ctx: &Ctx,
    vpn_id: &str,
    destination: Ipv4Net,
) -> Result<Output> {
    let c = static_connection(w, ctx, vpn_id)?;
    let destination = destination.trunc();
    if c.routes.iter().any(|r| r.destination == destination) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!("The route {destination} already exists on VPN connection {vpn_id}."),
        ));
    }
    let vgw_id = c.vpn_gateway_id.clone();
    let c = w.vpn_connections.get_mut(vpn_id).expect("checked");
    c.routes.push(VpnRoute { destination });
    propagation::sync(w, &vgw_id);
    Ok(Output::Done)
}

/// DeleteVpnConnectionRoute.
pub(super) fn remove_route(
    w: &mut World,
    ctx: &Ctx,
    vpn_id: &str,
    destination: Ipv4Net,
) -> Result<Output> {
    let c = static_connection(w, ctx, vpn_id)?;
    let destination = destination.trunc();
    if !c.routes.iter().any(|r| r.destination == destination) {
        return Err(ApiError::new(
            ErrorCode::InvalidRouteNotFound,
            format!("The route {destination} does not exist on VPN connection {vpn_id}."),
        ));
    }
    let vgw_id = c.vpn_gateway_id.clone();
    let c = w.vpn_connections.get_mut(vpn_id).expect("checked");
    c.routes.retain(|r| r.destination != destination);
    propagation::sync(w, &vgw_id);
    Ok(Output::Done)
}
