//! DHCP option sets, including each scope's default set (spec §6): create (validated keys
//! and values), delete (refused while a VPC uses the set), associate with a VPC, describe.
//!
//! Files: `model` (data and commands), `options` (the commands and the scope's default
//! set), `validate` (keys and values of CreateDhcpOptions), `describe`.

pub mod model;

mod describe;
mod options;
mod validate;

#[cfg(test)]
mod tests;

pub use model::*;

pub use describe::{describe, FILTERS};
pub use options::{default_for, get};
pub use validate::check_configurations;

use crate::world::{Ctx, World};
use crate::{Output, Result};

/// Applies a DHCP options command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            configurations,
            tags: specs,
        } => options::create(w, ctx, configurations, &specs),
        Cmd::Delete {
            dhcp_options_id: id,
        } => options::delete(w, ctx, &id),
        Cmd::Associate {
            dhcp_options_id,
            vpc_id,
        } => options::associate(w, ctx, dhcp_options_id, &vpc_id),
    }
}
