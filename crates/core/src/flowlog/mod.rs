//! VPC flow logs (CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs): stored configuration
//! only; the records come with the data plane.
//!
//! Rules: one flow log per resource (VPC, subnet or network interface) and request; the
//! request's settings are checked as a whole (destination by type, role ARNs, aggregation
//! interval, record format), each resource on its own (`unsuccessful` items: malformed or
//! unknown id, `FlowLogAlreadyExists`). A deleted resource takes its flow logs along
//! ([`on_resource_deleted`], through the world's hooks). Delivery always reports `SUCCESS`.
//!
//! Files: `model.rs` (data, commands), `config.rs` (request checks), `logs.rs` (create,
//! delete, deleted resources), `describe.rs`.

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

mod config;
mod describe;
mod logs;
pub mod model;

pub use config::LOG_FIELDS;
pub use describe::{describe, FILTERS};
pub use logs::on_resource_deleted;
pub use model::*;

/// Applies a flow-log command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create(n) => logs::create(w, ctx, *n),
        Cmd::Delete { flow_log_ids } => logs::delete(w, ctx, flow_log_ids),
    }
}

#[cfg(test)]
mod tests;
