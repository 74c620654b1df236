//! Builders for nacl resources.

#[allow(unused_imports)]
use super::Kit;
