//! Builders for peering resources.

#[allow(unused_imports)]
use super::Kit;
