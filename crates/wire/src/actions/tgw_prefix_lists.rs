//! Prefix-list references of transit-gateway route tables.

use openvpc_core::tgw::{self, Cmd, PrefixListRef};
use openvpc_core::{Command, Kind, Result, World};

use super::describe::{Query, EC2};
use super::Call;
use super::Handler;
use crate::params::View;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateTransitGatewayPrefixListReference", create_reference),
    ("ModifyTransitGatewayPrefixListReference", modify_reference),
    ("DeleteTransitGatewayPrefixListReference", delete_reference),
    ("GetTransitGatewayPrefixListReferences", get_references),
];

/// The table and list a request names.
fn table_and_list(p: &View) -> Result<(String, String)> {
    Ok((
        p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?,
        p.req_id("PrefixListId", Kind::PrefixList)?,
    ))
}

/// A Create or Modify request: the table, the list, the target.
fn request(p: &View) -> Result<(String, String, Option<String>, bool)> {
    let (rtb, pl) = table_and_list(p)?;
    let attachment = p
        .str("TransitGatewayAttachmentId")
        .filter(|s| !s.is_empty());
    if let Some(a) = &attachment {
        Kind::TransitGatewayAttachment.check(a)?;
    }
    Ok((rtb, pl, attachment, p.flag("Blackhole")?))
}

/// Renders one reference's members, in `state`.
fn render(x: &mut Xml, w: &World, rtb: &str, r: &PrefixListRef, state: &str) {
    let attachment = r.target.attachment();
    x.leaf("transitGatewayRouteTableId", rtb)
        .leaf("prefixListId", &r.prefix_list_id)
        .opt(
            "prefixListOwnerId",
            tgw::prefix_list_owner(w, &r.prefix_list_id),
        )
        .leaf("state", state)
        .leaf("blackhole", attachment.is_none());
    if let Some(id) = attachment {
        let a = w.tgw_attachments.get(&id);
        x.node("transitGatewayAttachment", |x| {
            x.leaf("transitGatewayAttachmentId", &id)
                .opt("resourceType", a.map(|a| a.resource_type()))
                .opt("resourceId", a.map(|a| a.resource_id()));
        });
    }
}

/// The answer of a Create, Modify or Delete: the reference (`r`: as it was, for Delete).
fn answer(cx: &Call, rtb: &str, pl: &str, r: Option<PrefixListRef>, state: &str) -> Xml {
    let w = cx.world();
    let r = r.or_else(|| {
        w.tgw_route_tables
            .get(rtb)?
            .prefix_list_refs
            .iter()
            .find(|r| r.prefix_list_id == pl)
            .cloned()
    });
    let mut x = Xml::new();
    if let Some(r) = r {
        x.node("transitGatewayPrefixListReference", |x| {
            render(x, w, rtb, &r, state)
        });
    }
    x
}

/// Create or Modify: the command `make` builds from the request, the reference answered in
/// `state`.
fn put_reference(
    cx: &mut Call,
    make: fn(String, String, Option<String>, bool) -> Cmd,
    state: &str,
) -> Result<Xml> {
    let (route_table_id, prefix_list_id, attachment_id, blackhole) = request(&cx.p())?;
    let cmd = make(
        route_table_id.clone(),
        prefix_list_id.clone(),
        attachment_id,
        blackhole,
    );
    cx.mutate(Command::Tgw(cmd))?;
    Ok(answer(cx, &route_table_id, &prefix_list_id, None, state))
}

fn create_reference(cx: &mut Call) -> Result<Xml> {
    let make =
        |route_table_id, prefix_list_id, attachment_id, blackhole| Cmd::CreatePrefixListReference {
            route_table_id,
            prefix_list_id,
            attachment_id,
            blackhole,
        };
    put_reference(cx, make, "pending")
}

fn modify_reference(cx: &mut Call) -> Result<Xml> {
    let make =
        |route_table_id, prefix_list_id, attachment_id, blackhole| Cmd::ModifyPrefixListReference {
            route_table_id,
            prefix_list_id,
            attachment_id,
            blackhole,
        };
    put_reference(cx, make, "modifying")
}

fn delete_reference(cx: &mut Call) -> Result<Xml> {
    let (route_table_id, prefix_list_id) = table_and_list(&cx.p())?;
    let before = cx
        .world()
        .tgw_route_tables
        .get(&route_table_id)
        .and_then(|t| {
            t.prefix_list_refs
                .iter()
                .find(|r| r.prefix_list_id == prefix_list_id)
                .cloned()
        });
    cx.mutate(Command::Tgw(Cmd::DeletePrefixListReference {
        route_table_id: route_table_id.clone(),
        prefix_list_id: prefix_list_id.clone(),
    }))?;
    Ok(answer(
        cx,
        &route_table_id,
        &prefix_list_id,
        before,
        "deleting",
    ))
}

fn get_references(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let q = Query::without_ids(&p, EC2)?;
    cx.read()?;
    let w = cx.world();
    let found = tgw::get_references(w, cx.ctx(), &rtb, &q.filters)?;
    Ok(q.answer(
        found,
        |r| r.prefix_list_id.clone(),
        "transitGatewayPrefixListReferenceSet",
        |x, r| render(x, w, &rtb, r, "available"),
    ))
}
