//! Virtual private gateways, customer gateways and Site-to-Site VPN connections (spec §13).
//!
//! Rules: a virtual private gateway is attached to at most one VPC and a VPC has at most one
//! (detached attachments stay listed); it is deleted only once detached and without live
//! connections. A customer gateway is the on-premises end; an identical request returns the
//! existing one. A VPN connection joins the two; no tunnel runs, so its static routes
//! (`StaticRoutesOnly`) are what lies on the customer's side. Route tables that propagate a
//! gateway (EnableVgwRoutePropagation) hold its connections' static routes as routes of
//! origin `EnableVgwRoutePropagation`, kept equal to the gateway's state by
//! [`propagation::sync`] after every change here. Deleted resources stay describable as
//! `deleted` for [`DELETED_RETENTION`], then a timer forgets them.
//!
//! Files: `model.rs` (data, commands), `gateways.rs` (virtual private gateways),
//! `customer.rs` (customer gateways), `connections.rs` (VPN connections and their static
//! routes), `propagation.rs` (route propagation into route tables), `describe.rs`.

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::{tags, Millis, Output};

mod connections;
mod customer;
mod describe;
mod gateways;
pub mod model;
mod propagation;

pub use describe::{
    describe_customer_gateways, describe_vpn_connections, describe_vpn_gateways, CGW_FILTERS,
    VGW_FILTERS, VPN_FILTERS,
};
pub use model::*;
pub use propagation::on_premises_ranges;

/// Applies a VPN command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateVpnGateway {
            availability_zone,
            amazon_side_asn,
            tags: specs,
        } => gateways::create(w, ctx, availability_zone, amazon_side_asn, &specs),
        Cmd::AttachVpnGateway {
            vpn_gateway_id,
            vpc_id,
        } => gateways::attach(w, ctx, &vpn_gateway_id, &vpc_id),
        Cmd::DetachVpnGateway {
            vpn_gateway_id,
            vpc_id,
        } => gateways::detach(w, ctx, &vpn_gateway_id, &vpc_id),
        Cmd::DeleteVpnGateway { vpn_gateway_id } => gateways::delete(w, ctx, &vpn_gateway_id),
        Cmd::CreateCustomerGateway {
            ip_address,
            bgp_asn,
            device_name,
            certificate_arn,
            tags: specs,
        } => customer::create(
            w,
            ctx,
            customer::NewCustomerGateway {
                ip_address,
                bgp_asn,
                device_name,
                certificate_arn,
            },
            &specs,
        ),
        Cmd::DeleteCustomerGateway {
            customer_gateway_id,
        } => customer::delete(w, ctx, &customer_gateway_id),
        Cmd::CreateVpnConnection(new) => connections::create(w, ctx, new),
        Cmd::DeleteVpnConnection { vpn_connection_id } => {
            connections::delete(w, ctx, &vpn_connection_id)
        }
        Cmd::CreateVpnConnectionRoute {
            vpn_connection_id,
            destination,
        } => connections::add_route(w, ctx, &vpn_connection_id, destination),
        Cmd::DeleteVpnConnectionRoute {
            vpn_connection_id,
            destination,
        } => connections::remove_route(w, ctx, &vpn_connection_id, destination),
        Cmd::EnableVgwRoutePropagation {
            gateway_id,
            route_table_id,
        } => propagation::enable(w, ctx, &gateway_id, &route_table_id),
        Cmd::DisableVgwRoutePropagation {
            gateway_id,
            route_table_id,
        } => propagation::disable(w, ctx, &gateway_id, &route_table_id),
    }
}

/// Forgets a deleted gateway or connection once its retention is over.
pub fn on_timer(w: &mut World, id: &str, _due: Millis) {
    let gone = match id.split_once('-').map(|(p, _)| p) {
        Some("vgw") => w.vpn_gateways.remove(id).is_some(),
        Some("cgw") => w.customer_gateways.remove(id).is_some(),
        Some("vpn") => w.vpn_connections.remove(id).is_some(),
        _ => false,
    };
    if gone {
        tags::forget(w, id);
    }
}

/// Marks a resource deleted now and schedules its purge.
fn schedule_purge(w: &mut World, ctx: &Ctx, id: &str) -> Millis {
    let due = ctx.now + DELETED_RETENTION;
    w.schedule(due, crate::world::TimerKind::Vpn, id);
    due
}

#[cfg(test)]
mod tests;
