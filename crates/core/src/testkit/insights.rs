//! Builders for insights resources.

#[allow(unused_imports)]
use super::Kit;
