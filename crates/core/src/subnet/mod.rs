//! Subnets (§6 for default subnets): placement inside the VPC's blocks, sizes, the five
//! reserved addresses, IPv6 blocks, attributes, default subnets, and the allocation of
//! private addresses for interfaces, and CIDR reservations (`reservations.rs`), which
//! automatic address picks avoid.
//!
//! What a deleted subnet does to route tables and ACLs goes through
//! [`World::on_subnet_deleted`](crate::World) in `world/hooks.rs`.

pub mod model;

mod addresses;
mod attributes;
mod describe;
mod reservations;
mod subnets;

#[cfg(test)]
mod tests;

pub use addresses::{
    allocate_block_v4, allocate_ip, check_block_v4, free_blocks_v4, release_block_v4, release_ip,
    require_ipv4, v4_block,
};
pub use describe::{describe, FILTERS};
pub use model::*;
pub use reservations::describe as describe_reservations;
pub use reservations::{
    auto_assignable_count, fits, reserved_offsets_v4, FILTERS as RESERVATION_FILTERS,
};
pub use subnets::insert_default_subnet;

use crate::error::Result;
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// The caller's subnet `id`, or `InvalidSubnetID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Subnet> {
    w.subnets
        .get_in(scope, id)
        .ok_or_else(|| Kind::Subnet.not_found(id))
}

/// Applies a subnet command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            vpc_id,
            cidr_block,
            ipv6_cidr_block,
            ipv6_native,
            availability_zone,
            availability_zone_id,
            tags,
        } => subnets::create(
            w,
            ctx,
            subnets::Placement {
                vpc_id: &vpc_id,
                cidr_block: &cidr_block,
                ipv6_cidr_block: ipv6_cidr_block.as_deref(),
                ipv6_native,
                availability_zone: availability_zone.as_deref(),
                availability_zone_id: availability_zone_id.as_deref(),
            },
            &tags,
        ),
        Cmd::CreateDefault {
            availability_zone,
            availability_zone_id,
            ipv6_native,
        } => subnets::create_default(
            w,
            ctx,
            availability_zone.as_deref(),
            availability_zone_id.as_deref(),
            ipv6_native,
        ),
        Cmd::Delete { subnet_id } => subnets::delete(w, ctx, &subnet_id),
        Cmd::ModifyAttribute {
            subnet_id,
            attribute,
            value,
        } => attributes::modify(w, ctx, &subnet_id, attribute, value),
        Cmd::ModifyLaunchOption { subnet_id, option } => {
            attributes::modify_option(w, ctx, &subnet_id, option)
        }
        Cmd::AssociateIpv6 {
            subnet_id,
            ipv6_cidr_block,
        } => attributes::associate_ipv6(w, ctx, &subnet_id, &ipv6_cidr_block),
        Cmd::DisassociateIpv6 { association_id } => {
            attributes::disassociate_ipv6(w, ctx, &association_id)
        }
        Cmd::CreateCidrReservation(c) => reservations::create(w, ctx, &c),
        Cmd::DeleteCidrReservation { id } => reservations::delete(w, ctx, &id),
    }
}
