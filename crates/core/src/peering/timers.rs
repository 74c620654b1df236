//! The clock's part of the lifecycle (§1.2): the asynchronous steps (initiation checks the
//! peer, provisioning becomes active, an inter-Region deletion completes), expiry of
//! unaccepted requests, and the windows during which each side still sees an ended
//! connection before it is purged.

use super::cidr::{blocks_of, blocks_overlap};
use super::model::Status;
use crate::tags;
use crate::world::{TimerKind, World};
use crate::{Millis, DAY, HOUR};

/// Runs a connection's due step, acting as of `due`.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(p) = w.peerings.get(id) else {
        return;
    };
    match p.status {
        Status::InitiatingRequest if due >= p.step_due => finish_initiation(w, id, due),
        Status::PendingAcceptance if due >= p.expiration => {
            let at = p.expiration;
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Expired;
            p.message = "Expired".into();
            end(w, id, at, 2 * DAY, 2 * DAY);
        }
        Status::Provisioning if due >= p.step_due => {
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Active;
            p.message = "Active".into();
        }
        Status::Deleting if due >= p.step_due => {
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Deleted;
            p.message = format!("Deleted by {}", p.deleted_by.as_deref().unwrap_or(""));
        }
        Status::Deleted | Status::Rejected | Status::Failed | Status::Expired => {
            let until = p.requester_until.max(p.accepter_until);
            if until.is_some_and(|u| due >= u) {
                w.peerings.remove(id);
                tags::forget(w, id);
            }
        }
        _ => {}
    }
}

/// The end of `initiating-request`: the request fails when the peer VPC is not where the
/// request said (owner, Region) or overlaps the requester (§1.6), else it awaits
/// acceptance until it expires.
fn finish_initiation(w: &mut World, id: &str, due: Millis) {
    let p = w.peerings.get(id).expect("exists");
    let requester = blocks_of(w, &p.requester.vpc_id).unwrap_or_default();
    let accepter = w
        .vpcs
        .get(&p.accepter.vpc_id)
        .filter(|v| p.accepter.is_in(&v.scope))
        .map(|_| blocks_of(w, &p.accepter.vpc_id).unwrap_or_default());
    let failed = accepter
        .as_ref()
        .is_none_or(|acc| blocks_overlap(&requester, acc));
    let expiration = p.expiration;
    let owner = p.accepter.account.clone();
    let p = w.peerings.get_mut(id).expect("exists");
    p.requester_blocks = requester;
    if failed {
        fail(w, id, due);
    } else {
        p.status = Status::PendingAcceptance;
        p.message = format!("Pending Acceptance by {owner}");
        p.accepter_blocks = accepter.unwrap_or_default();
        w.schedule(expiration, TimerKind::Peering, id);
    }
}

/// A request that cannot proceed: `failed`, seen by the requester for two hours.
pub(super) fn fail(w: &mut World, id: &str, at: Millis) {
    let p = w.peerings.get_mut(id).expect("exists");
    p.status = Status::Failed;
    p.message = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range".into();
    end(w, id, at, 2 * HOUR, 0);
}

/// Deletes a live connection on behalf of `by` (the requester side when `by_requester`).
pub(super) fn mark_deleted(w: &mut World, id: &str, by: &str, by_requester: bool, now: Millis) {
    let delay = w.config.delays.transition;
    let p = w.peerings.get_mut(id).expect("exists");
    p.deleted_by = Some(by.to_string());
    let (deleter, other) = if p.is_same_account() {
        (2 * HOUR, 2 * HOUR)
    } else {
        (2 * HOUR, 2 * DAY)
    };
    let (req_keep, acc_keep) = if by_requester {
        (deleter, other)
    } else {
        (other, deleter)
    };
    if p.is_inter_region() {
        p.status = Status::Deleting;
        p.message = "Deleting".into();
        p.step_due = now + delay;
        let due = p.step_due;
        // Visibility windows start once `deleted` is reached.
        p.requester_until = Some(due + req_keep);
        p.accepter_until = Some(due + acc_keep);
        w.schedule(due, TimerKind::Peering, id);
        let last = due + req_keep.max(acc_keep);
        w.schedule(last, TimerKind::Peering, id);
    } else {
        p.status = Status::Deleted;
        p.message = format!("Deleted by {by}");
        end(w, id, now, req_keep, acc_keep);
    }
}

/// Records the end of a connection at `at` and schedules its purge.
pub(super) fn end(
    w: &mut World,
    id: &str,
    at: Millis,
    requester_keep: Millis,
    accepter_keep: Millis,
) {
    let p = w.peerings.get_mut(id).expect("exists");
    p.requester_until = Some(at + requester_keep);
    p.accepter_until = Some(at + accepter_keep);
    w.schedule(
        at + requester_keep.max(accepter_keep),
        TimerKind::Peering,
        id,
    );
}
