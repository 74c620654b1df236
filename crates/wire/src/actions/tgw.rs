//! Transit gateways, their VPC attachments, route tables and routes.

use ipnet::IpNet;
use openvpc_core::tgw::{
    self, AttachmentOptionChanges, Cmd, NewTgwOptions, TableRoute, TgwAttachment, TgwChanges,
    TgwRouteTable, TransitGateway,
};
use openvpc_core::{ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{created_id, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateTransitGateway", create_transit_gateway),
    ("ModifyTransitGateway", modify_transit_gateway),
    ("DeleteTransitGateway", delete_transit_gateway),
    ("DescribeTransitGateways", describe_transit_gateways),
    ("CreateTransitGatewayVpcAttachment", create_vpc_attachment),
    ("ModifyTransitGatewayVpcAttachment", modify_vpc_attachment),
    ("DeleteTransitGatewayVpcAttachment", delete_vpc_attachment),
    ("AcceptTransitGatewayVpcAttachment", accept_vpc_attachment),
    ("RejectTransitGatewayVpcAttachment", reject_vpc_attachment),
    (
        "DescribeTransitGatewayVpcAttachments",
        describe_vpc_attachments,
    ),
    ("DescribeTransitGatewayAttachments", describe_attachments),
    ("CreateTransitGatewayRouteTable", create_route_table),
    ("DeleteTransitGatewayRouteTable", delete_route_table),
    ("DescribeTransitGatewayRouteTables", describe_route_tables),
    ("AssociateTransitGatewayRouteTable", associate_route_table),
    (
        "DisassociateTransitGatewayRouteTable",
        disassociate_route_table,
    ),
    (
        "EnableTransitGatewayRouteTablePropagation",
        enable_propagation,
    ),
    (
        "DisableTransitGatewayRouteTablePropagation",
        disable_propagation,
    ),
    ("CreateTransitGatewayRoute", create_route),
    ("DeleteTransitGatewayRoute", delete_route),
    ("ReplaceTransitGatewayRoute", replace_route),
    ("SearchTransitGatewayRoutes", search_routes),
    ("GetTransitGatewayRouteTableAssociations", get_associations),
    ("GetTransitGatewayRouteTablePropagations", get_propagations),
];

/// An `enable`/`disable` option.
fn toggle(p: &View, name: &str) -> Result<Option<bool>> {
    match p.str(name).as_deref() {
        None => Ok(None),
        Some("enable") => Ok(Some(true)),
        Some("disable") => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid_value(format!(
            "Value ({v}) for parameter {} is invalid. Valid values: enable, disable",
            p.name(name)
        ))),
    }
}

fn on_off(v: bool) -> &'static str {
    if v {
        "enable"
    } else {
        "disable"
    }
}

fn asn(p: &View) -> Result<Option<u64>> {
    match p.int("AmazonSideAsn")? {
        None => Ok(None),
        Some(n) if n >= 0 => Ok(Some(n as u64)),
        Some(n) => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter AmazonSideAsn is invalid."
        ))),
    }
}

fn cidr(raw: &str, name: &str) -> Result<IpNet> {
    raw.parse::<IpNet>().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter {name} is invalid. This is not a valid CIDR block."
        ))
    })
}

fn cidrs(p: &View, name: &str) -> Result<Vec<IpNet>> {
    p.list(name).iter().map(|c| cidr(c, name)).collect()
}

fn ids_checked(p: &View, name: &str, kind: Kind) -> Result<Vec<String>> {
    let ids = p.list(name);
    ids.iter().try_for_each(|id| kind.check(id))?;
    Ok(ids)
}

// ---------------------------------------------------------------------------------------
// Transit gateways

fn render_gateway_of(cx: &Call, id: &str) -> Result<Xml> {
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w
        .transit_gateways
        .get(id)
        .ok_or_else(|| Kind::TransitGateway.not_found(id))?;
    let mut x = Xml::new();
    x.node("transitGateway", |x| render_gateway(x, w, scope, g));
    Ok(x)
}

fn create_transit_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let o = p.nested("Options");
    let options = NewTgwOptions {
        amazon_side_asn: asn(&o)?,
        auto_accept_shared_attachments: toggle(&o, "AutoAcceptSharedAttachments")?,
        default_route_table_association: toggle(&o, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: toggle(&o, "DefaultRouteTablePropagation")?,
        dns_support: toggle(&o, "DnsSupport")?,
        vpn_ecmp_support: toggle(&o, "VpnEcmpSupport")?,
        security_group_referencing_support: toggle(&o, "SecurityGroupReferencingSupport")?,
        multicast_support: toggle(&o, "MulticastSupport")?,
        cidr_blocks: cidrs(&o, "TransitGatewayCidrBlocks")?,
    };
    let cmd = Cmd::CreateTransitGateway {
        description: p.str("Description"),
        options,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Tgw(cmd))?)?;
    render_gateway_of(cx, &id)
}

fn modify_transit_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let transit_gateway_id = p.req_id("TransitGatewayId", Kind::TransitGateway)?;
    let o = p.nested("Options");
    let table = |name: &str| -> Result<Option<String>> {
        match o.str(name).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(id) => {
                Kind::TransitGatewayRouteTable.check(&id)?;
                Ok(Some(id))
            }
        }
    };
    let changes = TgwChanges {
        amazon_side_asn: asn(&o)?,
        auto_accept_shared_attachments: toggle(&o, "AutoAcceptSharedAttachments")?,
        default_route_table_association: toggle(&o, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: toggle(&o, "DefaultRouteTablePropagation")?,
        association_default_route_table_id: table("AssociationDefaultRouteTableId")?,
        propagation_default_route_table_id: table("PropagationDefaultRouteTableId")?,
        dns_support: toggle(&o, "DnsSupport")?,
        vpn_ecmp_support: toggle(&o, "VpnEcmpSupport")?,
        security_group_referencing_support: toggle(&o, "SecurityGroupReferencingSupport")?,
        add_cidr_blocks: cidrs(&o, "AddTransitGatewayCidrBlocks")?,
        remove_cidr_blocks: cidrs(&o, "RemoveTransitGatewayCidrBlocks")?,
    };
    o.ignore("EncryptionSupport");
    cx.mutate(Command::Tgw(Cmd::ModifyTransitGateway {
        transit_gateway_id: transit_gateway_id.clone(),
        description: p.str("Description"),
        changes,
    }))?;
    render_gateway_of(cx, &transit_gateway_id)
}

fn delete_transit_gateway(cx: &mut Call) -> Result<Xml> {
    let transit_gateway_id = cx.p().req_id("TransitGatewayId", Kind::TransitGateway)?;
    cx.mutate(Command::Tgw(Cmd::DeleteTransitGateway {
        transit_gateway_id: transit_gateway_id.clone(),
    }))?;
    render_gateway_of(cx, &transit_gateway_id)
}

fn describe_transit_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "TransitGatewayIds",
        |id| Kind::TransitGateway.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = tgw::describe_transit_gateways(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |g| g.id.clone(),
        "transitGatewaySet",
        |x, g| render_gateway(x, w, scope, g),
    ))
}

/// Renders one transit gateway's members.
pub fn render_gateway(x: &mut Xml, w: &World, scope: &Scope, g: &TransitGateway) {
    let o = &g.options;
    x.leaf("transitGatewayId", &g.id)
        .leaf(
            "transitGatewayArn",
            format!(
                "arn:aws:ec2:{}:{}:transit-gateway/{}",
                g.scope.region, g.scope.account, g.id
            ),
        )
        .leaf("state", g.state.as_str())
        .leaf("ownerId", &g.scope.account)
        .opt("description", g.description.as_deref())
        .leaf("creationTime", iso8601(g.created))
        .node("options", |x| {
            x.leaf("amazonSideAsn", o.amazon_side_asn)
                .list("transitGatewayCidrBlocks", &o.cidr_blocks, |x, c| {
                    x.raw(&crate::xml::escape(&c.to_string()));
                })
                .leaf(
                    "autoAcceptSharedAttachments",
                    on_off(o.auto_accept_shared_attachments),
                )
                .leaf(
                    "defaultRouteTableAssociation",
                    on_off(o.default_route_table_association),
                )
                .opt(
                    "associationDefaultRouteTableId",
                    o.association_default_route_table_id.as_deref(),
                )
                .leaf(
                    "defaultRouteTablePropagation",
                    on_off(o.default_route_table_propagation),
                )
                .opt(
                    "propagationDefaultRouteTableId",
                    o.propagation_default_route_table_id.as_deref(),
                )
                .leaf("vpnEcmpSupport", on_off(o.vpn_ecmp_support))
                .leaf("dnsSupport", on_off(o.dns_support))
                .leaf(
                    "securityGroupReferencingSupport",
                    on_off(o.security_group_referencing_support),
                )
                .leaf("multicastSupport", on_off(o.multicast_support));
        })
        .tag_set(openvpc_core::tags::of(w, scope, &g.id));
}

// ---------------------------------------------------------------------------------------
// VPC attachments

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
pub(super) fn render_one<T>(
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

fn create_vpc_attachment(cx: &mut Call) -> Result<Xml> {
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

fn modify_vpc_attachment(cx: &mut Call) -> Result<Xml> {
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
pub(super) fn attachment_step(
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

fn delete_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::DeleteVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

fn accept_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::AcceptVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

fn reject_vpc_attachment(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::RejectVpcAttachment { attachment_id };
    attachment_step(cx, make, render_attachment_of)
}

/// A Describe of attachments by `TransitGatewayAttachmentIds` (and filters, pages).
pub(super) fn attachment_query(cx: &mut Call) -> Result<Query> {
    let q = Query::decode(
        &cx.p(),
        "TransitGatewayAttachmentIds",
        |id| Kind::TransitGatewayAttachment.check(id),
        EC2,
    )?;
    cx.read()?;
    Ok(q)
}

fn describe_vpc_attachments(cx: &mut Call) -> Result<Xml> {
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

fn describe_attachments(cx: &mut Call) -> Result<Xml> {
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

// ---------------------------------------------------------------------------------------
// Route tables, associations, propagations

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

fn create_route_table(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::CreateRouteTable {
        transit_gateway_id: p.req_id("TransitGatewayId", Kind::TransitGateway)?,
        tags: p.tag_specs_in("TagSpecifications")?,
    };
    let id = created_id(cx.mutate(Command::Tgw(cmd))?)?;
    render_table_of(cx, &id)
}

fn delete_route_table(cx: &mut Call) -> Result<Xml> {
    let route_table_id = cx
        .p()
        .req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    cx.mutate(Command::Tgw(Cmd::DeleteRouteTable {
        route_table_id: route_table_id.clone(),
    }))?;
    render_table_of(cx, &route_table_id)
}

fn describe_route_tables(cx: &mut Call) -> Result<Xml> {
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
fn resource_of(w: &World, rtb: &str, id: &str) -> (&'static str, Option<String>) {
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

fn associate_route_table(cx: &mut Call) -> Result<Xml> {
    let make = |route_table_id, attachment_id| Cmd::Associate {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "association", "associating")
}

fn disassociate_route_table(cx: &mut Call) -> Result<Xml> {
    let make = |route_table_id, attachment_id| Cmd::Disassociate {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "association", "disassociating")
}

fn enable_propagation(cx: &mut Call) -> Result<Xml> {
    cx.p().ignore("TransitGatewayRouteTableAnnouncementId");
    let make = |route_table_id, attachment_id| Cmd::EnablePropagation {
        route_table_id,
        attachment_id,
    };
    link_step(cx, make, "propagation", "enabled")
}

fn disable_propagation(cx: &mut Call) -> Result<Xml> {
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

fn get_associations(cx: &mut Call) -> Result<Xml> {
    get_table_attachments(cx, false)
}

fn get_propagations(cx: &mut Call) -> Result<Xml> {
    get_table_attachments(cx, true)
}

// ---------------------------------------------------------------------------------------
// Routes

/// Renders one route of table `rtb`.
fn render_route(x: &mut Xml, w: &World, rtb: &str, r: &TableRoute) {
    x.leaf("destinationCidrBlock", r.destination)
        .opt("prefixListId", r.prefix_list_id.as_deref());
    if let Some(a) = &r.attachment {
        let (kind, resource) = resource_of(w, rtb, a);
        x.list("transitGatewayAttachments", [a], |x, a| {
            x.opt("resourceId", resource.as_deref())
                .leaf("transitGatewayAttachmentId", a)
                .leaf("resourceType", kind);
        });
    }
    x.leaf("type", r.route_type.as_str())
        .leaf("state", r.state());
}

/// A route request's parameters: the table, the destination, the target.
fn route_request(p: &View) -> Result<(String, IpNet, Option<String>, bool)> {
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let destination = cidr(&p.req("DestinationCidrBlock")?, "DestinationCidrBlock")?;
    let attachment = p
        .str("TransitGatewayAttachmentId")
        .filter(|s| !s.is_empty());
    if let Some(a) = &attachment {
        Kind::TransitGatewayAttachment.check(a)?;
    }
    Ok((rtb, destination, attachment, p.flag("Blackhole")?))
}

/// The route to `destination` in `rtb` as it stands, for the answer.
fn route_answer(cx: &Call, rtb: &str, destination: IpNet, fallback: TableRoute) -> Xml {
    let w = cx.world();
    let found = w
        .tgw_route_tables
        .get(rtb)
        .and_then(|t| {
            tgw::table_routes(w, t)
                .into_iter()
                .find(|r| r.destination == destination.trunc())
        })
        .unwrap_or(fallback);
    let mut x = Xml::new();
    x.node("route", |x| render_route(x, w, rtb, &found));
    x
}

fn create_route(cx: &mut Call) -> Result<Xml> {
    let (route_table_id, destination, attachment_id, blackhole) = route_request(&cx.p())?;
    cx.mutate(Command::Tgw(Cmd::CreateRoute {
        route_table_id: route_table_id.clone(),
        destination,
        attachment_id: attachment_id.clone(),
        blackhole,
    }))?;
    let fallback = static_route(destination, attachment_id);
    Ok(route_answer(cx, &route_table_id, destination, fallback))
}

fn replace_route(cx: &mut Call) -> Result<Xml> {
    let (route_table_id, destination, attachment_id, blackhole) = route_request(&cx.p())?;
    cx.mutate(Command::Tgw(Cmd::ReplaceRoute {
        route_table_id: route_table_id.clone(),
        destination,
        attachment_id: attachment_id.clone(),
        blackhole,
    }))?;
    let fallback = static_route(destination, attachment_id);
    Ok(route_answer(cx, &route_table_id, destination, fallback))
}

fn static_route(destination: IpNet, attachment: Option<String>) -> TableRoute {
    TableRoute {
        destination: destination.trunc(),
        attachment,
        route_type: tgw::RouteType::Static,
        prefix_list_id: None,
    }
}

fn delete_route(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let destination = cidr(&p.req("DestinationCidrBlock")?, "DestinationCidrBlock")?;
    let before = cx
        .world()
        .tgw_route_tables
        .get(&route_table_id)
        .and_then(|t| {
            t.routes
                .iter()
                .find(|r| r.destination == destination.trunc())
        })
        .map(|r| match &r.target {
            tgw::RouteTarget::Attachment(a) => Some(a.clone()),
            tgw::RouteTarget::Blackhole => None,
        });
    cx.mutate(Command::Tgw(Cmd::DeleteRoute {
        route_table_id: route_table_id.clone(),
        destination,
    }))?;
    let gone = static_route(destination, before.flatten());
    let mut x = Xml::new();
    x.node("route", |x| {
        render_route(x, cx.world(), &route_table_id, &gone);
    });
    Ok(x)
}

fn search_routes(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let filters = p.filters()?;
    let max = match p.int("MaxResults")? {
        None => 1000,
        Some(n) if (5..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::invalid_value(format!(
                "Value ( {n} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."
            )))
        }
    };
    p.ignore("NextToken");
    cx.read()?;
    let w = cx.world();
    let mut found = tgw::search_routes(w, cx.ctx(), &rtb, &filters)?;
    let more = found.len() > max;
    found.truncate(max);
    let mut x = Xml::new();
    x.list("routeSet", found, |x, r| render_route(x, w, &rtb, &r));
    x.leaf("additionalRoutesAvailable", more);
    Ok(x)
}
