//! Checks every ELBv2 create shares: names, tags, ports and bounded numbers, and the random
//! hex that ends each ARN.

use std::collections::BTreeSet;

use super::arns::validation;
use super::model::MAX_TAGS;
use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::TagSet;
use crate::world::World;

/// A load balancer's or target group's name (`what` names which): 1–32 letters, digits or
/// hyphens, not at either end.
pub(super) fn check_name(name: &str, what: &str) -> Result<()> {
    if name.is_empty() {
        return Err(validation(format!("{what} name cannot be empty")));
    }
    if name.chars().count() > 32 {
        return Err(validation(format!(
            "{what} name '{name}' cannot be longer than '32' characters"
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(validation(format!(
            "{what} name '{name}' can only contain characters that are alphanumeric characters or hyphens(-)"
        )));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(validation(format!(
            "{what} name '{name}' cannot begin or end with '-'"
        )));
    }
    Ok(())
}

fn tag_char_ok(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Validates tags to add to a resource that has `existing` tags.
pub(super) fn check_tags(new: &[(String, String)], existing: &TagSet) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (k, v) in new {
        if !seen.insert(k.as_str()) {
            return Err(ApiError::new(
                ErrorCode::DuplicateTagKeys,
                format!("Tag key '{k}' is specified more than once"),
            ));
        }
        if k.is_empty() || k.chars().count() > 128 || !k.chars().all(tag_char_ok) {
            return Err(validation(format!(
                "Tag key '{k}' is not valid: 1 to 128 letters, digits, spaces or _.:/=+-@"
            )));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(validation(format!(
                "Tag key '{k}' is not valid: the 'aws:' prefix is reserved"
            )));
        }
        if v.chars().count() > 256 || !v.chars().all(tag_char_ok) {
            return Err(validation(format!(
                "Tag value '{v}' is not valid: up to 256 letters, digits, spaces or _.:/=+-@"
            )));
        }
    }
    let total = existing.len() + seen.iter().filter(|k| !existing.contains_key(**k)).count();
    if total > MAX_TAGS {
        return Err(ApiError::new(ErrorCode::TooManyTags,
            format!("The quota for the number of tags that can be assigned to a resource has been reached ({MAX_TAGS})"),
        ));
    }
    Ok(())
}

/// The tag set of a new resource.
pub(super) fn tag_set(tags: &[(String, String)]) -> TagSet {
    tags.iter().cloned().collect()
}

/// A port number 1–65535 (`what` names it in the error).
pub(super) fn port_of(value: i64, what: &str) -> Result<u16> {
    u16::try_from(value)
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| {
            validation(format!(
                "{what} '{value}' is not valid: it must be between 1 and 65535"
            ))
        })
}

/// `value` within `min..=max`, or `default` when not given.
pub(super) fn in_range(
    value: Option<i64>,
    default: u32,
    min: u32,
    max: u32,
    what: &str,
) -> Result<u32> {
    match value {
        None => Ok(default),
        Some(v) if v >= i64::from(min) && v <= i64::from(max) => Ok(v as u32),
        Some(v) => Err(validation(format!(
            "{what} '{v}' is not valid: it must be between {min} and {max}"
        ))),
    }
}

/// The 16 hex digits that end a new ARN.
pub(super) fn random_hex(w: &mut World) -> String {
    format!("{:016x}", w.ids.next_u64())
}
