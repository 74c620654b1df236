//! VPC attachments of transit gateways: create, accept, reject, modify, delete, describe; the steps and the one-answer renderer that peering attachments share.

use openvpc_core::tgw::{self, AttachmentOptionChanges, Cmd, TgwAttachment};
use openvpc_core::{Command, Kind, Result, Scope, World};

use super::{ids_checked, on_off, toggle};
use crate::actions::describe::{Query, EC2};
use crate::actions::{created_id, Call};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

fn attachment_options(p: &View) -> Result<AttachmentOptionChanges> {
    let o = p.nested("Options");
    Ok(AttachmentOptionChanges {
        dns_support: toggle(&o, "DnsSupport")?,
        ipv6_support: toggle(&o, "Ipv6Support")?,
        appliance_mode_support: toggle(&o, "ApplianceModeSupport")?,
        security_group_referencing_support: toggle(&o, "SecurityGroupReferencingSupport")?,
    })
}

fn render_attachment_of(cx: &Call, id: &str) -> Result<Xml> {
    fn get<'w>(w: &'w World, id: &str) -> Option<&'w TgwAttachment> {
        w.tgw_attachments.get(id)
    }
    render_one(
        cx,
        id,
        get,
        "transitGatewayVpcAttachment",
        render_vpc_attachment,
    )
}

/// One attachment (of the table `get` reads) in element `name`, rendered by `render`; an
/// id no longer held is `InvalidTransitGatewayAttachmentID.NotFound`.
pub(in crate::actions) fn render_one<T>(
    cx: &Call,
    id: &str,
    get: for<'w> fn(&'w World, &str) -> Option<&'w T>,
    name: &str,
    render: fn(&mut Xml, &World, &Scope, &T),
) -> Result<Xml> {
    let w = cx.world();
    let scope = cx.ctx().scope();
    let a = get(w, id).ok_or_else(|| Kind::TransitGatewayAttachment.not_found(id))?;
    let mut x = Xml::new();
    x.node(name, |x| render(x, w, scope, a));
    Ok(x)
}

pub(super) fn create_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::CreateVpcAttachment {
        transit_gateway_id: p.req_id("TransitGatewayId", Kind::TransitGateway)?,
        vpc_id: p.req_id("VpcId", Kind::Vpc)?,
        subnet_ids: ids_checked(&p, "SubnetIds", Kind::Subnet)?,
        options: attachment_options(&p)?,
        tags: p.tag_specs_in("TagSpecifications")?,
    };
    let id = created_id(cx.mutate(Command::Tgw(cmd))?)?;
    render_attachment_of(cx, &id)
}

pub(super) fn modify_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let attachment_id = p.req_id("TransitGatewayAttachmentId", Kind::TransitGatewayAttachment)?;
    let cmd = Cmd::ModifyVpcAttachment {
        attachment_id: attachment_id.clone(),
        add_subnet_ids: ids_checked(&p, "AddSubnetIds", Kind::Subnet)?,
        remove_subnet_ids: ids_checked(&p, "RemoveSubnetIds", Kind::Subnet)?,
        options: attachment_options(&p)?,
    };
    cx.mutate(Command::Tgw(cmd))?;
    render_attachment_of(cx, &attachment_id)
}

/// Delete, Accept or Reject of an attachment: one attachment id, the attachment rendered
/// after by `answer` (VPC and peering attachments alike).
pub(in crate::actions) fn attachment_step(
    cx: &mut Call,
    make: fn(String) -> Cmd,
    answer: fn(&Call, &str) -> Result<Xml>,
) -> Result<Xml> {
    let attachment_id = cx
        .p()
        .req_id("TransitGatewayAttachmentId", Kind::TransitGatewayAttachment)?;
    cx.mutate(Command::Tgw(make(attachment_id.clone())))?;
    answer(cx, &attachment_id)
}

pub(super) fn delete_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::DeleteVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

pub(super) fn accept_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::AcceptVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

pub(super) fn reject_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::RejectVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

/// A Describe of attachments by `TransitGatewayAttachmentIds` (and filters, pages).
pub(in crate::actions) fn attachment_query(cx: &mut Call) -> Result<Query> {
    let q = Query::decode(
        &cx.p(),
        "TransitGatewayAttachmentIds",
        |id| Kind::TransitGatewayAttachment.check(id),
        EC2,
    )?;
    cx.read()?;
    Ok(q)
}

pub(super) fn describe_vpc_attachments(cx: &mut Call) -> Result<Xml> {
    let q = attachment_query(cx)?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = tgw::describe_vpc_attachments(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "transitGatewayVpcAttachments",
        |x, a| render_vpc_attachment(x, w, scope, a),
    ))
}

/// Renders one VPC attachment's members.
pub fn render_vpc_attachment(x: &mut Xml, w: &World, scope: &Scope, a: &TgwAttachment) {
    let o = &a.options;
    x.leaf("transitGatewayAttachmentId", &a.id)
        .leaf("transitGatewayId", &a.transit_gateway_id)
        .leaf("vpcId", &a.vpc_id)
        .leaf("vpcOwnerId", &a.scope.account)
        .leaf("state", a.state.as_str())
        .list("subnetIds", &a.subnet_ids, |x, s| {
            x.raw(&crate::xml::escape(s));
        })
        .leaf("creationTime", iso8601(a.created))
        .node("options", |x| {
            x.leaf("dnsSupport", on_off(o.dns_support))
                .leaf(
                    "securityGroupReferencingSupport",
                    on_off(o.security_group_referencing_support),
                )
                .leaf("ipv6Support", on_off(o.ipv6_support))
                .leaf("applianceModeSupport", on_off(o.appliance_mode_support));
        })
        .tag_set(openvpc_core::tags::of(w, scope, &a.id));
}

pub(super) fn describe_attachments(cx: &mut Call) -> Result<Xml> {
    let q = attachment_query(cx)?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = tgw::describe_attachments(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "transitGatewayAttachments",
        |x, a| {
            x.leaf("transitGatewayAttachmentId", &a.id)
                .leaf("transitGatewayId", &a.transit_gateway_id)
                .leaf("transitGatewayOwnerId", &a.transit_gateway_owner)
                .leaf("resourceOwnerId", &a.resource_owner)
                .leaf("resourceType", a.resource_type)
                .leaf("resourceId", &a.resource_id)
                .leaf("state", a.state);
            if let Some(rtb) = &a.association {
                x.node("association", |x| {
                    x.leaf("transitGatewayRouteTableId", rtb)
                        .leaf("state", "associated");
                });
            }
            x.leaf("creationTime", iso8601(a.created))
                .tag_set(openvpc_core::tags::of(w, scope, &a.id));
        },
    ))
}
