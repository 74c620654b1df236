//! Elastic Load Balancing v2 resources PrivateLink stands on: network and gateway load
//! balancers, target groups, listeners. Resources are keyed by ARN.
//!
//! Rules (spec §2.1 and the ELBv2 API reference; `[I]` marks openvpc's own choices):
//! - only `network` and `gateway` load balancers; `application` (also the API's default
//!   type) is refused with `ValidationError`;
//! - a load balancer sits in one subnet per Availability Zone, all in one VPC, and holds one
//!   requester-managed network interface per subnet (`nodes.rs`);
//! - a create with the settings of an existing resource of the same name returns it; other
//!   settings give `DuplicateLoadBalancerName` / `DuplicateTargetGroupName` /
//!   `DuplicateListener`;
//! - `provisioning` until `delays.transition` has passed since creation, then `active` [I];
//! - target health is `healthy` while a listener of an active load balancer forwards to the
//!   group and the target is in one of its zones, else `unused` [I] (no health checks run).
//!
//! Files: `model.rs` (data and commands), `arns.rs` (ARN shapes, lookups, the area's
//! errors), `checks.rs` (names, tags, ports, ranges), `load_balancers.rs`, `nodes.rs` (the
//! load balancer's network interfaces), `target_groups.rs`, `targets.rs` (registration),
//! `listeners.rs`, `tagging.rs` (AddTags/RemoveTags), `describe.rs`, `health.rs`
//! (DescribeTargetHealth), `attributes.rs` (load balancer, target group and listener
//! attributes, §14.2–14.4), `security_groups.rs` (SetSecurityGroups, §14.1).

pub mod model;

mod arns;
mod attributes;
mod checks;
mod describe;
mod health;
mod listeners;
mod load_balancers;
mod nodes;
mod security_groups;
mod tagging;
mod target_groups;
mod targets;

#[cfg(test)]
mod tests;

pub use arns::{
    arn_kind, check_arn, get_listener, get_load_balancer, get_target_group, listener_not_found,
    load_balancer_not_found, target_group_not_found, validation,
};
pub use attributes::{
    listener_attributes, load_balancer_attributes, target_group_attributes, MAX_ATTRIBUTES_PER_CALL,
};
pub use describe::{
    describe_listeners, describe_load_balancers, describe_tags, describe_target_groups,
    target_group_load_balancers,
};
pub use health::describe_target_health;
pub use load_balancers::{canonical_hosted_zone_id, in_use_by};
pub use model::*;

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Applies an ELBv2 command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateLoadBalancer(c) => load_balancers::create(w, ctx, c),
        Cmd::DeleteLoadBalancer { arn } => load_balancers::delete(w, ctx, &arn),
        Cmd::CreateTargetGroup(c) => target_groups::create(w, ctx, c),
        Cmd::DeleteTargetGroup { arn } => target_groups::delete(w, ctx, &arn),
        Cmd::RegisterTargets { arn, targets } => targets::register(w, ctx, &arn, &targets),
        Cmd::DeregisterTargets { arn, targets } => targets::deregister(w, ctx, &arn, &targets),
        Cmd::CreateListener(c) => listeners::create(w, ctx, c),
        Cmd::DeleteListener { arn } => listeners::delete(w, ctx, &arn),
        Cmd::SetSecurityGroups {
            arn,
            security_groups,
            enforce_inbound_on_privatelink,
        } => security_groups::set(
            w,
            ctx,
            &arn,
            &security_groups,
            enforce_inbound_on_privatelink.as_deref(),
        ),
        Cmd::ModifyLoadBalancerAttributes { arn, attributes } => {
            attributes::modify_load_balancer(w, ctx, &arn, &attributes)
        }
        Cmd::ModifyTargetGroupAttributes { arn, attributes } => {
            attributes::modify_target_group(w, ctx, &arn, &attributes)
        }
        Cmd::ModifyListenerAttributes { arn, attributes } => {
            attributes::modify_listener(w, ctx, &arn, &attributes)
        }
        Cmd::AddTags { arns, tags } => tagging::add(w, ctx, &arns, &tags),
        Cmd::RemoveTags { arns, keys } => tagging::remove(w, ctx, &arns, &keys),
    }
}
