//! DescribeTags.

use super::{name, Table};

/// DescribeTags: the tags themselves are the items (`key`, `value`, the resource they are on).
pub const TAGS: Table = Table::new(
    "DescribeTags",
    &[
        name("key"),
        name("resource-id"),
        name("resource-type"),
        name("value"),
    ],
);
