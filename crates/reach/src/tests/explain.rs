//! Explanations' typed fields, table-driven: each case changes a small world, decides one
//! flow, and expects the code, the situation and the fields it names (a field left out of
//! the expected detail is not compared).

use std::sync::Arc;

use crate::explain::{AclRuleRef, Detail, Direction, Why};
use crate::{decide, Code, View};

use super::{one, tcp, three, One};

/// `got` with the fields `want` leaves out cleared.
fn masked(got: &Detail, want: &Detail) -> Detail {
    let mut m = got.clone();
    macro_rules! keep {
        ($($f:ident),*) => {$(
            if want.$f.is_none() {
                m.$f = None;
            }
        )*};
    }
    keep!(
        vpc,
        subnet,
        source_vpc,
        destination_vpc,
        network_interface,
        security_group,
        acl,
        acl_rule,
        egress,
        route,
        shadowed_route,
        route_table,
        peering,
        internet_gateway,
        nat_gateway,
        vpn_gateway,
        vpc_endpoint,
        endpoint_service,
        load_balancer,
        listener,
        target_group,
        target,
        availability_zone,
        destination,
        address,
        translated_from,
        header,
        state,
        missing,
        service_name
    );
    if want.security_groups.is_empty() {
        m.security_groups.clear();
    }
    m
}

fn id(s: &str) -> Option<Arc<str>> {
    Some(Arc::from(s))
}

fn ip(s: &str) -> Option<std::net::IpAddr> {
    Some(s.parse().expect("address"))
}

struct Case {
    name: &'static str,
    code: Code,
    why: Why,
    direction: Direction,
    /// Builds the world, returns the flow's source, destination and port and the fields
    /// expected.
    build: fn(&mut One) -> (String, String, u16, Detail),
}

const CASES: &[Case] = &[
    Case {
        name: "ingress group without a matching rule",
        code: Code::EniSgRulesMismatch,
        why: Why::SgNoMatch,
        direction: Direction::Forward,
        build: |o| {
            let sb = o.n.sg(&o.vpc);
            o.n.rule(&sb, false, "tcp", Some((443, 443)), "10.0.0.0/16");
            o.n.eni_mut(&o.b).groups = vec![sb.clone()];
            let want = Detail {
                network_interface: id(&o.b),
                security_groups: vec![Arc::from(sb.as_str())],
                egress: Some(false),
                address: ip("10.0.1.10"),
                subnet: id(&o.s2),
                vpc: id(&o.vpc.id),
                ..Detail::default()
            };
            (o.a.clone(), o.b.clone(), 22, want)
        },
    },
    Case {
        name: "egress group without rules",
        code: Code::SgHasNoRules,
        why: Why::SgNoRules,
        direction: Direction::Forward,
        build: |o| {
            let sa = o.n.sg(&o.vpc);
            o.n.clear_rules(&sa, true);
            o.n.eni_mut(&o.a).groups = vec![sa.clone()];
            let want = Detail {
                network_interface: id(&o.a),
                security_groups: vec![Arc::from(sa.as_str())],
                egress: Some(true),
                address: ip("10.0.2.10"),
                ..Detail::default()
            };
            (o.a.clone(), o.b.clone(), 22, want)
        },
    },
    Case {
        name: "ACL entry denying inbound",
        code: Code::SubnetAclRestriction,
        why: Why::AclDeny,
        direction: Direction::Forward,
        build: |o| {
            let acl = o.n.acl(&o.vpc, &[&o.s2]);
            o.n.entry(&acl, 100, false, "-1", true, "0.0.0.0/0", None, None);
            o.n.entry(&acl, 100, true, "-1", true, "0.0.0.0/0", None, None);
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
            let want = Detail {
                acl: id(&acl),
                acl_rule: Some(AclRuleRef {
                    number: Some(90),
                    egress: false,
                }),
                egress: Some(false),
                subnet: id(&o.s2),
                address: ip("10.0.1.10"),
                ..Detail::default()
            };
            (o.a.clone(), o.b.clone(), 22, want)
        },
    },
    Case {
        name: "ACL's last entry denying the reply",
        code: Code::SubnetAclRestriction,
        why: Why::AclDeny,
        direction: Direction::Return,
        build: |o| {
            let acl = o.n.acl(&o.vpc, &[&o.s2]);
            o.n.entry(&acl, 100, false, "-1", true, "0.0.0.0/0", None, None);
            let want = Detail {
                acl: id(&acl),
                acl_rule: Some(AclRuleRef {
                    number: Some(32767),
                    egress: true,
                }),
                subnet: id(&o.s2),
                address: ip("10.0.1.10"),
                ..Detail::default()
            };
            (o.a.clone(), o.b.clone(), 22, want)
        },
    },
    Case {
        name: "no route to an address outside the VPC",
        code: Code::NoRouteToDestination,
        why: Why::NoRoute,
        direction: Direction::Forward,
        build: |o| {
            let want = Detail {
                route_table: id(&o.vpc.rtb),
                subnet: id(&o.s1),
                vpc: id(&o.vpc.id),
                address: ip("10.9.0.1"),
                ..Detail::default()
            };
            (o.a.clone(), "10.9.0.1".to_string(), 22, want)
        },
    },
    Case {
        name: "no interface holds a local address",
        code: Code::VpcLocalRouteCidrRestriction,
        why: Why::LocalNoHolder,
        direction: Direction::Forward,
        build: |o| {
            let want = Detail {
                route_table: id(&o.vpc.rtb),
                vpc: id(&o.vpc.id),
                address: ip("10.0.2.99"),
                ..Detail::default()
            };
            (o.a.clone(), "10.0.2.99".to_string(), 22, want)
        },
    },
];

#[test]
fn explanations_name_their_fields() {
    for case in CASES {
        let mut o = one();
        let (src, dst, port, want) = (case.build)(&mut o);
        let v = decide(&View::compile(&o.n.w), &tcp(&src, &dst, port));
        let found = v
            .explanations
            .iter()
            .find(|e| e.code == case.code && e.direction == case.direction);
        let Some(e) = found else {
            panic!(
                "{}: no {} on the {:?} path\n{v}",
                case.name, case.code, case.direction
            );
        };
        assert_eq!(e.why, case.why, "{}", case.name);
        assert_eq!(masked(&e.detail, &want), want, "{}\n{v}", case.name);
        super::words_are_complete(&v);
    }
}

#[test]
fn a_peering_blocker_names_the_route_and_both_vpcs() {
    let mut t = three("10.2.0.0/16");
    // B routes C's range through A: peering is not transitive.
    t.n.route(&t.b.rtb, "10.2.0.0/16", &t.ab);
    let v = decide(&View::compile(&t.n.w), &tcp(&t.eb, &t.ec, 22));
    let e = &v.explanations[0];
    assert_eq!(
        (e.code, e.why),
        (Code::PcxRequiresAddressInVpcCidr, Why::NotInPeerCidr)
    );
    let d = &e.detail;
    assert_eq!(d.peering.as_deref(), Some(t.ab.as_str()));
    assert_eq!(d.source_vpc.as_deref(), Some(t.b.id.as_str()));
    assert_eq!(d.destination_vpc.as_deref(), Some(t.a.id.as_str()));
    let route = d.route.as_ref().expect("the route taken");
    assert_eq!(&*route.table, t.b.rtb.as_str());
    assert_eq!(&*route.label, format!("10.2.0.0/16 -> {}", t.ab).as_str());
    assert_eq!(d.route_table.as_deref(), Some(t.b.rtb.as_str()));
}

#[test]
fn network_insights_members_come_from_the_fields() {
    let mut o = one();
    let acl = o.n.acl(&o.vpc, &[&o.s2]);
    o.n.entry(&acl, 100, false, "-1", true, "0.0.0.0/0", None, None);
    o.n.entry(&acl, 100, true, "-1", true, "0.0.0.0/0", None, None);
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
    let v = decide(&View::compile(&o.n.w), &tcp(&o.a, &o.b, 22));
    let r = crate::insights::convert(&o.n.w, &super::kit::scope(super::kit::REGION), &v);
    let [x] = r.explanations.as_slice() else {
        panic!("{:?}", r.explanations);
    };
    assert_eq!(x.code, "SUBNET_ACL_RESTRICTION");
    assert_eq!(x.acl.as_ref().map(|c| c.id.as_str()), Some(acl.as_str()));
    let entry = x.acl_rule.as_ref().expect("the entry");
    assert_eq!((entry.rule_number, entry.egress), (90, false));
    assert_eq!(x.egress, Some(false));
    assert_eq!(
        x.address.map(|a| a.to_string()).as_deref(),
        Some("10.0.1.10")
    );
    assert_eq!(
        (x.port, x.protocols.as_slice()),
        (Some(22), &["tcp".to_string()][..])
    );
    assert_eq!(
        x.subnet.as_ref().map(|c| c.id.as_str()),
        Some(o.s2.as_str())
    );
    assert!(
        x.message.contains("rule 90") && x.message.contains(&acl),
        "{}",
        x.message
    );
}
