//! DescribeSubnets.

use openvpc_core::Kind;

use super::{alias, id, name, Table};

/// DescribeSubnets (§16.1). The current reference still documents the 2014 names
/// (`availabilityZone`, `availabilityZoneId`, `cidr`, `cidrBlock`, `defaultForAz`) as aliases.
pub const SUBNETS: Table = Table::new(
    "DescribeSubnets",
    &[
        name("availability-zone"),
        alias("availabilityZone", "availability-zone"),
        name("availability-zone-id"),
        alias("availabilityZoneId", "availability-zone-id"),
        name("available-ip-address-count"),
        name("cidr-block"),
        alias("cidr", "cidr-block"),
        alias("cidrBlock", "cidr-block"),
        name("customer-owned-ipv4-pool"),
        name("default-for-az"),
        alias("defaultForAz", "default-for-az"),
        name("enable-dns64"),
        name("enable-lni-at-device-index"),
        name("ipv6-cidr-block-association.ipv6-cidr-block"),
        name("ipv6-cidr-block-association.association-id"),
        name("ipv6-cidr-block-association.state"),
        name("ipv6-native"),
        name("map-customer-owned-ip-on-launch"),
        name("map-public-ip-on-launch"),
        name("outpost-arn"),
        name("owner-id"),
        name("private-dns-name-options-on-launch.hostname-type"),
        name("private-dns-name-options-on-launch.enable-resource-name-dns-a-record"),
        name("private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record"),
        name("state"),
        name("subnet-arn"),
        id("subnet-id", Kind::Subnet),
        id("vpc-id", Kind::Vpc),
    ],
);
