//! DescribeManagedPrefixLists and the legacy DescribePrefixLists: candidates and filters.

use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, World};

use super::aws_managed::aws_managed;
use super::model::PrefixList;
use super::references::lookup;

/// `InvalidPrefixListId.NotFound` (lower-case `d`) for the legacy DescribePrefixLists.
pub fn legacy_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidPrefixListIdNotFound,
        format!("The prefix list ID '{id}' does not exist"),
    )
}

/// Filters DescribeManagedPrefixLists accepts.
pub const FILTERS: &[&str] = &["owner-id", "prefix-list-id", "prefix-list-name"];

/// Filters DescribePrefixLists accepts.
pub const LEGACY_FILTERS: &[&str] = &["prefix-list-id", "prefix-list-name"];

/// The values of filter `name` for a list.
fn field(pl: &PrefixList, name: &str) -> Vec<String> {
    match name {
        "owner-id" => filter::s(pl.owner_id()),
        "prefix-list-id" => filter::s(&pl.id),
        "prefix-list-name" => filter::s(&pl.name),
        _ => Vec::new(),
    }
}

/// DescribeManagedPrefixLists: the Region's AWS-managed lists and the caller's own;
/// explicit ids must all be visible; then filters; id order.
pub fn describe(
    w: &World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<PrefixList>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<PrefixList> = if ids.is_empty() {
        let mut all = aws_managed(w, ctx.region());
        all.extend(w.prefix_lists.in_scope(scope).cloned());
        all
    } else {
        ids.iter()
            .map(|id| lookup(w, scope, id).ok_or_else(|| Kind::PrefixList.not_found(id)))
            .collect::<Result<_>>()?
    };
    let mut found: Vec<PrefixList> = candidates
        .into_iter()
        .filter(|pl| filter::matches(filters, tags::of(w, scope, &pl.id), |n| field(pl, n)))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// DescribePrefixLists (legacy): only the Region's gateway-endpoint service lists, in id
/// order.
pub fn describe_legacy(
    w: &World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<PrefixList>> {
    filter::check_names(filters, LEGACY_FILTERS)?;
    let all = aws_managed(w, ctx.region());
    let candidates: Vec<PrefixList> = if ids.is_empty() {
        all
    } else {
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|pl| &pl.id == id)
                    .cloned()
                    .ok_or_else(|| legacy_not_found(id))
            })
            .collect::<Result<_>>()?
    };
    let no_tags = tags::TagSet::new();
    let mut found: Vec<PrefixList> = candidates
        .into_iter()
        .filter(|pl| filter::matches(filters, &no_tags, |n| field(pl, n)))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}
