//! VPN attachments: a Site-to-Site VPN connection made with `TransitGatewayId` attaches to
//! the transit gateway as an attachment of resource type `vpn`. The VPN area makes and
//! deletes the connection and reaches this file through the world's hooks: the gateway is
//! checked before the connection is made ([`gateway_for_connection`]), the attachment made
//! after ([`attach`]) and set `deleting` when the connection goes ([`detach`]). The
//! attachment starts like an accepted VPC attachment (`pending`, then `available`;
//! associated with and propagating into the default tables as the gateway's options say),
//! has no subnets or interfaces, and propagates the connection's routes.

use ipnet::IpNet;

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, Scope, TimerKind, World};

use super::attachments;
use super::gateways;
use super::model::{AttachmentState, State, TgwAttachment, VpcAttachmentOptions};

/// The transit gateway a new VPN connection names: one the caller owns (a shared gateway
/// takes no VPN attachment), `available`, with room for one more attachment. Answers its
/// Amazon side ASN (a BGP connection's customer gateway must not use it).
pub fn gateway_for_connection(w: &World, ctx: &Ctx, tgw_id: &str) -> Result<u64> {
    let g = gateways::get_owned(w, ctx.scope(), tgw_id)?;
    if g.state != State::Available {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{tgw_id} is in invalid state: {}", g.state.as_str()),
        ));
    }
    attachments::check_gateway_quota(w, g)?;
    Ok(g.options.amazon_side_asn)
}

/// The attachment of VPN connection `vpn_id` to gateway `tgw_id`, in the gateway owner's
/// `scope`: no VPC, subnets or options; `pendingAcceptance` until started, created at 0.
pub fn vpn_attachment(id: &str, scope: &Scope, tgw_id: &str, vpn_id: &str) -> TgwAttachment {
    TgwAttachment {
        id: id.to_string(),
        scope: scope.clone(),
        transit_gateway_id: tgw_id.to_string(),
        transit_gateway_owner: scope.account.clone(),
        vpc_id: String::new(),
        subnet_ids: Vec::new(),
        interfaces: Vec::new(),
        options: VpcAttachmentOptions {
            dns_support: false,
            ipv6_support: false,
            appliance_mode_support: false,
            security_group_referencing_support: false,
        },
        state: AttachmentState::PendingAcceptance,
        association: None,
        created: 0,
        purge_at: None,
        vpn_connection_id: Some(vpn_id.to_string()),
    }
}

/// Attaches VPN connection `vpn_id` to `tgw_id` (checked by [`gateway_for_connection`]):
/// the attachment starts `pending`. Returns its id.
pub fn attach(w: &mut World, ctx: &Ctx, tgw_id: &str, vpn_id: &str) -> String {
    let id = w.ids.id(Kind::TransitGatewayAttachment);
    let mut a = vpn_attachment(&id, ctx.scope(), tgw_id, vpn_id);
    a.created = ctx.now;
    w.tgw_attachments.insert(a);
    attachments::start(w, ctx, &id);
    id
}

/// The live attachment of VPN connection `vpn_id`, if any.
pub fn of_connection<'w>(w: &'w World, vpn_id: &str) -> Option<&'w TgwAttachment> {
    w.tgw_attachments
        .values()
        .find(|a| a.state.is_live() && a.vpn_connection_id.as_deref() == Some(vpn_id))
}

/// The connection `vpn_id` is deleted: its attachment goes `deleting`, then `deleted` once
/// the transition delay has passed (leaving its association, propagations and routes).
pub fn detach(w: &mut World, ctx: &Ctx, vpn_id: &str) {
    let Some(id) = of_connection(w, vpn_id).map(|a| a.id.clone()) else {
        return;
    };
    w.tgw_attachments.get_mut(&id).expect("found").state = AttachmentState::Deleting;
    w.schedule(
        ctx.now + w.config.delays.transition,
        TimerKind::TransitGateway,
        &id,
    );
}

/// The blocks a VPN attachment propagates: its connection's routes (no BGP runs, so the
/// routes the connection holds stand for what the customer gateway announces).
pub(super) fn propagated_blocks(w: &World, vpn_id: &str) -> Vec<IpNet> {
    w.vpn_connections
        .get(vpn_id)
        .map(|c| c.routes.iter().map(|r| IpNet::V4(r.destination)).collect())
        .unwrap_or_default()
}
