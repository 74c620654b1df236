//! The reference evaluator's rules, each written from the spec's wording (cited) and
//! decisions.md, over the world's own types: which route a table picks, what a security
//! group rule and a network ACL entry match, whether a route's target is usable, whether a
//! group reference is live, which listener takes a packet. Nothing here comes from the
//! engine.

use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_core::endpoint::{EndpointType, State};
use openvpc_core::eni::InstanceState;
use openvpc_core::gateway::NatState;
use openvpc_core::nacl::{Entry, EntryCidr};
use openvpc_core::route::{Destination, Origin, Route, RouteTable, Target};
use openvpc_core::sg::Rule;
use openvpc_core::{Protocol, World};

use crate::PrefixLists;

/// A packet: addresses, IANA protocol, ports (for ICMP, `dport` is the type, code 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub sport: Option<u16>,
    pub dport: Option<u16>,
}

impl Packet {
    /// The answer: ends swapped; an echo request (ICMP 8, ICMPv6 128) answered by an echo
    /// reply (0, 129), other ICMP types by the same type.
    pub fn answer(&self) -> Packet {
        let (sport, dport) = match (self.proto, self.dport) {
            (6 | 17, _) => (self.dport, self.sport),
            (1, Some(8)) => (None, Some(0)),
            (58, Some(128)) => (None, Some(129)),
            (_, t) => (None, t),
        };
        Packet {
            src: self.dst,
            dst: self.src,
            proto: self.proto,
            sport,
            dport,
        }
    }
}

/// Whether protocol `rule` (None: all) covers packet protocol `p`.
fn same_protocol(rule: Option<u8>, p: u8) -> bool {
    rule.is_none_or(|r| r == p)
}

/// A TCP/UDP port range against the packet's destination port; a packet without one (a
/// flow naming no port) only matches a range covering every port.
fn in_range(lo: i64, hi: i64, port: Option<u16>) -> bool {
    match port {
        Some(p) => lo <= i64::from(p) && i64::from(p) <= hi,
        None => lo <= 0 && hi >= 65535,
    }
}

/// An ICMP type/code pair (-1: any) against the packet's type (code 0).
fn icmp_matches(t: i64, c: i64, ty: Option<u16>) -> bool {
    (t == -1 || Some(t) == ty.map(i64::from)) && (c == -1 || c == 0)
}

/// Whether a security group rule's protocol and ports take `p` (§1.8; the peer aside):
/// `-1` all; TCP/UDP its port range (no range or -1: all ports; only a start: that port);
/// ICMP its type and code; another protocol number whatever the ports.
pub(super) fn rule_takes(r: &Rule, p: &Packet) -> bool {
    let proto = r.protocol.number();
    if !same_protocol(proto, p.proto) {
        return false;
    }
    match proto {
        Some(6 | 17) => {
            let (lo, hi) = match (r.from_port, r.to_port) {
                (None | Some(-1), _) => (0, 65535),
                (Some(f), t) => (i64::from(f), i64::from(t.unwrap_or(f))),
            };
            in_range(lo, hi, p.dport)
        }
        Some(1 | 58) => icmp_matches(
            r.from_port.map_or(-1, i64::from),
            r.to_port.map_or(-1, i64::from),
            p.dport,
        ),
        _ => true,
    }
}

/// Whether a network ACL entry matches `p` with `remote` the far end (§1.8: CIDR,
/// protocol, destination port range or ICMP type/code).
pub(super) fn entry_takes(e: &Entry, p: &Packet, remote: IpAddr) -> bool {
    let net = match e.cidr {
        EntryCidr::V4(n) => IpNet::V4(n),
        EntryCidr::V6(n) => IpNet::V6(n),
    };
    let proto = e.protocol.number();
    if !net.contains(&remote) || !same_protocol(proto, p.proto) {
        return false;
    }
    match proto {
        Some(6 | 17) => e
            .port_range
            .is_none_or(|(lo, hi)| in_range(i64::from(lo), i64::from(hi), p.dport)),
        Some(1 | 58) => e
            .icmp
            .is_none_or(|(t, c)| icmp_matches(i64::from(t), i64::from(c), p.dport)),
        _ => true,
    }
}

/// The route of `t` for `dst` (§1.7 "Route selection"): the longest prefix of the
/// address's family, a prefix-list route counting as one route per CIDR of the list; on an
/// identical prefix a static CIDR route beats a prefix-list route, which beats a
/// propagated one, and of two prefix lists the lower id wins (decisions.md). Two routes
/// with one destination cannot exist (`RouteAlreadyExists`); the first would win.
pub(super) fn best_route<'w>(
    t: &'w RouteTable,
    dst: IpAddr,
    pls: &dyn PrefixLists,
) -> Option<&'w Route> {
    let mut best: Option<(u8, u8, String, &Route)> = None;
    for r in &t.routes {
        let (nets, kind, list) = match &r.destination {
            Destination::V4(n) => (vec![IpNet::V4(*n)], static_or_propagated(r), String::new()),
            Destination::V6(n) => (vec![IpNet::V6(*n)], static_or_propagated(r), String::new()),
            Destination::PrefixList(id) => (pls.cidrs(id).unwrap_or_default(), 1, id.clone()),
        };
        for net in nets.iter().map(IpNet::trunc).filter(|n| n.contains(&dst)) {
            let better = match &best {
                None => true,
                Some((len, k, l, _)) => {
                    net.prefix_len() > *len || (net.prefix_len() == *len && (kind, &list) < (*k, l))
                }
            };
            if better {
                best = Some((net.prefix_len(), kind, list.clone(), r));
            }
        }
    }
    best.map(|(_, _, _, r)| r)
}

/// 0 for a static route, 2 for a propagated one (prefix lists are 1).
fn static_or_propagated(r: &Route) -> u8 {
    if r.origin == Origin::EnableVgwRoutePropagation {
        2
    } else {
        0
    }
}

/// Where a route's target takes a packet of VPC `vpc` (§1.7: `blackhole` when the target
/// is not usable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Via {
    Local,
    /// A peering connection to the peer VPC.
    Peering(String, String),
    InternetGateway(String),
    EgressOnly(String),
    Nat(String),
    /// A network interface (given directly or as an instance's primary interface).
    Interface(String),
    GatewayEndpoint(String),
    /// A gateway the reference (like AWS's analyzer for some) does not follow.
    Unsupported(String),
    Blackhole,
}

/// The usable target of route `r` in a table of `vpc`. Usability as §1.7 and §3.3 say:
/// a peering only while `active` and joining this VPC to an existing one; an internet or
/// egress-only gateway attached to this VPC; a NAT gateway that is `available` (and has an
/// address); an interface of this VPC, or a running instance's; a gateway endpoint that
/// exists, is of type Gateway and `available`. Virtual private, transit and Gateway Load
/// Balancer endpoint targets are not modelled.
pub(super) fn via(w: &World, vpc: &str, r: &Route, usable_eni: impl Fn(&str) -> bool) -> Via {
    let eni_here = |id: &str| match w.network_interfaces.get(id) {
        Some(e) if usable_eni(id) && e.vpc_id == vpc => Via::Interface(id.to_string()),
        _ => Via::Blackhole,
    };
    match &r.target {
        Target::Local => Via::Local,
        Target::VpcPeeringConnection(id) => {
            let Some(p) = w.peerings.get(id).filter(|p| p.status.is_active()) else {
                return Via::Blackhole;
            };
            let peer = if p.requester.vpc_id == vpc {
                &p.accepter.vpc_id
            } else if p.accepter.vpc_id == vpc {
                &p.requester.vpc_id
            } else {
                return Via::Blackhole;
            };
            match w.vpcs.get(peer) {
                Some(_) => Via::Peering(id.clone(), peer.clone()),
                None => Via::Blackhole,
            }
        }
        Target::Gateway(id) if id.starts_with("igw-") => match w.internet_gateways.get(id) {
            Some(g) if g.attachment.as_deref() == Some(vpc) => Via::InternetGateway(id.clone()),
            _ => Via::Blackhole,
        },
        Target::EgressOnlyInternetGateway(id) => match w.egress_only_gateways.get(id) {
            Some(g) if g.vpc_id == vpc => Via::EgressOnly(id.clone()),
            _ => Via::Blackhole,
        },
        Target::NatGateway(id) => match w.nat_gateways.get(id) {
            Some(n) if n.state == NatState::Available && nat_placed(w, &n.id) => {
                Via::Nat(id.clone())
            }
            _ => Via::Blackhole,
        },
        Target::NetworkInterface(id) => eni_here(id),
        Target::Instance(id) => match w.instances.get(id) {
            Some(i) if i.state == InstanceState::Running => eni_here(&i.network_interface_id),
            _ => Via::Blackhole,
        },
        Target::GatewayEndpoint(id) => match w.vpc_endpoints.get(id) {
            Some(e) if e.endpoint_type == EndpointType::Gateway && e.state == State::Available => {
                Via::GatewayEndpoint(id.clone())
            }
            _ => Via::Blackhole,
        },
        Target::Gateway(id) | Target::VpcEndpoint(id) | Target::TransitGateway(id) => {
            Via::Unsupported(id.clone())
        }
    }
}

/// Whether NAT gateway `id` has an address in an existing subnet of an existing VPC.
pub(super) fn nat_placed(w: &World, id: &str) -> bool {
    w.nat_gateways.get(id).is_some_and(|n| {
        n.private_ip.is_some()
            && w.vpcs.get(&n.vpc_id).is_some()
            && w.subnets
                .get(&n.subnet_id)
                .is_some_and(|s| w.vpcs.get(&s.vpc_id).is_some())
    })
}

/// Whether a rule of a group in `owner_vpc` referencing `group_id` is live (§1.8): the
/// group exists, in the same VPC or in a VPC joined by an active peering of the same
/// Region; otherwise the reference is stale and matches nothing.
pub(super) fn reference_live(w: &World, owner_vpc: &str, group_id: &str) -> Option<String> {
    let g = w.security_groups.get(group_id)?;
    w.vpcs.get(owner_vpc)?;
    w.vpcs.get(&g.vpc_id)?;
    let joined = |a: &str, b: &str| {
        w.peerings.values().any(|p| {
            p.status.is_active()
                && p.requester.region == p.accepter.region
                && ((p.requester.vpc_id == a && p.accepter.vpc_id == b)
                    || (p.requester.vpc_id == b && p.accepter.vpc_id == a))
        })
    };
    (g.vpc_id == owner_vpc || joined(owner_vpc, &g.vpc_id)).then(|| g.vpc_id.clone())
}

/// Whether a listener of `protocol` on `port` takes packet `p` (ELBv2: TCP and TLS take
/// TCP, UDP takes UDP, TCP_UDP both; on the listener's port).
pub(super) fn listener_takes(protocol: Option<&str>, port: Option<u16>, p: &Packet) -> bool {
    let takes = match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("TCP" | "TLS") => p.proto == 6,
        Some("UDP") => p.proto == 17,
        Some("TCP_UDP") => matches!(p.proto, 6 | 17),
        _ => false,
    };
    takes && p.dport.is_some() && port == p.dport
}

/// The protocol number and ports of a flow's first packet toward an address of family
/// `v4` (lib.rs `Flow`: TCP/UDP from the named or default source port; ICMP an echo
/// request unless a type is named; other protocols without ports). None for "all".
pub(super) fn first_packet_fields(
    protocol: Protocol,
    port: Option<u16>,
    source_port: Option<u16>,
    v4: bool,
) -> Option<(u8, Option<u16>, Option<u16>)> {
    let n = protocol.number()?;
    Some(match n {
        6 | 17 => (
            n,
            Some(source_port.unwrap_or(crate::DEFAULT_SOURCE_PORT)),
            port,
        ),
        1 | 58 if v4 => (1, None, Some(port.unwrap_or(8))),
        1 | 58 => (58, None, Some(port.unwrap_or(128))),
        _ => (n, None, None),
    })
}
