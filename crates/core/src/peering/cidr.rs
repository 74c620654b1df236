//! CIDR rules of peering (§1.6): overlapping VPCs cannot peer, and a peered VPC's new
//! blocks are checked against its peers.

use ipnet::Ipv4Net;

use super::model::{Blocks, Status};
use super::timers::fail;
use crate::cidr;
use crate::error::{ApiError, Result};
use crate::world::World;
use crate::Millis;

/// A VPC's blocks as they are now, None when the VPC is gone.
pub(super) fn blocks_of(w: &World, vpc_id: &str) -> Option<Blocks> {
    w.vpcs.get(vpc_id).map(|v| Blocks {
        v4: v.cidrs.iter().map(|c| c.cidr).collect(),
        v6: v.ipv6_cidrs.iter().map(|c| c.cidr).collect(),
    })
}

/// Whether any block of one side overlaps any of the other (either family): such VPCs
/// cannot peer, whichever blocks traffic would use.
pub(super) fn blocks_overlap(a: &Blocks, b: &Blocks) -> bool {
    a.v4.iter()
        .any(|x| b.v4.iter().any(|y| cidr::overlaps_v4(x, y)))
        || a.v6
            .iter()
            .any(|x| b.v6.iter().any(|y| cidr::overlaps_v6(x, y)))
}

/// AssociateVpcCidrBlock rules while peered (§1.6). `cidr` is None for an Amazon IPv6 block.
pub fn check_cidr_association(w: &World, vpc_id: &str, cidr: Option<&Ipv4Net>) -> Result<()> {
    for p in w.peerings.of_vpc(vpc_id) {
        let pending = matches!(
            p.status,
            Status::InitiatingRequest | Status::PendingAcceptance
        );
        if pending && p.requester.vpc_id == vpc_id {
            return Err(ApiError::not_permitted(format!(
                "The VPC {vpc_id} has a pending VPC peering connection request ({}); a CIDR block cannot be added until the request is accepted, rejected or deleted.",
                p.id
            )));
        }
        if let (Some(cidr), Some(other)) = (cidr, p.other_vpc(vpc_id)) {
            if matches!(p.status, Status::Provisioning | Status::Active) {
                let peer_blocks = blocks_of(w, &other.vpc_id).unwrap_or_default();
                if peer_blocks.v4.iter().any(|b| cidr::overlaps_v4(b, cidr)) {
                    return Err(ApiError::invalid_value(format!(
                        "The CIDR '{cidr}' overlaps with a CIDR block of {} peered through {}.",
                        other.vpc_id, p.id
                    )));
                }
            }
        }
    }
    Ok(())
}

/// After a block was added: an overlapping accepter fails pending requests; live
/// connections refresh their displayed blocks.
pub fn on_cidr_added(w: &mut World, vpc_id: &str, cidr: &Ipv4Net, now: Millis) {
    let ids: Vec<String> = w.peerings.of_vpc(vpc_id).map(|p| p.id.clone()).collect();
    let blocks = blocks_of(w, vpc_id).unwrap_or_default();
    for id in ids {
        let p = w.peerings.get(&id).expect("indexed");
        let overlap = p
            .requester_blocks
            .v4
            .iter()
            .any(|b| cidr::overlaps_v4(b, cidr));
        if p.status == Status::PendingAcceptance && p.accepter.vpc_id == vpc_id && overlap {
            fail(w, &id, now);
            continue;
        }
        if p.status.is_live() {
            let p = w.peerings.get_mut(&id).expect("indexed");
            if p.requester.vpc_id == vpc_id {
                p.requester_blocks = blocks.clone();
            } else if p.accepted.is_some() {
                p.accepter_blocks = blocks.clone();
            }
        }
    }
}
