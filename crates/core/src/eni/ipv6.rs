//! AssignIpv6Addresses and UnassignIpv6Addresses: IPv6 addresses and delegated /80 prefixes
//! of an interface, from and back to its subnet's IPv6 block (through the lifecycle).

use std::collections::BTreeSet;
use std::net::Ipv6Addr;

use crate::error::{ApiError, Result};
use crate::world::{Ctx, World};
use crate::{cidr, subnet, Output};

use super::errors::managed;
use super::{get, lifecycle, plan, prefixes, PrefixSpec};

/// AssignIpv6Addresses: named addresses or a count of automatic ones (not both), and/or
/// named prefixes or a count of them (not both), within the subnet's block and the
/// interface's limit. Output: the addresses, then the prefixes.
pub(super) fn assign(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    addresses: &[Ipv6Addr],
    count: Option<i64>,
    asked: (&[String], Option<i64>),
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let wants_prefixes = !asked.0.is_empty() || asked.1.is_some();
    let count = match (addresses.is_empty(), count) {
        (false, Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Specify either ipv6Addresses or ipv6AddressCount, not both.",
            ))
        }
        (true, None) if wants_prefixes => 0,
        (true, None) => return Err(ApiError::missing("Ipv6AddressCount")),
        (_, Some(n)) if n < 1 => {
            return Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter ipv6AddressCount is invalid. Expected a positive integer."
        )))
        }
        (_, Some(n)) => usize::try_from(n).unwrap_or(usize::MAX),
        (false, None) => 0,
    };
    if let Some(a) = addresses.iter().find(|a| e.ipv6_addresses.contains(a)) {
        return Err(ApiError::invalid_value(format!(
            "The address {a} is already assigned to the network interface {id}."
        )));
    }
    let s = subnet::get(w, scope, &e.subnet_id)?;
    let held = e.ipv6_addresses.len() + e.ipv6_prefixes.len();
    plan::check_ipv6(w, s, addresses, count, held)?;
    let spec = PrefixSpec {
        v6: asked.0.to_vec(),
        v6_count: asked.1,
        ..PrefixSpec::default()
    };
    let new_addresses = count.max(addresses.len());
    let p = prefixes::check(w, s, &spec, (0, held + new_addresses), true)?;
    let assigned = lifecycle::add_ipv6(w, id, addresses, count);
    let (_, delegated) = lifecycle::add_prefixes(w, id, &p)?;
    Ok(Output::Ids(
        assigned
            .iter()
            .map(|a| a.to_string())
            .chain(delegated.iter().map(|b| b.to_string()))
            .collect(),
    ))
}

/// UnassignIpv6Addresses: each address and prefix must be the interface's. Output: the
/// addresses, then the prefixes.
pub(super) fn unassign(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    addresses: &[Ipv6Addr],
    prefixes: &[String],
) -> Result<Output> {
    let e = get(w, ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if addresses.is_empty() && prefixes.is_empty() {
        return Err(ApiError::missing("Ipv6Addresses"));
    }
    if addresses.iter().any(|a| !e.ipv6_addresses.contains(a)) {
        return Err(ApiError::invalid_value(format!(
            "Some of the specified addresses are not assigned to interface {id}"
        )));
    }
    let mut gone_prefixes = Vec::new();
    for raw in prefixes {
        match cidr::parse_v6(raw).filter(|b| e.ipv6_prefixes.contains(b)) {
            Some(b) if !gone_prefixes.contains(&b) => gone_prefixes.push(b),
            Some(_) => {}
            None => {
                return Err(ApiError::invalid_value(format!(
                    "Some of the specified prefixes are not assigned to interface {id}"
                )))
            }
        }
    }
    let unique: BTreeSet<Ipv6Addr> = addresses.iter().copied().collect();
    let gone: Vec<Ipv6Addr> = e
        .ipv6_addresses
        .iter()
        .copied()
        .filter(|a| unique.contains(a))
        .collect();
    lifecycle::remove_ipv6(w, id, &gone);
    lifecycle::remove_prefixes(w, id, &[], &gone_prefixes);
    Ok(Output::Ids(
        gone.iter()
            .map(|a| a.to_string())
            .chain(gone_prefixes.iter().map(|b| b.to_string()))
            .collect(),
    ))
}
