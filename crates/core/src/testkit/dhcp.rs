//! Builders for dhcp resources.

#[allow(unused_imports)]
use super::Kit;
