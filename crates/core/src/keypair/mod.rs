//! Key pairs (CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair), per account
//! and Region.
//!
//! Rules: a name is unique in its (account, Region) and 1–255 ASCII characters; EC2 keeps the
//! public key and the fingerprint only. Key material is made or parsed by the wire from the
//! randomness the server injects, so commands carry the public half and replays are exact.
//! Deleting an unknown name succeeds (as AWS answers); an unknown id is
//! `InvalidKeyPair.NotFound`. RunInstances checks `KeyName` with [`check_launch_key`].
//!
//! Files: `model.rs` (data, commands), `pairs.rs` (create, import, delete), `describe.rs`.

use crate::error::Result;
use crate::world::{Ctx, Scope, World};
use crate::Output;

mod describe;
pub mod model;
mod pairs;

pub use describe::{describe, FILTERS};
pub use model::*;
pub use pairs::by_name;

/// Applies a key-pair command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create(new) | Cmd::Import(new) => pairs::add(w, ctx, new),
        Cmd::Delete {
            key_name,
            key_pair_id,
        } => pairs::delete(w, ctx, key_name.as_deref(), key_pair_id.as_deref()),
    }
}

/// RunInstances' `KeyName` check: the caller must have a key pair of that name here.
pub fn check_launch_key(w: &World, scope: &Scope, name: &str) -> Result<()> {
    match by_name(w, scope, name) {
        Some(_) => Ok(()),
        None => Err(pairs::name_not_found(name)),
    }
}

#[cfg(test)]
mod tests;
