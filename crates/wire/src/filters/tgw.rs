//! DescribeTransitGateways, DescribeTransitGatewayVpcAttachments,
//! DescribeTransitGatewayAttachments, DescribeTransitGatewayRouteTables,
//! SearchTransitGatewayRoutes and GetTransitGatewayRouteTableAssociations/Propagations.

use openvpc_core::Kind;

use super::{id, name, Table, Tags};

/// DescribeTransitGateways.
pub const TRANSIT_GATEWAYS: Table = Table::new(
    "DescribeTransitGateways",
    &[
        name("options.amazon-side-asn"),
        id(
            "options.association-default-route-table-id",
            Kind::TransitGatewayRouteTable,
        ),
        name("options.auto-accept-shared-attachments"),
        name("options.default-route-table-association"),
        name("options.default-route-table-propagation"),
        name("options.dns-support"),
        id(
            "options.propagation-default-route-table-id",
            Kind::TransitGatewayRouteTable,
        ),
        name("options.vpn-ecmp-support"),
        name("owner-id"),
        name("state"),
        id("transit-gateway-id", Kind::TransitGateway),
    ],
);

/// DescribeTransitGatewayVpcAttachments.
pub const VPC_ATTACHMENTS: Table = Table::new(
    "DescribeTransitGatewayVpcAttachments",
    &[
        name("state"),
        id(
            "transit-gateway-attachment-id",
            Kind::TransitGatewayAttachment,
        ),
        id("transit-gateway-id", Kind::TransitGateway),
        id("vpc-id", Kind::Vpc),
    ],
);

/// DescribeTransitGatewayAttachments.
pub const ATTACHMENTS: Table = Table::new(
    "DescribeTransitGatewayAttachments",
    &[
        name("association.state"),
        id(
            "association.transit-gateway-route-table-id",
            Kind::TransitGatewayRouteTable,
        ),
        name("resource-id"),
        name("resource-owner-id"),
        name("resource-type"),
        name("state"),
        id(
            "transit-gateway-attachment-id",
            Kind::TransitGatewayAttachment,
        ),
        id("transit-gateway-id", Kind::TransitGateway),
        name("transit-gateway-owner-id"),
    ],
);

/// DescribeTransitGatewayRouteTables.
pub const ROUTE_TABLES: Table = Table::new(
    "DescribeTransitGatewayRouteTables",
    &[
        name("default-association-route-table"),
        name("default-propagation-route-table"),
        name("state"),
        id("transit-gateway-id", Kind::TransitGateway),
        id(
            "transit-gateway-route-table-id",
            Kind::TransitGatewayRouteTable,
        ),
    ],
);

/// SearchTransitGatewayRoutes (routes carry no tags).
pub const SEARCH_ROUTES: Table = Table::new(
    "SearchTransitGatewayRoutes",
    &[
        name("attachment.resource-id"),
        name("attachment.resource-type"),
        id(
            "attachment.transit-gateway-attachment-id",
            Kind::TransitGatewayAttachment,
        ),
        id("prefix-list-id", Kind::PrefixList),
        name("route-search.exact-match"),
        name("route-search.longest-prefix-match"),
        name("route-search.subnet-of-match"),
        name("route-search.supernet-of-match"),
        name("state"),
        name("type"),
    ],
)
.tags(Tags::None);

const LINKS: &[super::Name] = &[
    name("resource-id"),
    name("resource-type"),
    id(
        "transit-gateway-attachment-id",
        Kind::TransitGatewayAttachment,
    ),
];

/// GetTransitGatewayRouteTableAssociations.
pub const ASSOCIATIONS: Table =
    Table::new("GetTransitGatewayRouteTableAssociations", LINKS).tags(Tags::None);

/// GetTransitGatewayRouteTablePropagations.
pub const PROPAGATIONS: Table =
    Table::new("GetTransitGatewayRouteTablePropagations", LINKS).tags(Tags::None);

/// DescribeTransitGatewayPeeringAttachments.
pub const PEERING_ATTACHMENTS: Table = Table::new(
    "DescribeTransitGatewayPeeringAttachments",
    &[
        name("local-owner-id"),
        name("remote-owner-id"),
        name("state"),
        id(
            "transit-gateway-attachment-id",
            Kind::TransitGatewayAttachment,
        ),
        id("transit-gateway-id", Kind::TransitGateway),
    ],
);
