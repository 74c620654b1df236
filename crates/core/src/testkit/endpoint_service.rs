//! Builders for endpoint_service resources.

#[allow(unused_imports)]
use super::Kit;
