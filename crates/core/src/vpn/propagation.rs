//! Route propagation (EnableVgwRoutePropagation / DisableVgwRoutePropagation): a table that
//! propagates a virtual private gateway attached to its VPC holds one route per static
//! route of the gateway's live VPN connections, origin `EnableVgwRoutePropagation`.
//! [`sync`] is the one place those routes are written.

use ipnet::Ipv4Net;

use crate::error::{ApiError, ErrorCode, Result};
use crate::route::{self, Destination, Origin, Route, Target};
use crate::world::{Ctx, World};
use crate::Output;

use super::gateways;
use super::model::State;

/// The customer-side ranges a virtual private gateway leads to: the static routes of its
/// live VPN connections, in order, without repeats.
pub fn on_premises_ranges(w: &World, vgw_id: &str) -> Vec<Ipv4Net> {
    let mut ranges: Vec<Ipv4Net> = w
        .vpn_connections
        .values()
        .filter(|c| c.vpn_gateway_id == vgw_id && c.state == State::Available)
        .flat_map(|c| c.routes.iter().map(|r| r.destination))
        .collect();
    ranges.sort();
    ranges.dedup();
    ranges
}

/// Rewrites the propagated routes of `vgw_id` in every table: none unless the table
/// propagates the gateway and the gateway is attached to the table's VPC.
pub(super) fn sync(w: &mut World, vgw_id: &str) {
    if vgw_id.is_empty() {
        // A transit gateway's connection: its routes propagate as the attachment's.
        return;
    }
    let attached = w
        .vpn_gateways
        .get(vgw_id)
        .filter(|g| g.state == State::Available)
        .and_then(|g| g.attached_vpc())
        .map(str::to_string);
    let ranges = on_premises_ranges(w, vgw_id);
    let target = Target::Gateway(vgw_id.to_string());
    for t in w.route_tables.values_mut() {
        let propagates = t.propagating_vgws.iter().any(|g| g == vgw_id);
        let had = t
            .routes
            .iter()
            .any(|r| r.is_propagated() && r.target == target);
        if !propagates && !had {
            continue;
        }
        t.routes
            .retain(|r| !(r.is_propagated() && r.target == target));
        if propagates && attached.as_deref() == Some(t.vpc_id.as_str()) {
            t.routes.extend(ranges.iter().map(|c| Route {
                destination: Destination::V4(*c),
                target: target.clone(),
                origin: Origin::EnableVgwRoutePropagation,
            }));
        }
    }
}

/// EnableVgwRoutePropagation: the gateway must be attached to the table's VPC.
pub(super) fn enable(w: &mut World, ctx: &Ctx, vgw_id: &str, rtb_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let table = route::get(w, scope, rtb_id)?;
    let vgw = gateways::get(w, scope, vgw_id)?;
    if vgw.attached_vpc() != Some(table.vpc_id.as_str()) {
        return Err(ApiError::new(
            ErrorCode::GatewayNotAttached,
            format!(
                "resource {vgw_id} is not attached to network {}",
                table.vpc_id
            ),
        ));
    }
    let t = w.route_tables.get_mut(rtb_id).expect("checked");
    if !t.propagating_vgws.iter().any(|g| g == vgw_id) {
        t.propagating_vgws.push(vgw_id.to_string());
    }
    sync(w, vgw_id);
    Ok(Output::Done)
}

/// DisableVgwRoutePropagation: the gateway's routes leave the table.
pub(super) fn disable(w: &mut World, ctx: &Ctx, vgw_id: &str, rtb_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    route::get(w, scope, rtb_id)?;
    gateways::get(w, scope, vgw_id)?;
    let t = w.route_tables.get_mut(rtb_id).expect("checked");
    t.propagating_vgws.retain(|g| g != vgw_id);
    sync(w, vgw_id);
    Ok(Output::Done)
}
