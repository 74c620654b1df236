//! Network ACLs: stateless, numbered rules per direction, one ACL per subnet (spec §1.8
//! data-plane rules, §5.2 step 4/6, §6 default ACL, §4.8 error codes).
//!
//! Owns: ACLs (each VPC's default ACL, custom ACLs), their entries (validation, the
//! implicit `*` deny rules, IPv6 entries when a VPC gains IPv6), subnet associations,
//! DescribeNetworkAcls. The evaluation of an ACL for a packet is the reachability
//! engine's (it compiles the entries).
//!
//! Files: `model` (data and commands), `acls`, `entries`, `associations`, `describe`.

pub mod model;

mod acls;
mod associations;
mod describe;
mod entries;

#[cfg(test)]
mod tests;

pub use model::*;

pub use acls::{create_default, custom_entries, get, on_ipv6_added};
pub use associations::{associate_default, of_subnet, on_subnet_deleted};
pub use describe::{describe, FILTERS};

use crate::world::{Ctx, World};
use crate::{Output, Result};

/// Applies a network ACL command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            vpc_id,
            tags: specs,
        } => acls::create(w, ctx, vpc_id, &specs),
        Cmd::Delete { acl_id } => acls::delete(w, ctx, &acl_id),
        Cmd::CreateEntry(spec) => entries::create(w, ctx, &spec),
        Cmd::ReplaceEntry(spec) => entries::replace(w, ctx, &spec),
        Cmd::DeleteEntry {
            acl_id,
            rule_number,
            egress,
        } => entries::delete(w, ctx, &acl_id, rule_number, egress),
        Cmd::ReplaceAssociation {
            association_id,
            acl_id,
        } => associations::replace(w, ctx, &association_id, &acl_id),
    }
}
