//! Peering attachments' tests, on the shared kit.

use crate::filter::Filter;
use crate::testkit::tgw::{create_tgw, tgw_route};
use crate::testkit::tgw_peering::peering_request;
use crate::testkit::{Kit, B, C};
use crate::tgw::*;
use crate::world::Ctx;
use crate::HOUR;

const WEST: &str = "us-west-2";

fn accept(id: &str) -> Cmd {
    Cmd::AcceptPeeringAttachment {
        attachment_id: id.into(),
    }
}

fn reject(id: &str) -> Cmd {
    Cmd::RejectPeeringAttachment {
        attachment_id: id.into(),
    }
}

fn delete(id: &str) -> Cmd {
    Cmd::DeletePeeringAttachment {
        attachment_id: id.into(),
    }
}

fn seen(k: &Kit, ctx: &Ctx) -> Vec<String> {
    describe_peering_attachments(&k.w, ctx, &[], &[])
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p.id, p.state.as_str()))
        .collect()
}

/// A gateway of the kit's caller and one of account B in us-west-2.
fn two(k: &mut Kit) -> (String, Ctx, String) {
    let tgw = k.tgw();
    let west = k.in_region(B, WEST);
    let peer = k.tgw_as(&west);
    (tgw, west, peer)
}

#[test]
fn a_request_reaches_the_accepter_who_accepts_and_both_sides_associate() {
    let mut k = Kit::new();
    let (tgw, west, peer) = two(&mut k);
    let id = k.id(peering_request(&tgw, &west, &peer));
    assert_eq!(k.tgw_peering(&id).state, AttachmentState::InitiatingRequest);
    assert!(seen(&k, &west).is_empty(), "not yet at the accepter");
    k.advance(0);
    assert_eq!(seen(&k, &west), vec![format!("{id} pendingAcceptance")]);
    assert_eq!(seen(&k, &k.ctx.clone()), seen(&k, &west));
    // Only the accepter accepts.
    k.refused(accept(&id), "OperationNotPermitted");
    k.run_as(&west, accept(&id)).unwrap();
    let p = k.tgw_peering(&id);
    assert_eq!(p.state, AttachmentState::Pending);
    let (mine, theirs) = (k.tgw_default_table(&tgw), k.tgw_default_table(&peer));
    assert_eq!(p.requester_association.as_deref(), Some(mine.as_str()));
    assert_eq!(p.accepter_association.as_deref(), Some(theirs.as_str()));
    k.advance(0);
    assert_eq!(k.tgw_peering(&id).state, AttachmentState::Available);
    k.refused_as(&west, accept(&id), "IncorrectState");

    // Static routes to it on both sides; no propagation.
    k.ok(tgw_route(&mine, "10.9.0.0/16", Some(&id)));
    k.run_as(&west, tgw_route(&theirs, "10.1.0.0/16", Some(&id)))
        .unwrap();
    let r = lookup(&k.w, k.tgw_table(&mine), "10.9.1.1".parse().unwrap()).unwrap();
    assert_eq!(r.attachment.as_deref(), Some(id.as_str()));
    k.refused(
        Cmd::EnablePropagation {
            route_table_id: mine.clone(),
            attachment_id: id.clone(),
        },
        "InvalidParameterValue",
    );
    // Its association is one per side; the table cannot go while it holds it.
    k.refused(
        Cmd::Associate {
            route_table_id: mine.clone(),
            attachment_id: id.clone(),
        },
        "Resource.AlreadyAssociated",
    );
    k.refused(
        Cmd::DeleteRouteTable {
            route_table_id: mine.clone(),
        },
        "IncorrectState",
    );
    let rows = table_attachments(&k.w, &k.ctx.clone(), &mine, false, &[]).unwrap();
    assert_eq!(
        (rows[0].resource_type, rows[0].resource_id.as_str()),
        ("peering", peer.as_str())
    );
    // Neither gateway can be deleted while it is peered.
    k.refused(
        Cmd::DeleteTransitGateway {
            transit_gateway_id: tgw.clone(),
        },
        "IncorrectState",
    );

    // Either side deletes: deleting, deleted (routes and associations gone), purged.
    k.run_as(&west, delete(&id)).unwrap();
    assert_eq!(k.tgw_peering(&id).state, AttachmentState::Deleting);
    k.advance(0);
    let p = k.tgw_peering(&id);
    assert_eq!(p.state, AttachmentState::Deleted);
    assert!(p.requester_association.is_none() && p.accepter_association.is_none());
    assert!(k.tgw_table(&mine).routes.is_empty());
    assert!(k.tgw_table(&theirs).routes.is_empty());
    k.advance(HOUR);
    assert!(k.w.tgw_peerings.get(&id).is_none());
}

#[test]
fn a_missing_peer_fails_and_only_the_requester_sees_it() {
    let mut k = Kit::new();
    let (tgw, west, _) = two(&mut k);
    let id = k.id(peering_request(&tgw, &west, "tgw-0123456789abcdef0"));
    k.advance(0);
    let p = k.tgw_peering(&id);
    assert_eq!(p.state, AttachmentState::Failed);
    assert!(p
        .failure
        .as_deref()
        .unwrap()
        .contains("tgw-0123456789abcdef0"));
    assert!(seen(&k, &west).is_empty());
    // The wrong account for the right gateway fails too.
    let (_, _, peer) = two(&mut k);
    let elsewhere = k.in_region(C, WEST);
    let id = k.id(peering_request(&tgw, &elsewhere, &peer));
    k.advance(0);
    assert_eq!(k.tgw_peering(&id).state, AttachmentState::Failed);
    k.advance(HOUR);
    assert!(k.w.tgw_peerings.get(&id).is_none());
}

#[test]
fn the_accepter_may_reject() {
    let mut k = Kit::new();
    let (tgw, west, peer) = two(&mut k);
    let id = k.id(peering_request(&tgw, &west, &peer));
    k.refused_as(
        &west,
        reject(&id),
        "InvalidTransitGatewayAttachmentID.NotFound",
    );
    k.advance(0);
    k.refused(reject(&id), "OperationNotPermitted");
    k.run_as(&west, reject(&id)).unwrap();
    assert_eq!(k.tgw_peering(&id).state, AttachmentState::Rejected);
    k.refused(delete(&id), "IncorrectState");
}

#[test]
fn requests_are_checked() {
    let mut k = Kit::with_quotas(&["pending-peering-attachments-per-tgw=1"]);
    let (tgw, west, peer) = two(&mut k);
    k.refused(peering_request(&tgw, &west, &tgw), "InvalidParameterValue");
    k.refused(
        peering_request("tgw-0123456789abcdef0", &west, &peer),
        "InvalidTransitGatewayID.NotFound",
    );
    let bad = Ctx::new("12345", west.region(), west.now);
    k.refused(peering_request(&tgw, &bad, &peer), "InvalidParameterValue");
    // A gateway shared with the caller cannot be peered: only its own.
    k.refused_as(
        &west,
        peering_request(&tgw, &k.ctx.clone(), &peer),
        "InvalidTransitGatewayID.NotFound",
    );
    k.id(peering_request(&tgw, &west, &peer));
    k.refused(
        peering_request(&tgw, &west, &peer),
        "DuplicateTransitGatewayAttachment",
    );
    let other = k.id_as(&west, create_tgw(NewTgwOptions::default()));
    k.advance(0);
    k.refused(
        peering_request(&tgw, &west, &other),
        "TransitGatewayAttachmentLimitExceeded",
    );
}

#[test]
fn describe_attachments_lists_peerings_as_peering_resources() {
    let mut k = Kit::new();
    let (tgw, west, peer) = two(&mut k);
    let id = k.tgw_peer(&tgw, &west, &peer);
    let f = |name: &str, v: &str| Filter {
        name: name.into(),
        values: vec![v.into()],
    };
    let ctx = k.ctx.clone();
    let rows = describe_attachments(&k.w, &ctx, &[], &[f("resource-type", "peering")]).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].transit_gateway_id.as_str(),
            rows[0].resource_id.as_str()
        ),
        (tgw.as_str(), peer.as_str())
    );
    let theirs = describe_attachments(&k.w, &west, std::slice::from_ref(&id), &[]).unwrap();
    assert_eq!(
        (
            theirs[0].transit_gateway_id.as_str(),
            theirs[0].resource_owner.as_str()
        ),
        (peer.as_str(), crate::testkit::A)
    );
    let by_owner =
        describe_peering_attachments(&k.w, &west, &[], &[f("remote-owner-id", B)]).unwrap();
    assert_eq!(by_owner.len(), 1);
    assert!(
        describe_peering_attachments(&k.w, &west, &[], &[f("state", "pending")])
            .unwrap()
            .is_empty()
    );
    assert!(
        describe_attachments(&k.w, &ctx, &["tgw-attach-0123456789abcdef0".into()], &[]).is_err()
    );
}
