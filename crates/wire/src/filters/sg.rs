//! DescribeSecurityGroups and DescribeSecurityGroupRules.

use openvpc_core::Kind;

use super::{id, name, Table, Tags};

/// DescribeSecurityGroups (§16.1).
pub const SECURITY_GROUPS: Table = Table::new(
    "DescribeSecurityGroups",
    &[
        name("description"),
        name("egress.ip-permission.cidr"),
        name("egress.ip-permission.from-port"),
        name("egress.ip-permission.group-id"),
        name("egress.ip-permission.group-name"),
        name("egress.ip-permission.ipv6-cidr"),
        name("egress.ip-permission.prefix-list-id"),
        name("egress.ip-permission.protocol"),
        name("egress.ip-permission.to-port"),
        name("egress.ip-permission.user-id"),
        id("group-id", Kind::SecurityGroup),
        name("group-name"),
        name("ip-permission.cidr"),
        name("ip-permission.from-port"),
        name("ip-permission.group-id"),
        name("ip-permission.group-name"),
        name("ip-permission.ipv6-cidr"),
        name("ip-permission.prefix-list-id"),
        name("ip-permission.protocol"),
        name("ip-permission.to-port"),
        name("ip-permission.user-id"),
        name("owner-id"),
        id("vpc-id", Kind::Vpc),
    ],
);

/// DescribeSecurityGroupRules: `tag:<key>` but no `tag-key` is documented.
pub const SECURITY_GROUP_RULES: Table = Table::new(
    "DescribeSecurityGroupRules",
    &[
        id("group-id", Kind::SecurityGroup),
        id("security-group-rule-id", Kind::SecurityGroupRule),
    ],
)
.tags(Tags::KeyOnly);
