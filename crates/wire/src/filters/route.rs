//! DescribeRouteTables.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeRouteTables (§16.1). Route targets (`route.gateway-id` may be `local`, an internet,
/// virtual private or endpoint gateway) are not checked as ids.
pub const ROUTE_TABLES: Table = Table::new(
    "DescribeRouteTables",
    &[
        name("association.gateway-id"),
        name("association.route-table-association-id"),
        id("association.route-table-id", Kind::RouteTable),
        id("association.subnet-id", Kind::Subnet),
        name("association.main"),
        name("owner-id"),
        id("route-table-id", Kind::RouteTable),
        name("route.destination-cidr-block"),
        name("route.destination-ipv6-cidr-block"),
        name("route.destination-prefix-list-id"),
        name("route.egress-only-internet-gateway-id"),
        name("route.gateway-id"),
        name("route.instance-id"),
        name("route.nat-gateway-id"),
        name("route.transit-gateway-id"),
        name("route.origin"),
        name("route.state"),
        name("route.vpc-peering-connection-id"),
        id("vpc-id", Kind::Vpc),
    ],
);
