//! Transit gateways: a Regional router between attachments (VPCs here), with its own route
//! tables.
//!
//! Rules: a transit gateway is `pending`, then `available` once the transition delay has
//! passed; with default association or propagation on (the default) it gets a default route
//! table at once. A VPC attachment takes one subnet per Availability Zone, each with a
//! requester-managed network interface (made and destroyed by the ENI lifecycle); a VPC is
//! attached to a gateway at most once and to at most five gateways. An attachment from
//! another account awaits acceptance unless the gateway accepts shared attachments
//! automatically. An accepted attachment is associated with the default association table
//! and propagates into the default propagation table when the gateway's options say so. A
//! route table holds static routes (to an attachment, or blackhole) and, in effect, the VPC
//! blocks of the attachments that propagate into it ([`table_routes`]); a static route wins
//! over a propagated one to the same prefix, and [`lookup`] takes the longest prefix.
//! Deleted resources stay describable as `deleted` for [`DELETED_RETENTION`].
//!
//! A VPN connection made with `TransitGatewayId` is an attachment of resource type `vpn`
//! (`vpn_attachments.rs`, reached from the VPN area through the world's hooks); it
//! propagates the connection's routes.
//!
//! A table may reference customer-managed prefix lists: each entry is a route of the table,
//! below static routes and above propagated ones (`prefix_list_refs.rs`).
//!
//! Files: `model.rs` (data, commands), `gateways.rs`, `attachments.rs`, `vpn_attachments.rs`,
//! `route_tables.rs` (tables, associations, propagations), `routes.rs` (static routes, the
//! routes in effect, the lookup), `prefix_list_refs.rs`, `sharing.rs` (who else may attach), `timers.rs`,
//! `describe.rs`; `peering_model.rs`, `peering.rs` (lifecycle, clock, its route-table
//! rules), `peering_describe.rs`; `rows.rs` (every kind of attachment as one row).
//!
//! Peering attachments join two gateways (in any Regions and accounts): the accepter's owner
//! accepts, each side associates the attachment with a table of its own gateway, and static
//! routes (never propagation) send traffic over it.

use crate::error::Result;
use crate::world::{Ctx, TimerKind, World};
use crate::{Millis, Output};

mod attachments;
mod describe;
mod gateways;
pub mod model;
mod peering;
mod peering_describe;
pub mod peering_model;
mod prefix_list_refs;
mod route_tables;
mod routes;
mod rows;
mod sharing;
mod timers;
pub mod vpn_attachments;

pub use describe::{
    default_flags, describe_attachments, describe_route_tables, describe_transit_gateways,
    describe_vpc_attachments, search_routes, table_attachments, ASSOCIATION_FILTERS,
    ATTACHMENT_FILTERS, FILTERS, ROUTE_TABLE_FILTERS, SEARCH_FILTERS, VPC_ATTACHMENT_FILTERS,
};
pub use model::*;
pub use peering::{associated_with as peering_associations, PeeringRequest};
pub use peering_describe::{describe_peering_attachments, PEERING_ATTACHMENT_FILTERS};
pub use prefix_list_refs::{
    get_references, owner_of as prefix_list_owner, PREFIX_LIST_REFERENCE_FILTERS,
};
pub use route_tables::associated;
pub use routes::{lookup, propagated_blocks, table_routes};
pub use rows::{row_from, AttachmentRow};
pub use timers::on_timer;

/// Applies a transit-gateway command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateTransitGateway {
            description,
            options,
            tags,
        } => gateways::create(w, ctx, description, options, &tags),
        Cmd::ModifyTransitGateway {
            transit_gateway_id,
            description,
            changes,
        } => gateways::modify(w, ctx, &transit_gateway_id, description, changes),
        Cmd::DeleteTransitGateway { transit_gateway_id } => {
            gateways::delete(w, ctx, &transit_gateway_id)
        }
        Cmd::CreateVpcAttachment {
            transit_gateway_id,
            vpc_id,
            subnet_ids,
            options,
            tags,
        } => attachments::create(
            w,
            ctx,
            &transit_gateway_id,
            &vpc_id,
            &subnet_ids,
            &options,
            &tags,
        ),
        Cmd::ModifyVpcAttachment {
            attachment_id,
            add_subnet_ids,
            remove_subnet_ids,
            options,
        } => attachments::modify(
            w,
            ctx,
            &attachment_id,
            &add_subnet_ids,
            &remove_subnet_ids,
            &options,
        ),
        Cmd::DeleteVpcAttachment { attachment_id } => attachments::delete(w, ctx, &attachment_id),
        Cmd::AcceptVpcAttachment { attachment_id } => attachments::accept(w, ctx, &attachment_id),
        Cmd::RejectVpcAttachment { attachment_id } => attachments::reject(w, ctx, &attachment_id),
        Cmd::CreateRouteTable {
            transit_gateway_id,
            tags,
        } => route_tables::create(w, ctx, &transit_gateway_id, &tags),
        Cmd::DeleteRouteTable { route_table_id } => route_tables::delete(w, ctx, &route_table_id),
        Cmd::Associate {
            route_table_id,
            attachment_id,
        } => route_tables::associate(w, ctx, &route_table_id, &attachment_id),
        Cmd::Disassociate {
            route_table_id,
            attachment_id,
        } => route_tables::disassociate(w, ctx, &route_table_id, &attachment_id),
        Cmd::EnablePropagation {
            route_table_id,
            attachment_id,
        } => route_tables::enable_propagation(w, ctx, &route_table_id, &attachment_id),
        Cmd::DisablePropagation {
            route_table_id,
            attachment_id,
        } => route_tables::disable_propagation(w, ctx, &route_table_id, &attachment_id),
        Cmd::CreateRoute {
            route_table_id,
            destination,
            attachment_id,
            blackhole,
        } => routes::create(
            w,
            ctx,
            &route_table_id,
            destination,
            attachment_id,
            blackhole,
        ),
        Cmd::DeleteRoute {
            route_table_id,
            destination,
        } => routes::delete(w, ctx, &route_table_id, destination),
        Cmd::ReplaceRoute {
            route_table_id,
            destination,
            attachment_id,
            blackhole,
        } => routes::replace(
            w,
            ctx,
            &route_table_id,
            destination,
            attachment_id,
            blackhole,
        ),
        Cmd::CreatePeeringAttachment(request) => peering::create(w, ctx, &request),
        Cmd::AcceptPeeringAttachment { attachment_id } => peering::accept(w, ctx, &attachment_id),
        Cmd::RejectPeeringAttachment { attachment_id } => peering::reject(w, ctx, &attachment_id),
        Cmd::DeletePeeringAttachment { attachment_id } => peering::delete(w, ctx, &attachment_id),
        Cmd::CreatePrefixListReference {
            route_table_id,
            prefix_list_id,
            attachment_id,
            blackhole,
        } => prefix_list_refs::create(
            w,
            ctx,
            &route_table_id,
            &prefix_list_id,
            attachment_id,
            blackhole,
        ),
        Cmd::ModifyPrefixListReference {
            route_table_id,
            prefix_list_id,
            attachment_id,
            blackhole,
        } => prefix_list_refs::modify(
            w,
            ctx,
            &route_table_id,
            &prefix_list_id,
            attachment_id,
            blackhole,
        ),
        Cmd::DeletePrefixListReference {
            route_table_id,
            prefix_list_id,
        } => prefix_list_refs::delete(w, ctx, &route_table_id, &prefix_list_id),
    }
}

/// Schedules the purge of a resource that is `deleted` (or `rejected`) now.
fn schedule_purge(w: &mut World, ctx: &Ctx, id: &str) -> Millis {
    let due = ctx.now + DELETED_RETENTION;
    w.schedule(due, TimerKind::TransitGateway, id);
    due
}

/// The attachment of transit gateway `tgw_id` to `vpc_id` that is `available`, if any.
pub fn vpc_attachment<'w>(w: &'w World, tgw_id: &str, vpc_id: &str) -> Option<&'w TgwAttachment> {
    w.tgw_attachments.values().find(|a| {
        a.transit_gateway_id == tgw_id
            && a.vpc_id == vpc_id
            && a.state == AttachmentState::Available
    })
}

#[cfg(test)]
mod peering_tests;
#[cfg(test)]
mod prefix_list_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vpn_tests;
