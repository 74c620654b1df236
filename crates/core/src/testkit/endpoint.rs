//! Builders for endpoint resources.

#[allow(unused_imports)]
use super::Kit;
