//! Internet gateways: create, attach, detach, delete, describe.

use openvpc_core::gateway::{self, Cmd, InternetGateway};
use openvpc_core::{Command, Kind, Result, Scope, World};

use super::{igw_id, tag_set_of};
use crate::actions::describe::{Query, EC2};
use crate::actions::{created_id, returned_true, Call};
use crate::xml::Xml;

pub(super) fn create_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let cmd = Cmd::CreateInternetGateway {
        tags: cx.p().tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let igw = w
        .internet_gateways
        .get(&id)
        .ok_or_else(|| Kind::InternetGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.node("internetGateway", |x| render_igw(x, w, scope, igw));
    Ok(x)
}

pub(super) fn attach_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let internet_gateway_id = igw_id(&p)?;
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Gateway(Cmd::AttachInternetGateway {
        internet_gateway_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

pub(super) fn detach_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let internet_gateway_id = igw_id(&p)?;
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Gateway(Cmd::DetachInternetGateway {
        internet_gateway_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

pub(super) fn delete_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let internet_gateway_id = igw_id(&cx.p())?;
    cx.mutate(Command::Gateway(Cmd::DeleteInternetGateway {
        internet_gateway_id,
    }))?;
    Ok(returned_true())
}

pub(super) fn describe_internet_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "InternetGatewayId",
        |id| Kind::InternetGateway.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_igws(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |g| g.id.clone(),
        "internetGatewaySet",
        |x, g| render_igw(x, w, scope, g),
    ))
}

/// Renders one internet gateway's members.
pub fn render_igw(x: &mut Xml, w: &World, scope: &Scope, g: &InternetGateway) {
    x.list("attachmentSet", &g.attachment, |x, vpc_id| {
        x.leaf("vpcId", vpc_id).leaf("state", "available");
    })
    .leaf("internetGatewayId", &g.id)
    .leaf("ownerId", &g.scope.account);
    tag_set_of(x, w, scope, &g.id);
}
