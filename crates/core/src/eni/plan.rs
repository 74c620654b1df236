//! Planning a new interface: every check, before anything is allocated. A [`Plan`] is what
//! the lifecycle then makes ([`super::lifecycle::create`]).

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::Ipv6Net;

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::sg;
use crate::subnet::{self, Subnet};
use crate::world::{Scope, World};

use super::errors::{duplicate, ipv6_limit, private_ip_limit};
use super::prefixes::{self, Prefixes};
use super::{InterfaceSpec, MAX_GROUPS, MAX_IPV6_ADDRESSES, MAX_PRIVATE_IPS};

/// A validated new interface: where it goes and what it holds.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) subnet_id: String,
    pub(super) vpc_id: String,
    pub(super) availability_zone: String,
    /// Whether it has a private IPv4 address (not in an IPv6-only subnet).
    pub(super) ipv4: bool,
    pub(super) groups: Vec<String>,
    pub(super) primary: Option<Ipv4Addr>,
    pub(super) secondaries: Vec<Ipv4Addr>,
    pub(super) secondary_count: usize,
    pub(super) ipv6: Vec<Ipv6Addr>,
    pub(super) ipv6_count: usize,
    pub(super) prefixes: Prefixes,
    pub(super) description: String,
}

impl Plan {
    /// IPv4 addresses the interface takes from its subnet.
    pub(super) fn v4_needed(&self) -> usize {
        usize::from(self.ipv4)
            + self.secondaries.len()
            + self.secondary_count
            + self.prefixes.v4_addresses()
    }

    /// Whether it names any address explicitly.
    pub(super) fn has_explicit_addresses(&self) -> bool {
        self.primary.is_some()
            || !self.secondaries.is_empty()
            || !self.ipv6.is_empty()
            || !self.prefixes.v4.is_empty()
            || !self.prefixes.v6.is_empty()
    }
}

fn count_param(value: Option<i64>, name: &str) -> Result<usize> {
    match value {
        None => Ok(0),
        Some(n) if n < 0 => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter {name} is invalid. Expected a non-negative integer."
        ))),
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
    }
}

/// The primary and secondary addresses a spec names explicitly.
fn split_addresses(spec: &InterfaceSpec) -> Result<(Option<Ipv4Addr>, Vec<Ipv4Addr>)> {
    let flagged: Vec<Ipv4Addr> = spec
        .private_ips
        .iter()
        .filter(|p| p.primary)
        .map(|p| p.address)
        .collect();
    if flagged.len() > 1 {
        return Err(ApiError::invalid_value(
            "Only one private IP address can be designated as primary.",
        ));
    }
    let primary = match (spec.private_ip, flagged.first()) {
        (Some(a), Some(b)) if a != *b => {
            return Err(ApiError::invalid_combination(format!(
                "The primary private IP address {a} conflicts with the address {b} designated as primary in privateIpAddresses."
            )))
        }
        (Some(a), _) => Some(a),
        (None, Some(b)) => Some(*b),
        // [I] Without a designated primary, the first listed address is the primary.
        (None, None) => spec.private_ips.first().map(|p| p.address),
    };
    let mut seen = BTreeSet::new();
    let mut secondaries = Vec::new();
    let mut primary_listed = false;
    for p in &spec.private_ips {
        if Some(p.address) == primary && !primary_listed {
            primary_listed = true;
            continue;
        }
        if Some(p.address) == primary || !seen.insert(p.address) {
            return Err(duplicate(p.address));
        }
        secondaries.push(p.address);
    }
    Ok((primary, secondaries))
}

/// Checks that `addr` is a usable, free address of `s` (the checks of `allocate_ip`).
pub(super) fn probe_v4(s: &Subnet, addr: Ipv4Addr) -> Result<()> {
    let block = subnet::v4_block(s)?;
    let size = cidr::size_v4(&block);
    match cidr::offset_v4(&block, addr) {
        Some(off) if off >= 4 && u64::from(off) < size - 1 => {
            if s.used.contains(&off) {
                Err(ApiError::new(
                    ErrorCode::InvalidIPAddressInUse,
                    format!("Address {addr} is in use."),
                ))
            } else {
                Ok(())
            }
        }
        _ => Err(ApiError::invalid_parameter(format!(
            "Address {addr} does not fall within the subnet's address range"
        ))),
    }
}

/// What the interfaces of a subnet hold of its IPv6 space: addresses and delegated prefixes.
#[derive(Debug, Clone, Default)]
pub(super) struct Used6 {
    pub(super) addresses: BTreeSet<Ipv6Addr>,
    pub(super) prefixes: Vec<Ipv6Net>,
}

impl Used6 {
    /// The IPv6 addresses and prefixes held by interfaces of a subnet.
    pub(super) fn of(w: &World, subnet_id: &str) -> Used6 {
        let mut u = Used6::default();
        for e in w
            .network_interfaces
            .values()
            .filter(|e| e.subnet_id == subnet_id)
        {
            u.addresses.extend(e.ipv6_addresses.iter().copied());
            u.prefixes.extend(e.ipv6_prefixes.iter().copied());
        }
        u
    }

    /// Whether `a` is taken: held, or inside a delegated prefix.
    pub(super) fn holds(&self, a: &Ipv6Addr) -> bool {
        self.addresses.contains(a) || self.prefixes.iter().any(|p| p.contains(a))
    }

    /// Whether a prefix would take anything already held.
    pub(super) fn clashes(&self, p: &Ipv6Net) -> bool {
        self.prefixes.iter().any(|q| crate::cidr::overlaps_v6(p, q))
            || self
                .addresses
                .range(p.network()..=p.broadcast())
                .next()
                .is_some()
    }
}

/// IPv6 addresses for an interface of subnet `s` that holds `held` already: the subnet has an
/// IPv6 block, the interface stays within [`MAX_IPV6_ADDRESSES`], each named address is
/// named once, inside the block's usable range and free.
pub(super) fn check_ipv6(
    w: &World,
    s: &Subnet,
    addresses: &[Ipv6Addr],
    count: usize,
    held: usize,
) -> Result<()> {
    if (count > 0 || !addresses.is_empty()) && s.ipv6_cidrs.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "The subnet '{}' has no IPv6 CIDR block; IPv6 addresses cannot be assigned.",
            s.id
        )));
    }
    if held + count.max(addresses.len()) > MAX_IPV6_ADDRESSES {
        return Err(ipv6_limit());
    }
    // Only named IPv6 addresses are probed: skip the subnet's scan without them.
    let used6 = if addresses.is_empty() {
        Used6::default()
    } else {
        Used6::of(w, &s.id)
    };
    let mut seen6 = BTreeSet::new();
    for addr in addresses {
        if !seen6.insert(*addr) {
            return Err(duplicate(addr));
        }
        probe_v6(s, &used6, *addr)?;
    }
    Ok(())
}

fn probe_v6(s: &Subnet, used: &Used6, addr: Ipv6Addr) -> Result<()> {
    let usable = s.ipv6_cidrs.iter().any(|c| {
        let net = u128::from(c.cidr.network());
        let last = u128::from(c.cidr.broadcast());
        let a = u128::from(addr);
        c.cidr.contains(&addr) && a >= net + 4 && a < last
    });
    if !usable {
        return Err(ApiError::invalid_parameter(format!(
            "Address {addr} does not fall within the subnet's IPv6 address range"
        )));
    }
    if used.holds(&addr) {
        return Err(ApiError::new(
            ErrorCode::InvalidIPAddressInUse,
            format!("Address {addr} is in use."),
        ));
    }
    Ok(())
}

/// Resolves and checks security group ids for an interface of `vpc_id`; empty → the
/// VPC's default group.
pub(super) fn check_groups(
    w: &World,
    scope: &Scope,
    ids: &[String],
    vpc_id: &str,
    subnet_id: &str,
) -> Result<Vec<String>> {
    sg::check_in_vpc(w, scope, ids, vpc_id, |id| {
        ApiError::invalid_parameter(format!(
            "Security group {id} and subnet {subnet_id} belong to different networks."
        ))
    })?;
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    if out.len() > MAX_GROUPS {
        return Err(ApiError::new(ErrorCode::SecurityGroupsPerInterfaceLimitExceeded,
            format!("The maximum number of security groups per interface ({MAX_GROUPS}) has been reached."),
        ));
    }
    if out.is_empty() {
        let vpc = w
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| Kind::Vpc.not_found(vpc_id))?;
        out.push(vpc.default_security_group_id.clone());
    }
    Ok(out)
}

/// Validates a new interface in `subnet_id` without allocating anything.
pub(super) fn plan(
    w: &World,
    scope: &Scope,
    spec: &InterfaceSpec,
    subnet_id: &str,
) -> Result<Plan> {
    let s = subnet::get(w, scope, subnet_id)?;
    let (primary, secondaries) = split_addresses(spec)?;
    let secondary_count = count_param(spec.secondary_count, "secondaryPrivateIpAddressCount")?;
    if secondary_count > 0 && !secondaries.is_empty() {
        return Err(ApiError::invalid_combination(
            "Specify either secondary private IP addresses or secondaryPrivateIpAddressCount, not both.",
        ));
    }
    if 1 + secondaries.len() + secondary_count.min(MAX_PRIVATE_IPS) > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    for addr in primary.iter().chain(&secondaries) {
        probe_v4(s, *addr)?;
    }
    if secondary_count > 0 {
        subnet::v4_block(s)?;
    }
    let mut ipv6_count = count_param(spec.ipv6_count, "ipv6AddressCount")?;
    if ipv6_count > 0 && !spec.ipv6_addresses.is_empty() {
        return Err(ApiError::invalid_combination(
            "Specify either ipv6Addresses or ipv6AddressCount, not both.",
        ));
    }
    if spec.ipv6_count.is_none()
        && spec.ipv6_addresses.is_empty()
        && s.assign_ipv6_on_creation
        && !s.ipv6_cidrs.is_empty()
    {
        ipv6_count = 1;
    }
    check_ipv6(w, s, &spec.ipv6_addresses, ipv6_count, 0)?;
    let prefixes = plan_prefixes(w, s, spec, &secondaries, secondary_count, ipv6_count)?;
    if s.ipv6_native()
        && ipv6_count == 0
        && spec.ipv6_addresses.is_empty()
        && prefixes.v6.is_empty()
        && prefixes.v6_count == 0
    {
        return Err(ApiError::invalid_value(format!(
            "A network interface in the IPv6-only subnet '{subnet_id}' needs at least one IPv6 address."
        )));
    }
    let groups = check_groups(w, scope, &spec.groups, &s.vpc_id, subnet_id)?;
    Ok(Plan {
        subnet_id: subnet_id.to_string(),
        vpc_id: s.vpc_id.clone(),
        availability_zone: s.availability_zone.clone(),
        ipv4: !s.ipv6_native(),
        groups,
        primary,
        secondaries,
        secondary_count,
        ipv6: spec.ipv6_addresses.clone(),
        ipv6_count,
        prefixes,
        description: spec.description.clone().unwrap_or_default(),
    })
}

/// The prefixes of a new interface: IPv4 prefixes exclude secondary addresses, IPv6 prefixes
/// exclude IPv6 addresses (the API reference's rule for a new interface).
fn plan_prefixes(
    w: &World,
    s: &Subnet,
    spec: &InterfaceSpec,
    secondaries: &[Ipv4Addr],
    secondary_count: usize,
    ipv6_count: usize,
) -> Result<Prefixes> {
    let asked = &spec.prefixes;
    if (!asked.v4.is_empty() || asked.v4_count.is_some_and(|n| n > 0))
        && (!secondaries.is_empty() || secondary_count > 0)
    {
        return Err(ApiError::invalid_combination(
            "IPv4 prefixes cannot be specified with secondary private IPv4 addresses or a count of them.",
        ));
    }
    let explicit_v6 = !spec.ipv6_addresses.is_empty() || spec.ipv6_count.is_some_and(|n| n > 0);
    if (!asked.v6.is_empty() || asked.v6_count.is_some_and(|n| n > 0)) && explicit_v6 {
        return Err(ApiError::invalid_combination(
            "IPv6 prefixes cannot be specified with IPv6 addresses or a count of them.",
        ));
    }
    let held = (
        1 + secondaries.len() + secondary_count,
        spec.ipv6_addresses.len() + ipv6_count,
    );
    prefixes::check(w, s, asked, held, false)
}
