//! What changes on an existing subnet: ModifySubnetAttribute and its IPv6 block
//! (AssociateSubnetCidrBlock, DisassociateSubnetCidrBlock).

use ipnet::Ipv6Net;

use super::model::{Attribute, SubnetIpv6};
use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::vpc::Vpc;
use crate::world::{Ctx, World};
use crate::Output;

/// ModifySubnetAttribute: one launch-time flag.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    attribute: Attribute,
    value: bool,
) -> Result<Output> {
    let subnet = w
        .subnets
        .get_mut_in(&ctx.scope(), subnet_id)
        .ok_or_else(|| Kind::Subnet.not_found(subnet_id))?;
    match attribute {
        Attribute::MapPublicIpOnLaunch => subnet.map_public_ip_on_launch = value,
        Attribute::AssignIpv6AddressOnCreation => subnet.assign_ipv6_on_creation = value,
    }
    Ok(Output::Done)
}

/// AssociateSubnetCidrBlock: one /64 of the VPC's IPv6 blocks per subnet.
pub(super) fn associate_ipv6(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    ipv6_cidr_block: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet = super::get(w, &scope, subnet_id)?;
    let vpc = crate::vpc::get(w, &scope, &subnet.vpc_id)?;
    if !subnet.ipv6_cidrs.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "The subnet '{subnet_id}' already has an IPv6 CIDR block associated."
        )));
    }
    let cidr = check_ipv6_block(w, vpc, ipv6_cidr_block)?;
    let association_id = w.ids.id(Kind::SubnetCidrAssociation);
    w.subnets
        .get_mut(subnet_id)
        .expect("checked")
        .ipv6_cidrs
        .push(SubnetIpv6 {
            association_id: association_id.clone(),
            cidr,
        });
    Ok(Output::Id(association_id))
}

/// DisassociateSubnetCidrBlock.
pub(super) fn disassociate_ipv6(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let subnet = w
        .subnets
        .in_scope(&ctx.scope())
        .find(|s| {
            s.ipv6_cidrs
                .iter()
                .any(|c| c.association_id == association_id)
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSubnetCidrBlockAssociationIDNotFound,
                format!(
                    "The subnet CIDR block with association ID '{association_id}' does not exist"
                ),
            )
        })?;
    let id = subnet.id.clone();
    w.subnets
        .get_mut(&id)
        .expect("found")
        .ipv6_cidrs
        .retain(|c| c.association_id != association_id);
    Ok(Output::Id(association_id.to_string()))
}

/// A subnet's IPv6 block: a /64 inside one of the VPC's blocks, overlapping no other
/// subnet's.
pub(super) fn check_ipv6_block(w: &World, vpc: &Vpc, raw: &str) -> Result<Ipv6Net> {
    let cidr = cidr::parse_v6(raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    if cidr.prefix_len() != 64 || !vpc.ipv6_cidrs.iter().any(|b| b.cidr.contains(&cidr)) {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnetRange,
            format!("The CIDR '{raw}' is invalid."),
        ));
    }
    if w.subnets.values().any(|s| {
        s.vpc_id == vpc.id
            && s.ipv6_cidrs
                .iter()
                .any(|c| cidr::overlaps_v6(&c.cidr, &cidr))
    }) {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnetConflict,
            format!("The CIDR '{raw}' conflicts with another subnet"),
        ));
    }
    Ok(cidr)
}
