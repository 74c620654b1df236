//! DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeNatGateways and
//! DescribeAddresses.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeInternetGateways (§16.1).
pub const INTERNET_GATEWAYS: Table = Table::new(
    "DescribeInternetGateways",
    &[
        name("attachment.state"),
        id("attachment.vpc-id", Kind::Vpc),
        id("internet-gateway-id", Kind::InternetGateway),
        name("owner-id"),
    ],
);

/// DescribeEgressOnlyInternetGateways: tag filters only.
pub const EGRESS_ONLY_INTERNET_GATEWAYS: Table =
    Table::new("DescribeEgressOnlyInternetGateways", &[]);

/// DescribeNatGateways (§16.1).
pub const NAT_GATEWAYS: Table = Table::new(
    "DescribeNatGateways",
    &[
        id("nat-gateway-id", Kind::NatGateway),
        name("state"),
        id("subnet-id", Kind::Subnet),
        id("vpc-id", Kind::Vpc),
    ],
);

/// DescribeAddresses (§16.1); `domain` is the older reference's (every address is `vpc`).
pub const ADDRESSES: Table = Table::new(
    "DescribeAddresses",
    &[
        id("allocation-id", Kind::Address),
        name("association-id"),
        name("domain"),
        id("instance-id", Kind::Instance),
        name("network-border-group"),
        id("network-interface-id", Kind::NetworkInterface),
        name("network-interface-owner-id"),
        name("private-ip-address"),
        name("public-ip"),
    ],
);
