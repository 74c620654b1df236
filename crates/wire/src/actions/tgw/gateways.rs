//! Transit gateways: create, modify, delete, describe.

use openvpc_core::tgw::{self, Cmd, NewTgwOptions, TgwChanges, TransitGateway};
use openvpc_core::{Command, Kind, Result, Scope, World};

use super::{asn, cidrs, on_off, toggle};
use crate::actions::describe::{Query, EC2};
use crate::actions::{created_id, Call};
use crate::time::iso8601;
use crate::xml::Xml;

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

pub(super) fn create_transit_gateway(cx: &mut Call) -> Result<Xml> {
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

pub(super) fn modify_transit_gateway(cx: &mut Call) -> Result<Xml> {
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

pub(super) fn delete_transit_gateway(cx: &mut Call) -> Result<Xml> {
    let transit_gateway_id = cx.p().req_id("TransitGatewayId", Kind::TransitGateway)?;
    cx.mutate(Command::Tgw(Cmd::DeleteTransitGateway {
        transit_gateway_id: transit_gateway_id.clone(),
    }))?;
    render_gateway_of(cx, &transit_gateway_id)
}

pub(super) fn describe_transit_gateways(cx: &mut Call) -> Result<Xml> {
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
