//! Internet gateways, egress-only internet gateways, NAT gateways and Elastic IPs.
//!
//! Rules (spec §4.8, §5): an internet gateway is attached to at most one VPC and a VPC has
//! at most one; it cannot be detached while public addresses of the VPC are mapped nor
//! deleted while attached. Elastic IPs are allocated from openvpc's synthetic public pool
//! and mapped onto a private address of a network interface whose VPC has an internet
//! gateway; their associations end when the interface or the private address goes
//! ([`drop_associations`], reached through the world's interface hooks). NAT gateways own a
//! requester-managed interface made by the eni lifecycle; their problems do not fail the
//! request but send the gateway to `failed`. Their lifecycle is driven by timers.
//!
//! Files: `model.rs` (data, commands), `internet.rs` (internet gateways), `egress_only.rs`,
//! `addresses.rs` (Elastic IPs and their associations), `nat.rs` (NAT gateways and their
//! timer), `describe.rs`.

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

mod addresses;
mod describe;
mod egress_only;
mod internet;
pub mod model;
mod nat;
mod reverse_dns;

pub(crate) use addresses::drop_associations;
pub use addresses::{address_instance, address_not_found};
pub use describe::{
    describe_addresses, describe_eigws, describe_igws, describe_nats, nat_address_status,
    ADDRESS_FILTERS, EIGW_FILTERS, IGW_FILTERS, NAT_FILTERS,
};
pub use internet::{attached_igw, create_attached_igw, vpc_has_mapped_public_ips};
pub use model::*;
pub use nat::on_timer;
pub use reverse_dns::describe_address_attributes;

/// Applies a gateway command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateInternetGateway { tags: specs } => internet::create(w, ctx, &specs),
        Cmd::AttachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => internet::attach(w, ctx, &internet_gateway_id, &vpc_id),
        Cmd::DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => internet::detach(w, ctx, &internet_gateway_id, &vpc_id),
        Cmd::DeleteInternetGateway {
            internet_gateway_id,
        } => internet::delete(w, ctx, &internet_gateway_id),
        Cmd::CreateEgressOnlyInternetGateway {
            vpc_id,
            tags: specs,
            ..
        } => egress_only::create(w, ctx, vpc_id, &specs),
        Cmd::DeleteEgressOnlyInternetGateway {
            egress_only_internet_gateway_id: id,
        } => egress_only::delete(w, ctx, &id),
        Cmd::AllocateAddress { tags: specs } => addresses::allocate(w, ctx, &specs),
        Cmd::ReleaseAddress {
            allocation_id,
            public_ip,
        } => addresses::release(w, ctx, allocation_id.as_deref(), public_ip),
        Cmd::AssociateAddress {
            allocation_id,
            public_ip,
            instance_id,
            network_interface_id,
            private_ip,
            allow_reassociation,
        } => addresses::associate(
            w,
            ctx,
            &addresses::Association {
                allocation_id,
                public_ip,
                instance_id,
                network_interface_id,
                private_ip,
                allow_reassociation,
            },
        ),
        Cmd::DisassociateAddress {
            association_id,
            public_ip,
        } => addresses::disassociate(w, ctx, association_id.as_deref(), public_ip),
        Cmd::CreateNatGateway {
            subnet_id,
            public,
            allocation_id,
            private_ip,
            tags: specs,
            ..
        } => nat::create(
            w,
            ctx,
            &nat::NatRequest {
                subnet_id,
                public,
                allocation_id,
                private_ip,
            },
            &specs,
        ),
        Cmd::DeleteNatGateway { nat_gateway_id } => nat::delete(w, ctx, &nat_gateway_id),
        Cmd::ModifyAddressAttribute {
            allocation_id,
            domain_name,
        } => reverse_dns::modify(w, ctx, &allocation_id, &domain_name),
        Cmd::ResetAddressAttribute { allocation_id } => reverse_dns::reset(w, ctx, &allocation_id),
    }
}

#[cfg(test)]
mod tests;
