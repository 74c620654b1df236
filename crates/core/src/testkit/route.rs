//! Builders for route resources.

#[allow(unused_imports)]
use super::Kit;
