//! Builders for elb resources.

#[allow(unused_imports)]
use super::Kit;
