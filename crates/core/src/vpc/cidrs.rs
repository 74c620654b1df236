//! CIDR blocks of a VPC (§1.6): AssociateVpcCidrBlock and DisassociateVpcCidrBlock.
//!
//! A new block is checked here against the VPC itself (family, overlap, quota) and through
//! [`World::check_vpc_block`] against the routes and peerings of the VPC; what the block
//! then adds (local routes, IPv6 ACL entries, failed peering requests) comes from
//! [`World::on_vpc_block_added`].

use ipnet::IpNet;

use super::model::{CidrAssociation, Vpc};
use super::vpcs::new_ipv6_block;
use crate::cidr::{self, Family};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, World};
use crate::Output;

/// AssociateVpcCidrBlock: either an IPv4 block or an Amazon-provided IPv6 block.
pub(super) fn associate(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    cidr_block: Option<&str>,
    amazon_ipv6: bool,
) -> Result<Output> {
    let vpc = super::get(w, ctx.scope(), vpc_id)?;
    match (cidr_block, amazon_ipv6) {
        (Some(_), true) | (None, false) => Err(ApiError::invalid_combination(
            "Specify either CidrBlock or AmazonProvidedIpv6CidrBlock, but not both.",
        )),
        (None, true) => {
            check_quota(w, ctx, vpc, quota::IPV6_CIDRS_PER_VPC, vpc.ipv6_cidrs.len())?;
            associate_ipv6(w, ctx, vpc_id)
        }
        (Some(raw), false) => {
            let cidr = cidr::check_vpc_block(raw)?;
            check_quota(w, ctx, vpc, quota::IPV4_CIDRS_PER_VPC, vpc.cidrs.len())?;
            check_v4_block(vpc, raw, &cidr)?;
            associate_v4(w, ctx, vpc_id, cidr)
        }
    }
}

/// `CidrLimitExceeded` once the VPC holds `held` blocks of a family limited by `name`.
fn check_quota(w: &World, ctx: &Ctx, vpc: &Vpc, name: &str, held: usize) -> Result<()> {
    let limit = w.config.quotas.limit(ctx.account(), name);
    if limit.is_some_and(|l| held >= l as usize) {
        return Err(ApiError::new(
            ErrorCode::CidrLimitExceeded,
            format!(
                "This network '{}' has met its maximum number of allowed CIDRs: {}",
                vpc.id,
                limit.unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// An added IPv4 block keeps to the primary block's address family and overlaps none of
/// the VPC's blocks.
fn check_v4_block(vpc: &Vpc, raw: &str, cidr: &ipnet::Ipv4Net) -> Result<()> {
    let primary = cidr::family(&vpc.primary_cidr());
    let family = cidr::family(cidr);
    if family != Family::Other && family != primary {
        return Err(ApiError::new(ErrorCode::InvalidVpcRange,
            format!(
                "The CIDR '{raw}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR."
            ),
        ));
    }
    if let Some(existing) = vpc.cidrs.iter().find(|c| cidr::overlaps_v4(&c.cidr, cidr)) {
        return Err(ApiError::invalid_value(format!(
            "The CIDR '{raw}' conflicts with another CIDR block ({}) of the VPC.",
            existing.cidr
        )));
    }
    Ok(())
}

fn associate_ipv6(w: &mut World, ctx: &Ctx, vpc_id: &str) -> Result<Output> {
    w.check_vpc_block(vpc_id, None)?;
    let block = new_ipv6_block(w, ctx.region());
    let association_id = block.association_id.clone();
    let cidr = block.cidr;
    w.vpcs
        .get_mut(vpc_id)
        .expect("checked")
        .ipv6_cidrs
        .push(block);
    w.on_vpc_block_added(ctx, vpc_id, IpNet::V6(cidr));
    Ok(Output::Id(association_id))
}

fn associate_v4(w: &mut World, ctx: &Ctx, vpc_id: &str, cidr: ipnet::Ipv4Net) -> Result<Output> {
    w.check_vpc_block(vpc_id, Some(&cidr))?;
    let association_id = w.ids.id(Kind::VpcCidrAssociation);
    w.vpcs
        .get_mut(vpc_id)
        .expect("checked")
        .cidrs
        .push(CidrAssociation {
            association_id: association_id.clone(),
            cidr,
        });
    w.on_vpc_block_added(ctx, vpc_id, IpNet::V4(cidr));
    Ok(Output::Id(association_id))
}

/// DisassociateVpcCidrBlock: not the primary block, nor a block that subnets use.
pub(super) fn disassociate(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let vpc = owner_of_association(w, ctx, association_id)?.clone();
    if vpc.cidrs[0].association_id == association_id {
        return Err(ApiError::not_permitted(format!(
            "The vpc CIDR block with association ID {association_id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC"
        )));
    }
    let has_dependencies = || {
        ApiError::dependency(format!(
            "The vpc CIDR block with association ID {association_id} has dependencies (subnets) and cannot be disassociated."
        ))
    };
    let in_vpc = |s: &&crate::subnet::Subnet| s.vpc_id == vpc.id;
    if let Some(block) = vpc
        .cidrs
        .iter()
        .find(|c| c.association_id == association_id)
    {
        if w.subnets
            .values()
            .filter(in_vpc)
            .any(|s| s.cidr.is_some_and(|c| cidr::overlaps_v4(&c, &block.cidr)))
        {
            return Err(has_dependencies());
        }
        w.on_vpc_block_removed(&vpc.id, IpNet::V4(block.cidr));
    }
    if let Some(block) = vpc
        .ipv6_cidrs
        .iter()
        .find(|c| c.association_id == association_id)
    {
        if w.subnets
            .values()
            .filter(in_vpc)
            .any(|s| !s.ipv6_cidrs.is_empty())
        {
            return Err(has_dependencies());
        }
        w.on_vpc_block_removed(&vpc.id, IpNet::V6(block.cidr));
    }
    let vpc = w.vpcs.get_mut(&vpc.id).expect("found");
    vpc.cidrs.retain(|c| c.association_id != association_id);
    vpc.ipv6_cidrs
        .retain(|c| c.association_id != association_id);
    Ok(Output::Id(association_id.to_string()))
}

/// The caller's VPC holding the block `association_id`.
fn owner_of_association<'w>(w: &'w World, ctx: &Ctx, association_id: &str) -> Result<&'w Vpc> {
    w.vpcs
        .in_scope(ctx.scope())
        .find(|v| {
            v.cidrs.iter().any(|c| c.association_id == association_id)
                || v.ipv6_cidrs
                    .iter()
                    .any(|c| c.association_id == association_id)
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidVpcCidrBlockAssociationIDNotFound,
                format!("The vpc CIDR block with association ID '{association_id}' does not exist"),
            )
        })
}

/// What a CreateVpc or AssociateVpcCidrBlock request asks of an IPv6 block.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ipv6Request<'a> {
    /// `AmazonProvidedIpv6CidrBlock`.
    pub amazon: bool,
    /// `Ipv6Pool`: a BYOIP pool.
    pub pool: Option<&'a str>,
    /// `Ipv6CidrBlock`: a block of that pool.
    pub cidr_block: Option<&'a str>,
    /// `Ipv6CidrBlockNetworkBorderGroup`.
    pub border_group: Option<&'a str>,
}

/// Refuses an IPv6 request AWS would refuse. openvpc has no BYOIP pools, so a named pool is
/// unknown (`InvalidIpv6PoolID.NotFound`); the only network border group of a Region here
/// is the Region's own (no Local Zones), which is what an Amazon block gets anyway.
pub fn check_ipv6_request(ctx: &Ctx, r: &Ipv6Request) -> Result<()> {
    if r.cidr_block.is_some() && r.pool.is_none() {
        return Err(ApiError::missing("Ipv6Pool"));
    }
    if let Some(pool) = r.pool {
        if r.amazon {
            return Err(ApiError::invalid_combination(
                "The parameter 'amazonProvidedIpv6CidrBlock' may not be used in combination with 'ipv6Pool'.",
            ));
        }
        return Err(ApiError::new(
            ErrorCode::InvalidIpv6PoolIDNotFound,
            format!("The pool ID '{pool}' does not exist"),
        ));
    }
    match r.border_group {
        Some(_) if !r.amazon => Err(ApiError::invalid_combination(
            "The parameter 'ipv6CidrBlockNetworkBorderGroup' requires 'amazonProvidedIpv6CidrBlock' to be true.",
        )),
        Some(group) if group != ctx.region() => Err(ApiError::invalid_value(format!(
            "Value ({group}) for parameter ipv6CidrBlockNetworkBorderGroup is invalid. The network border group is not valid for this region."
        ))),
        _ => Ok(()),
    }
}
