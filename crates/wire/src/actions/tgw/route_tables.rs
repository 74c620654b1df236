//! Transit gateway route tables, their associations and propagations.

use openvpc_core::tgw::{self, Cmd, TgwRouteTable};
use openvpc_core::{Command, Kind, Result, Scope, World};

use crate::actions::describe::{Query, EC2};
use crate::actions::{created_id, Call};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

fn render_table_of(cx: &Call, id: &str) -> Result<Xml> {
    let w = cx.world();
    let scope = cx.ctx().scope();
    let t = w
        .tgw_route_tables
        .get(id)
        .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(id))?;
    let mut x = Xml::new();
    x.node("transitGatewayRouteTable", |x| render_table(x, w, scope, t));
    Ok(x)
}

pub(super) fn create_route_table(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::CreateRouteTable {
        transit_gateway_id: p.req_id("TransitGatewayId", Kind::TransitGateway)?,
        tags: p.tag_specs_in("TagSpecifications")?,
    };
    let id = created_id(cx.mutate(Command::Tgw(cmd))?)?;
    render_table_of(cx, &id)
}

pub(super) fn delete_route_table(cx: &mut Call) -> Result<Xml> {
    let route_table_id = cx
        .p()
        .req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    cx.mutate(Command::Tgw(Cmd::DeleteRouteTable {
        route_table_id: route_table_id.clone(),
    }))?;
    render_table_of(cx, &route_table_id)
}

pub(super) fn describe_route_tables(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "TransitGatewayRouteTableIds",
        |id| Kind::TransitGatewayRouteTable.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = tgw::describe_route_tables(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |t| t.id.clone(),
        "transitGatewayRouteTables",
        |x, t| render_table(x, w, scope, t),
    ))
}

/// Renders one transit-gateway route table's members.
pub fn render_table(x: &mut Xml, w: &World, scope: &Scope, t: &TgwRouteTable) {
    let (assoc, prop) = tgw::default_flags(w, t);
    x.leaf("transitGatewayRouteTableId", &t.id)
        .leaf("transitGatewayId", &t.transit_gateway_id)
        .leaf("state", t.state.as_str())
        .leaf("defaultAssociationRouteTable", assoc)
        .leaf("defaultPropagationRouteTable", prop)
        .leaf("creationTime", iso8601(t.created))
        .tag_set(openvpc_core::tags::of(w, scope, &t.id));
}

/// The table and attachment ids of an association or propagation request.
fn table_and_attachment(p: &View) -> Result<(String, String)> {
    Ok((
        p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?,
        p.req_id("TransitGatewayAttachmentId", Kind::TransitGatewayAttachment)?,
    ))
}

/// The attachment `id` as the gateway of table `rtb` sees it: its resource's type and id.
pub(super) fn resource_of(w: &World, rtb: &str, id: &str) -> (&'static str, Option<String>) {
    let row = w
        .tgw_route_tables
        .get(rtb)
        .and_then(|t| tgw::row_from(w, id, &t.transit_gateway_id));
    match row {
        Some(r) => (r.resource_type, Some(r.resource_id)),
        None => ("vpc", None),
    }
}

/// An association or propagation answer: `node` with the attachment, its resource and
/// `state`.
fn link(cx: &Call, node: &str, rtb: &str, attachment: &str, state: &str) -> Xml {
    let (kind, resource) = resource_of(cx.world(), rtb, attachment);
    let mut x = Xml::new();
    x.node(node, |x| {
        x.leaf("transitGatewayRouteTableId", rtb)
            .leaf("transitGatewayAttachmentId", attachment)
            .leaf("resourceId", resource.unwrap_or_default())
            .leaf("resourceType", kind)
            .leaf("state", state);
    });
    x
}

/// Associate, Disassociate, Enable or Disable: the command `make` builds from the table
/// and attachment, answered as `node` in `state`.
fn link_step(
    cx: &mut Call,
    make: fn(String, String) -> Cmd,
    node: &str,
    state: &str,
) -> Result<Xml> {
    let (route_table_id, attachment_id) = table_and_attachment(&cx.p())?;
    cx.mutate(Command::Tgw(make(
        route_table_id.clone(),
        attachment_id.clone(),
    )))?;
    Ok(link(cx, node, &route_table_id, &attachment_id, state))
}

pub(super) fn associate_route_table(cx: &mut Call) -> Result<Xml> {
    let make = |route_table_id, attachment_id| Cmd::Associate {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "association", "associating")
}

pub(super) fn disassociate_route_table(cx: &mut Call) -> Result<Xml> {
    let make = |route_table_id, attachment_id| Cmd::Disassociate {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "association", "disassociating")
}

pub(super) fn enable_propagation(cx: &mut Call) -> Result<Xml> {
    cx.p().ignore("TransitGatewayRouteTableAnnouncementId");
    let make = |route_table_id, attachment_id| Cmd::EnablePropagation {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "propagation", "enabled")
}

pub(super) fn disable_propagation(cx: &mut Call) -> Result<Xml> {
    cx.p().ignore("TransitGatewayRouteTableAnnouncementId");
    let make = |route_table_id, attachment_id| Cmd::DisablePropagation {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "propagation", "disabled")
}

fn get_table_attachments(cx: &mut Call, propagations: bool) -> Result<Xml> {
    let p = cx.p();
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let q = Query::without_ids(&p, EC2)?;
    cx.read()?;
    let w = cx.world();
    let found = tgw::table_attachments(w, cx.ctx(), &rtb, propagations, &q.filters)?;
    let (set, state) = if propagations {
        ("transitGatewayRouteTablePropagations", "enabled")
    } else {
        ("associations", "associated")
    };
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        set,
        |x, a| {
            x.leaf("transitGatewayAttachmentId", &a.id)
                .leaf("resourceId", &a.resource_id)
                .leaf("resourceType", a.resource_type)
                .leaf("state", state);
        },
    ))
}

pub(super) fn get_associations(cx: &mut Call) -> Result<Xml> {
    get_table_attachments(cx, false)
}

pub(super) fn get_propagations(cx: &mut Call) -> Result<Xml> {
    get_table_attachments(cx, true)
}
