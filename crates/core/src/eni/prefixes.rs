//! Prefix delegation: an interface may hold IPv4 /28 and IPv6 /80 prefixes carved from its
//! subnet's blocks, each counted as one address of the interface's quota
//! ([`MAX_PRIVATE_IPS`], [`MAX_IPV6_ADDRESSES`]). An IPv4 prefix takes its sixteen addresses
//! from the subnet ([`subnet::allocate_block_v4`]); an IPv6 prefix is free when no interface
//! of the subnet holds an address or prefix inside it. Automatic picks take `prefix`
//! reservations first and never `explicit` ones.
//!
//! Checks here ([`check`]) never change anything; the lifecycle delegates what they allowed.

use std::collections::BTreeSet;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::subnet::{self, ReservationType, Subnet};
use crate::world::World;

use super::errors::{ipv6_limit, private_ip_limit};
use super::plan::Used6;
use super::{PrefixSpec, MAX_IPV6_ADDRESSES, MAX_PRIVATE_IPS};

/// The length of a delegated IPv4 prefix.
pub const IPV4_PREFIX_LEN: u8 = 28;
/// The length of a delegated IPv6 prefix.
pub const IPV6_PREFIX_LEN: u8 = 80;

/// Checked prefixes to delegate: the named ones, then how many more to pick.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Prefixes {
    pub(super) v4: Vec<Ipv4Net>,
    pub(super) v4_count: usize,
    pub(super) v6: Vec<Ipv6Net>,
    pub(super) v6_count: usize,
}

impl Prefixes {
    /// IPv4 addresses the prefixes take from the subnet.
    pub(super) fn v4_addresses(&self) -> usize {
        (self.v4.len() + self.v4_count) << (32 - IPV4_PREFIX_LEN)
    }
}

/// How many prefixes a count asks for: named prefixes and a count exclude each other; a
/// count is non-negative (`positive`: at least one, for the Assign calls).
fn count(named: usize, count: Option<i64>, name: &str, positive: bool) -> Result<usize> {
    match count {
        Some(_) if named > 0 => Err(ApiError::invalid_combination(format!(
            "Specify either {name}es or {name}Count, not both."
        ))),
        Some(n) if n < i64::from(positive) => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter {name}Count is invalid. Expected a {} integer.",
            if positive { "positive" } else { "non-negative" }
        ))),
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        None => Ok(0),
    }
}

/// Parses named prefixes of one family: valid CIDRs of the delegated length, each once.
fn parse<N: Ord + Copy + std::fmt::Display>(
    raw: &[String],
    name: &str,
    len: u8,
    parse: impl Fn(&str) -> Option<N>,
    prefix_len: impl Fn(&N) -> u8,
) -> Result<Vec<N>> {
    let mut seen = BTreeSet::new();
    raw.iter()
        .map(|r| {
            let net = parse(r).ok_or_else(|| {
                ApiError::invalid_value(format!(
                    "Value ({r}) for parameter {name} is invalid. This is not a valid CIDR block."
                ))
            })?;
            if prefix_len(&net) != len {
                return Err(ApiError::invalid_value(format!(
                    "Value ({r}) for parameter {name} is invalid. The prefix length must be /{len}."
                )));
            }
            if !seen.insert(net) {
                return Err(ApiError::invalid_value(format!(
                    "The prefix {net} is specified more than once."
                )));
            }
            Ok(net)
        })
        .collect()
}

/// Checks the prefixes `spec` asks for an interface of `s` that holds `held_v4` IPv4 and
/// `held_v6` IPv6 address slots already (addresses and prefixes, those planned included).
pub(super) fn check(
    w: &World,
    s: &Subnet,
    spec: &PrefixSpec,
    (held_v4, held_v6): (usize, usize),
    positive: bool,
) -> Result<Prefixes> {
    let v4 = parse(
        &spec.v4,
        "ipv4Prefix",
        IPV4_PREFIX_LEN,
        cidr::parse_v4,
        |n| n.prefix_len(),
    )?;
    let v6 = parse(
        &spec.v6,
        "ipv6Prefix",
        IPV6_PREFIX_LEN,
        cidr::parse_v6,
        |n| n.prefix_len(),
    )?;
    let p = Prefixes {
        v4_count: count(v4.len(), spec.v4_count, "ipv4Prefix", positive)?,
        v6_count: count(v6.len(), spec.v6_count, "ipv6Prefix", positive)?,
        v4,
        v6,
    };
    let v4_slots = p.v4.len() + p.v4_count.min(MAX_PRIVATE_IPS + 1);
    if v4_slots > 0 && held_v4 + v4_slots > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    let v6_slots = p.v6.len() + p.v6_count.min(MAX_IPV6_ADDRESSES + 1);
    if v6_slots > 0 && s.ipv6_cidrs.is_empty() {
        return Err(no_ipv6_block(&s.id));
    }
    if v6_slots > 0 && held_v6 + v6_slots > MAX_IPV6_ADDRESSES {
        return Err(ipv6_limit());
    }
    for b in &p.v4 {
        subnet::check_block_v4(s, b)?;
    }
    if p.v4_count > 0 && p.v4_count > subnet::free_blocks_v4(w, s, IPV4_PREFIX_LEN).len() {
        return Err(insufficient_blocks());
    }
    if v6_slots > 0 {
        let used = Used6::of(w, &s.id);
        for b in &p.v6 {
            probe_v6(s, &used, b)?;
        }
        if p.v6_count > 0 && !enough_v6(s, &used, p.v6_count) {
            return Err(insufficient_blocks());
        }
    }
    Ok(p)
}

pub(super) fn no_ipv6_block(subnet_id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "The subnet '{subnet_id}' has no IPv6 CIDR block; IPv6 addresses cannot be assigned."
    ))
}

fn insufficient_blocks() -> ApiError {
    ApiError::new(
        ErrorCode::InsufficientCidrBlocks,
        "The specified subnet does not have enough free cidr blocks to satisfy the request.",
    )
}

/// Whether `b` is a usable /80 of one of the subnet's IPv6 blocks (neither the first nor the
/// last, which hold the addresses AWS reserves) that nothing of the subnet uses.
fn probe_v6(s: &Subnet, used: &Used6, b: &Ipv6Net) -> Result<()> {
    if !s.ipv6_cidrs.iter().any(|c| usable_v6(&c.cidr, b)) {
        return Err(ApiError::invalid_parameter(format!(
            "Prefix {b} does not fall within the subnet's IPv6 address range"
        )));
    }
    if used.clashes(b) {
        return Err(ApiError::new(
            ErrorCode::InvalidIPAddressInUse,
            format!("Prefix {b} is in use."),
        ));
    }
    Ok(())
}

fn usable_v6(block: &Ipv6Net, b: &Ipv6Net) -> bool {
    block.contains(b)
        && !b.contains(&block.network())
        && !b.contains(&block.broadcast())
        && block.prefix_len() < b.prefix_len()
}

/// The /80 with index `i` of `block`.
fn nth_v6(block: &Ipv6Net, i: u128) -> Ipv6Net {
    let shift = 128 - u32::from(IPV6_PREFIX_LEN);
    let addr = cidr::nth_v6(block, i << shift);
    Ipv6Net::new(addr, IPV6_PREFIX_LEN).expect("valid length")
}

/// How many /80s `block` holds.
fn v6_slots_in(block: &Ipv6Net) -> u128 {
    let bits = u32::from(IPV6_PREFIX_LEN.saturating_sub(block.prefix_len()));
    if bits >= 127 {
        u128::MAX
    } else {
        1u128 << bits
    }
}

/// Whether `count` free /80s remain in the subnet's first IPv6 block.
fn enough_v6(s: &Subnet, used: &Used6, count: usize) -> bool {
    let Some(block) = s.ipv6_cidrs.first().map(|c| c.cidr) else {
        return false;
    };
    let total = v6_slots_in(&block).saturating_sub(2);
    let taken: BTreeSet<u128> = used
        .addresses
        .iter()
        .copied()
        .chain(used.prefixes.iter().map(|p| p.network()))
        .filter(|a| block.contains(a))
        .map(|a| (u128::from(a) - u128::from(block.network())) >> 48)
        .collect();
    total.saturating_sub(taken.len() as u128) >= count as u128
}

/// Picks a free /80 of the subnet's first IPv6 block (checked by [`check`] to exist): one
/// inside a `prefix` reservation first, else a random one (from the id generator, so a
/// replayed journal picks the same), else the lowest free one.
pub(super) fn pick_v6(w: &mut World, subnet_id: &str, used: &Used6) -> Option<Ipv6Net> {
    let s = w.subnets.get(subnet_id)?;
    let block = s.ipv6_cidrs.first()?.cidr;
    let free = |b: &Ipv6Net| usable_v6(&block, b) && !used.clashes(b);
    let reserved: Vec<Ipv6Net> = w
        .subnet_cidr_reservations
        .values()
        .filter(|r| r.subnet_id == subnet_id && r.reservation_type == ReservationType::Prefix)
        .filter_map(|r| match r.cidr {
            ipnet::IpNet::V6(n) if n.prefix_len() <= IPV6_PREFIX_LEN => Some(n),
            _ => None,
        })
        .collect();
    for r in &reserved {
        if let Some(b) = (0..v6_slots_in(r).min(1 << 16))
            .map(|i| nth_v6(r, i))
            .find(|b| free(b))
        {
            return Some(b);
        }
    }
    let explicit = reserved_v6(w, subnet_id);
    let ok = |b: &Ipv6Net| free(b) && !explicit.iter().any(|r| cidr::overlaps_v6(r, b));
    let slots = v6_slots_in(&block);
    for _ in 0..64 {
        let i = u128::from(w.ids.next_u64()) % slots;
        let b = nth_v6(&block, i);
        if ok(&b) {
            return Some(b);
        }
    }
    (0..slots.min(1 << 20)).map(|i| nth_v6(&block, i)).find(ok)
}

/// The subnet's IPv6 reservations of either kind (automatic picks stay out of them).
fn reserved_v6(w: &World, subnet_id: &str) -> Vec<Ipv6Net> {
    w.subnet_cidr_reservations
        .values()
        .filter(|r| r.subnet_id == subnet_id)
        .filter_map(|r| match r.cidr {
            ipnet::IpNet::V6(n) => Some(n),
            _ => None,
        })
        .collect()
}
