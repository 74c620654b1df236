//! Peering rules of §1, driven through commands and the injected clock.

use openvpc_core::config::Quotas;
use openvpc_core::peering::{self, Cmd, OptionsChange, Status};
use openvpc_core::tags::TagSpec;
use openvpc_core::{vpc, Command, Config, Ctx, Filter, Millis, Output, World, DAY, HOUR};

const A: &str = "111111111111";
const B: &str = "222222222222";
const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

struct T {
    w: World,
    now: Millis,
}

impl T {
    fn new() -> Self {
        Self::with_quotas(&[])
    }

    fn with_quotas(quotas: &[&str]) -> Self {
        let mut q = Quotas::default();
        for a in quotas {
            q.set_from_arg(a).unwrap();
        }
        let config = Config {
            quotas: q,
            ..Config::default()
        };
        T {
            w: World::new(config, 42),
            now: 1_700_000_000_000,
        }
    }

    fn ctx(&self, account: &str, region: &str) -> Ctx {
        Ctx::new(account, region, self.now)
    }

    /// Applies a command as (account, region) after running due timers.
    fn run(&mut self, account: &str, region: &str, cmd: Command) -> Result<Output, String> {
        self.w.tick(self.now);
        let ctx = self.ctx(account, region);
        if !self.w.scope_ready(&ctx.scope()) {
            self.w.apply(&ctx, Command::InitScope).unwrap();
        }
        self.w
            .apply(&ctx, cmd)
            .map_err(|e| format!("{}: {}", e.code, e.message))
    }

    fn id(&mut self, account: &str, region: &str, cmd: Command) -> String {
        match self.run(account, region, cmd).unwrap() {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    fn vpc(&mut self, account: &str, region: &str, cidr: &str) -> String {
        self.id(
            account,
            region,
            Command::Vpc(vpc::Cmd::Create {
                cidr_block: cidr.into(),
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            }),
        )
    }

    fn request(
        &mut self,
        account: &str,
        vpc: &str,
        peer: &str,
        owner: Option<&str>,
        region: Option<&str>,
    ) -> String {
        self.id(
            account,
            EAST,
            Command::Peering(Cmd::Create {
                vpc_id: vpc.into(),
                peer_vpc_id: peer.into(),
                peer_owner_id: owner.map(str::to_string),
                peer_region: region.map(str::to_string),
                tags: vec![],
            }),
        )
    }

    fn act(&mut self, account: &str, region: &str, cmd: Cmd) -> Result<Output, String> {
        self.run(account, region, Command::Peering(cmd))
    }

    fn advance(&mut self, ms: Millis) {
        self.now += ms;
        self.w.tick(self.now);
    }

    /// What `account` in `region` sees of `id`: its status, or None when invisible.
    fn seen(&mut self, account: &str, region: &str, id: &str) -> Option<Status> {
        self.w.tick(self.now);
        let ctx = self.ctx(account, region);
        peering::describe(&self.w, &ctx, &[id.to_string()], &[])
            .ok()
            .map(|v| v[0].status)
    }
}

/// Asserts an error's code and, when given, a fragment of its message.
fn check_err(result: Result<Output, String>, code: &str, fragment: &str) {
    let e = result.expect_err("expected an error");
    assert!(e.starts_with(&format!("{code}: ")), "{e}");
    assert!(e.contains(fragment), "{e}");
}

#[test]
fn same_account_lifecycle() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(A, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, None, None);
    let p = t.w.peerings.get(&pcx).unwrap();
    assert_eq!(
        (p.status, p.message.as_str()),
        (
            Status::InitiatingRequest,
            "Initiating Request to 111111111111"
        )
    );
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::PendingAcceptance));
    assert_eq!(
        t.w.peerings.get(&pcx).unwrap().message,
        "Pending Acceptance by 111111111111"
    );
    t.act(A, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(t.w.peerings.get(&pcx).unwrap().status, Status::Provisioning);
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Active));
    t.act(A, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Deleted));
    t.advance(2 * HOUR - 1);
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Deleted));
    t.advance(1);
    assert_eq!(t.seen(A, EAST, &pcx), None);
    assert!(t.w.peerings.get(&pcx).is_none(), "purged");
}

#[test]
fn unaccepted_requests_expire_after_seven_days_and_stay_two_days() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    t.advance(7 * DAY - 1);
    assert_eq!(t.seen(B, EAST, &pcx), Some(Status::PendingAcceptance));
    t.advance(1);
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Expired));
    assert_eq!(t.seen(B, EAST, &pcx), Some(Status::Expired));
    check_err(
        t.act(B, EAST, Cmd::Accept { id: pcx.clone() }),
        "InvalidStateTransition",
        "from expired",
    );
    t.advance(2 * DAY);
    assert_eq!((t.seen(A, EAST, &pcx), t.seen(B, EAST, &pcx)), (None, None));
}

#[test]
fn cross_account_roles() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    // The accepter never sees initiating-request.
    assert_eq!(
        peering::describe(&t.w, &t.ctx(B, EAST), &[], &[])
            .unwrap()
            .len(),
        0
    );
    assert_eq!(t.seen(B, EAST, &pcx), Some(Status::PendingAcceptance));
    check_err(
        t.act(A, EAST, Cmd::Accept { id: pcx.clone() }),
        "OperationNotPermitted",
        "User 111111111111 cannot accept peering",
    );
    check_err(
        t.act(A, EAST, Cmd::Reject { id: pcx.clone() }),
        "OperationNotPermitted",
        "cannot reject",
    );
    check_err(
        t.act(B, EAST, Cmd::Delete { id: pcx.clone() }),
        "OperationNotPermitted",
        "",
    );
    // A third account sees nothing.
    check_err(
        t.act("333333333333", EAST, Cmd::Accept { id: pcx.clone() }),
        "InvalidVpcPeeringConnectionID.NotFound",
        "",
    );
    t.act(B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Active));
    // The accepter deletes: it sees the deleted connection 2 h, the requester 2 days.
    t.act(B, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    t.advance(2 * HOUR);
    assert_eq!(
        (t.seen(A, EAST, &pcx), t.seen(B, EAST, &pcx)),
        (Some(Status::Deleted), None)
    );
    t.advance(2 * DAY);
    assert_eq!(t.seen(A, EAST, &pcx), None);
}

#[test]
fn rejection_windows_and_terminal_states() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    t.advance(0);
    t.act(B, EAST, Cmd::Reject { id: pcx.clone() }).unwrap();
    assert_eq!(
        t.w.peerings.get(&pcx).unwrap().message,
        "Rejected by 222222222222"
    );
    check_err(
        t.act(A, EAST, Cmd::Delete { id: pcx.clone() }),
        "InvalidStateTransition",
        &format!(
            "Invalid state transition for {pcx}, attempted to transition from rejected to deleting"
        ),
    );
    check_err(
        t.act(B, EAST, Cmd::Accept { id: pcx.clone() }),
        "InvalidStateTransition",
        "from rejected",
    );
    t.advance(2 * HOUR);
    assert_eq!(
        (t.seen(A, EAST, &pcx), t.seen(B, EAST, &pcx)),
        (Some(Status::Rejected), None)
    );
}

#[test]
fn inter_region_accept_in_the_accepter_region_and_delete_through_deleting() {
    let mut t = T::new();
    let x = t.vpc(A, EAST, "10.0.0.0/16");
    let y = t.vpc(A, WEST, "10.1.0.0/16");
    let pcx = t.request(A, &x, &y, None, Some(WEST));
    assert_eq!(t.seen(A, WEST, &pcx), Some(Status::PendingAcceptance));
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::PendingAcceptance));
    check_err(
        t.act(A, EAST, Cmd::Accept { id: pcx.clone() }),
        "OperationNotPermitted",
        &format!("Incorrect region (us-east-1) specified for this request. VPC peering connection {pcx} must be accepted in region us-west-2"),
    );
    t.act(A, WEST, Cmd::Accept { id: pcx.clone() }).unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Active));
    t.act(A, EAST, Cmd::Delete { id: pcx.clone() }).unwrap();
    assert_eq!(t.w.peerings.get(&pcx).unwrap().status, Status::Deleting);
    assert_eq!(t.seen(A, WEST, &pcx), Some(Status::Deleted));
}

#[test]
fn overlap_and_unknown_peers_fail_asynchronously() {
    let mut t = T::new();
    let x = t.vpc(A, EAST, "10.0.0.0/16");
    let y = t.vpc(B, EAST, "10.0.128.0/17");
    let pcx = t.request(A, &x, &y, Some(B), None);
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Failed));
    assert_eq!(
        t.w.peerings.get(&pcx).unwrap().message,
        "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
    );
    assert_eq!(
        t.seen(B, EAST, &pcx),
        None,
        "the accepter never sees a failed request"
    );
    check_err(
        t.act(A, EAST, Cmd::Delete { id: pcx.clone() }),
        "InvalidStateTransition",
        "from failed",
    );
    t.advance(2 * HOUR);
    assert_eq!(t.seen(A, EAST, &pcx), None);
    // Another account's unknown VPC: accepted for processing, then failed.
    let ghost = t.request(A, &x, "vpc-0000000000000dead", Some(B), None);
    assert_eq!(t.seen(A, EAST, &ghost), Some(Status::Failed));
    // The caller's own unknown VPC: refused synchronously.
    let e = t.run(
        A,
        EAST,
        Command::Peering(Cmd::Create {
            vpc_id: x.clone(),
            peer_vpc_id: "vpc-0000000000000dead".into(),
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        }),
    );
    check_err(
        e,
        "InvalidVpcID.NotFound",
        "The vpc ID 'vpc-0000000000000dead' does not exist",
    );
    // Forgetting PeerRegion for a VPC of another Region: failed.
    let west = t.vpc(B, WEST, "10.9.0.0/16");
    let wrong = t.request(A, &x, &west, Some(B), None);
    assert_eq!(t.seen(A, EAST, &wrong), Some(Status::Failed));
}

#[test]
fn one_connection_per_pair() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(A, EAST, "10.1.0.0/16"));
    let first = t.request(A, &x, &y, None, None);
    assert_eq!(
        t.request(A, &x, &y, None, None),
        first,
        "same direction returns the live one"
    );
    let reverse = t.request(A, &y, &x, None, None);
    assert_ne!(reverse, first);
    t.advance(0);
    t.act(A, EAST, Cmd::Accept { id: first.clone() }).unwrap();
    check_err(
        t.act(
            A,
            EAST,
            Cmd::Accept {
                id: reverse.clone(),
            },
        ),
        "VpcPeeringConnectionAlreadyExists",
        &format!("The vpc peering connection identified by {first} already exists."),
    );
    // A terminal connection does not block a new one.
    t.act(A, EAST, Cmd::Delete { id: first.clone() }).unwrap();
    t.act(A, EAST, Cmd::Accept { id: reverse }).unwrap();
}

#[test]
fn outstanding_and_active_limits() {
    let mut t = T::with_quotas(&[
        "peering-outstanding-per-account=2",
        "peering-active-per-vpc=1",
    ]);
    let hub = t.vpc(A, EAST, "10.0.0.0/16");
    let spokes: Vec<String> = (1..=3)
        .map(|i| t.vpc(A, EAST, &format!("10.{i}.0.0/16")))
        .collect();
    let p1 = t.request(A, &hub, &spokes[0], None, None);
    let p2 = t.request(A, &hub, &spokes[1], None, None);
    let e = t.run(
        A,
        EAST,
        Command::Peering(Cmd::Create {
            vpc_id: hub.clone(),
            peer_vpc_id: spokes[2].clone(),
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        }),
    );
    check_err(e, "OutstandingVpcPeeringConnectionLimitExceeded", "");
    t.advance(0);
    t.act(A, EAST, Cmd::Accept { id: p1 }).unwrap();
    check_err(
        t.act(A, EAST, Cmd::Accept { id: p2 }),
        "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
        "",
    );
}

#[test]
fn default_limits_are_50_active_and_25_outstanding_and_raisable_per_account_to_125() {
    let q = T::new().w.config.quotas.clone();
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
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    let dns = OptionsChange {
        allow_dns_resolution_from_remote_vpc: Some(true),
        ..Default::default()
    };
    t.advance(0);
    check_err(
        t.act(
            A,
            EAST,
            Cmd::ModifyOptions {
                id: pcx.clone(),
                requester: Some(dns),
                accepter: None,
            },
        ),
        "OperationNotPermitted",
        &format!(
            "Peering {pcx} is not active. Peering options can be added only to active peerings."
        ),
    );
    t.act(B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    t.advance(0);
    check_err(
        t.act(
            A,
            EAST,
            Cmd::ModifyOptions {
                id: pcx.clone(),
                requester: None,
                accepter: Some(dns),
            },
        ),
        "OperationNotPermitted",
        "does not have permission to modify the accepter side peering options",
    );
    check_err(
        t.act(
            A,
            EAST,
            Cmd::ModifyOptions {
                id: pcx.clone(),
                requester: Some(dns),
                accepter: None,
            },
        ),
        "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
        "",
    );
    for (acct, vpc_id) in [(A, &x), (B, &y)] {
        t.run(
            acct,
            EAST,
            Command::Vpc(vpc::Cmd::ModifyAttribute {
                vpc_id: vpc_id.clone(),
                attribute: vpc::Attribute::EnableDnsHostnames,
                value: true,
            }),
        )
        .unwrap();
    }
    t.act(
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
        t.w.peerings
            .get(&pcx)
            .unwrap()
            .requester_options
            .allow_dns_resolution_from_remote_vpc
    );
}

fn associate(t: &mut T, account: &str, vpc_id: &str, cidr: &str) -> Result<Output, String> {
    t.run(
        account,
        EAST,
        Command::Vpc(vpc::Cmd::AssociateCidr {
            vpc_id: vpc_id.into(),
            cidr_block: Some(cidr.into()),
            amazon_ipv6: false,
        }),
    )
}

#[test]
fn cidr_associations_while_peered() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    t.advance(0);
    check_err(
        associate(&mut t, A, &x, "10.5.0.0/16"),
        "OperationNotPermitted",
        "pending VPC peering connection",
    );
    // The accepter may add a block; an overlapping one fails the request.
    associate(&mut t, B, &y, "10.2.0.0/16").unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::PendingAcceptance));
    associate(&mut t, B, &y, "10.0.128.0/17").unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Failed));
    // Active: a block overlapping the peer is refused, others are fine.
    let z = t.vpc(B, EAST, "10.3.0.0/16");
    let live = t.request(A, &x, &z, Some(B), None);
    t.advance(0);
    t.act(B, EAST, Cmd::Accept { id: live.clone() }).unwrap();
    t.advance(0);
    check_err(
        associate(&mut t, A, &x, "10.3.128.0/17"),
        "InvalidParameterValue",
        "overlaps",
    );
    associate(&mut t, A, &x, "10.4.0.0/16").unwrap();
    let p = t.w.peerings.get(&live).unwrap();
    assert_eq!(
        p.requester_blocks.v4.len(),
        2,
        "the requester's new block is shown"
    );
}

#[test]
fn delete_vpc_effects() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.request(A, &x, &y, Some(B), None);
    t.advance(0);
    let delete_y = |t: &mut T| {
        t.run(
            B,
            EAST,
            Command::Vpc(vpc::Cmd::Delete { vpc_id: y.clone() }),
        )
    };
    check_err(delete_y(&mut t), "DependencyViolation", "has dependencies");
    t.act(B, EAST, Cmd::Accept { id: pcx.clone() }).unwrap();
    t.advance(0);
    delete_y(&mut t).unwrap();
    assert_eq!(t.seen(A, EAST, &pcx), Some(Status::Deleted));
    assert_eq!(
        t.w.peerings.get(&pcx).unwrap().message,
        "Deleted by 222222222222"
    );
}

#[test]
fn tags_are_per_view_and_filters_use_the_view() {
    let mut t = T::new();
    let (x, y) = (t.vpc(A, EAST, "10.0.0.0/16"), t.vpc(B, EAST, "10.1.0.0/16"));
    let pcx = t.id(
        A,
        EAST,
        Command::Peering(Cmd::Create {
            vpc_id: x.clone(),
            peer_vpc_id: y.clone(),
            peer_owner_id: Some(B.into()),
            peer_region: None,
            tags: vec![TagSpec {
                resource_type: "vpc-peering-connection".into(),
                tags: vec![("Name".into(), "from-a".into())],
            }],
        }),
    );
    t.advance(0);
    let by_tag = |t: &T, account: &str| {
        let f = [Filter::new("tag:Name", &["from-*"])];
        peering::describe(&t.w, &t.ctx(account, EAST), &[], &f)
            .unwrap()
            .len()
    };
    assert_eq!((by_tag(&t, A), by_tag(&t, B)), (1, 0));
    let by_vpc = [Filter::new("requester-vpc-info.vpc-id", &[&x])];
    assert_eq!(
        peering::describe(&t.w, &t.ctx(B, EAST), &[], &by_vpc).unwrap()[0].id,
        pcx
    );
    let bogus = [Filter::new("nope", &["x"])];
    assert!(peering::describe(&t.w, &t.ctx(B, EAST), &[], &bogus).is_err());
}
