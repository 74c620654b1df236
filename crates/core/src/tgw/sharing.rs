//! Which transit gateways another account may attach to: those its owner shares with it
//! through a resource share whose invitation it accepted (`ram::is_shared_with`).

use crate::ram;
use crate::world::{Ctx, World};

use super::model::TransitGateway;

/// Whether `g` is shared with the caller of `ctx` (not its owner).
pub(super) fn is_shared_with(w: &World, g: &TransitGateway, ctx: &Ctx) -> bool {
    let arn = ram::transit_gateway_arn(&g.scope, &g.id);
    ram::is_shared_with(w, &g.scope, &arn, ctx.account())
}
