//! Builders for gateway resources.

#[allow(unused_imports)]
use super::Kit;
