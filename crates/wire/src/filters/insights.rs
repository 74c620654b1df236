//! DescribeNetworkInsightsPaths and DescribeNetworkInsightsAnalyses.

use super::{name, Table};

/// DescribeNetworkInsightsPaths; `destination-ip`, `destination-port` and `source-ip` are the
/// names of the path's own fields AWS also takes. Paths carry tags, so tag filters are taken.
pub const NETWORK_INSIGHTS_PATHS: Table = Table::new(
    "DescribeNetworkInsightsPaths",
    &[
        name("destination"),
        name("destination-ip"),
        name("destination-port"),
        name("filter-at-destination.destination-address"),
        name("filter-at-destination.destination-port-range"),
        name("filter-at-destination.source-address"),
        name("filter-at-destination.source-port-range"),
        name("filter-at-source.destination-address"),
        name("filter-at-source.destination-port-range"),
        name("filter-at-source.source-address"),
        name("filter-at-source.source-port-range"),
        name("protocol"),
        name("source"),
        name("source-ip"),
    ],
);

/// DescribeNetworkInsightsAnalyses.
pub const NETWORK_INSIGHTS_ANALYSES: Table = Table::new(
    "DescribeNetworkInsightsAnalyses",
    &[name("path-found"), name("status")],
);
