//! DescribeManagedPrefixLists and DescribePrefixLists.

use openvpc_core::Kind;

use super::{id, name, Table, Tags};

/// DescribeManagedPrefixLists. The reference lists no tag filter, but customer lists carry
/// tags and AWS's other tagged resources take them; they are accepted (docs/decisions.md).
pub const MANAGED_PREFIX_LISTS: Table = Table::new(
    "DescribeManagedPrefixLists",
    &[
        name("owner-id"),
        id("prefix-list-id", Kind::PrefixList),
        name("prefix-list-name"),
    ],
);

/// DescribePrefixLists (the older, AWS-managed-only view; no tags).
pub const PREFIX_LISTS: Table = Table::new(
    "DescribePrefixLists",
    &[
        id("prefix-list-id", Kind::PrefixList),
        name("prefix-list-name"),
    ],
)
.tags(Tags::None);
