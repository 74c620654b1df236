//! Transit-gateway peering attachments: Create/Accept/Reject/DeleteTransitGatewayPeeringAttachment,
//! their clock (`initiatingRequest` → `pendingAcceptance`, or `failed` when the peer gateway
//! does not exist; accepted: `pending` → `available`; `deleting` → `deleted`), and their
//! part in route tables: each side associates the attachment with one table of its own
//! gateway (the default association table on acceptance), static routes may name it, and
//! routes never propagate from it.

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{Millis, Output};

use super::gateways;
use super::model::AttachmentState;
use super::model::{State, TgwRouteTable, DELETED_RETENTION};
use super::peering_model::{Side, TgwPeeringAttachment};

/// What CreateTransitGatewayPeeringAttachment asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PeeringRequest {
    pub transit_gateway_id: String,
    pub peer_transit_gateway_id: String,
    pub peer_account_id: String,
    pub peer_region: String,
    pub dynamic_routing: bool,
    pub tags: Vec<TagSpec>,
}

/// A peering attachment the caller sees, with the caller's side.
pub fn get_visible<'w>(
    w: &'w World,
    scope: &Scope,
    id: &str,
) -> Result<(&'w TgwPeeringAttachment, Side)> {
    w.tgw_peerings
        .get(id)
        .and_then(|p| Some((p, p.side_seen_by(scope)?)))
        .ok_or_else(|| Kind::TransitGatewayAttachment.not_found(id))
}

/// Whether `id` is a peering attachment (of any state).
pub fn is_peering(w: &World, id: &str) -> bool {
    w.tgw_peerings.get(id).is_some()
}

fn invalid_state(p: &TgwPeeringAttachment) -> ApiError {
    ApiError::new(
        ErrorCode::IncorrectState,
        format!("{} is in invalid state: {}", p.id, p.state.as_str()),
    )
}

/// The live peering attachments of transit gateway `tgw_id`, on either side.
fn of_gateway<'w>(w: &'w World, tgw_id: &'w str) -> impl Iterator<Item = &'w TgwPeeringAttachment> {
    w.tgw_peerings
        .values()
        .filter(move |p| p.state.is_live() && p.side_of_gateway(tgw_id).is_some())
}

/// Whether transit gateway `tgw_id` has a live peering attachment (it cannot be deleted).
pub(super) fn live_of_gateway(w: &World, tgw_id: &str) -> Vec<String> {
    of_gateway(w, tgw_id).map(|p| p.id.clone()).collect()
}

/// The request's checks: the caller's own available gateway, a well-formed other peer,
/// one live peering per pair, and the quotas.
fn check_request(w: &World, ctx: &Ctx, r: &PeeringRequest) -> Result<()> {
    let g = gateways::get_owned(w, ctx.scope(), &r.transit_gateway_id)?;
    if g.state != State::Available {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{} is in invalid state: {}", g.id, g.state.as_str()),
        ));
    }
    Kind::TransitGateway.check(&r.peer_transit_gateway_id)?;
    if r.peer_account_id.len() != 12 || !r.peer_account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid_value(format!(
            "Value ({}) for parameter PeerAccountId is invalid. It must be a 12-digit account id.",
            r.peer_account_id
        )));
    }
    if r.peer_transit_gateway_id == r.transit_gateway_id {
        return Err(ApiError::invalid_value(format!(
            "A transit gateway cannot peer with itself ({}).",
            r.transit_gateway_id
        )));
    }
    let tgw = r.transit_gateway_id.as_str();
    if of_gateway(w, tgw).any(|p| p.side_of_gateway(&r.peer_transit_gateway_id).is_some()) {
        return Err(ApiError::new(
            ErrorCode::DuplicateTransitGatewayAttachment,
            format!(
                "{tgw} has a non-deleted peering attachment with {}.",
                r.peer_transit_gateway_id
            ),
        ));
    }
    check_quota(
        w,
        ctx.account(),
        tgw,
        quota::PEERING_ATTACHMENTS_PER_TGW,
        |_| true,
    )?;
    check_quota(
        w,
        ctx.account(),
        tgw,
        quota::PENDING_PEERING_ATTACHMENTS_PER_TGW,
        |p| {
            matches!(
                p.state,
                AttachmentState::InitiatingRequest | AttachmentState::PendingAcceptance
            )
        },
    )
}

/// Refuses one more peering attachment of `tgw_id` when those `counted` reach the quota.
fn check_quota(
    w: &World,
    account: &str,
    tgw_id: &str,
    name: &str,
    counted: impl Fn(&TgwPeeringAttachment) -> bool,
) -> Result<()> {
    let Some(limit) = w.config.quotas.limit(account, name) else {
        return Ok(());
    };
    if of_gateway(w, tgw_id).filter(|p| counted(p)).count() >= limit as usize {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayAttachmentLimitExceeded,
            format!("{tgw_id} has reached the limit of {limit} ({name})."),
        ));
    }
    Ok(())
}

/// CreateTransitGatewayPeeringAttachment: `initiatingRequest` until the transition delay
/// has passed; the peer gateway is looked for then (the requester cannot see another
/// account's or Region's gateways).
pub(super) fn create(w: &mut World, ctx: &Ctx, r: &PeeringRequest) -> Result<Output> {
    tags::check_specs(&r.tags, "transit-gateway-attachment")?;
    check_request(w, ctx, r)?;
    let id = w.ids.id(Kind::TransitGatewayAttachment);
    let scope = ctx.scope();
    w.tgw_peerings.insert(TgwPeeringAttachment {
        id: id.clone(),
        scope: scope.clone(),
        transit_gateway_id: r.transit_gateway_id.clone(),
        peer: Scope::new(&r.peer_account_id, &r.peer_region),
        peer_transit_gateway_id: r.peer_transit_gateway_id.clone(),
        dynamic_routing: r.dynamic_routing,
        state: AttachmentState::InitiatingRequest,
        failure: None,
        requester_association: None,
        accepter_association: None,
        created: ctx.now,
        purge_at: None,
    });
    tags::apply_specs(w, scope, &id, &r.tags);
    schedule_step(w, ctx.now, &id);
    Ok(Output::Id(id))
}

fn schedule_step(w: &mut World, now: Millis, id: &str) {
    w.schedule(
        now + w.config.delays.transition,
        TimerKind::TransitGateway,
        id,
    );
}

/// The attachment `id` awaiting the caller's answer as the accepter.
fn awaiting<'w>(w: &'w World, ctx: &Ctx, id: &str) -> Result<&'w TgwPeeringAttachment> {
    let (p, side) = get_visible(w, ctx.scope(), id)?;
    if side != Side::Accepter && p.peer != *ctx.scope() {
        return Err(ApiError::new(
            ErrorCode::OperationNotPermitted,
            format!(
                "Only the owner of {} can accept or reject {id}, in {}.",
                p.peer_transit_gateway_id, p.peer.region
            ),
        ));
    }
    if p.state != AttachmentState::PendingAcceptance {
        return Err(invalid_state(p));
    }
    Ok(p)
}

/// AcceptTransitGatewayPeeringAttachment: `pending`, then `available`; each side is
/// associated with its gateway's default association table when its options say so.
pub(super) fn accept(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = awaiting(w, ctx, id)?;
    let mut tables = Vec::new();
    for side in [Side::Requester, Side::Accepter] {
        let Some(g) = w
            .transit_gateways
            .get(p.gateway(side))
            .filter(|g| g.state.is_live())
        else {
            return Err(invalid_state(p));
        };
        let o = &g.options;
        let default = o.association_default_route_table_id.clone();
        tables.push((side, default.filter(|_| o.default_route_table_association)));
    }
    let p = w.tgw_peerings.get_mut(id).expect("checked");
    p.state = AttachmentState::Pending;
    for (side, table) in tables {
        *p.association_mut(side) = table;
    }
    schedule_step(w, ctx.now, id);
    Ok(Output::Done)
}

/// RejectTransitGatewayPeeringAttachment: `rejected`, kept for an hour.
pub(super) fn reject(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    awaiting(w, ctx, id)?;
    end(w, id, AttachmentState::Rejected, ctx.now);
    Ok(Output::Done)
}

/// DeleteTransitGatewayPeeringAttachment (either side): `deleting`, then `deleted`.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let (p, _) = get_visible(w, ctx.scope(), id)?;
    if !(p.state.is_live() || p.state == AttachmentState::Failed) {
        return Err(invalid_state(p));
    }
    let p = w.tgw_peerings.get_mut(id).expect("checked");
    p.state = AttachmentState::Deleting;
    p.purge_at = None;
    schedule_step(w, ctx.now, id);
    Ok(Output::Done)
}

/// Ends an attachment in `state`: its associations and the static routes naming it go,
/// and it is forgotten after [`DELETED_RETENTION`].
fn end(w: &mut World, id: &str, state: AttachmentState, now: Millis) {
    super::attachments::forget_routes(w, id);
    let purge = now + DELETED_RETENTION;
    let p = w.tgw_peerings.get_mut(id).expect("exists");
    p.state = state;
    p.requester_association = None;
    p.accepter_association = None;
    p.purge_at = Some(purge);
    w.schedule(purge, TimerKind::TransitGateway, id);
}

/// The clock's step of peering attachment `id`, due at `due`.
pub(super) fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(p) = w.tgw_peerings.get(id) else {
        return;
    };
    match p.state {
        AttachmentState::InitiatingRequest => {
            let found = w
                .transit_gateways
                .get(&p.peer_transit_gateway_id)
                .is_some_and(|g| g.scope == p.peer && g.state.is_live())
                && w.config.region(&p.peer.region).is_some();
            if found {
                w.tgw_peerings.get_mut(id).expect("exists").state =
                    AttachmentState::PendingAcceptance;
            } else {
                let message = format!(
                    "Transit gateway {} was not found in account {} and Region {}.",
                    p.peer_transit_gateway_id, p.peer.account, p.peer.region
                );
                w.tgw_peerings.get_mut(id).expect("exists").failure = Some(message);
                end(w, id, AttachmentState::Failed, due);
            }
        }
        AttachmentState::Pending => {
            w.tgw_peerings.get_mut(id).expect("exists").state = AttachmentState::Available
        }
        AttachmentState::Deleting => end(w, id, AttachmentState::Deleted, due),
        AttachmentState::Deleted | AttachmentState::Rejected | AttachmentState::Failed
            if p.purge_at.is_some_and(|at| due >= at) =>
        {
            w.tgw_peerings.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}

/// The side of peering attachment `id` that table `t` belongs to, when `id` is a peering
/// attachment the caller sees (`None`: not a peering attachment).
pub(super) fn table_side(
    w: &World,
    ctx: &Ctx,
    t: &TgwRouteTable,
    id: &str,
) -> Result<Option<Side>> {
    if !is_peering(w, id) {
        return Ok(None);
    }
    let (p, _) = get_visible(w, ctx.scope(), id)?;
    match p.side_of_gateway(&t.transit_gateway_id) {
        Some(side) if p.scope_of(side) == &t.scope => Ok(Some(side)),
        _ => Err(ApiError::invalid_value(format!(
            "{id} and {} belong to different transit gateways.",
            t.id
        ))),
    }
}

/// AssociateTransitGatewayRouteTable for a peering attachment: once accepted, one table
/// per side.
pub(super) fn associate(w: &mut World, id: &str, side: Side, rtb_id: &str) -> Result<Output> {
    let p = w.tgw_peerings.get(id).expect("checked");
    if !matches!(
        p.state,
        AttachmentState::Pending | AttachmentState::Available
    ) {
        return Err(invalid_state(p));
    }
    if p.association(side).is_some() {
        return Err(ApiError::new(
            ErrorCode::ResourceAlreadyAssociated,
            format!("Transit Gateway Attachment {id} is already associated to a route table."),
        ));
    }
    *w.tgw_peerings
        .get_mut(id)
        .expect("checked")
        .association_mut(side) = Some(rtb_id.to_string());
    Ok(Output::Done)
}

/// DisassociateTransitGatewayRouteTable for a peering attachment.
pub(super) fn disassociate(w: &mut World, id: &str, side: Side, rtb_id: &str) -> Result<Output> {
    let p = w.tgw_peerings.get_mut(id).expect("checked");
    if p.association(side) != Some(rtb_id) {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteTableAssociationNotFound,
            format!("Transit Gateway Attachment {id} is not associated with {rtb_id}."),
        ));
    }
    *p.association_mut(side) = None;
    Ok(Output::Done)
}

/// EnableTransitGatewayRouteTablePropagation for a peering attachment: refused, routes do
/// not propagate over a peering attachment (static routes only).
pub(super) fn refuse_propagation(id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Route propagation is not supported for transit gateway peering attachment {id}; add static routes instead."
    ))
}

/// The peering attachments associated with `rtb_id`, with the side the table is on.
pub fn associated_with<'w>(
    w: &'w World,
    rtb_id: &'w str,
) -> impl Iterator<Item = (&'w TgwPeeringAttachment, Side)> {
    w.tgw_peerings.values().filter_map(move |p| {
        [Side::Requester, Side::Accepter]
            .into_iter()
            .find(|s| p.association(*s) == Some(rtb_id))
            .map(|s| (p, s))
    })
}
