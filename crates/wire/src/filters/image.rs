//! DescribeImages (the public catalogue).

use super::{name, Table};

/// DescribeImages.
pub const IMAGES: Table = Table::new(
    "DescribeImages",
    &[
        name("architecture"),
        name("creation-date"),
        name("description"),
        name("hypervisor"),
        name("image-id"),
        name("image-type"),
        name("is-public"),
        name("name"),
        name("owner-alias"),
        name("owner-id"),
        name("platform"),
        name("platform-details"),
        name("root-device-name"),
        name("root-device-type"),
        name("state"),
        name("usage-operation"),
        name("virtualization-type"),
    ],
);
