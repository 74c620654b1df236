//! Builders for prefix_list resources.

#[allow(unused_imports)]
use super::Kit;
