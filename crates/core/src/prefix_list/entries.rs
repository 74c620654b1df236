//! Entries and versions: parsing requested entries, the entries a modification leaves,
//! and GetManagedPrefixListEntries of the current or an older version.

use ipnet::IpNet;

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, World};

use super::model::{
    AddressFamily, Entry, EntrySpec, PrefixList, MAX_ENTRIES_PER_REQUEST, MAX_TEXT,
};
use super::references::lookup;

/// `InvalidPrefixListModification` with `message`.
pub(super) fn modification(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidPrefixListModification, message)
}

/// One request adds (or removes) at most [`MAX_ENTRIES_PER_REQUEST`] entries.
pub(super) fn check_per_request(n: usize) -> Result<()> {
    if n > MAX_ENTRIES_PER_REQUEST {
        return Err(ApiError::invalid_value(format!(
            "The number of entries per request cannot exceeds limit ({MAX_ENTRIES_PER_REQUEST})."
        )));
    }
    Ok(())
}

/// A block as requested, truncated to its network.
fn parse_cidr(raw: &str) -> Result<IpNet> {
    raw.trim().parse::<IpNet>().map(|n| n.trunc()).map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter cidr is invalid. This is not a valid CIDR block."
        ))
    })
}

/// An entry as requested, of the list's family, with a description of bounded length.
fn parse_entry(spec: &EntrySpec, family: AddressFamily) -> Result<Entry> {
    let cidr = parse_cidr(&spec.cidr)?;
    if AddressFamily::of(&cidr) != family {
        return Err(ApiError::invalid_value(format!(
            "The CIDR ({}) does not match the address family ({}) of the prefix list.",
            spec.cidr,
            family.as_str()
        )));
    }
    if let Some(d) = &spec.description {
        if d.chars().count() > MAX_TEXT {
            return Err(ApiError::invalid_value(format!(
                "The description of an entry must be at most {MAX_TEXT} characters."
            )));
        }
    }
    Ok(Entry {
        cidr,
        description: spec.description.clone().filter(|d| !d.is_empty()),
    })
}

fn already_exists(e: &Entry) -> ApiError {
    modification(match &e.description {
        Some(d) => format!(
            "An entry with the CIDR ({}) and description ({d}) already exists.",
            e.cidr
        ),
        None => format!("An entry with the CIDR ({}) already exists.", e.cidr),
    })
}

/// The entries of a new list: parsed, without duplicate blocks, in request order.
pub(super) fn new_entries(specs: &[EntrySpec], family: AddressFamily) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::with_capacity(specs.len());
    for spec in specs {
        let entry = parse_entry(spec, family)?;
        if let Some(dup) = entries.iter().find(|e| e.cidr == entry.cidr) {
            return Err(already_exists(dup));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The entries `pl` has after removing the blocks `remove` (each must be there) and adding
/// `add` (none removed in the same request, none present), in no particular order.
pub(super) fn changed_entries(
    pl: &PrefixList,
    add: &[EntrySpec],
    remove: &[String],
) -> Result<Vec<Entry>> {
    let current = pl.entries();
    let mut removed: Vec<IpNet> = Vec::with_capacity(remove.len());
    for raw in remove {
        let cidr = parse_cidr(raw)?;
        if !current.iter().any(|e| e.cidr == cidr) {
            return Err(modification(format!(
                "The CIDR ({raw}) does not exist in the prefix list {}.",
                pl.id
            )));
        }
        removed.push(cidr);
    }
    let mut entries: Vec<Entry> = current
        .iter()
        .filter(|e| !removed.contains(&e.cidr))
        .cloned()
        .collect();
    for spec in add {
        let entry = parse_entry(spec, pl.address_family)?;
        if removed.contains(&entry.cidr) {
            return Err(modification(format!(
                "The CIDR ({}) cannot be both added to and removed from the prefix list in the same request.",
                entry.cidr
            )));
        }
        if let Some(existing) = entries.iter().find(|e| e.cidr == entry.cidr) {
            return Err(already_exists(existing));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// A sortable key of a block, consistent with block order (for paging entries).
pub fn sort_key(net: &IpNet) -> String {
    match net {
        IpNet::V4(n) => format!("4:{:010}/{:02}", u32::from(n.network()), n.prefix_len()),
        IpNet::V6(n) => format!("6:{:039}/{:03}", u128::from(n.network()), n.prefix_len()),
    }
}

/// GetManagedPrefixListEntries: the entries of the current or of `target_version`.
pub fn entries(w: &World, ctx: &Ctx, id: &str, target_version: Option<i64>) -> Result<Vec<Entry>> {
    let pl = lookup(w, ctx.scope(), id).ok_or_else(|| Kind::PrefixList.not_found(id))?;
    let version = match target_version {
        None => pl.version,
        Some(v) if v >= 1 && (v as u64) <= pl.version => v as u64,
        Some(v) => {
            return Err(ApiError::invalid_value(format!(
                "The specified version ({v}) is not valid for prefix list {id}. The value must be between 1 and {}.",
                pl.version
            )))
        }
    };
    pl.versions.get(&version).cloned().ok_or_else(|| {
        ApiError::invalid_value(format!(
            "The version ({version}) of prefix list {id} is no longer available."
        ))
    })
}
