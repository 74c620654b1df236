//! DescribeVpcPeeringConnections.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeVpcPeeringConnections (§4.6, §16.1).
pub const VPC_PEERING_CONNECTIONS: Table = Table::new(
    "DescribeVpcPeeringConnections",
    &[
        name("accepter-vpc-info.cidr-block"),
        name("accepter-vpc-info.owner-id"),
        id("accepter-vpc-info.vpc-id", Kind::Vpc),
        name("expiration-time"),
        name("requester-vpc-info.cidr-block"),
        name("requester-vpc-info.owner-id"),
        id("requester-vpc-info.vpc-id", Kind::Vpc),
        name("status-code"),
        name("status-message"),
        id("vpc-peering-connection-id", Kind::VpcPeeringConnection),
    ],
);
