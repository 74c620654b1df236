//! Egress-only internet gateways: CreateEgressOnlyInternetGateway and
//! DeleteEgressOnlyInternetGateway (bound to one VPC; IPv6 outbound only).

use crate::error::Result;
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, World};
use crate::{vpc, Output};

use super::EgressOnlyGateway;

/// CreateEgressOnlyInternetGateway in the caller's VPC `vpc_id`.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: String,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    vpc::get(w, scope, &vpc_id)?;
    tags::check_specs(specs, "egress-only-internet-gateway")?;
    let id = w.ids.id(Kind::EgressOnlyInternetGateway);
    w.egress_only_gateways.insert(EgressOnlyGateway {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteEgressOnlyInternetGateway.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    w.egress_only_gateways
        .get_in(ctx.scope(), id)
        .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(id))?;
    w.egress_only_gateways.remove(id);
    tags::forget(w, id);
    Ok(Output::Done)
}
