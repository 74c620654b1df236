//! Requests and their answers (§1.2–§1.5): CreateVpcPeeringConnection, Accept, Reject,
//! Delete, with who may do each, the duplicate rule and the limits; and what DeleteVpc
//! does to the connections of the VPC.

use super::cidr::blocks_of;
use super::find;
use super::model::{Blocks, Options, Peering, Side, Status, EXPIRY};
use super::timers::{end, mark_deleted};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, TimerKind, World};
use crate::{Kind, Millis, Output, DAY, HOUR};

/// The two ends CreateVpcPeeringConnection names; the peer's owner and Region default to
/// the caller's.
pub(super) struct Request<'a> {
    pub vpc_id: &'a str,
    pub peer_vpc_id: &'a str,
    pub peer_owner_id: Option<String>,
    pub peer_region: Option<String>,
}

fn state_transition(id: &str, from: Status, to: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidStateTransition,
        format!(
            "Invalid state transition for {id}, attempted to transition from {} to {to}",
            from.as_str()
        ),
    )
}

/// CreateVpcPeeringConnection: `initiating-request` until the next step checks the peer
/// (see [`super::timers`]). The same request while one is live answers the live one.
pub(super) fn create(w: &mut World, ctx: &Ctx, req: Request, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    let (vpc_id, peer_vpc_id) = (req.vpc_id, req.peer_vpc_id);
    crate::vpc::get(w, scope, vpc_id)?;
    let requester_blocks = blocks_of(w, vpc_id).unwrap_or_default();
    let peer_owner = req
        .peer_owner_id
        .unwrap_or_else(|| ctx.account().to_string());
    let peer_region = req.peer_region.unwrap_or_else(|| ctx.region().to_string());
    if peer_owner == ctx.account() && peer_region == ctx.region() {
        crate::vpc::get(w, scope, peer_vpc_id)?;
    }
    if peer_vpc_id == vpc_id {
        return Err(ApiError::invalid_value(
            "The requester VPC and the accepter VPC must be different.",
        ));
    }
    tags::check_specs(specs, "vpc-peering-connection")?;
    if let Some(existing) = w.peerings.of_vpc(vpc_id).find(|p| {
        p.status.is_live() && p.requester.vpc_id == vpc_id && p.accepter.vpc_id == peer_vpc_id
    }) {
        return Ok(Output::Id(existing.id.clone()));
    }
    check_outstanding_limit(w, ctx)?;
    let id = w.ids.id(Kind::VpcPeeringConnection);
    let due = ctx.now + w.config.delays.transition;
    let requester = Side {
        account: ctx.account().to_string(),
        region: ctx.region().to_string(),
        vpc_id: vpc_id.to_string(),
    };
    let accepter = Side {
        account: peer_owner,
        region: peer_region,
        vpc_id: peer_vpc_id.to_string(),
    };
    w.peerings.insert(requested(
        &id,
        requester,
        accepter,
        requester_blocks,
        ctx.now,
        due,
    ));
    w.schedule(due, TimerKind::Peering, &id);
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// `OutstandingVpcPeeringConnectionLimitExceeded` once the caller has as many requests
/// initiating or pending acceptance as its quota allows.
fn check_outstanding_limit(w: &mut World, ctx: &Ctx) -> Result<()> {
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::PEERING_OUTSTANDING_PER_ACCOUNT)
    {
        if w.peerings.outstanding(ctx.account()) >= limit as usize {
            return Err(ApiError::new(ErrorCode::OutstandingVpcPeeringConnectionLimitExceeded,
                format!(
                    "You have reached the limit of {limit} outstanding VPC peering connection requests."
                ),
            ));
        }
    }
    Ok(())
}

/// A new request, `initiating-request` until `due`, expiring after [`EXPIRY`].
fn requested(
    id: &str,
    requester: Side,
    accepter: Side,
    requester_blocks: Blocks,
    now: Millis,
    due: Millis,
) -> Peering {
    Peering {
        id: id.to_string(),
        message: format!("Initiating Request to {}", accepter.account),
        requester,
        accepter,
        status: Status::InitiatingRequest,
        created: now,
        expiration: now + EXPIRY,
        step_due: due,
        accepted: None,
        requester_options: Options::default(),
        accepter_options: None,
        requester_blocks,
        accepter_blocks: Blocks::default(),
        requester_until: None,
        accepter_until: None,
        deleted_by: None,
    }
}

/// Connections of a VPC that count toward its active limit.
fn active_count(w: &World, vpc_id: &str) -> usize {
    w.peerings
        .of_vpc(vpc_id)
        .filter(|p| matches!(p.status, Status::Provisioning | Status::Active))
        .count()
}

/// AcceptVpcPeeringConnection: by the accepter, in the accepter's Region, while pending;
/// not when the pair is already joined, nor beyond either VPC's active limit.
pub(super) fn accept(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    if ctx.account() != p.accepter.account {
        return Err(ApiError::not_permitted(format!(
            "User {} cannot accept peering {id}",
            ctx.account()
        )));
    }
    if ctx.region() != p.accepter.region {
        return Err(ApiError::not_permitted(format!(
            "Incorrect region ({}) specified for this request. VPC peering connection {id} must be accepted in region {}",
            ctx.region(), p.accepter.region
        )));
    }
    if p.status != Status::PendingAcceptance {
        return Err(state_transition(id, p.status, "provisioning"));
    }
    let (a, b) = (&p.requester, &p.accepter);
    check_not_joined(w, id, a, b)?;
    for side in [a, b] {
        check_active_limit(w, side)?;
    }
    let requester_blocks = blocks_of(w, &a.vpc_id);
    let accepter_blocks = blocks_of(w, &b.vpc_id);
    let due = ctx.now + w.config.delays.transition;
    let p = w.peerings.get_mut(id).expect("found");
    p.status = Status::Provisioning;
    p.message = "Provisioning".into();
    p.accepted = Some(ctx.now);
    p.step_due = due;
    p.accepter_options = Some(Options::default());
    if let Some(b) = requester_blocks {
        p.requester_blocks = b;
    }
    if let Some(b) = accepter_blocks {
        p.accepter_blocks = b;
    }
    w.schedule(due, TimerKind::Peering, id);
    Ok(Output::Id(id.to_string()))
}

/// One provisioning or active connection per pair of VPCs, whichever side asked.
fn check_not_joined(w: &World, id: &str, a: &Side, b: &Side) -> Result<()> {
    if let Some(dup) = w.peerings.of_vpc(&a.vpc_id).find(|q| {
        q.id != id
            && matches!(q.status, Status::Provisioning | Status::Active)
            && q.other_vpc(&a.vpc_id).is_some_and(|o| o.vpc_id == b.vpc_id)
    }) {
        return Err(ApiError::new(
            ErrorCode::VpcPeeringConnectionAlreadyExists,
            format!(
                "The vpc peering connection identified by {} already exists.",
                dup.id
            ),
        ));
    }
    Ok(())
}

/// `ActiveVpcPeeringConnectionPerVpcLimitExceeded` once a side's VPC has as many
/// connections as its owner's quota allows.
fn check_active_limit(w: &World, side: &Side) -> Result<()> {
    if let Some(limit) = w
        .config
        .quotas
        .limit(&side.account, quota::PEERING_ACTIVE_PER_VPC)
    {
        if active_count(w, &side.vpc_id) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::ActiveVpcPeeringConnectionPerVpcLimitExceeded,
                format!(
                    "The VPC {} has reached the limit of {limit} active VPC peering connections.",
                    side.vpc_id
                ),
            ));
        }
    }
    Ok(())
}

/// RejectVpcPeeringConnection: by the accepter, in the accepter's Region, while pending.
pub(super) fn reject(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    if ctx.account() != p.accepter.account {
        return Err(ApiError::not_permitted(format!(
            "User {} cannot reject peering {id}",
            ctx.account()
        )));
    }
    if ctx.region() != p.accepter.region {
        return Err(ApiError::not_permitted(format!(
            "Incorrect region ({}) specified for this request. VPC peering connection {id} must be accepted or rejected in region {}",
            ctx.region(), p.accepter.region
        )));
    }
    if p.status != Status::PendingAcceptance {
        return Err(state_transition(id, p.status, "rejected"));
    }
    let same_account = p.is_same_account();
    let p = w.peerings.get_mut(id).expect("found");
    p.status = Status::Rejected;
    p.message = format!("Rejected by {}", ctx.account());
    let requester_keep = if same_account { 2 * HOUR } else { 2 * DAY };
    end(w, id, ctx.now, requester_keep, 2 * HOUR);
    Ok(Output::Done)
}

/// DeleteVpcPeeringConnection: either side of a provisioning or active connection; of a
/// pending request only the requester (the accepter rejects it).
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    let scope = ctx.scope();
    let is_requester = p.requester.is_in(scope);
    match p.status {
        Status::Active | Status::Provisioning => {}
        Status::PendingAcceptance if is_requester => {}
        Status::PendingAcceptance => {
            return Err(ApiError::not_permitted(format!(
            "User {} cannot delete peering {id}: the accepter of a pending request must reject it",
            ctx.account()
        )))
        }
        other => return Err(state_transition(id, other, "deleting")),
    }
    mark_deleted(w, id, ctx.account(), is_requester, ctx.now);
    Ok(Output::Done)
}

/// DeleteVpc is refused while another account's request to this VPC awaits acceptance.
pub fn check_vpc_deletable(w: &World, vpc_id: &str) -> Result<()> {
    let incoming = w.peerings.of_vpc(vpc_id).any(|p| {
        p.accepter.vpc_id == vpc_id && p.status == Status::PendingAcceptance && !p.is_same_account()
    });
    if incoming {
        return Err(ApiError::dependency(format!(
            "The vpc '{vpc_id}' has dependencies and cannot be deleted."
        )));
    }
    Ok(())
}

/// DeleteVpc marks the VPC's live connections `deleted` (by the VPC's owner).
pub fn on_vpc_deleted(w: &mut World, account: &str, vpc_id: &str, now: Millis) {
    let live: Vec<(String, bool)> = w
        .peerings
        .of_vpc(vpc_id)
        .filter(|p| p.status.is_live())
        .map(|p| (p.id.clone(), p.requester.vpc_id == vpc_id))
        .collect();
    for (id, by_requester) in live {
        mark_deleted(w, &id, account, by_requester, now);
    }
}
