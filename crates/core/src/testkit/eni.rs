//! Builders for eni resources.

#[allow(unused_imports)]
use super::Kit;
