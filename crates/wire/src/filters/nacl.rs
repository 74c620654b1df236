//! DescribeNetworkAcls.

use openvpc_core::Kind;

use super::{id, name, Table};

/// DescribeNetworkAcls (§16.1).
pub const NETWORK_ACLS: Table = Table::new(
    "DescribeNetworkAcls",
    &[
        name("association.association-id"),
        id("association.network-acl-id", Kind::NetworkAcl),
        id("association.subnet-id", Kind::Subnet),
        name("default"),
        name("entry.cidr"),
        name("entry.icmp.code"),
        name("entry.icmp.type"),
        name("entry.ipv6-cidr"),
        name("entry.port-range.from"),
        name("entry.port-range.to"),
        name("entry.protocol"),
        name("entry.rule-action"),
        name("entry.egress"),
        name("entry.rule-number"),
        id("network-acl-id", Kind::NetworkAcl),
        name("owner-id"),
        id("vpc-id", Kind::Vpc),
    ],
);
