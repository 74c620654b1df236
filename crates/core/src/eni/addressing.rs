//! AssignPrivateIpAddresses and UnassignPrivateIpAddresses: secondary private addresses and
//! delegated /28 prefixes of an interface, from and back to its subnet (through the
//! lifecycle).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, Scope, World};
use crate::{cidr, subnet, Output};

use super::errors::{duplicate, managed, not_enough_addresses, private_ip_limit};
use super::plan::probe_v4;
use super::{get, lifecycle, prefixes, NetworkInterface, PrefixSpec, MAX_PRIVATE_IPS};

/// What AssignPrivateIpAddresses asks for.
pub(super) struct Asked<'a> {
    pub(super) addresses: &'a [Ipv4Addr],
    pub(super) count: Option<i64>,
    pub(super) allow_reassignment: bool,
    pub(super) prefixes: &'a [String],
    pub(super) prefix_count: Option<i64>,
}

/// AssignPrivateIpAddresses: named addresses (moved from another interface of the caller
/// when reassignment is allowed) or a count of automatic ones, and/or named /28 prefixes or a
/// count of them. Output: the addresses, then the prefixes.
pub(super) fn assign(w: &mut World, ctx: &Ctx, id: &str, asked: Asked) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let wants_prefixes = !asked.prefixes.is_empty() || asked.prefix_count.is_some();
    let count = if wants_prefixes && asked.addresses.is_empty() && asked.count.is_none() {
        0
    } else {
        assign_count(asked.addresses, asked.count)?
    };
    let held = e.private_ips.len() + e.ipv4_prefixes.len();
    if held + asked.addresses.len() + count.min(MAX_PRIVATE_IPS) > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    let moves = reassignments(w, scope, e, asked.addresses, asked.allow_reassignment)?;
    let s = subnet::get(w, scope, &e.subnet_id)?;
    let spec = PrefixSpec {
        v4: asked.prefixes.to_vec(),
        v4_count: asked.prefix_count,
        ..PrefixSpec::default()
    };
    let p = prefixes::check(w, s, &spec, (held + asked.addresses.len() + count, 0), true)?;
    if count as u64 + p.v4_addresses() as u64 > subnet::auto_assignable_count(w, s) {
        return Err(not_enough_addresses(&e.subnet_id, "addresses"));
    }
    for (addr, from) in &moves {
        lifecycle::remove_private_ip(w, from, *addr);
    }
    let (delegated, _) = lifecycle::add_prefixes(w, id, &p)?;
    let assigned = lifecycle::add_private_ips(w, id, asked.addresses, count)?;
    Ok(Output::Ids(
        assigned
            .iter()
            .map(|a| a.to_string())
            .chain(delegated.iter().map(|b| b.to_string()))
            .collect(),
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
                            && h.primary_ip() != Some(*addr)
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
    prefixes: &[String],
) -> Result<Output> {
    let e = get(w, ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if addresses.is_empty() && prefixes.is_empty() {
        return Err(ApiError::missing("PrivateIpAddress"));
    }
    let mut gone_prefixes = Vec::new();
    for raw in prefixes {
        match cidr::parse_v4(raw).filter(|b| e.ipv4_prefixes.contains(b)) {
            Some(b) if !gone_prefixes.contains(&b) => gone_prefixes.push(b),
            Some(_) => {}
            None => {
                return Err(ApiError::invalid_value(format!(
                    "Some of the specified prefixes are not assigned to interface {id}"
                )))
            }
        }
    }
    for addr in addresses {
        if Some(*addr) == e.primary_ip() {
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
    lifecycle::remove_prefixes(w, id, &gone_prefixes, &[]);
    Ok(Output::Done)
}
