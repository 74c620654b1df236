//! DescribeKeyPairs.

use super::{name, Table};

/// DescribeKeyPairs. Key pair ids are not checked for shape: AWS answers an unknown or
/// malformed one alike, `InvalidKeyPair.NotFound`.
pub const KEY_PAIRS: Table = Table::new(
    "DescribeKeyPairs",
    &[
        name("fingerprint"),
        name("key-name"),
        name("key-pair-id"),
        name("key-type"),
    ],
);
