//! Peering rules of §1, driven through commands and the injected clock: the lifecycle and
//! its visibility windows, who may do what, limits, CIDR rules, options, VPC deletion,
//! per-view tags.

use super::*;
use crate::config::Quotas;
use crate::tags::TagSpec;
use crate::testkit::network::associate_cidr;
use crate::testkit::{config_with_quotas, Kit, A, B};
use crate::{vpc, Command, Config, Ctx, Filter, Millis, Output, Result, DAY, HOUR};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";
/// The clock and seed these tests start from.
const T0: Millis = 1_700_000_000_000;
const SEED: u64 = 42;

fn kit() -> Kit {
    Kit::with(Config::default(), SEED, T0)
}

/// Runs `cmd` as `account` in `region` after the timers due now (as the server does
/// before every request).
fn run(k: &mut Kit, account: &str, region: &str, cmd: impl Into<Command>) -> Result<Output> {
    k.advance(0);
    let ctx = k.in_region(account, region);
    k.run_as(&ctx, cmd)
}

/// Runs `cmd` like [`run`]; it must fail with `code`, a message containing `fragment`,
/// and leave the world unchanged.
fn refused(
    k: &mut Kit,
    account: &str,
    region: &str,
    cmd: impl Into<Command>,
    code: &str,
    fragment: &str,
) {
    k.advance(0);
    let ctx = k.in_region(account, region);
    let e = k.refused_as(&ctx, cmd, code);
    let text = format!("{}: {}", e.code, e.message);
    assert!(text.contains(fragment), "{text}");
}

/// Runs `cmd` like [`run`]; it must succeed with one id.
fn id(k: &mut Kit, account: &str, region: &str, cmd: impl Into<Command>) -> String {
    crate::testkit::id_of(run(k, account, region, cmd))
}

/// A VPC of `account` in `region`.
fn vpc(k: &mut Kit, account: &str, region: &str, cidr: &str) -> String {
    id(
        k,
        account,
        region,
        crate::testkit::network::create_vpc(cidr, false),
    )
}

/// CreateVpcPeeringConnection by `account` in us-east-1.
fn request(
    k: &mut Kit,
    account: &str,
    vpc: &str,
    peer: &str,
    owner: Option<&str>,
    region: Option<&str>,
) -> String {
    id(
        k,
        account,
        EAST,
        Cmd::Create {
            vpc_id: vpc.into(),
            peer_vpc_id: peer.into(),
            peer_owner_id: owner.map(str::to_string),
            peer_region: region.map(str::to_string),
            tags: vec![],
        },
    )
}

/// What `account` in `region` sees of `id`: its status, or None when invisible.
fn seen(k: &mut Kit, account: &str, region: &str, id: &str) -> Option<Status> {
    k.advance(0);
    let ctx = k.in_region(account, region);
    describe(&k.w, &ctx, &[id.to_string()], &[])
        .ok()
        .map(|v| v[0].status)
}

#[test]
fn same_account_lifecycle() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, A, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, None, None);
    let p = k.w.peerings.get(&pcx).unwrap();
    assert_eq!(
        (p.status, p.message.as_str()),
        (
            Status::InitiatingRequest,
            "Initiating Request to 111111111111"
        )
    );
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::PendingAcceptance));
    assert_eq!(
        k.w.peerings.get(&pcx).unwrap().message,
        "Pending Acceptance by 111111111111"
    );
    run(&mut k, A, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(k.w.peerings.get(&pcx).unwrap().status, Status::Provisioning);
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Active));
    run(&mut k, A, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Deleted));
    k.advance(2 * HOUR - 1);
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Deleted));
    k.advance(1);
    assert_eq!(seen(&mut k, A, EAST, &pcx), None);
    assert!(k.w.peerings.get(&pcx).is_none(), "purged");
}

#[test]
fn unaccepted_requests_expire_after_seven_days_and_stay_two_days() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    k.advance(7 * DAY - 1);
    assert_eq!(seen(&mut k, B, EAST, &pcx), Some(Status::PendingAcceptance));
    k.advance(1);
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Expired));
    assert_eq!(seen(&mut k, B, EAST, &pcx), Some(Status::Expired));
    refused(
        &mut k,
        B,
        EAST,
        Cmd::Accept { id: pcx.clone() },
        "InvalidStateTransition",
        "from expired",
    );
    k.advance(2 * DAY);
    assert_eq!(
        (seen(&mut k, A, EAST, &pcx), seen(&mut k, B, EAST, &pcx)),
        (None, None)
    );
}

#[test]
fn cross_account_roles() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    // The accepter never sees initiating-request.
    let b = k.in_region(B, EAST);
    assert_eq!(describe(&k.w, &b, &[], &[]).unwrap().len(), 0);
    assert_eq!(seen(&mut k, B, EAST, &pcx), Some(Status::PendingAcceptance));
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Accept { id: pcx.clone() },
        "OperationNotPermitted",
        "User 111111111111 cannot accept peering",
    );
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Reject { id: pcx.clone() },
        "OperationNotPermitted",
        "cannot reject",
    );
    refused(
        &mut k,
        B,
        EAST,
        Cmd::Delete { id: pcx.clone() },
        "OperationNotPermitted",
        "",
    );
    // A third account sees nothing.
    refused(
        &mut k,
        "333333333333",
        EAST,
        Cmd::Accept { id: pcx.clone() },
        "InvalidVpcPeeringConnectionID.NotFound",
        "",
    );
    run(&mut k, B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Active));
    // The accepter deletes: it sees the deleted connection 2 h, the requester 2 days.
    run(&mut k, B, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    k.advance(2 * HOUR);
    assert_eq!(
        (seen(&mut k, A, EAST, &pcx), seen(&mut k, B, EAST, &pcx)),
        (Some(Status::Deleted), None)
    );
    k.advance(2 * DAY);
    assert_eq!(seen(&mut k, A, EAST, &pcx), None);
}

#[test]
fn rejection_windows_and_terminal_states() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    k.advance(0);
    run(&mut k, B, EAST, Cmd::Reject { id: pcx.clone() }).unwrap();
    assert_eq!(
        k.w.peerings.get(&pcx).unwrap().message,
        "Rejected by 222222222222"
    );
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Delete { id: pcx.clone() },
        "InvalidStateTransition",
        &format!(
            "Invalid state transition for {pcx}, attempted to transition from rejected to deleting"
        ),
    );
    refused(
        &mut k,
        B,
        EAST,
        Cmd::Accept { id: pcx.clone() },
        "InvalidStateTransition",
        "from rejected",
    );
    k.advance(2 * HOUR);
    assert_eq!(
        (seen(&mut k, A, EAST, &pcx), seen(&mut k, B, EAST, &pcx)),
        (Some(Status::Rejected), None)
    );
}

#[test]
fn inter_region_accept_in_the_accepter_region_and_delete_through_deleting() {
    let mut k = kit();
    let x = vpc(&mut k, A, EAST, "10.0.0.0/16");
    let y = vpc(&mut k, A, WEST, "10.1.0.0/16");
    let pcx = request(&mut k, A, &x, &y, None, Some(WEST));
    assert_eq!(seen(&mut k, A, WEST, &pcx), Some(Status::PendingAcceptance));
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::PendingAcceptance));
    refused(&mut k, A, EAST, Cmd::Accept { id: pcx.clone() }, "OperationNotPermitted", &format!("Incorrect region (us-east-1) specified for this request. VPC peering connection {pcx} must be accepted in region us-west-2"));
    run(&mut k, A, WEST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Active));
    run(&mut k, A, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    assert_eq!(k.w.peerings.get(&pcx).unwrap().status, Status::Deleting);
    assert_eq!(seen(&mut k, A, WEST, &pcx), Some(Status::Deleted));
}

#[test]
fn overlap_and_unknown_peers_fail_asynchronously() {
    let mut k = kit();
    let x = vpc(&mut k, A, EAST, "10.0.0.0/16");
    let y = vpc(&mut k, B, EAST, "10.0.128.0/17");
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Failed));
    assert_eq!(
        k.w.peerings.get(&pcx).unwrap().message,
        "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
    );
    assert_eq!(
        seen(&mut k, B, EAST, &pcx),
        None,
        "the accepter never sees a failed request"
    );
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Delete { id: pcx.clone() },
        "InvalidStateTransition",
        "from failed",
    );
    k.advance(2 * HOUR);
    assert_eq!(seen(&mut k, A, EAST, &pcx), None);
    // Another account's unknown VPC: accepted for processing, then failed.
    let ghost = request(&mut k, A, &x, "vpc-0000000000000dead", Some(B), None);
    assert_eq!(seen(&mut k, A, EAST, &ghost), Some(Status::Failed));
    // The caller's own unknown VPC: refused synchronously.
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Create {
            vpc_id: x.clone(),
            peer_vpc_id: "vpc-0000000000000dead".into(),
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        },
        "InvalidVpcID.NotFound",
        "The vpc ID 'vpc-0000000000000dead' does not exist",
    );
    // Forgetting PeerRegion for a VPC of another Region: failed.
    let west = vpc(&mut k, B, WEST, "10.9.0.0/16");
    let wrong = request(&mut k, A, &x, &west, Some(B), None);
    assert_eq!(seen(&mut k, A, EAST, &wrong), Some(Status::Failed));
}

#[test]
fn one_connection_per_pair() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, A, EAST, "10.1.0.0/16"),
    );
    let first = request(&mut k, A, &x, &y, None, None);
    assert_eq!(
        request(&mut k, A, &x, &y, None, None),
        first,
        "same direction returns the live one"
    );
    let reverse = request(&mut k, A, &y, &x, None, None);
    assert_ne!(reverse, first);
    k.advance(0);
    run(&mut k, A, EAST, Cmd::Accept { id: first.clone() }).unwrap();
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Accept {
            id: reverse.clone(),
        },
        "VpcPeeringConnectionAlreadyExists",
        &format!("The vpc peering connection identified by {first} already exists."),
    );
    // A terminal connection does not block a new one.
    run(&mut k, A, EAST, Cmd::Delete { id: first.clone() }).unwrap();
    run(&mut k, A, EAST, Cmd::Accept { id: reverse }).unwrap();
}

#[test]
fn outstanding_and_active_limits() {
    let mut k = Kit::with(
        config_with_quotas(&[
            "peering-outstanding-per-account=2",
            "peering-active-per-vpc=1",
        ]),
        42,
        T0,
    );
    let hub = vpc(&mut k, A, EAST, "10.0.0.0/16");
    let spokes: Vec<String> = (1..=3)
        .map(|i| vpc(&mut k, A, EAST, &format!("10.{i}.0.0/16")))
        .collect();
    let p1 = request(&mut k, A, &hub, &spokes[0], None, None);
    let p2 = request(&mut k, A, &hub, &spokes[1], None, None);
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Create {
            vpc_id: hub.clone(),
            peer_vpc_id: spokes[2].clone(),
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        },
        "OutstandingVpcPeeringConnectionLimitExceeded",
        "",
    );
    k.advance(0);
    run(&mut k, A, EAST, Cmd::Accept { id: p1 }).unwrap();
    refused(
        &mut k,
        A,
        EAST,
        Cmd::Accept { id: p2 },
        "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
        "",
    );
}

#[test]
fn default_limits_are_50_active_and_25_outstanding_and_raisable_per_account_to_125() {
    let q = kit().w.config.quotas.clone();
    assert_eq!(q.limit(A, "peering-active-per-vpc"), Some(50));
    assert_eq!(q.limit(A, "peering-outstanding-per-account"), Some(25));
    let mut raised = Quotas::default();
    raised
        .set_from_arg("111111111111:peering-active-per-vpc=125")
        .unwrap();
    assert_eq!(raised.limit(A, "peering-active-per-vpc"), Some(125));
    assert!(raised.set_from_arg("peering-active-per-vpc=126").is_err());
}

#[test]
fn options_need_an_active_connection_the_own_side_and_dns() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    let dns = OptionsChange {
        allow_dns_resolution_from_remote_vpc: Some(true),
        ..Default::default()
    };
    k.advance(0);
    refused(
        &mut k,
        A,
        EAST,
        Cmd::ModifyOptions {
            id: pcx.clone(),
            requester: Some(dns),
            accepter: None,
        },
        "OperationNotPermitted",
        &format!(
            "Peering {pcx} is not active. Peering options can be added only to active peerings."
        ),
    );
    run(&mut k, B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    k.advance(0);
    refused(
        &mut k,
        A,
        EAST,
        Cmd::ModifyOptions {
            id: pcx.clone(),
            requester: None,
            accepter: Some(dns),
        },
        "OperationNotPermitted",
        "does not have permission to modify the accepter side peering options",
    );
    refused(
        &mut k,
        A,
        EAST,
        Cmd::ModifyOptions {
            id: pcx.clone(),
            requester: Some(dns),
            accepter: None,
        },
        "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
        "",
    );
    for (acct, vpc_id) in [(A, &x), (B, &y)] {
        run(
            &mut k,
            acct,
            EAST,
            vpc::Cmd::ModifyAttribute {
                vpc_id: vpc_id.clone(),
                attribute: vpc::Attribute::EnableDnsHostnames,
                value: true,
            },
        )
        .unwrap();
    }
    run(
        &mut k,
        A,
        EAST,
        Cmd::ModifyOptions {
            id: pcx.clone(),
            requester: Some(dns),
            accepter: None,
        },
    )
    .unwrap();
    assert!(
        k.w.peerings
            .get(&pcx)
            .unwrap()
            .requester_options
            .allow_dns_resolution_from_remote_vpc
    );
}

#[test]
fn cidr_associations_while_peered() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    k.advance(0);
    refused(
        &mut k,
        A,
        EAST,
        associate_cidr(&x, "10.5.0.0/16"),
        "OperationNotPermitted",
        "pending VPC peering connection",
    );
    // The accepter may add a block; an overlapping one fails the request.
    run(&mut k, B, EAST, associate_cidr(&y, "10.2.0.0/16")).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::PendingAcceptance));
    run(&mut k, B, EAST, associate_cidr(&y, "10.0.128.0/17")).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Failed));
    // Active: a block overlapping the peer is refused, others are fine.
    let z = vpc(&mut k, B, EAST, "10.3.0.0/16");
    let live = request(&mut k, A, &x, &z, Some(B), None);
    k.advance(0);
    run(&mut k, B, EAST, Cmd::Accept { id: live.clone() }).unwrap();
    k.advance(0);
    refused(
        &mut k,
        A,
        EAST,
        associate_cidr(&x, "10.3.128.0/17"),
        "InvalidParameterValue",
        "overlaps",
    );
    run(&mut k, A, EAST, associate_cidr(&x, "10.4.0.0/16")).unwrap();
    let p = k.w.peerings.get(&live).unwrap();
    assert_eq!(
        p.requester_blocks.v4.len(),
        2,
        "the requester's new block is shown"
    );
}

#[test]
fn delete_vpc_effects() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, Some(B), None);
    k.advance(0);
    let delete_y = || vpc::Cmd::Delete { vpc_id: y.clone() };
    refused(
        &mut k,
        B,
        EAST,
        delete_y(),
        "DependencyViolation",
        "has dependencies",
    );
    run(&mut k, B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    k.advance(0);
    run(&mut k, B, EAST, delete_y()).unwrap();
    assert_eq!(seen(&mut k, A, EAST, &pcx), Some(Status::Deleted));
    assert_eq!(
        k.w.peerings.get(&pcx).unwrap().message,
        "Deleted by 222222222222"
    );
}

#[test]
fn tags_are_per_view_and_filters_use_the_view() {
    let mut k = kit();
    let (x, y) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, B, EAST, "10.1.0.0/16"),
    );
    let pcx = id(
        &mut k,
        A,
        EAST,
        Cmd::Create {
            vpc_id: x.clone(),
            peer_vpc_id: y.clone(),
            peer_owner_id: Some(B.into()),
            peer_region: None,
            tags: vec![TagSpec {
                resource_type: "vpc-peering-connection".into(),
                tags: vec![("Name".into(), "from-a".into())],
            }],
        },
    );
    k.advance(0);
    let (a, b) = (k.in_region(A, EAST), k.in_region(B, EAST));
    let by_tag = |k: &Kit, ctx: &Ctx| {
        let f = [Filter::new("tag:Name", &["from-*"])];
        describe(&k.w, ctx, &[], &f).unwrap().len()
    };
    assert_eq!((by_tag(&k, &a), by_tag(&k, &b)), (1, 0));
    let by_vpc = [Filter::new("requester-vpc-info.vpc-id", &[&x])];
    assert_eq!(describe(&k.w, &b, &[], &by_vpc).unwrap()[0].id, pcx);
    let bogus = [Filter::new("nope", &["x"])];
    assert!(describe(&k.w, &b, &[], &bogus).is_err());
}

#[test]
fn a_vpc_may_peer_with_two_vpcs_that_overlap_each_other() {
    // §1.6: only the two ends of a connection are checked against each other.
    let mut k = kit();
    let hub = vpc(&mut k, A, EAST, "10.0.0.0/16");
    let x = vpc(&mut k, B, EAST, "10.1.0.0/16");
    let y = vpc(&mut k, B, EAST, "10.1.0.0/16");
    let z = vpc(&mut k, A, EAST, "10.1.128.0/17");
    let to_x = request(&mut k, A, &hub, &x, Some(B), None);
    let to_y = request(&mut k, A, &hub, &y, Some(B), None);
    let to_z = request(&mut k, A, &hub, &z, None, None);
    for pcx in [&to_x, &to_y] {
        assert_eq!(seen(&mut k, B, EAST, pcx), Some(Status::PendingAcceptance));
        run(&mut k, B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    }
    run(&mut k, A, EAST, Cmd::Accept { id: to_z.clone() }).unwrap();
    for pcx in [&to_x, &to_y, &to_z] {
        assert_eq!(seen(&mut k, A, EAST, pcx), Some(Status::Active));
    }
    // The ends of each connection still may not overlap.
    let w = vpc(&mut k, B, EAST, "10.0.128.0/17");
    let to_w = request(&mut k, A, &hub, &w, Some(B), None);
    assert_eq!(seen(&mut k, A, EAST, &to_w), Some(Status::Failed));
}

#[test]
fn connections_are_found_by_the_vpcs_they_join() {
    let mut k = kit();
    let (x, y, z) = (
        vpc(&mut k, A, EAST, "10.0.0.0/16"),
        vpc(&mut k, A, EAST, "10.1.0.0/16"),
        vpc(&mut k, A, EAST, "10.2.0.0/16"),
    );
    let pcx = request(&mut k, A, &x, &y, None, None);
    let between = |k: &Kit, a: &str, b: &str| -> Vec<String> {
        k.w.peerings.between(a, b).map(|p| p.id.clone()).collect()
    };
    assert_eq!(between(&k, &x, &y), [pcx.as_str()]);
    assert_eq!(between(&k, &y, &x), [pcx.as_str()]);
    assert!(between(&k, &x, &z).is_empty());
    run(&mut k, A, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    k.advance(2 * HOUR);
    assert!(k.w.peerings.get(&pcx).is_none(), "purged");
    assert!(between(&k, &x, &y).is_empty() && between(&k, &y, &x).is_empty());
}
