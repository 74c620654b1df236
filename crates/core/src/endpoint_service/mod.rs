//! PrivateLink endpoint services (§2): the provider's service configurations behind network
//! or gateway load balancers, their permissions, private DNS names and connection
//! acceptance, and the consumer's discovery catalogue (§2.5): AWS services of the Region
//! plus the custom services the caller owns or is allowed to use.
//!
//! Files: `model.rs` (data and commands), `services.rs` (create, modify, delete and their
//! load balancer, IP type and Region checks), `private_dns.rs` (names and their
//! verification, §2.4), `permissions.rs` (allowed principals), `connections.rs` (accepting
//! and rejecting endpoints, §2.3), `discovery.rs` (the catalogue and one consumer's view of
//! a service), `notifications.rs` (connection notifications of services and endpoints),
//! `describe.rs`.

pub mod model;

mod connections;
mod describe;
mod discovery;
mod notifications;
mod permissions;
mod private_dns;
mod services;

#[cfg(test)]
mod tests;

pub use describe::{
    describe_configurations, describe_permissions, describe_services, CONFIGURATION_FILTERS,
    PERMISSION_FILTERS, SERVICE_FILTERS,
};
pub use discovery::{
    aws_short_name, aws_view, catalogue, custom_view, name_not_found, resolve, zones_for,
};
pub use model::*;
pub use notifications::{
    describe_notifications, forget_notifications_of, EVENTS as NOTIFICATION_EVENTS,
    NOTIFICATION_FILTERS,
};
pub use permissions::{permission_visible, principal_type};
pub use services::{dedup, get, service_of_load_balancer};

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Applies an endpoint service command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            network_load_balancer_arns,
            gateway_load_balancer_arns,
            acceptance_required,
            private_dns_name,
            supported_ip_address_types,
            supported_regions,
            client_token: _,
            tags,
        } => services::create(
            w,
            ctx,
            services::NewService {
                nlbs: network_load_balancer_arns,
                gwlbs: gateway_load_balancer_arns,
                acceptance_required,
                private_dns_name,
                ip_types: supported_ip_address_types,
                regions: supported_regions,
            },
            &tags,
        ),
        Cmd::Modify(m) => services::modify(w, ctx, m),
        Cmd::Delete { service_ids } => services::delete(w, ctx, &service_ids),
        Cmd::StartPrivateDnsVerification { service_id } => private_dns::verify(w, ctx, &service_id),
        Cmd::ModifyPermissions {
            service_id,
            add,
            remove,
        } => permissions::modify(w, ctx, &service_id, &add, &remove),
        Cmd::AcceptConnections {
            service_id,
            endpoint_ids,
        } => connections::accept(w, ctx, &service_id, &endpoint_ids),
        Cmd::RejectConnections {
            service_id,
            endpoint_ids,
        } => connections::reject(w, ctx, &service_id, &endpoint_ids),
        Cmd::ModifyPayerResponsibility {
            service_id,
            payer_responsibility,
        } => services::modify_payer(w, ctx, &service_id, &payer_responsibility),
        Cmd::CreateNotification(c) => notifications::create(w, ctx, &c),
        Cmd::ModifyNotification { id, arn, events } => {
            notifications::modify(w, ctx, &id, arn.as_deref(), &events)
        }
        Cmd::DeleteNotifications { ids } => Ok(notifications::delete(w, ctx, &ids)),
    }
}
