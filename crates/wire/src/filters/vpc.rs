//! DescribeVpcs.

use openvpc_core::Kind;

use super::{alias, id, name, Table};

/// DescribeVpcs (§16.1). `cidr-block` (Ansible's `ec2_vpc_net`) and `cidrBlock` are taken as
/// `cidr`, the primary IPv4 block; `isDefault` is the 2014 name of `is-default`.
pub const VPCS: Table = Table::new(
    "DescribeVpcs",
    &[
        name("cidr"),
        alias("cidr-block", "cidr"),
        alias("cidrBlock", "cidr"),
        name("cidr-block-association.cidr-block"),
        name("cidr-block-association.association-id"),
        name("cidr-block-association.state"),
        id("dhcp-options-id", Kind::DhcpOptions),
        name("ipv6-cidr-block-association.ipv6-cidr-block"),
        name("ipv6-cidr-block-association.ipv6-pool"),
        name("ipv6-cidr-block-association.association-id"),
        name("ipv6-cidr-block-association.state"),
        name("is-default"),
        alias("isDefault", "is-default"),
        name("owner-id"),
        name("state"),
        id("vpc-id", Kind::Vpc),
    ],
);
