//! Hand-written fixtures: each asserts the verdict and the blocker codes, and that the
//! reference evaluator agrees.

mod explain;
mod gateway_load_balancer;
mod kit;
mod matrix;
mod options;
mod privatelink;
mod prop;
mod tgw;
mod tgw_more;
mod tgw_peering;
mod vpn;

use std::collections::HashMap;

use ipnet::IpNet;
use openvpc_core::gateway::NatState;
use openvpc_core::peering::Status;

use crate::explain::{Code, Direction, HopKind, Verdict};
use crate::{decide, reference, Endpoint, Flow, NoPrefixLists, PrefixLists, Protocol, View};
use kit::{Net, VpcIds};

use Code::*;

fn flow(src: &str, dst: &str, protocol: Protocol, port: Option<u16>) -> Flow {
    Flow::new(src, Endpoint::parse(dst).expect("endpoint"), protocol, port)
}

fn tcp(src: &str, dst: &str, port: u16) -> Flow {
    flow(src, dst, Protocol::TCP, Some(port))
}

/// Decides `f` with both evaluators; asserts the verdict and the set of codes.
fn check(n: &Net, f: Flow, reachable: bool, codes: &[Code]) -> Verdict {
    check_with(n, &NoPrefixLists, f, reachable, codes)
}

fn check_with(n: &Net, pls: &dyn PrefixLists, f: Flow, reachable: bool, codes: &[Code]) -> Verdict {
    let view = View::compile_with(&n.w, pls);
    let v = decide(&view, &f);
    let mut want = codes.to_vec();
    want.sort();
    want.dedup();
    assert_eq!((v.reachable, v.codes()), (reachable, want), "{f:?}\n{v}");
    let r = reference::decide_with(&n.w, pls, &f);
    let comps = |v: &Verdict| {
        let mut c: Vec<_> = v
            .explanations
            .iter()
            .map(|e| (e.code, e.component.to_string(), e.direction))
            .collect();
        c.sort();
        c
    };
    assert_eq!(comps(&r), comps(&v), "reference disagrees on {f:?}\n{v}");
    words_are_complete(&v);
    v
}

/// Every message names its component and has every field its words use.
fn words_are_complete(v: &Verdict) {
    for e in &v.explanations {
        let m = e.message();
        assert!(
            !m.contains("(unknown)") && !m.contains("(none)"),
            "{m}\n{e:?}"
        );
        let named = m.contains(&*e.component)
            || e.detail.target.as_ref().is_some_and(|t| m.contains(&*t.id));
        assert!(named, "{m} does not name {}", e.component);
    }
}

/// One VPC 10.0.0.0/16 with subnets 10.0.1.0/24 and 10.0.2.0/24, an interface in each
/// (10.0.1.10, 10.0.2.10) and a second one in the first subnet (10.0.1.11), all in the
/// default group.
struct One {
    n: Net,
    vpc: VpcIds,
    s1: String,
    s2: String,
    a: String,
    a2: String,
    b: String,
}

fn one() -> One {
    let mut n = Net::new();
    let vpc = n.vpc("10.0.0.0/16", None);
    let s1 = n.subnet(&vpc, "10.0.1.0/24");
    let s2 = n.subnet(&vpc, "10.0.2.0/24");
    let a = n.eni(&s1, "10.0.1.10", &[&vpc.sg]);
    let a2 = n.eni(&s1, "10.0.1.11", &[&vpc.sg]);
    let b = n.eni(&s2, "10.0.2.10", &[&vpc.sg]);
    One {
        n,
        vpc,
        s1,
        s2,
        a,
        a2,
        b,
    }
}

#[test]
fn same_subnet_is_l2_without_acl_or_route() {
    let mut o = one();
    let v = check(&o.n, tcp(&o.a, &o.a2, 22), true, &[]);
    assert!(v.forward.iter().all(|h| h.kind != HopKind::RouteTable));
    // A deny-all ACL on the subnet does not matter within it…
    o.n.acl(&o.vpc, &[&o.s1]);
    check(&o.n, tcp(&o.a, &o.a2, 22), true, &[]);
    // …but does across subnets, both ways (the reply is blocked on both boundaries too).
    let v = check(&o.n, tcp(&o.a, &o.b, 22), false, &[SubnetAclRestriction]);
    assert_eq!(v.explanations.len(), 2);
    // An instance id stands for its primary interface.
    let i = o.n.instance(&o.a2);
    check(&o.n, tcp(&o.a, &i, 22), true, &[]);
    check(&o.n, tcp(&i, "10.0.1.10", 22), true, &[]);
}

#[test]
fn missing_source_or_destination() {
    let o = one();
    check(
        &o.n,
        tcp("eni-0000", &o.b, 22),
        false,
        &[NoSourceOrDestination],
    );
    check(
        &o.n,
        tcp(&o.a, "i-0000", 22),
        false,
        &[NoSourceOrDestination],
    );
    // IPv6 destination, IPv4-only source.
    check(
        &o.n,
        tcp(&o.a, "2600::1", 22),
        false,
        &[NoSourceOrDestination],
    );
}

#[test]
fn security_group_egress_and_ingress() {
    let mut o = one();
    let sa = o.n.sg(&o.vpc);
    o.n.eni_mut(&o.a).groups = vec![sa.clone()];
    // No rules at all on the source's group.
    let v = check(
        &o.n,
        tcp(&o.a, &o.b, 22),
        false,
        &[SgHasNoRules, EniSgRulesMismatch],
    );
    assert_eq!(v.explanations[0].component.as_ref(), sa);
    // An egress rule for another port; B's default group admits only its own members.
    o.n.rule(&sa, true, "tcp", Some((443, 443)), "0.0.0.0/0");
    let v = check(&o.n, tcp(&o.a, &o.b, 22), false, &[EniSgRulesMismatch]);
    assert_eq!(
        v.explanations.len(),
        2,
        "egress and ingress both named\n{v}"
    );
    o.n.rule(&sa, true, "tcp", Some((22, 22)), "10.0.2.0/24");
    let v = check(&o.n, tcp(&o.a, &o.b, 22), false, &[EniSgRulesMismatch]);
    assert_eq!(v.explanations[0].component.as_ref(), o.vpc.sg);
    // Ingress by group reference: A joins B's group.
    o.n.eni_mut(&o.a).groups.push(o.vpc.sg.clone());
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    // Egress by group reference only.
    o.n.clear_rules(&sa, true);
    o.n.rule(&sa, true, "-1", None, &o.vpc.sg);
    o.n.eni_mut(&o.a).groups = vec![sa.clone()];
    o.n.rule(&o.vpc.sg, false, "tcp", Some((0, 65535)), "10.0.1.10/32");
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    check(
        &o.n,
        flow(&o.a, &o.b, Protocol::UDP, Some(53)),
        false,
        &[EniSgRulesMismatch],
    );
}

#[test]
fn port_unspecified_matches_only_rules_for_all_ports() {
    let mut o = one();
    let sb = o.n.sg(&o.vpc);
    o.n.eni_mut(&o.b).groups = vec![sb.clone()];
    o.n.rule(&sb, false, "tcp", Some((22, 22)), "10.0.0.0/16");
    check(
        &o.n,
        flow(&o.a, &o.b, Protocol::TCP, None),
        false,
        &[EniSgRulesMismatch],
    );
    o.n.rule(&sb, false, "tcp", Some((0, 65535)), "10.0.0.0/16");
    check(&o.n, flow(&o.a, &o.b, Protocol::TCP, None), true, &[]);
}

#[test]
fn acl_deny_before_allow() {
    let mut o = one();
    let acl = o.n.acl(&o.vpc, &[&o.s2]);
    o.n.entry(&acl, 100, false, "-1", true, "0.0.0.0/0", None, None);
    o.n.entry(&acl, 100, true, "-1", true, "0.0.0.0/0", None, None);
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    o.n.entry(
        &acl,
        90,
        false,
        "6",
        false,
        "10.0.1.0/24",
        Some((22, 22)),
        None,
    );
    let v = check(&o.n, tcp(&o.a, &o.b, 22), false, &[SubnetAclRestriction]);
    assert_eq!(v.explanations[0].rule().as_deref(), Some("90"));
    check(&o.n, tcp(&o.a, &o.b, 23), true, &[]);
    // A deny after the allow changes nothing.
    o.n.entry(
        &acl,
        110,
        false,
        "6",
        false,
        "10.0.1.0/24",
        Some((23, 23)),
        None,
    );
    check(&o.n, tcp(&o.a, &o.b, 23), true, &[]);
}

#[test]
fn acl_blocks_ephemeral_return_port_while_sg_return_is_implicit() {
    let mut o = one();
    let acl = o.n.acl(&o.vpc, &[&o.s2]);
    o.n.entry(
        &acl,
        100,
        false,
        "6",
        true,
        "10.0.0.0/16",
        Some((22, 22)),
        None,
    );
    o.n.entry(
        &acl,
        100,
        true,
        "6",
        true,
        "10.0.0.0/16",
        Some((22, 22)),
        None,
    );
    // The reply goes to port 49152: the outbound side of B's ACL drops it. No SG rule
    // is needed for the reply.
    let v = check(&o.n, tcp(&o.a, &o.b, 22), false, &[SubnetAclRestriction]);
    assert_eq!(v.explanations.len(), 1);
    assert_eq!(v.explanations[0].direction, Direction::Return);
    assert!(!v.return_path.is_empty());
    o.n.entry(
        &acl,
        110,
        true,
        "6",
        true,
        "10.0.0.0/16",
        Some((1024, 65535)),
        None,
    );
    let v = check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    assert_eq!(
        v.return_path.last().map(|h| h.component.as_ref()),
        Some(o.a.as_str())
    );
    let mut f = tcp(&o.a, &o.b, 22);
    f.source_port = Some(1000);
    check(&o.n, f, false, &[SubnetAclRestriction]);
}

#[test]
fn more_specific_route_steals_traffic() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let b = n.vpc("10.1.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sb = n.subnet(&b, "10.1.5.0/24");
    let sb2 = n.subnet(&b, "10.1.6.0/24");
    let ea = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let eb = n.eni(&sb, "10.1.5.10", &[&b.sg]);
    let eb2 = n.eni(&sb2, "10.1.6.10", &[&b.sg]);
    n.rule(&b.sg, false, "-1", None, "10.0.0.0/16");
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    n.route(&b.rtb, "10.0.0.0/16", &pcx);
    check(&n, tcp(&ea, &eb, 22), true, &[]);
    let igw = n.igw(Some(&a));
    n.route(&a.rtb, "10.1.5.0/24", &igw);
    let v = check(
        &n,
        tcp(&ea, &eb, 22),
        false,
        &[IgwDestinationAddressNotInRfc1918Egress],
    );
    assert_eq!(v.explanations[0].component.as_ref(), igw);
    check(&n, tcp(&ea, &eb2, 22), true, &[]);
    // A /32 back to the peering wins again.
    n.route(&a.rtb, "10.1.5.10/32", &pcx);
    check(&n, tcp(&ea, &eb, 22), true, &[]);
}

#[test]
fn blackhole_routes() {
    let o = one();
    let mut n = o.n;
    let sub = n.subnet(&o.vpc, "10.0.3.0/24");
    let nat = n.nat(&sub, "10.0.3.5", None, NatState::Deleted);
    n.route(&o.vpc.rtb, "0.0.0.0/0", &nat);
    let v = check(&n, tcp(&o.a, "8.8.8.8", 443), false, &[BadStateRoute]);
    assert_eq!(v.explanations[0].component.as_ref(), o.vpc.rtb);
    // A detached internet gateway, a missing interface.
    let igw = n.igw(None);
    n.remove_route(&o.vpc.rtb, "0.0.0.0/0");
    n.route(&o.vpc.rtb, "0.0.0.0/0", &igw);
    check(&n, tcp(&o.a, "8.8.8.8", 443), false, &[BadStateRoute]);
    n.remove_route(&o.vpc.rtb, "0.0.0.0/0");
    n.route(&o.vpc.rtb, "0.0.0.0/0", "eni-00000000000000000");
    check(&n, tcp(&o.a, "8.8.8.8", 443), false, &[BadStateRoute]);
    // No route at all.
    n.remove_route(&o.vpc.rtb, "0.0.0.0/0");
    check(
        &n,
        tcp(&o.a, "8.8.8.8", 443),
        false,
        &[NoRouteToDestination],
    );
    // Local route, nobody home.
    check(
        &n,
        tcp(&o.a, "10.0.2.99", 443),
        false,
        &[VpcLocalRouteCidrRestriction],
    );
}

/// A (10.0/16) peers with B (10.1/16) and C (10.2/16); one interface in each, default
/// groups opened to 10.0.0.0/8.
struct Three {
    n: Net,
    a: VpcIds,
    b: VpcIds,
    c: VpcIds,
    ea: String,
    eb: String,
    ec: String,
    ab: String,
    ac: String,
}

fn three(c_cidr: &str) -> Three {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let b = n.vpc("10.1.0.0/16", None);
    let c = n.vpc(c_cidr, None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sb = n.subnet(&b, "10.1.1.0/24");
    let c_subnet = c_cidr.replace(".0.0/16", ".1.0/24");
    let sc = n.subnet(&c, &c_subnet);
    let ea = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let eb = n.eni(&sb, "10.1.1.10", &[&b.sg]);
    let ec = n.eni(&sc, &c_subnet.replace(".0/24", ".20"), &[&c.sg]);
    for v in [&a, &b, &c] {
        n.rule(&v.sg, false, "-1", None, "10.0.0.0/8");
    }
    let ab = n.peering(&a, &b, Status::Active);
    let ac = n.peering(&a, &c, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &ab);
    n.route(&b.rtb, "10.0.0.0/16", &ab);
    n.route(&c.rtb, "10.0.0.0/16", &ac);
    Three {
        n,
        a,
        b,
        c,
        ea,
        eb,
        ec,
        ab,
        ac,
    }
}

#[test]
fn peering_is_not_transitive() {
    let mut t = three("10.2.0.0/16");
    t.n.route(&t.a.rtb, "10.2.0.0/16", &t.ac);
    check(&t.n, tcp(&t.ea, &t.eb, 22), true, &[]);
    check(&t.n, tcp(&t.eb, &t.ea, 22), true, &[]);
    check(&t.n, tcp(&t.ea, &t.ec, 22), true, &[]);
    // B has no route to C…
    check(&t.n, tcp(&t.eb, &t.ec, 22), false, &[NoRouteToDestination]);
    // …and routing C's block to A's peering does not help.
    t.n.route(&t.b.rtb, "10.2.0.0/16", &t.ab);
    let v = check(
        &t.n,
        tcp(&t.eb, &t.ec, 22),
        false,
        &[PcxRequiresAddressInVpcCidr],
    );
    assert_eq!(v.explanations[0].component.as_ref(), t.ab);
}

#[test]
fn peer_cannot_use_igw_or_nat_gateway() {
    let mut t = three("10.2.0.0/16");
    let sa2 = t.n.subnet(&t.a, "10.0.9.0/24");
    let igw = t.n.igw(Some(&t.a));
    let nat =
        t.n.nat(&sa2, "10.0.9.5", Some("18.0.0.9"), NatState::Available);
    t.n.route(&t.a.rtb, "0.0.0.0/0", &nat);
    let nat_rtb = t.n.table(&t.a, &[&sa2]);
    t.n.route(&nat_rtb, "0.0.0.0/0", &igw);
    // A itself reaches the internet through its NAT gateway…
    let v = check(&t.n, tcp(&t.ea, "8.8.8.8", 443), true, &[]);
    assert!(v.forward.iter().any(|h| h.kind == HopKind::NatGateway));
    assert!(v.return_path.iter().any(|h| h.kind == HopKind::NatGateway));
    // …B, pointing its default route at the peering, does not.
    t.n.route(&t.b.rtb, "0.0.0.0/0", &t.ab);
    check(
        &t.n,
        tcp(&t.eb, "8.8.8.8", 443),
        false,
        &[PcxRequiresAddressInVpcCidr],
    );
    // Nor by naming A's NAT gateway or internet gateway in its own table.
    t.n.remove_route(&t.b.rtb, "0.0.0.0/0");
    t.n.route(&t.b.rtb, "0.0.0.0/0", &nat);
    check(
        &t.n,
        tcp(&t.eb, "8.8.8.8", 443),
        false,
        &[NgwRequiresSourceInVpc],
    );
    t.n.remove_route(&t.b.rtb, "0.0.0.0/0");
    t.n.route(&t.b.rtb, "0.0.0.0/0", &igw);
    check(&t.n, tcp(&t.eb, "8.8.8.8", 443), false, &[BadStateRoute]);
}

#[test]
fn a_component_not_modelled_leaves_the_verdict_unknown_not_blocked() {
    use openvpc_core::route::{Destination, Origin, Route, Target};
    let mut o = one();
    let rtb = o.vpc.rtb.clone();
    o.n.w
        .route_tables
        .get_mut(&rtb)
        .unwrap()
        .routes
        .push(Route {
            destination: Destination::V4("10.9.0.0/16".parse().unwrap()),
            target: Target::TransitGateway("tgw-0123456789abcdef0".into()),
            origin: Origin::CreateRoute,
        });
    let v = check(
        &o.n,
        tcp(&o.a, "10.9.1.1", 443),
        false,
        &[UnsupportedComponent],
    );
    assert_eq!(v.outcome(), crate::Outcome::Unknown);
    assert_eq!(v.unknown_components(), vec!["tgw-0123456789abcdef0"]);
    // A blocker before the unmodelled component: blocked, known.
    o.n.clear_rules(&o.vpc.sg, true);
    let v = check(
        &o.n,
        tcp(&o.a, "10.9.1.1", 443),
        false,
        &[SgHasNoRules, UnsupportedComponent],
    );
    assert_eq!(v.outcome(), crate::Outcome::Blocked);
    assert!(v.unknown_components().is_empty());
}

#[test]
fn protocols_other_than_tcp_udp_icmp_are_decided_by_number() {
    let mut o = one();
    let esp = Protocol::Number(50);
    // The default group admits every protocol from itself.
    let v = check(&o.n, flow(&o.a, &o.b, esp, None), true, &[]);
    assert!(
        v.forward[0].header.to_string().starts_with("protocol 50 "),
        "{v}"
    );
    // A TCP-only rule does not admit ESP; a rule for 50 does, whatever its ports say.
    o.n.clear_rules(&o.vpc.sg, false);
    o.n.rule(&o.vpc.sg, false, "tcp", Some((0, 65535)), "10.0.0.0/16");
    check(
        &o.n,
        flow(&o.a, &o.b, esp, None),
        false,
        &[EniSgRulesMismatch],
    );
    o.n.rule(&o.vpc.sg, false, "50", None, "10.0.0.0/16");
    check(&o.n, flow(&o.a, &o.b, esp, None), true, &[]);
    // Network ACLs match the number too: an entry denying 50 blocks it, and only it.
    let acl = o.n.acl(&o.vpc, &[&o.s2]);
    o.n.entry(&acl, 90, false, "50", false, "0.0.0.0/0", None, None);
    o.n.entry(&acl, 100, false, "-1", true, "0.0.0.0/0", None, None);
    o.n.entry(&acl, 100, true, "-1", true, "0.0.0.0/0", None, None);
    check(
        &o.n,
        flow(&o.a, &o.b, esp, None),
        false,
        &[SubnetAclRestriction],
    );
    o.n.rule(&o.vpc.sg, false, "-1", None, "10.0.0.0/16");
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    check(
        &o.n,
        flow(&o.a, &o.b, Protocol::Number(47), None),
        true,
        &[],
    );
}

#[test]
fn a_nat_gateway_drops_unsolicited_inbound_and_is_not_told_to_attach_groups() {
    let mut o = one();
    let nat = o.n.nat(&o.s2, "10.0.2.5", None, NatState::Available);
    let eni = o.n.eni(&o.s2, "10.0.2.5", &[]);
    o.n.eni_mut(&eni).interface_type = "nat_gateway".into();
    let v = check(
        &o.n,
        tcp(&o.a, "10.0.2.5", 443),
        false,
        &[NoPossibleDestination],
    );
    let e = &v.explanations[0];
    assert_eq!(e.component.as_ref(), nat);
    assert!(e.message().contains("unsolicited"), "{v}");
    assert!(!e.message().contains("attach"), "{v}");
}

#[test]
fn fabric_projects_resolved_routes_and_groups() {
    let mut t = three("10.2.0.0/16");
    t.n.route(&t.a.rtb, "10.9.0.0/16", "pcx-gone");
    let f = View::compile(&t.n.w).fabric();
    let vpc = |id: &str| f.vpcs.iter().position(|v| v.id == id).unwrap();
    let table = f.tables.iter().find(|x| x.id == t.a.rtb).unwrap();
    let target = |cidr: &str| {
        let net: ipnet::IpNet = cidr.parse().unwrap();
        table
            .routes
            .iter()
            .find(|r| r.destination == net)
            .map(|r| r.target.clone())
            .unwrap()
    };
    use crate::fabric::Target;
    assert_eq!(target("10.0.0.0/16"), Target::Local);
    assert_eq!(
        target("10.1.0.0/16"),
        Target::Peering {
            id: t.ab.clone(),
            peer: vpc(&t.b.id)
        }
    );
    assert!(matches!(target("10.9.0.0/16"), Target::Blackhole(_)));
    let a = f.interfaces.iter().find(|i| i.id == t.ea).unwrap();
    assert_eq!(a.vpc, vpc(&t.a.id));
    assert_eq!(
        f.subnets[a.subnet].table,
        f.tables.iter().position(|x| x.id == t.a.rtb)
    );
    let g = &f.groups[a.groups[0]];
    assert!(g.ingress.iter().any(|r| matches!(
        &r.peer,
        crate::fabric::RulePeer::Nets(n) if n == &vec!["10.0.0.0/8".parse::<ipnet::IpNet>().unwrap()]
    )));
}

#[test]
fn a_reply_translated_on_its_way_back_is_dropped() {
    // B's reply to A leaves through B's NAT gateway (B routes 0.0.0.0/0 there and has no
    // route back over the peering): it reaches A from the NAT gateway's address.
    let mut t = three("10.2.0.0/16");
    let sb2 = t.n.subnet(&t.b, "10.1.9.0/24");
    let nat = t.n.nat(&sb2, "10.1.9.5", None, NatState::Available);
    let nat_rtb = t.n.table(&t.b, &[&sb2]);
    t.n.route(&nat_rtb, "10.0.0.0/16", &t.ab);
    t.n.remove_route(&t.b.rtb, "10.0.0.0/16");
    t.n.route(&t.b.rtb, "0.0.0.0/0", &nat);
    let v = check(&t.n, tcp(&t.ea, "10.1.1.10", 443), false, &[CannotRoute]);
    assert_eq!(v.explanations[0].component.as_ref(), t.ea);
    assert_eq!(v.explanations[0].direction, crate::Direction::Return);
}

#[test]
fn overlapping_peers_and_the_reply_going_the_wrong_way() {
    // B and C both hold 10.1.0.0/16; A routes it to C.
    let mut t = three("10.1.0.0/16");
    t.n.remove_route(&t.a.rtb, "10.1.0.0/16");
    t.n.route(&t.a.rtb, "10.1.0.0/16", &t.ac);
    check(&t.n, tcp(&t.ea, &t.ec, 22), true, &[]);
    // B → A arrives, but A's reply to 10.1.1.10 leaves through pcx(A,C): C has no such
    // interface. The route in A's table is named.
    let v = check(&t.n, tcp(&t.eb, &t.ea, 22), false, &[CannotRoute]);
    let e = &v.explanations[0];
    assert_eq!(e.direction, Direction::Return);
    assert_eq!(e.component.as_ref(), t.a.rtb);
    let route = format!("10.1.0.0/16 -> {}", t.ac);
    assert_eq!(e.rule().as_deref(), Some(route.as_str()));
    assert!(e.message().contains("misrouted"), "{v}");
    // Now C has an interface at B's address: the reply is delivered to it.
    let sc =
        t.n.w
            .network_interfaces
            .get(&t.ec)
            .unwrap()
            .subnet_id
            .clone();
    let impostor = t.n.eni(&sc, "10.1.1.10", &[&t.c.sg]);
    let v = check(&t.n, tcp(&t.eb, &t.ea, 22), false, &[CannotRoute]);
    assert_eq!(v.explanations[0].direction, Direction::Return);
    assert_eq!(v.explanations[0].component.as_ref(), t.a.rtb);
    assert!(v.explanations[0].message().contains(&impostor), "{v}");
    // A to B's interface is misdelivered on the way out.
    let v = check(&t.n, tcp(&t.ea, &t.eb, 22), false, &[CannotRoute]);
    assert!(
        v.explanations[0]
            .message()
            .contains("add a more specific route"),
        "{v}"
    );
    // The fix: a more specific route to B.
    t.n.route(&t.a.rtb, "10.1.1.10/32", &t.ab);
    check(&t.n, tcp(&t.eb, &t.ea, 22), true, &[]);
    check(&t.n, tcp(&t.ea, &t.eb, 22), true, &[]);
    // The route toward C loses to the /32 toward B.
    let v = check(&t.n, tcp(&t.ea, &impostor, 22), false, &[MoreSpecificRoute]);
    assert_eq!(v.explanations[0].component.as_ref(), t.a.rtb);
    assert!(v.explanations[0].message().contains("10.1.1.10/32"), "{v}");
}

#[test]
fn peering_states() {
    let mut t = three("10.2.0.0/16");
    for s in [
        Status::PendingAcceptance,
        Status::Provisioning,
        Status::Rejected,
        Status::Deleted,
        Status::Expired,
        Status::Failed,
    ] {
        t.n.set_peering(&t.ab, s);
        let v = check(&t.n, tcp(&t.ea, &t.eb, 22), false, &[BadStateRoute]);
        assert!(v.explanations[0].message().contains(s.as_str()), "{v}");
    }
    t.n.set_peering(&t.ab, Status::Active);
    check(&t.n, tcp(&t.ea, &t.eb, 22), true, &[]);
}

#[test]
fn peer_group_reference_then_stale() {
    let mut t = three("10.2.0.0/16");
    // B admits only members of A's default group; A sends only to members of B's.
    t.n.clear_rules(&t.b.sg, false);
    t.n.rule(&t.b.sg, false, "tcp", Some((22, 22)), &t.a.sg.clone());
    t.n.clear_rules(&t.a.sg, true);
    t.n.rule(&t.a.sg, true, "-1", None, &t.b.sg.clone());
    check(&t.n, tcp(&t.ea, &t.eb, 22), true, &[]);
    // Deleted: the references go stale (and the route blackholes).
    t.n.set_peering(&t.ab, Status::Deleted);
    check(
        &t.n,
        tcp(&t.ea, &t.eb, 22),
        false,
        &[EniSgRulesMismatch, BadStateRoute],
    );
    // Re-peered: the references resolve again.
    let ab2 = t.n.peering(&t.a, &t.b, Status::Active);
    t.n.remove_route(&t.a.rtb, "10.1.0.0/16");
    t.n.remove_route(&t.b.rtb, "10.0.0.0/16");
    t.n.route(&t.a.rtb, "10.1.0.0/16", &ab2);
    t.n.route(&t.b.rtb, "10.0.0.0/16", &ab2);
    check(&t.n, tcp(&t.ea, &t.eb, 22), true, &[]);
}

#[test]
fn group_references_do_not_cross_regions() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let b = n.vpc_in("eu-west-1", "10.1.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sb = n.subnet(&b, "10.1.1.0/24");
    let ea = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let eb = n.eni(&sb, "10.1.1.10", &[&b.sg]);
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    n.route(&b.rtb, "10.0.0.0/16", &pcx);
    n.rule(&b.sg, false, "-1", None, &a.sg.clone());
    check(&n, tcp(&ea, &eb, 22), false, &[EniSgRulesMismatch]);
    n.rule(&b.sg, false, "-1", None, "10.0.1.10/32");
    check(&n, tcp(&ea, &eb, 22), true, &[]);
}

/// A middlebox M (10.0.3.10) on the way from subnet 1 to subnet 2 (table `t1` of subnet 1
/// sends 10.0.2.0/24 to it); the default group also admits 10.0.0.0/16 by address.
fn middlebox() -> (One, String, String) {
    let mut o = one();
    let s3 = o.n.subnet(&o.vpc, "10.0.3.0/24");
    let m = o.n.eni(&s3, "10.0.3.10", &[&o.vpc.sg]);
    let t1 = o.n.table(&o.vpc, &[&o.s1]);
    o.n.route(&t1, "10.0.2.0/24", &m);
    o.n.rule(&o.vpc.sg, false, "-1", None, "10.0.0.0/16");
    (o, m, t1)
}

#[test]
fn source_destination_check_on_a_forwarding_interface() {
    let (mut o, m, t1) = middlebox();
    let v = check(
        &o.n,
        tcp(&o.a, &o.b, 22),
        false,
        &[EniSourceDestCheckRestriction],
    );
    assert_eq!(v.explanations[0].component.as_ref(), m);
    o.n.eni_mut(&m).source_dest_check = false;
    let v = check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    assert!(v.forward.iter().any(|h| h.kind == HopKind::Middlebox));
    // The reply goes straight back (the local route), which AWS allows.
    assert!(v.return_path.iter().all(|h| h.kind != HopKind::Middlebox));
    // Routed through an instance target.
    let i = o.n.instance(&m);
    o.n.remove_route(&t1, "10.0.2.0/24");
    o.n.route(&t1, "10.0.2.0/24", &i);
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
    // A middlebox's own groups apply to what it forwards.
    let sm = o.n.sg(&o.vpc);
    o.n.eni_mut(&m).groups = vec![sm.clone()];
    o.n.rule(&sm, false, "-1", None, "10.0.0.0/8");
    check(&o.n, tcp(&o.a, &o.b, 22), false, &[SgHasNoRules]);
    o.n.rule(&sm, true, "tcp", Some((22, 22)), "10.0.2.0/24");
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
}

#[test]
fn group_references_are_not_preserved_through_a_middlebox() {
    let (mut o, m, _) = middlebox();
    o.n.eni_mut(&m).source_dest_check = false;
    let sb = o.n.sg(&o.vpc);
    o.n.eni_mut(&o.b).groups = vec![sb.clone()];
    o.n.rule(&sb, false, "tcp", Some((22, 22)), &o.vpc.sg.clone());
    let v = check(
        &o.n,
        tcp(&o.a, &o.b, 22),
        false,
        &[SgReferencesNotPreserved],
    );
    assert_eq!(v.explanations[0].component.as_ref(), sb);
    // The middlebox itself is a member, and talks to B directly: the reference holds.
    check(&o.n, tcp(&m, &o.b, 22), true, &[]);
    o.n.rule(&sb, false, "tcp", Some((22, 22)), "10.0.1.0/24");
    check(&o.n, tcp(&o.a, &o.b, 22), true, &[]);
}

#[test]
fn ipv6_across_peering() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", Some("2600:1f00:0:100::/56"));
    let b = n.vpc("10.1.0.0/16", Some("2600:1f00:0:200::/56"));
    let sa = n.subnet6(&a, "10.0.1.0/24", Some("2600:1f00:0:101::/64"));
    let sb = n.subnet6(&b, "10.1.1.0/24", Some("2600:1f00:0:201::/64"));
    let ea = n.eni6(&sa, "10.0.1.10", &["2600:1f00:0:101::10"], &[&a.sg]);
    let eb = n.eni6(&sb, "10.1.1.10", &["2600:1f00:0:201::10"], &[&b.sg]);
    n.rule(&b.sg, false, "-1", None, "::/0");
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    n.route(&b.rtb, "10.0.0.0/16", &pcx);
    // IPv4 routes only: the IPv6 flow has no route.
    check(
        &n,
        tcp(&ea, "2600:1f00:0:201::10", 22),
        false,
        &[NoRouteToDestination],
    );
    n.route(&a.rtb, "2600:1f00:0:200::/56", &pcx);
    // The reply has no route either.
    let v = check(
        &n,
        tcp(&ea, "2600:1f00:0:201::10", 22),
        false,
        &[NoRouteToDestination],
    );
    assert_eq!(v.explanations[0].direction, Direction::Return);
    n.route(&b.rtb, "2600:1f00:0:100::/56", &pcx);
    check(&n, tcp(&ea, "2600:1f00:0:201::10", 22), true, &[]);
    // An interface destination picks IPv4 when it has it.
    let v = check(&n, tcp(&ea, &eb, 22), false, &[EniSgRulesMismatch]);
    assert!(v.forward[0].header.dst.is_ipv4());
    // Egress-only internet gateway: IPv6 out, replies back in.
    let eigw = "eigw-0123456789abcdef0".to_string();
    n.w.egress_only_gateways
        .insert(openvpc_core::gateway::EgressOnlyGateway {
            id: eigw.clone(),
            scope: kit::scope(kit::REGION),
            vpc_id: a.id.clone(),
        });
    n.route(&a.rtb, "::/0", &eigw);
    check(&n, tcp(&ea, "2a00::1", 443), true, &[]);
}

#[test]
fn icmp() {
    let mut o = one();
    let sb = o.n.sg(&o.vpc);
    o.n.eni_mut(&o.b).groups = vec![sb.clone()];
    o.n.rule(&sb, false, "tcp", Some((0, 65535)), "10.0.0.0/16");
    let ping = flow(&o.a, &o.b, Protocol::ICMP, None);
    check(&o.n, ping.clone(), false, &[EniSgRulesMismatch]);
    o.n.rule(&sb, false, "icmp", Some((8, -1)), "10.0.0.0/16");
    check(&o.n, ping.clone(), true, &[]);
    check(
        &o.n,
        flow(&o.a, &o.b, Protocol::ICMP, Some(13)),
        false,
        &[EniSgRulesMismatch],
    );
    // The ACL must let the echo reply (type 0) out of B's subnet.
    let acl = o.n.acl(&o.vpc, &[&o.s2]);
    o.n.entry(
        &acl,
        100,
        false,
        "1",
        true,
        "0.0.0.0/0",
        None,
        Some((8, -1)),
    );
    o.n.entry(&acl, 100, true, "1", true, "0.0.0.0/0", None, Some((8, -1)));
    let v = check(&o.n, ping.clone(), false, &[SubnetAclRestriction]);
    assert_eq!(v.explanations[0].direction, Direction::Return);
    o.n.entry(&acl, 101, true, "1", true, "0.0.0.0/0", None, Some((0, -1)));
    check(&o.n, ping, true, &[]);
}

#[test]
fn internet_gateway_needs_a_public_address() {
    let mut o = one();
    let igw = o.n.igw(Some(&o.vpc));
    o.n.route(&o.vpc.rtb, "0.0.0.0/0", &igw);
    check(
        &o.n,
        tcp(&o.a, "8.8.8.8", 443),
        false,
        &[IgwPublicIpAssociationForEgress],
    );
    o.n.public_ip(&o.a, "18.0.0.1");
    let v = check(&o.n, tcp(&o.a, "8.8.8.8", 443), true, &[]);
    assert!(v.forward.iter().any(|h| h.kind == HopKind::Internet));
    assert_eq!(v.forward.last().unwrap().header.src.to_string(), "18.0.0.1");
    // Into another VPC through its public address.
    let mut n = o.n;
    let c = n.vpc("10.5.0.0/16", None);
    let sc = n.subnet(&c, "10.5.1.0/24");
    let ec = n.eni(&sc, "10.5.1.10", &[&c.sg]);
    n.public_ip(&ec, "18.0.0.2");
    check(
        &n,
        tcp(&o.a, "18.0.0.2", 443),
        false,
        &[NoRouteToDestination],
    );
    let igw_c = n.igw(Some(&c));
    // C's group does not admit the internet; C has no route back.
    check(
        &n,
        tcp(&o.a, "18.0.0.2", 443),
        false,
        &[EniSgRulesMismatch, NoRouteToDestination],
    );
    n.rule(&c.sg, false, "tcp", Some((443, 443)), "18.0.0.1/32");
    n.route(&c.rtb, "0.0.0.0/0", &igw_c);
    check(&n, tcp(&o.a, "18.0.0.2", 443), true, &[]);
}

#[test]
fn from_the_internet() {
    let mut o = one();
    o.n.public_ip(&o.a, "18.0.0.1");
    let web = "203.0.113.9";
    // No internet gateway: the public address is not reachable.
    check(
        &o.n,
        tcp(web, "18.0.0.1", 22),
        false,
        &[NoRouteToDestination],
    );
    let igw = o.n.igw(Some(&o.vpc));
    // In, but the group does not admit the internet and the reply has no route out.
    check(
        &o.n,
        tcp(web, &o.a, 22),
        false,
        &[EniSgRulesMismatch, NoRouteToDestination],
    );
    o.n.rule(&o.vpc.sg, false, "tcp", Some((22, 22)), "0.0.0.0/0");
    o.n.route(&o.vpc.rtb, "0.0.0.0/0", &igw);
    let v = check(&o.n, tcp(web, &o.a, 22), true, &[]);
    assert_eq!(v.forward[0].kind, HopKind::Internet);
    assert_eq!(
        v.return_path.last().unwrap().header.src.to_string(),
        "18.0.0.1"
    );
    check(&o.n, tcp(web, "18.0.0.1", 80), false, &[EniSgRulesMismatch]);
    // Not internet hosts: a private address, the network's own public address; an
    // interface with no public address.
    check(
        &o.n,
        tcp("10.9.9.9", &o.a, 22),
        false,
        &[NoSourceOrDestination],
    );
    check(
        &o.n,
        tcp("18.0.0.1", &o.a, 22),
        false,
        &[NoSourceOrDestination],
    );
    check(&o.n, tcp(web, &o.b, 22), false, &[NoSourceOrDestination]);
    check(
        &o.n,
        tcp(web, "18.9.9.9", 22),
        false,
        &[NoSourceOrDestination],
    );
    // The reply leaves through a NAT gateway: the host sees another source and drops it.
    let nat =
        o.n.nat(&o.s2, "10.0.2.5", Some("18.0.0.9"), NatState::Available);
    let private = o.n.table(&o.vpc, &[&o.s1]);
    o.n.route(&private, "0.0.0.0/0", &nat);
    let v = check(&o.n, tcp(web, &o.a, 22), false, &[CannotRoute]);
    assert_eq!(v.explanations[0].component.as_ref(), nat);
}

#[test]
fn gateway_endpoint() {
    let mut o = one();
    let pl = "pl-63a5400a";
    let pls: HashMap<String, Vec<IpNet>> =
        HashMap::from([(pl.to_string(), vec!["52.216.0.0/15".parse().unwrap()])]);
    let rtb = o.vpc.rtb.clone();
    o.n.gateway_endpoint(&o.vpc, "s3", &[&rtb]);
    let v = check_with(&o.n, &pls, tcp(&o.a, "52.216.1.1", 443), true, &[]);
    assert!(v.forward.iter().any(|h| h.kind == HopKind::GatewayEndpoint));
    check_with(
        &o.n,
        &pls,
        flow(&o.a, "52.216.1.1", Protocol::UDP, Some(443)),
        false,
        &[VpceGatewayProtocolRestriction],
    );
    // Unknown list: the route matches nothing.
    check(
        &o.n,
        tcp(&o.a, "52.216.1.1", 443),
        false,
        &[NoRouteToDestination],
    );
    // An identical static CIDR beats the prefix-list route.
    let igw = o.n.igw(Some(&o.vpc));
    o.n.route(&o.vpc.rtb, "52.216.0.0/15", &igw);
    check_with(
        &o.n,
        &pls,
        tcp(&o.a, "52.216.1.1", 443),
        false,
        &[IgwPublicIpAssociationForEgress],
    );
}

#[test]
fn every_blocker_is_named() {
    let mut o = one();
    let sa = o.n.sg(&o.vpc);
    let sb = o.n.sg(&o.vpc);
    o.n.rule(&sa, true, "udp", Some((53, 53)), "0.0.0.0/0");
    o.n.rule(&sb, false, "udp", Some((53, 53)), "0.0.0.0/0");
    o.n.eni_mut(&o.a).groups = vec![sa];
    o.n.eni_mut(&o.b).groups = vec![sb];
    o.n.acl(&o.vpc, &[&o.s1, &o.s2]);
    let v = check(
        &o.n,
        tcp(&o.a, &o.b, 22),
        false,
        &[EniSgRulesMismatch, SubnetAclRestriction],
    );
    // SG egress, ACL out of s1, ACL into s2, SG ingress, ACL out of s2 and into s1 (reply).
    assert_eq!(v.explanations.len(), 6, "{v}");
}

#[test]
fn hops_name_the_rule_entry_and_route_they_applied() {
    use crate::explain::Applied;
    let mut o = one();
    let (n, vpc) = (&mut o.n, &o.vpc);
    // The source's table: its local route first, a default route after it.
    let t = n.table(vpc, &[&o.s1]);
    let igw = n.igw(Some(vpc));
    n.route(&t, "0.0.0.0/0", &igw);
    // The destination's group: the second ingress rule admits SSH from the first subnet.
    let g = n.sg(vpc);
    n.rule(&g, false, "tcp", Some((80, 80)), "0.0.0.0/0");
    n.rule(&g, false, "tcp", Some((22, 22)), "10.0.1.0/24");
    n.rule(&g, true, "-1", None, "0.0.0.0/0");
    let d = n.eni(&o.s2, "10.0.2.20", &[&g]);
    // The destination subnet's ACL: 100 denies SMTP, 110 admits the rest.
    let acl = n.acl(vpc, &[&o.s2]);
    n.entry(
        &acl,
        100,
        false,
        "6",
        false,
        "0.0.0.0/0",
        Some((25, 25)),
        None,
    );
    n.entry(&acl, 110, false, "-1", true, "0.0.0.0/0", None, None);
    n.entry(&acl, 120, true, "-1", true, "0.0.0.0/0", None, None);
    let v = check(&o.n, tcp(&o.a, &d, 22), true, &[]);
    let applied = |hops: &[crate::Hop], id: &str| -> Vec<Applied> {
        hops.iter()
            .filter(|h| &*h.component == id)
            .map(|h| h.applied.clone())
            .collect()
    };
    let routes = &o.n.w.route_tables.get(&t).unwrap().routes;
    let local = routes
        .iter()
        .position(|r| r.destination == kit::dest("10.0.0.0/16"));
    let index = local.expect("local route") as u32;
    assert_eq!(applied(&v.forward, &t), [Applied::Route { index }]);
    assert_eq!(
        applied(&v.forward, &g),
        [Applied::SecurityGroupRule {
            egress: false,
            index: 1
        }]
    );
    assert_eq!(
        applied(&v.forward, &acl),
        [Applied::AclRule {
            egress: false,
            number: 110
        }]
    );
    // On the way back the destination's ACL lets the reply out with 120.
    assert_eq!(
        applied(&v.return_path, &acl),
        [Applied::AclRule {
            egress: true,
            number: 120
        }]
    );
    // An interface hop applies nothing of its own.
    assert!(v
        .forward
        .iter()
        .filter(|h| h.kind == HopKind::NetworkInterface)
        .all(|h| h.applied == Applied::Nothing));
}

/// Issue 8: subnet blocks wider than /64, IPv6 addresses assigned and unassigned after the
/// interface exists, and groups and ACLs deciding on IPv6 sources.
#[test]
fn ipv6_wide_subnet_blocks_and_reassigned_addresses() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", Some("2600:1f00:0:300::/56"));
    let s1 = n.subnet6(&a, "10.0.1.0/24", Some("2600:1f00:0:300::/60"));
    let s2 = n.subnet6(&a, "10.0.2.0/24", Some("2600:1f00:0:310::/60"));
    // An address in the /60 beyond its first /64.
    let e1 = n.eni6(&s1, "10.0.1.10", &["2600:1f00:0:305::10"], &[&a.sg]);
    let sb = n.sg(&a);
    let e2 = n.eni6(&s2, "10.0.2.10", &[], &[&sb]);
    n.rule(&sb, false, "tcp", Some((22, 22)), "2600:1f00:0:300::/60");
    let later = "2600:1f00:0:31a::20";
    let addr: std::net::Ipv6Addr = later.parse().unwrap();
    // Not yet assigned: no interface holds the destination.
    let view = View::compile(&n.w);
    assert!(!decide(&view, &tcp(&e1, later, 22)).reachable);
    // AssignIpv6Addresses: the new address reaches the interface, through its group.
    n.eni_mut(&e2).ipv6_addresses.push(addr);
    check(&n, tcp(&e1, later, 22), true, &[]);
    check(&n, tcp(&e1, later, 80), false, &[EniSgRulesMismatch]);
    // The group admits the /60 of the first subnet, not a source outside it.
    let e3 = n.eni6(&s2, "10.0.2.11", &["2600:1f00:0:311::30"], &[&a.sg]);
    check(&n, tcp(&e3, later, 22), false, &[EniSgRulesMismatch]);
    // An ACL on the destination subnet denying the source's block decides first.
    let acl = n.acl(&a, &[&s2]);
    n.entry(&acl, 100, false, "-1", true, "::/0", None, None);
    n.entry(&acl, 100, true, "-1", true, "::/0", None, None);
    check(&n, tcp(&e1, later, 22), true, &[]);
    n.entry(
        &acl,
        50,
        false,
        "6",
        false,
        "2600:1f00:0:305::/64",
        Some((22, 22)),
        None,
    );
    check(&n, tcp(&e1, later, 22), false, &[SubnetAclRestriction]);
    // UnassignIpv6Addresses: gone again.
    n.eni_mut(&e2).ipv6_addresses.retain(|a| *a != addr);
    let view = View::compile(&n.w);
    assert!(!decide(&view, &tcp(&e1, later, 22)).reachable);
}

/// Issue 8: an address inside a prefix delegated to an interface (IPv6 /80, IPv4 /28) is
/// that interface's: flows to it arrive there, through its groups.
#[test]
fn delegated_prefixes_belong_to_their_interface() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", Some("2600:1f00:0:400::/56"));
    let s1 = n.subnet6(&a, "10.0.1.0/24", Some("2600:1f00:0:401::/64"));
    let s2 = n.subnet6(&a, "10.0.2.0/24", Some("2600:1f00:0:402::/64"));
    let e1 = n.eni6(&s1, "10.0.1.10", &["2600:1f00:0:401::10"], &[&a.sg]);
    let sb = n.sg(&a);
    let e2 = n.eni6(&s2, "10.0.2.10", &[], &[&sb]);
    n.rule(&sb, false, "tcp", Some((22, 22)), "2600:1f00:0:401::/64");
    n.rule(&sb, false, "tcp", Some((22, 22)), "10.0.1.0/24");
    let (in6, in4) = ("2600:1f00:0:402:7:0:0:42", "10.0.2.37");
    let view = View::compile(&n.w);
    assert!(!decide(&view, &tcp(&e1, in6, 22)).reachable);
    assert!(!decide(&view, &tcp(&e1, in4, 22)).reachable);
    n.eni_mut(&e2)
        .ipv6_prefixes
        .push("2600:1f00:0:402:7::/80".parse().unwrap());
    n.eni_mut(&e2)
        .ipv4_prefixes
        .push("10.0.2.32/28".parse().unwrap());
    let v = check(&n, tcp(&e1, in6, 22), true, &[]);
    assert!(v.forward.iter().any(|h| h.component.to_string() == e2));
    check(&n, tcp(&e1, in4, 22), true, &[]);
    check(&n, tcp(&e1, in6, 80), false, &[EniSgRulesMismatch]);
    // Just outside the prefixes: nobody's.
    let view = View::compile(&n.w);
    assert!(!decide(&view, &tcp(&e1, "2600:1f00:0:402:8::1", 22)).reachable);
    assert!(!decide(&view, &tcp(&e1, "10.0.2.48", 22)).reachable);
}

/// Issue 8: an IPv6-only subnet's interfaces hold IPv6 addresses only: IPv6 flows to and
/// from them are decided as any, IPv4 flows have no address to start from or go to.
#[test]
fn ipv6_only_subnets_carry_ipv6_flows_only() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", Some("2600:1f00:0:500::/56"));
    let native = n.subnet6(&a, "", Some("2600:1f00:0:501::/64"));
    let dual = n.subnet6(&a, "10.0.2.0/24", Some("2600:1f00:0:502::/64"));
    let e1 = n.eni6(&native, "", &["2600:1f00:0:501::10"], &[&a.sg]);
    let e2 = n.eni6(&dual, "10.0.2.10", &["2600:1f00:0:502::10"], &[&a.sg]);
    let e3 = n.eni(&dual, "10.0.2.11", &[&a.sg]);
    // By interface: the family both have.
    check(&n, tcp(&e1, &e2, 22), true, &[]);
    check(&n, tcp(&e2, &e1, 22), true, &[]);
    check(&n, tcp(&e1, "2600:1f00:0:502::10", 22), true, &[]);
    // IPv4: the IPv6-only interface has nothing to send from, nor an address to be reached at.
    check(
        &n,
        tcp(&e1, "10.0.2.10", 22),
        false,
        &[NoSourceOrDestination],
    );
    check(&n, tcp(&e1, &e3, 22), false, &[NoSourceOrDestination]);
    check(&n, tcp(&e3, &e1, 22), false, &[NoSourceOrDestination]);
    // To the internet over IPv6 through an internet gateway.
    let igw = n.igw(Some(&a));
    n.route(&a.rtb, "::/0", &igw);
    check(&n, tcp(&e1, "2001:db8::1", 443), true, &[]);
}
