//! Private IPv4 addresses of a subnet handed to interfaces: the five reserved addresses
//! are never handed out, nor, when none is requested, those of CIDR reservations; a
//! requested address must be free.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::World;

use super::model::ReservationType;

/// Allocates a private address in the subnet: the requested one if free and usable,
/// else the lowest free one.
pub fn allocate_ip(
    w: &mut World,
    subnet_id: &str,
    requested: Option<Ipv4Addr>,
) -> Result<Ipv4Addr> {
    let subnet = w
        .subnets
        .get(subnet_id)
        .ok_or_else(|| Kind::Subnet.not_found(subnet_id))?;
    let block = v4_block(subnet)?;
    let size = cidr::size_v4(&block) as u32;
    let offset = match requested {
        Some(addr) => {
            let off = cidr::offset_v4(&block, addr)
                .filter(|o| *o >= 4 && *o < size - 1)
                .ok_or_else(|| {
                    ApiError::invalid_parameter(format!(
                        "Address {addr} does not fall within the subnet's address range"
                    ))
                })?;
            if subnet.used.contains(&off) {
                return Err(ApiError::new(
                    ErrorCode::InvalidIPAddressInUse,
                    format!("Address {addr} is in use."),
                ));
            }
            off
        }
        None => {
            let held = super::reservations::reserved_offsets_v4(w, subnet_id);
            (4..size - 1)
                .find(|o| !subnet.used.contains(o) && !held.contains(o))
                .ok_or_else(|| {
            ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
                format!("There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of instances."),
            )
                })?
        }
    };
    let subnet = w.subnets.get_mut(subnet_id).expect("checked");
    subnet.used.insert(offset);
    Ok(cidr::nth_v4(&block, offset))
}

/// The subnet's IPv4 block, or `InvalidParameterValue` for an IPv6-only subnet ([I]: AWS's
/// message for asking an IPv6-only subnet for IPv4 addresses is not documented).
pub fn v4_block(s: &super::Subnet) -> Result<Ipv4Net> {
    s.cidr.ok_or_else(|| {
        ApiError::invalid_value(format!(
            "The subnet '{}' is an IPv6-only subnet; it has no private IPv4 addresses.",
            s.id
        ))
    })
}

/// Refuses an IPv6-only subnet to a service that needs private IPv4 addresses there (NAT
/// gateways, load-balancer nodes, interface endpoints): `InvalidSubnet` ([I]: AWS refuses
/// them; its words are not documented).
pub fn require_ipv4(s: &super::Subnet, service: &str) -> Result<()> {
    if s.ipv6_native() {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnet,
            format!(
                "Subnet '{}' is an IPv6-only subnet; {service} cannot be placed in it.",
                s.id
            ),
        ));
    }
    Ok(())
}

/// Returns an address to the subnet's pool.
pub fn release_ip(w: &mut World, subnet_id: &str, addr: Ipv4Addr) {
    if let Some(subnet) = w.subnets.get_mut(subnet_id) {
        if let Some(off) = subnet.cidr.and_then(|c| cidr::offset_v4(&c, addr)) {
            subnet.used.remove(&off);
        }
    }
}

/// Whether every address of `block` is a usable, free address of the subnet: `Ok`, else
/// the reason (`InvalidParameter` outside the usable range, `InvalidIPAddress.InUse`).
pub fn check_block_v4(s: &super::Subnet, block: &Ipv4Net) -> Result<()> {
    let own = v4_block(s)?;
    let size = cidr::size_v4(&own);
    let first = cidr::offset_v4(&own, block.network())
        .filter(|o| *o >= 4 && u64::from(*o) + cidr::size_v4(block) < size);
    let Some(first) = first else {
        return Err(ApiError::invalid_parameter(format!(
            "Prefix {block} does not fall within the subnet's address range"
        )));
    };
    if (first..first + cidr::size_v4(block) as u32).any(|o| s.used.contains(&o)) {
        return Err(ApiError::new(
            ErrorCode::InvalidIPAddressInUse,
            format!("Prefix {block} is in use."),
        ));
    }
    Ok(())
}

/// Delegates an aligned block of `len` bits (an interface's IPv4 prefix) of the subnet:
/// `requested` (checked by [`check_block_v4`]), else the first free block inside a `prefix`
/// reservation, else the lowest free block outside every reservation
/// (`InsufficientCidrBlocks` when there is none). Its addresses are marked in use.
pub fn allocate_block_v4(
    w: &mut World,
    subnet_id: &str,
    requested: Option<Ipv4Net>,
    len: u8,
) -> Result<Ipv4Net> {
    let subnet = w
        .subnets
        .get(subnet_id)
        .ok_or_else(|| Kind::Subnet.not_found(subnet_id))?;
    let block = match requested {
        Some(b) => {
            check_block_v4(subnet, &b)?;
            b
        }
        None => free_blocks_v4(w, subnet, len).first().copied().ok_or_else(|| {
            ApiError::new(
                ErrorCode::InsufficientCidrBlocks,
                "The specified subnet does not have enough free cidr blocks to satisfy the request.",
            )
        })?,
    };
    let own = v4_block(subnet)?;
    let subnet = w.subnets.get_mut(subnet_id).expect("checked");
    let first = cidr::offset_v4(&own, block.network()).expect("checked");
    subnet
        .used
        .extend(first..first + cidr::size_v4(&block) as u32);
    Ok(block)
}

/// The free blocks of `len` bits [`allocate_block_v4`] may pick, in the order it picks them:
/// those inside `prefix` reservations, then those outside every reservation.
pub fn free_blocks_v4(w: &World, s: &super::Subnet, len: u8) -> Vec<Ipv4Net> {
    let Some(own) = s.cidr else {
        return Vec::new();
    };
    let blocks = |within: Ipv4Net| -> Vec<Ipv4Net> {
        within
            .subnets(len.max(within.prefix_len()))
            .map(|it| it.collect())
            .unwrap_or_default()
    };
    let free = |b: &Ipv4Net| check_block_v4(s, b).is_ok();
    let mut reserved: Vec<Ipv4Net> = w
        .subnet_cidr_reservations
        .values()
        .filter_map(|r| match r.cidr {
            IpNet::V4(n)
                if r.subnet_id == s.id
                    && r.reservation_type == ReservationType::Prefix
                    && n.prefix_len() <= len =>
            {
                Some(n)
            }
            _ => None,
        })
        .collect();
    reserved.sort();
    let mut out: Vec<Ipv4Net> = reserved
        .iter()
        .flat_map(|r| blocks(*r))
        .filter(free)
        .collect();
    let held = super::reservations::reserved_offsets_v4(w, &s.id);
    out.extend(blocks(own).into_iter().filter(|b| {
        let first = cidr::offset_v4(&own, b.network()).unwrap_or(0);
        free(b) && !(first..first + cidr::size_v4(b) as u32).any(|o| held.contains(&o))
    }));
    out
}

/// Returns a delegated block to the subnet's pool.
pub fn release_block_v4(w: &mut World, subnet_id: &str, block: &Ipv4Net) {
    if let Some(subnet) = w.subnets.get_mut(subnet_id) {
        if let Some(first) = subnet
            .cidr
            .and_then(|c| cidr::offset_v4(&c, block.network()))
        {
            for o in first..first + cidr::size_v4(block) as u32 {
                subnet.used.remove(&o);
            }
        }
    }
}
