//! Security groups and their rules, including references to groups in peered VPCs (§1.8).
//!
//! A group holds one [`Rule`] per peer (each with its own `sgr-` id). Rules that reference
//! a group in another VPC need an `active` same-Region peering; when the peering goes away
//! (or the referenced group is deleted) the rule stays but is *stale*: it matches nothing
//! and is listed by DescribeStaleSecurityGroups. That rule has one home,
//! [`referenced_group`] in `references.rs`, which the reachability engine uses too.
//!
//! Files: `model.rs` (data), `groups.rs` (lookups, create, delete, the defaults),
//! `permissions.rs` (requested permissions validated into rules), `rules.rs` (authorize,
//! revoke, modify), `descriptions.rs` (UpdateSecurityGroupRuleDescriptions…), `references.rs` (references and staleness), `describe.rs`.
//! Whether a rule admits a packet is the reachability engine's (it compiles the rules).

pub mod model;

mod describe;
mod descriptions;
mod groups;
mod permissions;
mod references;
mod rules;

#[cfg(test)]
mod tests;

pub use describe::{describe, describe_rules, rule_visible, RuleView, FILTERS, RULE_FILTERS};
pub use groups::{
    allow_all_egress_v4, allow_all_egress_v6, by_name_in_default_vpc, check_in_vpc, create_default,
    get,
};
pub use model::*;
pub use references::{
    active_link, linked_vpc_pairs, reference_info, reference_is_stale, referenced_group,
    referenced_group_given, references, stale, Reference, ReferenceInfo, StaleGroup,
};
pub use rules::unknown_permissions;

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Applies a security group command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            name,
            description,
            vpc_id,
            tags,
        } => groups::create(w, ctx, &name, &description, vpc_id, &tags),
        Cmd::Delete { group } => groups::delete(w, ctx, &group),
        Cmd::Authorize {
            group,
            egress,
            permissions,
            tags,
        } => rules::authorize(w, ctx, &group, egress, &permissions, &tags),
        Cmd::Revoke {
            group,
            egress,
            permissions,
            rule_ids,
        } => rules::revoke(w, ctx, &group, egress, &permissions, &rule_ids),
        Cmd::ModifyRules { group_id, rules } => rules::modify_rules(w, ctx, &group_id, &rules),
        Cmd::UpdateDescriptions {
            group,
            egress,
            permissions,
            rules,
        } => descriptions::update(w, ctx, &group, egress, &permissions, &rules),
    }
}
