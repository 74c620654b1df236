//! DescribeSubnets: its filters and the values each filter matches.

use super::model::Subnet;
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::world::{Ctx, World};

/// Filters DescribeSubnets accepts.
pub const FILTERS: &[&str] = &[
    "availability-zone",
    "availability-zone-id",
    "available-ip-address-count",
    "cidr-block",
    "customer-owned-ipv4-pool",
    "default-for-az",
    "enable-dns64",
    "enable-lni-at-device-index",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
    "ipv6-native",
    "map-customer-owned-ip-on-launch",
    "map-public-ip-on-launch",
    "outpost-arn",
    "owner-id",
    "private-dns-name-options-on-launch.hostname-type",
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record",
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record",
    "state",
    "subnet-arn",
    "subnet-id",
    "vpc-id",
];

/// DescribeSubnets.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Subnet>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.subnets.pick(scope, ids, |id| super::get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |s, name| {
        field(s, name)
    }))
}

fn field(s: &Subnet, name: &str) -> Vec<String> {
    match name {
        "availability-zone" => filter::s(&s.availability_zone),
        "availability-zone-id" => filter::s(&s.availability_zone_id),
        "available-ip-address-count" => filter::s(s.available_ip_count().to_string()),
        "cidr-block" => s.cidr.iter().map(|c| c.to_string()).collect(),
        // No Outposts and no customer-owned pools here.
        "customer-owned-ipv4-pool" | "outpost-arn" => Vec::new(),
        "map-customer-owned-ip-on-launch" => filter::b(false),
        "default-for-az" => filter::b(s.default_for_az),
        "enable-dns64" => filter::b(s.launch.enable_dns64),
        "enable-lni-at-device-index" => {
            filter::opt(s.launch.lni_at_device_index.map(|i| i.to_string()))
        }
        "ipv6-native" => filter::b(s.ipv6_native()),
        "private-dns-name-options-on-launch.hostname-type" => filter::s(&s.launch.hostname_type),
        "private-dns-name-options-on-launch.enable-resource-name-dns-a-record" => {
            filter::b(s.launch.resource_name_dns_a_record)
        }
        "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record" => {
            filter::b(s.launch.resource_name_dns_aaaa_record)
        }
        "ipv6-cidr-block-association.ipv6-cidr-block" => {
            s.ipv6_cidrs.iter().map(|c| c.cidr.to_string()).collect()
        }
        "ipv6-cidr-block-association.association-id" => s
            .ipv6_cidrs
            .iter()
            .map(|c| c.association_id.clone())
            .collect(),
        "ipv6-cidr-block-association.state" => {
            s.ipv6_cidrs.iter().map(|_| "associated".into()).collect()
        }
        "map-public-ip-on-launch" => filter::b(s.map_public_ip_on_launch),
        "owner-id" => filter::s(&s.scope.account),
        "state" => filter::s("available"),
        "subnet-arn" => filter::s(s.arn()),
        "subnet-id" => filter::s(&s.id),
        "vpc-id" => filter::s(&s.vpc_id),
        _ => Vec::new(),
    }
}
