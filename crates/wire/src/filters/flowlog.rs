//! DescribeFlowLogs.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeFlowLogs. `resource-id` holds VPC, subnet or interface ids alike, so it is not
/// checked as one kind.
pub const FLOW_LOGS: Table = Table::new(
    "DescribeFlowLogs",
    &[
        name("deliver-log-status"),
        id("flow-log-id", Kind::FlowLog),
        name("log-destination-type"),
        name("log-group-name"),
        name("resource-id"),
        name("traffic-type"),
    ],
);
