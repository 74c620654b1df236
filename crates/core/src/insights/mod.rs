//! Reachability Analyzer resources (§5.1): network insights paths (`nip-…`) and analyses
//! (`nia-…`).
//!
//! A path names a source (an instance, a network interface, an interface endpoint or an
//! internet gateway, by id or ARN), a destination (the same kinds, or an address), a
//! protocol and a port. An analysis is one run of the
//! reachability engine over a path. The engine lives outside the core (it depends on it),
//! so the wire runs it against the world of the request and hands the result to
//! [`Cmd::StartAnalysis`] as data: the verdict is journaled with the command and a replay
//! reproduces it without re-deciding (deterministic even if the engine changes).
//!
//! Status rule: an analysis is computed synchronously when it starts. Its Start response
//! says `running` (what AWS answers, and what clients expect to poll on); every later read
//! says `succeeded` (the wire renders this; nothing is stored).
//!
//! Isolation: a path's source and destination must belong to the caller's account and
//! Region; the engine then sees the whole world (peered VPCs of other accounts included),
//! as AWS does within an organization. `DestinationIp` may name any address.
//!
//! Files: `model.rs` (data), `paths.rs`, `analyses.rs`, `arns.rs` (components and their
//! ARNs), `describe.rs`.

pub mod model;

mod analyses;
mod arns;
mod describe;
mod paths;

#[cfg(test)]
mod tests;

pub use analyses::analysis;
pub use arns::{arn_type, component, owner_of, prefix_of};
pub use describe::{
    describe_analyses, describe_paths, AnalysisQuery, ANALYSIS_FILTERS, PATH_FILTERS,
};
pub use model::*;
pub use paths::{path, path_protocol};

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Applies a Reachability Analyzer command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreatePath { spec, tags, .. } => paths::create_path(w, ctx, &spec, &tags),
        Cmd::DeletePath { id } => paths::delete_path(w, ctx, &id),
        Cmd::StartAnalysis {
            path_id,
            additional_accounts,
            filter_in_arns,
            filter_out_arns,
            tags,
            result,
            ..
        } => analyses::start_analysis(
            w,
            ctx,
            Analysis {
                id: String::new(),
                scope: ctx.scope().clone(),
                path_id,
                additional_accounts,
                filter_in_arns,
                filter_out_arns,
                started: ctx.now,
                result,
            },
            &tags,
        ),
        Cmd::DeleteAnalysis { id } => analyses::delete_analysis(w, ctx, &id),
    }
}
