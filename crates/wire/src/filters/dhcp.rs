//! DescribeDhcpOptions.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeDhcpOptions.
pub const DHCP_OPTIONS: Table = Table::new(
    "DescribeDhcpOptions",
    &[
        id("dhcp-options-id", Kind::DhcpOptions),
        name("key"),
        name("owner-id"),
        name("value"),
    ],
);
