//! Builders for sg resources.

#[allow(unused_imports)]
use super::Kit;
