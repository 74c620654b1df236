//! Private IPv4 addresses of a subnet handed to interfaces: the five reserved addresses
//! are never handed out, nor, when none is requested, those of CIDR reservations; a
//! requested address must be free.

use std::net::Ipv4Addr;

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::World;

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
    let size = cidr::size_v4(&subnet.cidr) as u32;
    let offset = match requested {
        Some(addr) => {
            let off = cidr::offset_v4(&subnet.cidr, addr)
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
    Ok(cidr::nth_v4(&subnet.cidr, offset))
}

/// Returns an address to the subnet's pool.
pub fn release_ip(w: &mut World, subnet_id: &str, addr: Ipv4Addr) {
    if let Some(subnet) = w.subnets.get_mut(subnet_id) {
        if let Some(off) = cidr::offset_v4(&subnet.cidr, addr) {
            subnet.used.remove(&off);
        }
    }
}
