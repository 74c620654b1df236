//! Public machine images (DescribeImages) and the check RunInstances makes of an image id.
//!
//! The images are data: `catalogue.tsv`, the same set in every Region (Amazon Linux 2023 and
//! 2, Ubuntu, Debian, Windows Server, one AWS Marketplace image). An image keeps its id in
//! us-east-1 and takes an id derived from it and the Region elsewhere, so ids differ per
//! Region as AWS's do. Calls no other area.
//!
//! Files: `catalogue.rs` (the data parsed, lookups), `describe.rs`.

mod catalogue;
mod describe;

pub use catalogue::{find, images_in, Image, AMAZON_LINUX_2023};
pub use describe::{describe_images, root_device_name, usage_operation, ImageQuery, FILTERS};

use crate::error::{ApiError, ErrorCode, Result};

/// RunInstances' `ImageId`: a public image of the Region, else AWS's error.
pub fn check_launchable(region: &str, id: &str) -> Result<Image> {
    check_shape(id)?;
    find(region, id).ok_or_else(|| not_found(id))
}

/// `InvalidAMIID.Malformed` unless `id` is `ami-` and 8 or 17 hex digits.
pub fn check_shape(id: &str) -> Result<()> {
    if crate::ids::is_well_formed(id, "ami") {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::InvalidAMIIDMalformed,
        format!("Invalid id: \"{id}\" (expecting \"ami-...\")"),
    ))
}

/// `InvalidAMIID.NotFound` in AWS's words.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAMIIDNotFound,
        format!("The image id '[{id}]' does not exist"),
    )
}

#[cfg(test)]
mod tests;
