//! Managed prefix lists (§3.7): the AWS-managed lists of the gateway-endpoint services
//! (computed from the configured Regions, never stored) and customer-managed lists with
//! versioned entries.
//!
//! AWS-managed lists: in every configured Region, `com.amazonaws.<region>.s3` and
//! `com.amazonaws.<region>.dynamodb`, owner `AWS`, legacy 8-hex ids, visible to every
//! account of the Region, read-only. Their CIDRs are synthetic but stable: each Region has
//! a slot `s` (0–7 for the default Regions in their fixed order, else 8 + a hash of the
//! name modulo 248) and the lists hold
//! - S3: the `s`-th /22 of `52.216.0.0/14` and the `s`-th /24 of `54.231.0.0/16`;
//! - DynamoDB: the `s`-th /22 of `52.92.0.0/14` and the `s`-th /24 of `52.119.0.0/16`.
//!
//! Every block is AWS public address space: none overlaps RFC 1918, shared or
//! documentation ranges, and S3 never overlaps DynamoDB.
//!
//! Files: [`model`] (the list, its entries and commands), `aws_managed` (the computed
//! lists), `customer` (create, modify, delete), `entries` (parsing, versions,
//! GetManagedPrefixListEntries), `references` (lookups for other areas and who references
//! a list), `describe`.
//!
//! For other areas: [`exists_for`] (may a scope reference the id), [`cidrs`] (what a
//! prefix-list route or rule matches), [`max_entries`] (its weight against route and rule
//! quotas), [`address_family`], [`is_aws_managed`], and [`references`].

pub mod model;

mod aws_managed;
mod customer;
mod describe;
mod entries;
mod references;

#[cfg(test)]
mod tests;

pub use model::*;

pub use aws_managed::{aws_managed, aws_managed_cidrs, aws_managed_id, aws_managed_name};
pub use describe::{describe, describe_legacy, legacy_not_found, FILTERS, LEGACY_FILTERS};
pub use entries::{entries, sort_key};
pub use references::{
    address_family, associations, cidrs, exists_for, is_aws_managed, lookup, max_entries,
    references,
};

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Applies a prefix-list command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            name,
            entries,
            max_entries,
            address_family,
            tags: specs,
            client_token: _,
        } => customer::create(
            w,
            ctx,
            &name,
            &entries,
            max_entries,
            &address_family,
            &specs,
        ),
        Cmd::Modify {
            id,
            current_version,
            name,
            add,
            remove,
            max_entries,
        } => customer::modify(
            w,
            ctx,
            customer::Change {
                id: &id,
                current_version,
                name: name.as_deref(),
                add: &add,
                remove: &remove,
                max_entries,
            },
        ),
        Cmd::Delete { id } => customer::delete(w, ctx, &id),
    }
}
