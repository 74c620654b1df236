//! Route tables, their associations and routes (spec §1.7).
//!
//! Owns: route tables (create, delete, the main table), associations with subnets and
//! gateways, routes (destinations, targets, the local route of each VPC block, the routes
//! quota), DescribeRouteTables, and the one rule of whether a route's target can carry
//! traffic ([`target_problem`]), which both a route's `state` and the reachability engine
//! read.
//!
//! Files: `model` (data and commands), `tables`, `associations`, `routes` (CreateRoute,
//! ReplaceRoute, DeleteRoute and their destination rules), `targets` (what a route may
//! target, and whether a target is usable), `local` (local routes following VPC blocks),
//! `endpoint_routes` (the routes gateway endpoints own), `describe`.

pub mod model;

mod associations;
mod describe;
mod endpoint_routes;
mod local;
mod params;
mod routes;
mod tables;
mod targets;

#[cfg(test)]
mod tests;

pub use model::*;

pub use associations::on_subnet_deleted;
pub use describe::{describe, FILTERS};
pub use endpoint_routes::{
    add_gateway_endpoint_route, check_gateway_endpoint_route, remove_gateway_endpoint_routes,
};
pub use local::{
    add_igw_default_route, add_local_route_v4, add_local_route_v6, check_vpc_block_against_routes,
    remove_local_route_v4, remove_local_route_v6,
};
pub use tables::{
    create_table, delete_table_unchecked, get, main_table, table_of_subnet, table_routing_to,
};
pub use targets::{
    check_endpoint_target, endpoint_target_active, gateway_not_found, route_state, route_state_in,
    target_problem, Unusable,
};

use crate::world::{Ctx, World};
use crate::{Output, Result};

/// Applies a route table command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateTable {
            vpc_id,
            tags: specs,
            client_token: _,
        } => tables::create(w, ctx, &vpc_id, &specs),
        Cmd::DeleteTable { route_table_id } => tables::delete(w, ctx, &route_table_id),
        Cmd::Associate {
            route_table_id,
            subnet_id,
            gateway_id,
        } => associations::associate(
            w,
            ctx,
            &route_table_id,
            subnet_id.as_deref(),
            gateway_id.as_deref(),
        ),
        Cmd::Disassociate { association_id } => associations::disassociate(w, ctx, &association_id),
        Cmd::ReplaceAssociation {
            association_id,
            route_table_id,
        } => associations::replace(w, ctx, &association_id, &route_table_id),
        Cmd::CreateRoute {
            route_table_id,
            route,
        } => routes::create(w, ctx, &route_table_id, &route),
        Cmd::ReplaceRoute {
            route_table_id,
            route,
        } => routes::replace(w, ctx, &route_table_id, &route),
        Cmd::DeleteRoute {
            route_table_id,
            route,
        } => routes::delete(w, ctx, &route_table_id, &route),
    }
}
