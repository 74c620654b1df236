//! DescribeVpnGateways, DescribeCustomerGateways and DescribeVpnConnections (§13).

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeVpnGateways.
pub const VPN_GATEWAYS: Table = Table::new(
    "DescribeVpnGateways",
    &[
        name("amazon-side-asn"),
        name("attachment.state"),
        id("attachment.vpc-id", Kind::Vpc),
        name("availability-zone"),
        name("state"),
        name("type"),
        id("vpn-gateway-id", Kind::VpnGateway),
    ],
);

/// DescribeCustomerGateways.
pub const CUSTOMER_GATEWAYS: Table = Table::new(
    "DescribeCustomerGateways",
    &[
        name("bgp-asn"),
        id("customer-gateway-id", Kind::CustomerGateway),
        name("ip-address"),
        name("state"),
        name("type"),
    ],
);

/// DescribeVpnConnections.
pub const VPN_CONNECTIONS: Table = Table::new(
    "DescribeVpnConnections",
    &[
        name("bgp-asn"),
        name("customer-gateway-configuration"),
        id("customer-gateway-id", Kind::CustomerGateway),
        name("option.static-routes-only"),
        name("route.destination-cidr-block"),
        name("state"),
        name("transit-gateway-id"),
        name("type"),
        id("vpn-connection-id", Kind::VpnConnection),
        id("vpn-gateway-id", Kind::VpnGateway),
    ],
);
