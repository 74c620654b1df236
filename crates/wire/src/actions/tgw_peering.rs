//! Transit-gateway peering attachments: Create/Accept/Reject/Delete and
//! DescribeTransitGatewayPeeringAttachments.

use openvpc_core::tgw::{self, AttachmentState, Cmd, PeeringRequest, TgwPeeringAttachment};
use openvpc_core::{ApiError, Command, Kind, Result, Scope, World};

use super::{created_id, Call, Handler};
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateTransitGatewayPeeringAttachment", create),
    ("AcceptTransitGatewayPeeringAttachment", accept),
    ("RejectTransitGatewayPeeringAttachment", reject),
    ("DeleteTransitGatewayPeeringAttachment", delete),
    ("DescribeTransitGatewayPeeringAttachments", describe),
];

fn answer(cx: &Call, id: &str) -> Result<Xml> {
    fn get<'w>(w: &'w World, id: &str) -> Option<&'w TgwPeeringAttachment> {
        w.tgw_peerings.get(id)
    }
    super::tgw::render_one(cx, id, get, "transitGatewayPeeringAttachment", render)
}

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let transit_gateway_id = p.req("TransitGatewayId")?;
    Kind::TransitGateway.check(&transit_gateway_id)?;
    let peer_transit_gateway_id = p.req("PeerTransitGatewayId")?;
    Kind::TransitGateway.check(&peer_transit_gateway_id)?;
    let o = p.nested("Options");
    let dynamic_routing = match o.str("DynamicRouting").as_deref() {
        None | Some("disable") => false,
        Some("enable") => true,
        Some(v) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({v}) for parameter Options.DynamicRouting is invalid. Valid values: enable, disable"
            )))
        }
    };
    let request = PeeringRequest {
        transit_gateway_id,
        peer_transit_gateway_id,
        peer_account_id: p.req("PeerAccountId")?,
        peer_region: p.req("PeerRegion")?,
        dynamic_routing,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Tgw(Cmd::CreatePeeringAttachment(request)))?)?;
    answer(cx, &id)
}

fn accept(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::AcceptPeeringAttachment { attachment_id };
    super::tgw::attachment_step(cx, make, answer)
}

fn reject(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::RejectPeeringAttachment { attachment_id };
    super::tgw::attachment_step(cx, make, answer)
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let make = |attachment_id| Cmd::DeletePeeringAttachment { attachment_id };
    super::tgw::attachment_step(cx, make, answer)
}

fn describe(cx: &mut Call) -> Result<Xml> {
    let q = super::tgw::attachment_query(cx)?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = tgw::describe_peering_attachments(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |p| p.id.clone(),
        "transitGatewayPeeringAttachments",
        |x, p| render(x, w, scope, p),
    ))
}

/// `status.message` for a state [I: AWS's wording is not documented].
fn status_message(p: &TgwPeeringAttachment) -> String {
    match p.state {
        AttachmentState::Failed => p.failure.clone().unwrap_or_else(|| "Failed".into()),
        AttachmentState::InitiatingRequest => "Initiating Request".into(),
        AttachmentState::PendingAcceptance => "Pending Acceptance".into(),
        s => {
            let w = s.as_str();
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// Renders one peering attachment's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, p: &TgwPeeringAttachment) {
    let info = |x: &mut Xml, tgw: &str, s: &Scope| {
        x.leaf("transitGatewayId", tgw)
            .leaf("ownerId", &s.account)
            .leaf("region", &s.region);
    };
    x.leaf("transitGatewayAttachmentId", &p.id)
        .node("requesterTgwInfo", |x| {
            info(x, &p.transit_gateway_id, &p.scope)
        })
        .node("accepterTgwInfo", |x| {
            info(x, &p.peer_transit_gateway_id, &p.peer)
        })
        .node("options", |x| {
            x.leaf(
                "dynamicRouting",
                if p.dynamic_routing {
                    "enable"
                } else {
                    "disable"
                },
            );
        })
        .node("status", |x| {
            x.leaf("code", p.state.as_str())
                .leaf("message", status_message(p));
        })
        .leaf("state", p.state.as_str())
        .leaf("creationTime", iso8601(p.created))
        .tag_set(openvpc_core::tags::of(w, scope, &p.id));
}
