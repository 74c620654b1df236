//! Network Insights path options: the addresses the ends use (`SourceIp`,
//! `DestinationIp`) and peering connections and virtual private gateways as ends. One
//! world, one table of cases.

use openvpc_core::peering::Status;

use super::kit::Net;
use super::tcp;
use super::vpn::{propagated, vpn};
use crate::explain::{Code, HopKind};
use crate::{decide_with, Edge, Endpoint, Flow, Options, View};

/// VPC A (10.0.0.0/16: `a1` 10.0.1.10 + 10.0.1.11 with a public address, `a2` 10.0.2.20
/// with its source/destination check off) peered with B (10.1.0.0/16: `b1` 10.1.1.10),
/// a VPN gateway on A toward 192.168.0.0/16 (and routed, uncovered, 172.16.0.0/12), an
/// internet gateway on A. Groups admit TCP 22
/// from anywhere.
struct World {
    n: Net,
    a1: String,
    a2: String,
    b1: String,
    pcx: String,
    vgw: String,
    a: String,
    b: String,
}

fn world() -> World {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let b = n.vpc("10.1.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sa2 = n.subnet(&a, "10.0.2.0/24");
    let sb = n.subnet(&b, "10.1.1.0/24");
    for v in [&a, &b] {
        n.rule(&v.sg, false, "tcp", Some((22, 22)), "0.0.0.0/0");
    }
    let a1 = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    n.eni_mut(&a1)
        .private_ips
        .push("10.0.1.11".parse().unwrap());
    n.public_ip(&a1, "18.0.0.50");
    let a2 = n.eni(&sa2, "10.0.2.20", &[&a.sg]);
    n.eni_mut(&a2).source_dest_check = false;
    let b1 = n.eni(&sb, "10.1.1.10", &[&b.sg]);
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    n.route(&b.rtb, "10.0.0.0/16", &pcx);
    let vgw = vpn(&mut n, &a, &["192.168.0.0/16"]);
    propagated(&mut n, &a.rtb, "192.168.0.0/16", &vgw);
    n.route(&a.rtb, "172.16.0.0/12", &vgw);
    let igw = n.igw(Some(&a));
    n.route(&a.rtb, "0.0.0.0/0", &igw);
    World {
        n,
        a1,
        a2,
        b1,
        pcx,
        vgw,
        a: a.id,
        b: b.id,
    }
}

/// (name, flow, options, reachable, codes, the source address sent from).
type Case<'a> = (&'a str, Flow, Options, bool, Vec<Code>, &'a str);

/// (name, search, reachable, codes, destination ports, source ports, the verdict's ports).
type PortCase<'a> = (
    &'a str,
    crate::Search,
    bool,
    Vec<Code>,
    Vec<(u16, u16)>,
    Vec<(u16, u16)>,
    (u16, u16),
);

fn ip(s: &str) -> Option<std::net::IpAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn path_options_decide_as_aws() {
    let w = world();
    let view = View::compile(&w.n.w);
    let edge = |id: &str, vpc: &str| {
        Some(Edge {
            id: id.into(),
            vpc: vpc.into(),
        })
    };
    let to_ip = |src: &str, dst: &str| {
        Flow::new(
            src,
            Endpoint::Ip(dst.parse().unwrap()),
            crate::Protocol::TCP,
            Some(22),
        )
    };
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("source ip: a secondary address of the source",
         tcp(&w.a1, &w.b1, 22), Options { source_ip: ip("10.0.1.11"), ..Options::default() },
         true, vec![], "10.0.1.11"),
        ("source ip: the public address stands for the private one",
         tcp(&w.a1, &w.b1, 22), Options { source_ip: ip("18.0.0.50"), ..Options::default() },
         true, vec![], "10.0.1.10"),
        ("source ip: not the source's, check on",
         tcp(&w.a1, &w.b1, 22), Options { source_ip: ip("10.0.1.99"), ..Options::default() },
         false, vec![Code::EniSourceDestCheckRestriction], ""),
        ("source ip: not the source's, check off: sent, but the reply goes nowhere",
         tcp(&w.a2, &w.b1, 22), Options { source_ip: ip("10.0.2.99"), ..Options::default() },
         false, vec![Code::CannotRoute], "10.0.2.99"),
        ("destination ip: a secondary address of the destination",
         tcp(&w.b1, &w.a1, 22), Options { destination_ip: ip("10.0.1.11"), ..Options::default() },
         true, vec![], "10.1.1.10"),
        ("destination ip: not the destination's",
         tcp(&w.b1, &w.a1, 22), Options { destination_ip: ip("10.0.2.20"), ..Options::default() },
         false, vec![Code::EniAddressRestriction], ""),
        ("from the internet to a private address with a public one",
         tcp("203.0.113.9", &w.a1, 22), Options { destination_ip: ip("10.0.1.10"), ..Options::default() },
         true, vec![], "203.0.113.9"),
        ("from the internet to a private address without a public one",
         tcp("203.0.113.9", &w.a1, 22), Options { destination_ip: ip("10.0.1.11"), ..Options::default() },
         false, vec![Code::IgwPrivateIpAssociationForIngress], ""),
        ("peering connection as source: from B's addresses into A",
         tcp(&w.pcx, &w.a1, 22), Options { source_ip: ip("10.1.5.5"), from: edge(&w.pcx, &w.a), ..Options::default() },
         true, vec![], "10.1.5.5"),
        ("peering connection as source: the reply to an address outside B",
         tcp(&w.pcx, &w.a1, 22), Options { source_ip: ip("100.64.0.9"), from: edge(&w.pcx, &w.a), ..Options::default() },
         false, vec![Code::CannotRoute], "100.64.0.9"),
        ("peering connection as destination: A to B's addresses",
         to_ip(&w.a1, "10.1.9.9"), Options { to: Some(w.pcx.clone()), ..Options::default() },
         true, vec![], "10.0.1.10"),
        ("peering connection as destination: an address A routes elsewhere",
         to_ip(&w.a1, "192.168.1.1"), Options { to: Some(w.pcx.clone()), ..Options::default() },
         false, vec![Code::NoPath], "10.0.1.10"),
        ("VPN gateway as source: an on-premises host into A",
         tcp(&w.vgw, &w.a1, 22), Options { source_ip: ip("192.168.1.1"), from: edge(&w.vgw, &w.a), ..Options::default() },
         true, vec![], "192.168.1.1"),
        ("VPN gateway as source: a host no VPN connection covers gets no reply",
         tcp(&w.vgw, &w.a1, 22), Options { source_ip: ip("172.20.0.1"), from: edge(&w.vgw, &w.a), ..Options::default() },
         false, vec![Code::CannotRoute], "172.20.0.1"),
        ("VPN gateway as destination",
         to_ip(&w.a1, "192.168.1.1"), Options { to: Some(w.vgw.clone()), ..Options::default() },
         true, vec![], "10.0.1.10"),
        ("VPN gateway as destination from B: no edge-to-edge routing",
         to_ip(&w.b1, "192.168.1.1"), Options { to: Some(w.vgw.clone()), ..Options::default() },
         false, vec![Code::NoRouteToDestination], "10.1.1.10"),
        ("peering connection to VPN gateway: no edge-to-edge routing",
         to_ip(&w.pcx, "192.168.1.1"), Options { source_ip: ip("10.1.1.10"), from: edge(&w.pcx, &w.b), to: Some(w.vgw.clone()), ..Options::default() },
         false, vec![Code::PcxRequiresAddressInVpcCidr], ""),
    ];
    for (name, flow, opts, reachable, codes, sent_from) in cases {
        let v = decide_with(&view, &flow, &opts);
        assert_eq!(v.reachable, reachable, "{name}: {v}");
        assert_eq!(v.codes(), codes, "{name}: {v}");
        if !sent_from.is_empty() {
            assert_eq!(
                v.forward[0].header.src.to_string(),
                sent_from,
                "{name}: {v}"
            );
        }
        for edge in opts.from.iter().map(|e| &e.id).chain(&opts.to) {
            if reachable {
                let kind = |h: &crate::Hop| {
                    matches!(h.kind, HopKind::PeeringConnection | HopKind::VpnGateway)
                        && *h.component == **edge
                };
                assert!(
                    v.forward.iter().any(kind),
                    "{name}: forward via {edge}: {v}"
                );
                assert!(
                    v.return_path.iter().any(kind),
                    "{name}: back via {edge}: {v}"
                );
            }
        }
    }
    let _ = (&w.b, &w.a2);
}

/// Port ranges, the packet at its arrival and components to cross or avoid.
#[test]
fn searches_over_port_ranges_and_filters() {
    use crate::search::{search, Arrival, Search};
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sb = n.subnet(&a, "10.0.2.0/24");
    let web = n.sg(&a);
    n.rule(&web, false, "tcp", Some((80, 90)), "10.0.0.0/8");
    n.rule(&web, false, "tcp", Some((443, 443)), "10.0.0.0/8");
    let e1 = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let e2 = n.eni(&sb, "10.0.2.20", &[&web]);
    let acl = n.acl(&a, &[&sb]);
    n.entry(
        &acl,
        100,
        false,
        "6",
        true,
        "0.0.0.0/0",
        Some((0, 65535)),
        None,
    );
    n.entry(
        &acl,
        100,
        true,
        "6",
        true,
        "10.0.0.0/8",
        Some((1024, 65535)),
        None,
    );
    let view = View::compile(&n.w);
    let r = |a: u16, b: u16| Some((a, b));
    #[rustfmt::skip]
    let cases: Vec<PortCase> = vec![
        ("every port: the group's two ranges",
         Search { destination_ports: r(1, 65535), ..Search::default() },
         true, vec![], vec![(80, 90), (443, 443)], vec![(49152, 49152)], (80, 49152)),
        ("a range starting inside a rule's: cut where the rule ends",
         Search { destination_ports: r(85, 100), ..Search::default() },
         true, vec![], vec![(85, 90)], vec![(49152, 49152)], (85, 49152)),
        ("no port of the range is admitted",
         Search { destination_ports: r(100, 200), ..Search::default() },
         false, vec![Code::EniSgRulesMismatch], vec![], vec![], (100, 49152)),
        ("source ports: the ACL lets replies out only to 1024 and up",
         Search { destination_ports: r(443, 443), source_ports: r(1000, 2000), ..Search::default() },
         true, vec![], vec![(443, 443)], vec![(1024, 2000)], (443, 1024)),
        ("source ports all below 1024: the reply is denied",
         Search { destination_ports: r(443, 443), source_ports: r(1, 1023), ..Search::default() },
         false, vec![Code::SubnetAclRestriction], vec![], vec![], (443, 1)),
        ("the arrival's port range narrows the ports",
         Search { destination_ports: r(80, 90), arrival: Arrival { destination_ports: r(85, 86), ..Arrival::default() }, ..Search::default() },
         true, vec![], vec![(85, 86)], vec![(49152, 49152)], (85, 49152)),
        ("the packet arrives from another address than the filter names",
         Search { destination_ports: r(80, 80), arrival: Arrival { source: ip("10.0.1.99"), ..Arrival::default() }, ..Search::default() },
         false, vec![Code::FilterAtDestinationSourceAddress], vec![], vec![], (80, 49152)),
        ("the path crosses an excluded subnet",
         Search { destination_ports: r(80, 80), avoid: vec![sb.clone()], ..Search::default() },
         false, vec![Code::NoPath], vec![], vec![], (80, 49152)),
        ("the path must cross the ACL it crosses",
         Search { destination_ports: r(80, 80), through: vec!["pcx-0123456789abcdef0".into(), acl.clone()], ..Search::default() },
         true, vec![], vec![(80, 80)], vec![(49152, 49152)], (80, 49152)),
        ("the path must cross a peering connection it does not",
         Search { destination_ports: r(80, 80), through: vec!["pcx-0123456789abcdef0".into()], ..Search::default() },
         false, vec![Code::ComponentFilterRestriction], vec![], vec![], (80, 49152)),
    ];
    for (name, s, reachable, codes, dports, sports, (dp, sp)) in cases {
        let f = search(&view, &tcp(&e1, &e2, 1), &Options::default(), &s);
        let v = &f.verdict;
        assert_eq!(v.reachable, reachable, "{name}: {v}");
        assert_eq!(v.codes(), codes, "{name}: {v}");
        assert_eq!(f.destination_ports, dports, "{name}");
        if reachable {
            assert_eq!(f.source_ports, sports, "{name}");
        }
        let h = v.forward[0].header;
        assert_eq!(
            (h.dst_port, h.src_port),
            (Some(dp), Some(sp)),
            "{name}: {v}"
        );
    }
}

/// The exposure sweep covers ICMP: the types an internet host reaches, the echo request
/// only while its reply (type 0) may leave.
#[test]
fn exposure_sweeps_icmp_types() {
    use crate::{exposure, Protocol};
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let s = n.subnet(&a, "10.0.1.0/24");
    let g = n.sg(&a);
    n.rule(&g, false, "icmp", Some((8, -1)), "0.0.0.0/0");
    n.rule(&g, false, "icmp", Some((3, 4)), "0.0.0.0/0");
    n.rule(&g, true, "-1", None, "0.0.0.0/0");
    let e = n.eni(&s, "10.0.1.10", &[&g]);
    n.public_ip(&e, "18.0.0.60");
    let igw = n.igw(Some(&a));
    n.route(&a.rtb, "0.0.0.0/0", &igw);
    let icmp_from = |n: &Net, from: &str| {
        let view = View::compile(&n.w);
        exposure(&view)
            .into_iter()
            .filter(|x| x.protocol == Protocol::ICMP && x.sources.contains(&ip(from).unwrap()))
            .flat_map(|x| x.ports)
            .collect::<Vec<_>>()
    };
    let icmp = |n: &Net| icmp_from(n, "198.51.100.9");
    // Type 3 code 4 is not what the engine sends (code 0): only the echo request.
    assert_eq!(icmp(&n), vec![8..=8]);
    let acl = n.acl(&a, &[&s]);
    n.entry(
        &acl,
        100,
        false,
        "1",
        true,
        "0.0.0.0/0",
        None,
        Some((-1, -1)),
    );
    n.entry(&acl, 100, true, "1", true, "0.0.0.0/0", None, Some((3, -1)));
    assert_eq!(
        icmp(&n),
        Vec::<std::ops::RangeInclusive<u16>>::new(),
        "the echo reply is denied"
    );
    n.entry(&acl, 90, true, "1", true, "0.0.0.0/0", None, Some((0, -1)));
    assert_eq!(icmp(&n), vec![8..=8]);
    n.rule(&g, false, "icmp", Some((-1, -1)), "203.0.113.0/24");
    // From 203.0.113.0/24 every type arrives; answers leave only as types 0 (to an echo
    // request, or to type 0 itself) and 3.
    assert_eq!(icmp_from(&n, "203.0.113.9"), vec![0..=0, 3..=3, 8..=8]);
}
