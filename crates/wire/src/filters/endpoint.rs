//! The PrivateLink and endpoint Describe actions. Unknown names get `InvalidFilter` (§16.3:
//! seen from DescribeVpcEndpointServices; the same family answers alike).

use openvpc_core::{ErrorCode, Kind};

use super::{id, name, Table, Tags};

/// DescribeVpcEndpoints.
pub const VPC_ENDPOINTS: Table = Table::new(
    "DescribeVpcEndpoints",
    &[
        name("ip-address-type"),
        name("service-name"),
        name("service-region"),
        id("vpc-id", Kind::Vpc),
        id("vpc-endpoint-id", Kind::VpcEndpoint),
        name("vpc-endpoint-state"),
        name("vpc-endpoint-type"),
    ],
)
.unknown(ErrorCode::InvalidFilter);

/// DescribeVpcEndpointConnections (a provider's view of its consumers; no tag filters).
pub const VPC_ENDPOINT_CONNECTIONS: Table = Table::new(
    "DescribeVpcEndpointConnections",
    &[
        name("ip-address-type"),
        id("service-id", Kind::VpcEndpointService),
        name("transit-gateway-attachment-id"),
        name("vpc-endpoint-owner"),
        name("vpc-endpoint-region"),
        name("vpc-endpoint-state"),
        id("vpc-endpoint-id", Kind::VpcEndpoint),
    ],
)
.unknown(ErrorCode::InvalidFilter)
.tags(Tags::None);

/// DescribeVpcEndpointServices (`vpc-id` is refused: mondoohq/mql #4454).
pub const VPC_ENDPOINT_SERVICES: Table = Table::new(
    "DescribeVpcEndpointServices",
    &[
        name("owner"),
        name("service-name"),
        name("service-region"),
        name("service-type"),
        name("supported-ip-address-types"),
    ],
)
.unknown(ErrorCode::InvalidFilter);

/// DescribeVpcEndpointServiceConfigurations.
pub const VPC_ENDPOINT_SERVICE_CONFIGURATIONS: Table = Table::new(
    "DescribeVpcEndpointServiceConfigurations",
    &[
        name("service-name"),
        id("service-id", Kind::VpcEndpointService),
        name("service-state"),
        name("supported-ip-address-types"),
    ],
)
.unknown(ErrorCode::InvalidFilter);

/// DescribeVpcEndpointServicePermissions (permissions carry no tags).
pub const VPC_ENDPOINT_SERVICE_PERMISSIONS: Table = Table::new(
    "DescribeVpcEndpointServicePermissions",
    &[
        name("permission-type"),
        name("principal"),
        name("principal-type"),
    ],
)
.unknown(ErrorCode::InvalidFilter)
.tags(Tags::None);

/// DescribeVpcEndpointConnectionNotifications (notifications carry no tags).
pub const VPC_ENDPOINT_CONNECTION_NOTIFICATIONS: Table = Table::new(
    "DescribeVpcEndpointConnectionNotifications",
    &[
        name("connection-notification-arn"),
        name("connection-notification-id"),
        name("connection-notification-state"),
        name("connection-notification-type"),
        id("service-id", Kind::VpcEndpointService),
        id("vpc-endpoint-id", Kind::VpcEndpoint),
    ],
)
.unknown(ErrorCode::InvalidFilter)
.tags(Tags::None);
