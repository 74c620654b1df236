//! Customer-managed lists: CreateManagedPrefixList, ModifyManagedPrefixList (a new version
//! when the entries change) and DeleteManagedPrefixList. AWS-managed lists are read-only.

use std::collections::BTreeMap;

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::entries::{changed_entries, check_per_request, modification, new_entries};
use super::model::{
    AddressFamily, Entry, EntrySpec, PrefixList, State, MAX_ENTRIES, MAX_TEXT, MAX_VERSIONS,
};
use super::references::{exists_for, references};

/// ModifyManagedPrefixList as requested.
pub(super) struct Change<'a> {
    pub id: &'a str,
    pub current_version: Option<i64>,
    pub name: Option<&'a str>,
    pub add: &'a [EntrySpec],
    pub remove: &'a [String],
    pub max_entries: Option<i64>,
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid_value(format!(
            "The prefix list name must be between 1 and {MAX_TEXT} characters."
        )));
    }
    if name.starts_with("com.amazonaws") {
        return Err(ApiError::invalid_value(format!(
            "The prefix list name '{name}' is invalid: names starting with com.amazonaws are reserved."
        )));
    }
    Ok(())
}

fn check_max_entries(n: i64) -> Result<u32> {
    if !(1..=MAX_ENTRIES).contains(&n) {
        return Err(ApiError::invalid_value(format!(
            "Must specify a max size between 1 and {MAX_ENTRIES}"
        )));
    }
    Ok(n as u32)
}

fn check_quota(w: &World, ctx: &Ctx) -> Result<()> {
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::PREFIX_LISTS_PER_REGION)
    {
        if w.prefix_lists.count_in(ctx.scope()) >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::PrefixListLimitExceeded,
                "prefix lists",
                limit,
            ));
        }
    }
    Ok(())
}

/// CreateManagedPrefixList.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    name: &str,
    specs: &[EntrySpec],
    max_entries: i64,
    address_family: &str,
    tag_specs: &[TagSpec],
) -> Result<Output> {
    check_name(name)?;
    let family = AddressFamily::parse(address_family)?;
    let max = check_max_entries(max_entries)?;
    check_per_request(specs.len())?;
    let mut entries = new_entries(specs, family)?;
    if entries.len() > max as usize {
        return Err(ApiError::invalid_value(format!(
            "The number of entries ({}) exceeds the maximum number of entries ({max}) of the prefix list.",
            entries.len()
        )));
    }
    tags::check_specs(tag_specs, "prefix-list")?;
    check_quota(w, ctx)?;
    entries.sort_by_key(|e| e.cidr);
    let scope = ctx.scope();
    let id = w.ids.id(Kind::PrefixList);
    w.prefix_lists.insert(PrefixList {
        id: id.clone(),
        scope: scope.clone(),
        name: name.to_string(),
        address_family: family,
        max_entries: max,
        version: 1,
        state: State::CreateComplete,
        versions: BTreeMap::from([(1, entries)]),
        created: ctx.now,
    });
    tags::apply_specs(w, scope, &id, tag_specs);
    Ok(Output::Id(id))
}

/// The caller's customer-managed list `id` for a change: AWS-managed lists are refused.
fn own_list<'w>(w: &'w World, scope: &Scope, id: &str, what: &str) -> Result<&'w PrefixList> {
    if let Some(pl) = w.prefix_lists.get_in(scope, id) {
        return Ok(pl);
    }
    if exists_for(w, scope, id) {
        return Err(ApiError::not_permitted(format!(
            "The prefix list {id} is managed by AWS and cannot be {what}."
        )));
    }
    Err(Kind::PrefixList.not_found(id))
}

/// `CurrentVersion`, when given, must be the list's version.
fn check_version(pl: &PrefixList, current_version: Option<i64>) -> Result<()> {
    let Some(v) = current_version else {
        return Ok(());
    };
    if v < 1 {
        return Err(ApiError::invalid_value(format!(
            "The specified value for version is not valid. The value must be greater than or equal to (1): {v}."
        )));
    }
    if v as u64 != pl.version {
        return Err(ApiError::new(
            ErrorCode::PrefixListVersionMismatch,
            "The prefix list has the incorrect version number.",
        ));
    }
    Ok(())
}

/// The list's `MaxEntries` after the change: a new maximum must hold the current entries.
fn new_max_entries(pl: &PrefixList, requested: Option<i64>) -> Result<u32> {
    let Some(n) = requested else {
        return Ok(pl.max_entries);
    };
    let n = check_max_entries(n)?;
    let count = pl.entries().len();
    if (n as usize) < count {
        return Err(modification(format!(
            "The prefix list {} has {count} entries, more than the requested maximum ({n}).",
            pl.id
        )));
    }
    Ok(n)
}

/// ModifyManagedPrefixList: rename, resize, or change the entries (a new version).
pub(super) fn modify(w: &mut World, ctx: &Ctx, c: Change) -> Result<Output> {
    let pl = own_list(w, ctx.scope(), c.id, "modified")?;
    check_version(pl, c.current_version)?;
    let changes_entries = !c.add.is_empty() || !c.remove.is_empty();
    if c.max_entries.is_some() && changes_entries {
        return Err(ApiError::invalid_combination(
            "You cannot modify the entries and the maximum entries for the prefix list in the same request.",
        ));
    }
    if let Some(n) = c.name {
        check_name(n)?;
    }
    check_per_request(c.add.len())?;
    check_per_request(c.remove.len())?;
    let mut entries = changed_entries(pl, c.add, c.remove)?;
    let new_max = new_max_entries(pl, c.max_entries)?;
    if entries.len() > new_max as usize {
        return Err(modification(format!(
            "The prefix list {} would have {} entries, more than its maximum number of entries ({new_max}).",
            c.id,
            entries.len()
        )));
    }
    entries.sort_by_key(|e| e.cidr);
    let pl = w.prefix_lists.get_mut(c.id).expect("checked");
    if let Some(n) = c.name {
        pl.name = n.to_string();
    }
    pl.max_entries = new_max;
    if changes_entries {
        add_version(pl, entries);
    }
    pl.state = State::ModifyComplete;
    Ok(Output::Id(c.id.to_string()))
}

/// Makes `entries` the list's next version; the oldest beyond [`MAX_VERSIONS`] are dropped.
fn add_version(pl: &mut PrefixList, entries: Vec<Entry>) {
    pl.version += 1;
    pl.versions.insert(pl.version, entries);
    let oldest_kept = pl.version.saturating_sub(MAX_VERSIONS - 1);
    pl.versions.retain(|v, _| *v >= oldest_kept);
}

/// DeleteManagedPrefixList: refused while a route table or security group references it.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    own_list(w, ctx.scope(), id, "deleted")?;
    if !references(w, id, None).is_empty() {
        return Err(ApiError::dependency(format!(
            "The prefix list '{id}' has dependencies and cannot be deleted."
        )));
    }
    w.prefix_lists.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}
