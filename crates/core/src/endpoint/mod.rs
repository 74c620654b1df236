//! VPC endpoints, the consumer side of PrivateLink and of the gateway endpoints (§3.1–3.6):
//! interface endpoints (one requester-managed interface per subnet, DNS entries, private
//! DNS), gateway endpoints (prefix-list routes in route tables, made by the route area) and
//! Gateway Load Balancer endpoints; their lifecycle (pending → available, pendingAcceptance
//! → accepted/rejected, deleting → deleted → purged) and the provider's view of them as
//! connections (§2.3).
//!
//! Files: [`model`] (the endpoint and its commands), `service` (the service an endpoint
//! connects to and its policy), `subnets` and `interfaces` (where the interfaces go and
//! making them, through the eni area's managed-interface lifecycle), `gateway_routes`
//! (route tables of gateway endpoints), `dns` (DNS options, private DNS, DNS entries),
//! `create`, `modify`, `delete`, `connections` (accept and reject from the provider),
//! `timers`, `describe`.
//!
//! Other areas reach this one through the world's hooks: [`check_vpc_deletable`],
//! [`on_route_table_deleted`], [`uses_security_group`], and `accept`/`reject`.

pub mod model;

mod connections;
mod create;
mod delete;
mod describe;
mod dns;
mod gateway_routes;
mod interfaces;
mod modify;
mod service;
mod subnets;
mod timers;

#[cfg(test)]
mod tests;

pub use model::*;

pub use connections::load_balancers_of;
pub(crate) use connections::{accept, reject};
pub use delete::check_vpc_deletable;
pub use describe::{describe, describe_connections, CONNECTION_FILTERS, FILTERS};
pub use dns::{dns_entries, hosted_zone_id};
pub use gateway_routes::{gateway_endpoint_exists, gateway_prefix_list_id, on_route_table_deleted};
pub use interfaces::uses_security_group;
pub use timers::on_timer;

use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// The caller's endpoint `id` (deleted endpoints included while they are retained).
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w VpcEndpoint> {
    w.vpc_endpoints
        .get_in(scope, id)
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))
}

/// Applies an endpoint command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create(c) => create::create(w, ctx, *c),
        Cmd::Modify(m) => modify::modify(w, ctx, *m),
        Cmd::Delete { endpoint_ids } => Ok(delete::delete(w, ctx, &endpoint_ids)),
    }
}

/// `InvalidParameter`: a parameter given to an endpoint type that does not take it.
fn only_for(what: &str, types: &str) -> ApiError {
    ApiError::invalid_parameter(format!(
        "{what} are only supported for {types} type VPC Endpoints."
    ))
}
