//! Egress-only internet gateways: create, delete, describe.

use openvpc_core::gateway::{self, Cmd, EgressOnlyGateway};
use openvpc_core::{Command, Kind, Result, Scope, World};

use super::tag_set_of;
use crate::actions::describe::{Bounds, Query};
use crate::actions::{created_id, Call};
use crate::xml::Xml;

pub(super) fn create_egress_only_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let client_token = p.str("ClientToken");
    let cmd = Cmd::CreateEgressOnlyInternetGateway {
        vpc_id,
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w
        .egress_only_gateways
        .get(&id)
        .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.opt("clientToken", client_token);
    x.node("egressOnlyInternetGateway", |x| render_eigw(x, w, scope, g));
    Ok(x)
}

pub(super) fn delete_egress_only_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let id = cx.p().req("EgressOnlyInternetGatewayId")?;
    Kind::EgressOnlyInternetGateway.check(&id)?;
    cx.mutate(Command::Gateway(Cmd::DeleteEgressOnlyInternetGateway {
        egress_only_internet_gateway_id: id,
    }))?;
    let mut x = Xml::new();
    x.leaf("returnCode", true);
    Ok(x)
}

pub(super) fn describe_egress_only_internet_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "EgressOnlyInternetGatewayId",
        |id| Kind::EgressOnlyInternetGateway.check(id),
        Bounds::strict(5, 255),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_eigws(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |g| g.id.clone(),
        "egressOnlyInternetGatewaySet",
        |x, g| render_eigw(x, w, scope, g),
    ))
}

/// Renders one egress-only internet gateway's members.
pub fn render_eigw(x: &mut Xml, w: &World, scope: &Scope, g: &EgressOnlyGateway) {
    x.list("attachmentSet", [&g.vpc_id], |x, vpc_id| {
        x.leaf("state", "attached").leaf("vpcId", vpc_id);
    })
    .leaf("egressOnlyInternetGatewayId", &g.id);
    tag_set_of(x, w, scope, &g.id);
}
