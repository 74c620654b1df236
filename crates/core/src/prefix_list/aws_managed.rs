//! The AWS-managed lists of the gateway-endpoint services (§3.7), computed from the
//! configured Regions and never stored (see the area's documentation for the address plan).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use crate::world::{Scope, World};

use super::model::{AddressFamily, Entry, PrefixList, State, AWS_OWNER, SERVICES};

/// FNV-1a, 32 bits.
fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// The id of a Region's AWS-managed list for `service` (legacy 8-hex shape).
pub fn aws_managed_id(region: &str, service: &str) -> String {
    match (region, service) {
        ("us-east-1", "s3") => "pl-63a5400a".into(),
        ("us-east-1", "dynamodb") => "pl-02cd2c6b".into(),
        _ => format!("pl-{:08x}", fnv32(format!("{region}/{service}").as_bytes())),
    }
}

/// The name of a Region's AWS-managed list for `service`.
pub fn aws_managed_name(region: &str, service: &str) -> String {
    format!("com.amazonaws.{region}.{service}")
}

/// The Region's slot in the synthetic address plan (see the area's documentation).
fn region_slot(region: &str) -> u32 {
    let known = crate::region::catalogue::REGIONS;
    match known.iter().position(|r| r.name == region) {
        Some(i) => i as u32,
        None => known.len() as u32 + fnv32(region.as_bytes()) % (256 - known.len() as u32),
    }
}

/// The `slot`-th block of length `len` from `base`.
fn block(base: [u8; 4], len: u8, slot: u32) -> IpNet {
    let size = 1u32 << (32 - len);
    let addr = Ipv4Addr::from(u32::from(Ipv4Addr::from(base)) + slot * size);
    IpNet::V4(Ipv4Net::new(addr, len).expect("valid prefix length"))
}

/// The synthetic CIDRs of a Region's AWS-managed list for `service`.
pub fn aws_managed_cidrs(region: &str, service: &str) -> Vec<IpNet> {
    let s = region_slot(region);
    match service {
        "s3" => vec![block([52, 216, 0, 0], 22, s), block([54, 231, 0, 0], 24, s)],
        _ => vec![block([52, 92, 0, 0], 22, s), block([52, 119, 0, 0], 24, s)],
    }
}

/// A Region's AWS-managed list for `service`.
fn aws_managed_list(region: &str, service: &str) -> PrefixList {
    let entries: Vec<Entry> = aws_managed_cidrs(region, service)
        .into_iter()
        .map(|cidr| Entry {
            cidr,
            description: None,
        })
        .collect();
    PrefixList {
        id: aws_managed_id(region, service),
        scope: Scope::new(AWS_OWNER, region),
        name: aws_managed_name(region, service),
        address_family: AddressFamily::IPv4,
        max_entries: entries.len() as u32,
        version: 1,
        state: State::CreateComplete,
        versions: BTreeMap::from([(1, entries)]),
        created: 0,
    }
}

/// The AWS-managed lists of `region` (none if the Region is not served), S3 first.
pub fn aws_managed(w: &World, region: &str) -> Vec<PrefixList> {
    if w.config.region(region).is_none() {
        return Vec::new();
    }
    SERVICES
        .iter()
        .map(|s| aws_managed_list(region, s))
        .collect()
}

/// The AWS-managed list `id` of any served Region.
pub(super) fn aws_managed_by_id(w: &World, id: &str) -> Option<PrefixList> {
    w.config.regions.iter().find_map(|r| {
        SERVICES
            .iter()
            .find(|s| aws_managed_id(&r.name, s) == id)
            .map(|s| aws_managed_list(&r.name, s))
    })
}
