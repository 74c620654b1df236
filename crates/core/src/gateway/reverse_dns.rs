//! Elastic IP reverse DNS (spec §15): ModifyAddressAttribute, ResetAddressAttribute and
//! DescribeAddressesAttribute. No DNS runs: a name is recorded at once, and only an
//! address whose name was set is described (AWS's default PTR is not reported).

use crate::error::{ApiError, Result};
use crate::world::{Ctx, World};
use crate::Output;

use super::addresses::find_address;
use super::Address;

/// A domain name AWS would accept: 1–253 characters (a trailing dot allowed), labels of
/// 1–63 letters, digits and hyphens not starting or ending with a hyphen.
fn check_domain_name(name: &str) -> Result<String> {
    let bare = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if bare.is_empty() || bare.len() > 253 || !bare.split('.').all(label_ok) {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter DomainName is invalid. It is not a valid domain name."
        )));
    }
    Ok(bare)
}

/// ModifyAddressAttribute: records the address's reverse DNS name.
pub(super) fn modify(w: &mut World, ctx: &Ctx, id: &str, name: &str) -> Result<Output> {
    find_address(w, ctx.scope(), Some(id), None)?;
    let name = check_domain_name(name)?;
    w.addresses.get_mut(id).expect("checked").domain_name = Some(name);
    Ok(Output::Done)
}

/// ResetAddressAttribute: forgets the reverse DNS name.
pub(super) fn reset(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    find_address(w, ctx.scope(), Some(id), None)?;
    w.addresses.get_mut(id).expect("checked").domain_name = None;
    Ok(Output::Done)
}

/// DescribeAddressesAttribute: the caller's addresses (all, or `ids`, which must exist)
/// that have a reverse DNS name.
pub fn describe_address_attributes<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
) -> Result<Vec<&'w Address>> {
    let scope = ctx.scope();
    let mut found = Vec::new();
    if ids.is_empty() {
        found.extend(w.addresses.in_scope(scope));
    } else {
        for id in ids {
            found.push(find_address(w, scope, Some(id), None)?);
        }
    }
    found.retain(|a| a.domain_name.is_some());
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found.dedup_by(|a, b| a.id == b.id);
    Ok(found)
}
