//! VPC peering connections (§1): a lifecycle driven by the clock, who may do what, limits,
//! CIDR rules, options, and per-view visibility windows.
//!
//! A connection is the one resource shared by two scopes: each side sees it in its own
//! (account, Region), with its own tags and for its own time after the connection ended.
//! Whether an active connection lets security groups reference each other is the sg area's
//! rule (`sg::active_link`); whether routes through it are usable is the route area's.

pub mod model;

mod cidr;
mod describe;
mod lifecycle;
mod options;
mod timers;

#[cfg(test)]
mod tests;

pub use cidr::{check_cidr_association, on_cidr_added};
pub use describe::{describe, discloses_accepter_cidrs, FILTERS};
pub use lifecycle::{check_vpc_deletable, on_vpc_deleted};
pub use model::*;
pub use timers::on_timer;

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::{Kind, Output};

/// Applies a peering command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            vpc_id,
            peer_vpc_id,
            peer_owner_id,
            peer_region,
            tags,
        } => lifecycle::create(
            w,
            ctx,
            lifecycle::Request {
                vpc_id: &vpc_id,
                peer_vpc_id: &peer_vpc_id,
                peer_owner_id,
                peer_region,
            },
            &tags,
        ),
        Cmd::Accept { id } => lifecycle::accept(w, ctx, &id),
        Cmd::Reject { id } => lifecycle::reject(w, ctx, &id),
        Cmd::Delete { id } => lifecycle::delete(w, ctx, &id),
        Cmd::ModifyOptions {
            id,
            requester,
            accepter,
        } => options::modify(w, ctx, &id, requester, accepter),
    }
}

/// A connection in the caller's view, or `InvalidVpcPeeringConnectionID.NotFound`.
fn find<'w>(w: &'w World, ctx: &Ctx, id: &str) -> Result<&'w Peering> {
    w.peerings
        .visible(ctx.scope(), id, ctx.now)
        .ok_or_else(|| Kind::VpcPeeringConnection.not_found(id))
}
