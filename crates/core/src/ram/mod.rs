//! A minimal Resource Access Manager, for transit gateways only: a share holds transit
//! gateways of its owner and account principals; each principal gets an invitation and sees
//! the shared gateways once it accepts ([`is_shared_with`]). No AWS Organization: every
//! principal is invited.
//!
//! Files: `model.rs` (data, commands), `shares.rs` (create, associate, accept, the sharing
//! question), `describe.rs` (GetResourceShares, GetResourceShareInvitations).

use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

mod describe;
pub mod model;
mod shares;

pub use describe::{get_invitations, get_shares};
pub use model::*;
pub use shares::{is_shared_with, transit_gateway_arn};

/// Applies a RAM command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateResourceShare {
            name,
            resource_arns,
            principals,
            allow_external_principals,
            tags,
        } => shares::create(
            w,
            ctx,
            name,
            &resource_arns,
            &principals,
            allow_external_principals,
            tags,
        ),
        Cmd::AssociateResourceShare {
            share_arn,
            resource_arns,
            principals,
        } => shares::associate(w, ctx, &share_arn, &resource_arns, &principals),
        Cmd::AcceptInvitation { invitation_arn } => shares::accept(w, ctx, &invitation_arn),
    }
}

#[cfg(test)]
mod tests;
