//! VPCs (§6 for the defaults, §1.6 for CIDR blocks): create and delete with their defaults
//! (main route table, default security group, default ACL), CIDR block associations, DNS
//! attributes, and the per-scope defaults (default VPC, DHCP options) made on an account's
//! first call.
//!
//! What a new, deleted or re-addressed VPC does to the areas above it (route tables,
//! security groups, ACLs, peerings, endpoints) goes through the hooks in `world/hooks.rs`.

pub mod model;

mod cidrs;
mod describe;
mod vpcs;

#[cfg(test)]
mod tests;

pub use cidrs::{check_ipv6_request, Ipv6Request};
pub use describe::{describe, FILTERS};
pub use model::*;
pub use vpcs::init_scope;

use crate::error::Result;
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// The caller's VPC `id`, or `InvalidVpcID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Vpc> {
    w.vpcs
        .get_in(scope, id)
        .ok_or_else(|| Kind::Vpc.not_found(id))
}

/// Applies a VPC command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            cidr_block,
            amazon_ipv6,
            instance_tenancy,
            tags,
        } => vpcs::create(w, ctx, &cidr_block, amazon_ipv6, instance_tenancy, &tags),
        Cmd::CreateDefault => vpcs::create_default(w, ctx),
        Cmd::Delete { vpc_id } => vpcs::delete(w, ctx, &vpc_id).map(|_| Output::Done),
        Cmd::ModifyAttribute {
            vpc_id,
            attribute,
            value,
        } => vpcs::modify_attribute(w, ctx, &vpc_id, attribute, value),
        Cmd::AssociateCidr {
            vpc_id,
            cidr_block,
            amazon_ipv6,
        } => cidrs::associate(w, ctx, &vpc_id, cidr_block.as_deref(), amazon_ipv6),
        Cmd::DisassociateCidr { association_id } => cidrs::disassociate(w, ctx, &association_id),
        Cmd::ModifyTenancy {
            vpc_id,
            instance_tenancy,
        } => vpcs::modify_tenancy(w, ctx, &vpc_id, &instance_tenancy),
    }
}
