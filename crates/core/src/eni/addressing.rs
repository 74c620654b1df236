//! AssignPrivateIpAddresses and UnassignPrivateIpAddresses: secondary private addresses of
//! an interface, from and back to its subnet (through the lifecycle).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, Scope, World};
use crate::{subnet, Output};

use super::errors::{duplicate, managed, not_enough_addresses, private_ip_limit};
use super::plan::probe_v4;
use super::{get, lifecycle, NetworkInterface, MAX_PRIVATE_IPS};

/// AssignPrivateIpAddresses: named addresses (moved from another interface of the caller
/// when reassignment is allowed) or a count of automatic ones.
pub(super) fn assign(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    addresses: &[Ipv4Addr],
    count: Option<i64>,
    allow_reassignment: bool,
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, &scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let count = assign_count(addresses, count)?;
    if e.private_ips.len() + addresses.len() + count.min(MAX_PRIVATE_IPS) > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    let moves = reassignments(w, &scope, e, addresses, allow_reassignment)?;
    let s = subnet::get(w, &scope, &e.subnet_id)?;
    if count as u64 > subnet::auto_assignable_count(w, s) {
        return Err(not_enough_addresses(&e.subnet_id, "addresses"));
    }
    for (addr, from) in &moves {
        lifecycle::remove_private_ip(w, from, *addr);
    }
    let assigned = lifecycle::add_private_ips(w, id, addresses, count)?;
    Ok(Output::Ids(
        assigned.iter().map(|a| a.to_string()).collect(),
    ))
}

/// How many automatic addresses AssignPrivateIpAddresses asks for: named addresses and a
/// count exclude each other; one of them is required.
fn assign_count(addresses: &[Ipv4Addr], count: Option<i64>) -> Result<usize> {
    match (addresses.is_empty(), count) {
        (false, Some(_)) => Err(ApiError::invalid_combination(
            "Specify either privateIpAddress or secondaryPrivateIpAddressCount, not both.",
        )),
        (true, None) => Err(ApiError::missing("SecondaryPrivateIpAddressCount")),
        (_, Some(n)) if n < 1 => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter secondaryPrivateIpAddressCount is invalid. Expected a positive integer."
        ))),
        (_, Some(n)) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        (false, None) => Ok(0),
    }
}

/// Checks each named address for interface `e`; returns the (address, interface it moves
/// from) pairs: a secondary address of another of the caller's own interfaces in the same
/// subnet may move when reassignment is allowed.
fn reassignments(
    w: &World,
    scope: &Scope,
    e: &NetworkInterface,
    addresses: &[Ipv4Addr],
    allow_reassignment: bool,
) -> Result<Vec<(Ipv4Addr, String)>> {
    let s = subnet::get(w, scope, &e.subnet_id)?;
    let mut seen = BTreeSet::new();
    let mut moves = Vec::new();
    for addr in addresses {
        if !seen.insert(*addr) {
            return Err(duplicate(addr));
        }
        if e.private_ips.contains(addr) {
            return Err(ApiError::invalid_value(format!(
                "The address {addr} is already assigned to the network interface {}.",
                e.id
            )));
        }
        match probe_v4(s, *addr) {
            Ok(()) => {}
            Err(err) if err.code == ErrorCode::InvalidIPAddressInUse => {
                let holder = w
                    .network_interfaces
                    .values()
                    .find(|o| o.subnet_id == e.subnet_id && o.private_ips.contains(addr));
                match holder {
                    Some(h)
                        if allow_reassignment
                            && h.primary_ip() != *addr
                            && !h.requester_managed
                            && h.scope == *scope =>
                    {
                        moves.push((*addr, h.id.clone()));
                    }
                    _ => return Err(err),
                }
            }
            Err(err) => return Err(err),
        }
    }
    Ok(moves)
}

/// UnassignPrivateIpAddresses: secondary addresses only; their Elastic IP associations end.
pub(super) fn unassign(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    addresses: &[Ipv4Addr],
) -> Result<Output> {
    let e = get(w, &ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if addresses.is_empty() {
        return Err(ApiError::missing("PrivateIpAddress"));
    }
    for addr in addresses {
        if *addr == e.primary_ip() {
            return Err(ApiError::invalid_value(format!(
                "The primary private IP address {addr} of network interface {id} cannot be unassigned."
            )));
        }
        if !e.private_ips.contains(addr) {
            return Err(ApiError::invalid_value(format!(
                "Some of the specified addresses are not assigned to interface {id}"
            )));
        }
    }
    for addr in addresses {
        lifecycle::remove_private_ip(w, id, *addr);
    }
    Ok(Output::Done)
}
