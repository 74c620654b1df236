//! Network interfaces and instances (instances are address holders, no compute).
//!
//! An interface holds private IPv4 addresses (primary first) allocated from its subnet
//! through [`crate::subnet::allocate_ip`] / [`crate::subnet::release_ip`], optional IPv6
//! addresses from the subnet's IPv6 block, security groups of its VPC, and at most one
//! attachment. An instance is a holder of a primary interface (device 0, deleted on
//! termination) plus any interfaces attached later; it never runs anything. Terminated
//! instances stay describable for [`TERMINATED_RETENTION`], then a timer purges them.
//!
//! Every interface of the core — the account's, instances', interface endpoints', NAT
//! gateways', load-balancer nodes', imported ones — is made, given addresses and destroyed by
//! one lifecycle (`lifecycle.rs`); a destroyed interface's Elastic IP associations end through
//! [`World::on_interface_deleted`].
//!
//! Files: `model.rs` (data, commands), `lifecycle.rs` (create, attach, address, destroy),
//! `plan.rs` (every check of a new interface), `interfaces.rs` (Create/Delete/Modify/Attach/
//! DetachNetworkInterface), `addressing.rs` (Assign/UnassignPrivateIpAddresses), `launch.rs`
//! (RunInstances), `instances.rs` (Terminate/Stop/Start/ModifyInstance, the purge timer),
//! `describe.rs` (DescribeNetworkInterfaces, DescribeInstances, DNS names), `errors.rs`.

use crate::error::Result;
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::Output;

mod addressing;
mod describe;
mod errors;
mod instances;
mod interfaces;
mod ipv6;
mod launch;
mod lifecycle;
pub mod model;
mod plan;
mod prefixes;

pub use describe::{
    describe, describe_instances, eip_of, has_public_dns, instance_private_dns_name, ip_owner,
    private_dns_name, public_dns_name, resource_dns_name, FILTERS, INSTANCE_FILTERS,
};
pub use instances::on_timer;
pub use lifecycle::{
    create_managed, create_service, destroy_interface, insert_existing, map_amazon_public_ip,
    set_groups,
};
pub use model::*;
pub use prefixes::{IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};

/// The caller's interface `id`, or `InvalidNetworkInterfaceID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w NetworkInterface> {
    w.network_interfaces
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(id))
}

/// The caller's instance `id`, or `InvalidInstanceID.NotFound`.
pub fn get_instance<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Instance> {
    w.instances
        .get_in(scope, id)
        .ok_or_else(|| Kind::Instance.not_found(id))
}

/// The interfaces attached to an instance, by device index.
pub fn interfaces_of<'w>(w: &'w World, instance_id: &str) -> Vec<&'w NetworkInterface> {
    let mut out: Vec<&NetworkInterface> = w
        .network_interfaces
        .values()
        .filter(|e| e.instance_id() == Some(instance_id))
        .collect();
    out.sort_by_key(|e| e.attachment.as_ref().map_or(0, |a| a.device_index));
    out
}

/// The instance's primary interface, while it has one.
pub fn primary_interface<'w>(w: &'w World, i: &Instance) -> Option<&'w NetworkInterface> {
    w.network_interfaces
        .get(&i.network_interface_id)
        .filter(|e| e.instance_id() == Some(i.id.as_str()))
}

/// Applies an interface or instance command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateInterface {
            spec,
            interface_type,
            client_token: _,
            tags,
        } => interfaces::create(w, ctx, &spec, interface_type.as_deref(), &tags),
        Cmd::DeleteInterface {
            network_interface_id,
        } => interfaces::delete(w, ctx, &network_interface_id),
        Cmd::ModifyInterface {
            network_interface_id,
            change,
        } => interfaces::modify(w, ctx, &network_interface_id, change),
        Cmd::AssignIpv6 {
            network_interface_id,
            addresses,
            count,
            prefixes,
            prefix_count,
        } => ipv6::assign(
            w,
            ctx,
            &network_interface_id,
            &addresses,
            count,
            (&prefixes, prefix_count),
        ),
        Cmd::UnassignIpv6 {
            network_interface_id,
            addresses,
            prefixes,
        } => ipv6::unassign(w, ctx, &network_interface_id, &addresses, &prefixes),
        Cmd::AssignPrivateIps {
            network_interface_id,
            addresses,
            count,
            allow_reassignment,
            prefixes,
            prefix_count,
        } => addressing::assign(
            w,
            ctx,
            &network_interface_id,
            addressing::Asked {
                addresses: &addresses,
                count,
                allow_reassignment,
                prefixes: &prefixes,
                prefix_count,
            },
        ),
        Cmd::UnassignPrivateIps {
            network_interface_id,
            addresses,
            prefixes,
        } => addressing::unassign(w, ctx, &network_interface_id, &addresses, &prefixes),
        Cmd::Attach {
            network_interface_id,
            instance_id,
            device_index,
        } => interfaces::attach(w, ctx, &network_interface_id, &instance_id, device_index),
        Cmd::Detach { attachment_id } => interfaces::detach(w, ctx, &attachment_id),
        Cmd::RunInstances(launch) => launch::run_instances(w, ctx, *launch),
        Cmd::TerminateInstances { instance_ids } => instances::terminate(w, ctx, &instance_ids),
        Cmd::StopInstances { instance_ids } => instances::stop(w, ctx, &instance_ids),
        Cmd::StartInstances { instance_ids } => instances::start(w, ctx, &instance_ids),
        Cmd::ModifyInstance {
            instance_id,
            change,
        } => instances::modify(w, ctx, &instance_id, change),
    }
}

#[cfg(test)]
mod tests;
