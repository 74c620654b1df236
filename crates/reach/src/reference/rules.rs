//! The reference evaluator's rules, each written from the spec's wording (cited) over the
//! world's own types: the packet and its answer, what a security group rule and a network
//! ACL entry take, which route a table picks, whether a group reference is live, which
//! listener takes a packet, a load balancer's cross-zone and client-IP settings, and where
//! a VPN gateway leads. Nothing here comes from the engine (`crate::decide`,
//! `crate::privatelink`, `crate::view`) or from the core's helpers that the engine uses.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};
use openvpc_core::elb::{LoadBalancer, TargetGroup};
use openvpc_core::nacl::{Entry, EntryCidr};
use openvpc_core::route::{Destination, Origin, Route, RouteTable, Target};
use openvpc_core::sg::Rule;
use openvpc_core::vpn::State as VpnState;
use openvpc_core::World;

use crate::{Flow, PrefixLists};

/// Route lookups on one path before it counts as a routing loop (decisions.md: a path
/// that has not ended after 16 route lookups is reported as `CANNOT_ROUTE`).
pub(super) const LOOP_LIMIT: usize = 16;

/// A packet: addresses, IANA protocol, ports (for ICMP `dst_port` is the type, code 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
}

impl Packet {
    /// The answer (§1.8, groups are stateful): ends and ports swapped; an echo request
    /// (ICMP 8, ICMPv6 128) is answered by an echo reply (0, 129), other ICMP types by the
    /// same type; other protocols carry no ports.
    pub fn answer(&self) -> Packet {
        let (src_port, dst_port) = match (self.protocol, self.dst_port) {
            (6 | 17, _) => (self.dst_port, self.src_port),
            (1, Some(8)) => (None, Some(0)),
            (58, Some(128)) => (None, Some(129)),
            (1 | 58, t) => (None, t),
            _ => (None, None),
        };
        Packet {
            src: self.dst,
            dst: self.src,
            protocol: self.protocol,
            src_port,
            dst_port,
        }
    }

    /// Whether this is an ICMP or ICMPv6 echo request (a ping).
    pub fn is_ping(&self) -> bool {
        matches!(
            (self.protocol, self.dst_port),
            (1, Some(8)) | (58, Some(128))
        )
    }
}

/// The first packet of `flow` from `src` to `dst` (the `Flow` contract in lib.rs): TCP and
/// UDP from the named source port (else the documented default) to the named port; ICMP
/// becomes ICMPv6 toward an IPv6 address and is an echo request unless a type is named;
/// any other protocol number carries no ports. None for "all protocols" (no one packet).
pub(super) fn first_packet(flow: &Flow, src: IpAddr, dst: IpAddr) -> Option<Packet> {
    let n = flow.protocol.number()?;
    let v4 = dst.is_ipv4();
    let (protocol, src_port, dst_port) = match n {
        6 | 17 => (
            n,
            Some(flow.source_port.unwrap_or(crate::DEFAULT_SOURCE_PORT)),
            flow.port,
        ),
        1 | 58 if v4 => (1, None, Some(flow.port.unwrap_or(8))),
        1 | 58 => (58, None, Some(flow.port.unwrap_or(128))),
        _ => (n, None, None),
    };
    Some(Packet {
        src,
        dst,
        protocol,
        src_port,
        dst_port,
    })
}

/// A TCP/UDP port range against the packet's destination port; a packet without one (a
/// flow naming no port) only falls in a range covering every port.
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
    if proto.is_some_and(|n| n != p.protocol) {
        return false;
    }
    match proto {
        Some(6 | 17) => {
            let (lo, hi) = match (r.from_port, r.to_port) {
                (None | Some(-1), _) => (0, 65535),
                (Some(f), t) => (i64::from(f), i64::from(t.unwrap_or(f))),
            };
            in_range(lo, hi, p.dst_port)
        }
        Some(1 | 58) => icmp_matches(
            r.from_port.map_or(-1, i64::from),
            r.to_port.map_or(-1, i64::from),
            p.dst_port,
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
    if !net.contains(&remote) || proto.is_some_and(|n| n != p.protocol) {
        return false;
    }
    match proto {
        Some(6 | 17) => e
            .port_range
            .is_none_or(|(lo, hi)| in_range(i64::from(lo), i64::from(hi), p.dst_port)),
        Some(1 | 58) => e
            .icmp
            .is_none_or(|(t, c)| icmp_matches(i64::from(t), i64::from(c), p.dst_port)),
        _ => true,
    }
}

/// The destinations of route `r`: its CIDR, or each CIDR of its prefix list (§1.7 rule 3),
/// truncated to their prefix.
pub(super) fn route_nets(r: &Route, pls: &dyn PrefixLists) -> Vec<IpNet> {
    let nets = match &r.destination {
        Destination::V4(n) => vec![IpNet::V4(*n)],
        Destination::V6(n) => vec![IpNet::V6(*n)],
        Destination::PrefixList(id) => pls.cidrs(id).unwrap_or_default(),
    };
    nets.iter().map(IpNet::trunc).collect()
}

/// A route's rank on an identical prefix (§1.7 rule 4, §13.3 rules 3–4): a static CIDR
/// route (0) beats a prefix-list route (1), which beats a propagated one (2); of two
/// prefix lists the lower id wins (decisions.md's deterministic tie-break).
fn tie_rank(r: &Route) -> (u8, &str) {
    match &r.destination {
        Destination::PrefixList(id) => (1, id.as_str()),
        _ if r.origin == Origin::EnableVgwRoutePropagation => (2, ""),
        _ => (0, ""),
    }
}

/// The route of `t` for `dst` (§1.7 "Route selection"): the longest prefix that contains
/// it (rule 2), ties broken by [`tie_rank`]; a propagated route never beats the local
/// route, even when more specific (§13.3 rule 2). Two routes with one destination and
/// rank cannot exist (`RouteAlreadyExists`).
pub(super) fn best_route<'w>(
    t: &'w RouteTable,
    dst: IpAddr,
    pls: &dyn PrefixLists,
) -> Option<&'w Route> {
    let local_holds = t
        .routes
        .iter()
        .any(|r| r.target == Target::Local && route_nets(r, pls).iter().any(|n| n.contains(&dst)));
    let mut best: Option<(u8, &Route)> = None;
    let candidates = t
        .routes
        .iter()
        .filter(|r| !(local_holds && r.origin == Origin::EnableVgwRoutePropagation));
    for r in candidates {
        for net in route_nets(r, pls).into_iter().filter(|n| n.contains(&dst)) {
            let better = best.is_none_or(|(len, b)| {
                net.prefix_len() > len || (net.prefix_len() == len && tie_rank(r) < tie_rank(b))
            });
            if better {
                best = Some((net.prefix_len(), r));
            }
        }
    }
    best.map(|(_, r)| r)
}

/// The route of `t` that wins for exactly prefix `net` (the tie-break of [`best_route`]).
pub(super) fn route_for_prefix<'w>(
    t: &'w RouteTable,
    net: IpNet,
    pls: &dyn PrefixLists,
) -> Option<&'w Route> {
    t.routes
        .iter()
        .filter(|r| route_nets(r, pls).contains(&net))
        .min_by(|a, b| tie_rank(a).cmp(&tie_rank(b)))
}

/// Whether a rule of a group in VPC `owner_vpc` referencing `group_id` is live (§1.8): the
/// group exists, in the same VPC or in a VPC joined to it by an active peering of one
/// Region; otherwise the reference is stale and matches nothing. Returns the referenced
/// group's VPC.
pub(super) fn live_reference<'w>(w: &'w World, owner_vpc: &str, group_id: &str) -> Option<&'w str> {
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
    (g.vpc_id == owner_vpc || joined(owner_vpc, &g.vpc_id)).then_some(g.vpc_id.as_str())
}

/// Whether a listener of `protocol` on `port` takes packet `p` (§17.2
/// `ELBV2_LISTENERS_MISMATCH`; ELBv2: TCP and TLS take TCP, UDP takes UDP, TCP_UDP both, on
/// the listener's port).
pub(super) fn listener_takes(protocol: Option<&str>, port: Option<u16>, p: &Packet) -> bool {
    let takes = match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("TCP" | "TLS") => p.protocol == 6,
        Some("UDP") => p.protocol == 17,
        Some("TCP_UDP") => matches!(p.protocol, 6 | 17),
        _ => false,
    };
    takes && p.dst_port.is_some() && port == p.dst_port
}

/// Whether target group `tg` behind `lb` spreads across zones (§14.5): the group's own
/// `load_balancing.cross_zone.enabled` (`true`/`false`) wins; else the load balancer's,
/// off by default for network load balancers (§14.2).
pub(super) fn cross_zone(lb: &LoadBalancer, tg: &TargetGroup) -> bool {
    let key = "load_balancing.cross_zone.enabled";
    match tg.attributes.get(key).map(String::as_str) {
        Some("true") => true,
        Some("false") => false,
        _ => lb.attributes.get(key).is_some_and(|v| v == "true"),
    }
}

/// Whether targets of `tg` see the client's address (§14.3 `preserve_client_ip.enabled`):
/// as set; by default off for IP targets behind a TCP or TLS group, on otherwise.
pub(super) fn preserves_client_ip(tg: &TargetGroup) -> bool {
    match tg
        .attributes
        .get("preserve_client_ip.enabled")
        .map(String::as_str)
    {
        Some("true") => true,
        Some("false") => false,
        _ => !(tg.target_type == "ip" && matches!(tg.protocol.as_str(), "TCP" | "TLS")),
    }
}

/// The customer-side ranges virtual private gateway `vgw` leads to (§13.3, §13.4): the
/// static routes of its VPN connections that are `available` (no BGP runs).
pub(super) fn customer_ranges(w: &World, vgw: &str) -> Vec<Ipv4Net> {
    w.vpn_connections
        .values()
        .filter(|c| c.vpn_gateway_id == vgw && c.state == VpnState::Available)
        .flat_map(|c| c.routes.iter().map(|r| r.destination))
        .collect()
}

/// Whether route target `t` is a virtual private gateway (a `vgw-` id, §1.7 `GatewayId`).
pub(super) fn is_vgw(t: &Target) -> bool {
    matches!(t, Target::Gateway(id) if id.starts_with("vgw-"))
}
