//! The exhaustive ingress-exposure sweep: which interfaces the internet reaches, on which
//! TCP and UDP ports and ICMP types — every one, as sets of ranges, not a sample.
//!
//! A flow from an internet host to an interface's public IPv4 (own or Elastic) or IPv6
//! address enters through the VPC's internet gateway, crosses the subnet's ACL inbound and
//! the interface's security groups, and the reply goes back by the subnet's route table
//! and ACL outbound (see [`crate::decide`]). Only two checks depend on the destination
//! port: the ACL's inbound entries (first match in rule order) and the groups' inbound
//! rules (any match). The sweep carries the port set through them symbolically — the ACL
//! as "allowed so far / not yet matched" sets, the groups as a union — and decides the
//! port-independent rest (gateway, public address, the whole return path, whose ACL
//! entries match the reply's destination port, i.e. the client's source port) once, with
//! [`crate::decide`] on one port of the set.
//!
//! The source address matters too (rules and routes name CIDRs): the address space is cut
//! at every boundary of the CIDRs of the subnet's ACL, the interface's groups and the
//! subnet's route table, and each piece is swept from one internet host in it (not a
//! private, special-purpose or the network's own public address). A return path that
//! crosses a further route table (a middlebox) is decided for that representative.
//!
//! A load balancer node answers only on its listeners' ports, each leading to its own
//! target group: those ports (within the ACL's) are decided one by one.
//!
//! ICMP (ICMPv6 toward IPv6 addresses) is swept over the types 0–255 with code 0 (what the
//! engine sends): the ACL and groups as for ports, but the reply depends on the type (an
//! echo request is answered by an echo reply, other types by the same type), so the types
//! are cut at the echo request and at every type the subnet's outbound ACL entries name, and
//! one type of each piece is decided.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::RangeInclusive;
use std::sync::Arc;

use ipnet::IpNet;

use crate::decide::is_internet_host;
use crate::explain::Hop;
use crate::ports::Ports;
use crate::privatelink::listener_takes;
use crate::view::{AclV, EniV, Ix, PeerV, View};
use crate::{decide, Endpoint, Flow, Protocol, DEFAULT_SOURCE_PORT};

/// Ports an internet host reaches on an interface's public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub eni: Arc<str>,
    /// The public IPv4 or IPv6 address reached.
    pub address: IpAddr,
    pub protocol: Protocol,
    /// Destination ports (ICMP: types), as sorted disjoint ranges.
    pub ports: Vec<RangeInclusive<u16>>,
    /// The internet sources this holds for (those in the range that are internet hosts).
    pub sources: RangeInclusive<IpAddr>,
    /// The host the range was swept from.
    pub source: IpAddr,
    /// The forward path on the first exposed port.
    pub path: Vec<Hop>,
}

/// Every interface reachable from the internet, with its ports; clients use
/// [`DEFAULT_SOURCE_PORT`].
pub fn exposure(view: &View) -> Vec<Exposure> {
    exposure_with(view, DEFAULT_SOURCE_PORT)
}

/// As [`exposure`], for clients sending from `source_port`.
pub fn exposure_with(view: &View, source_port: u16) -> Vec<Exposure> {
    sweep(view, source_port, false)
}

/// Interfaces from which the sweep runs on two threads (each half of the interfaces).
const PARALLEL_FROM: usize = 20_000;

/// The sweep, interface by interface in the view's order; with `keep_empty`, also the
/// (interface, address, protocol, source) cases that reach nothing.
pub(crate) fn sweep(view: &View, source_port: u16, keep_empty: bool) -> Vec<Exposure> {
    let part = |from: Ix, to: Ix| {
        let mut out = Vec::new();
        for i in from..to {
            sweep_eni(view, i, source_port, keep_empty, &mut out);
        }
        out
    };
    let n = view.enis.len() as Ix;
    if view.enis.len() < PARALLEL_FROM {
        return part(0, n);
    }
    std::thread::scope(|s| {
        let first = s.spawn(|| part(0, n / 2));
        let second = part(n / 2, n);
        let mut out = first.join().expect("a sweep thread panicked");
        out.extend(second);
        out
    })
}

fn sweep_eni(view: &View, i: Ix, sp: u16, keep_empty: bool, out: &mut Vec<Exposure>) {
    let e = &view.enis[i as usize];
    if view.vpcs[e.vpc as usize].igw.is_none() {
        return;
    }
    let targets = public_targets(view, i);
    for v4 in [true, false] {
        if !targets.iter().any(|t| t.is_ipv4() == v4) {
            continue;
        }
        for (lo, hi) in source_classes(view, e, v4) {
            let Some(src) = representative(view, lo, hi, v4) else {
                continue;
            };
            for &address in targets.iter().filter(|t| t.is_ipv4() == v4) {
                for protocol in [Protocol::TCP, Protocol::UDP, Protocol::ICMP] {
                    let case = Case {
                        view,
                        i,
                        src,
                        address,
                        protocol,
                        source_port: sp,
                    };
                    let (ports, path) = case.sweep();
                    if keep_empty || !ports.0.is_empty() {
                        out.push(Exposure {
                            eni: e.id.clone(),
                            address,
                            protocol,
                            ports: ports.ranges(),
                            sources: addr(lo, v4)..=addr(hi, v4),
                            source: src,
                            path,
                        });
                    }
                }
            }
        }
    }
}

/// The public IPv4 and IPv6 addresses through which the internet reaches interface `i`.
fn public_targets(view: &View, i: Ix) -> Vec<IpAddr> {
    let e = &view.enis[i as usize];
    let mut targets: Vec<IpAddr> = e
        .publics
        .iter()
        .filter(|(private, public)| view.by_public.get(public) == Some(&(i, *private)))
        .map(|(_, public)| IpAddr::V4(*public))
        .collect();
    targets.extend(
        e.v6.iter()
            .filter(|a| view.by_v6.get(a) == Some(&i))
            .map(|a| IpAddr::V6(*a)),
    );
    targets
}

/// One swept case: internet host `src` to `address` of interface `i` over `protocol`.
struct Case<'v> {
    view: &'v View,
    i: Ix,
    src: IpAddr,
    address: IpAddr,
    protocol: Protocol,
    source_port: u16,
}

impl Case<'_> {
    /// The IANA number on the wire (ICMP is ICMPv6 toward an IPv6 address).
    fn number(&self) -> u8 {
        match (self.protocol.number(), self.address.is_ipv4()) {
            (Some(1), false) => 58,
            (n, _) => n.unwrap_or(0),
        }
    }

    fn flow(&self, port: u16) -> Flow {
        Flow {
            source: self.src.to_string(),
            destination: Endpoint::Ip(self.address),
            protocol: self.protocol,
            port: Some(port),
            source_port: Some(self.source_port),
        }
    }

    /// The ports (ICMP types) that get through, and the forward path on the first.
    fn sweep(&self) -> (Ports, Vec<Hop>) {
        let view = self.view;
        let e = &view.enis[self.i as usize];
        let acl = view.subnets[e.subnet as usize]
            .acl
            .map(|a| &view.acls[a as usize]);
        let p = self.number();
        if self.protocol.is_icmp() {
            let forward = acl_in(acl, self.src, p)
                .intersect(&sg_in(view, e, self.src, p))
                .intersect(&Ports::range(0, 255));
            return self.decide_pieces(&forward, &icmp_cuts(acl, p));
        }
        match node_ports(view, self.i, p) {
            // A load balancer node: each listener port on its own (each leads to its own
            // target group).
            Some(listeners) => {
                let candidates = acl_in(acl, self.src, p).intersect(&listeners);
                let each: Vec<u32> = candidates
                    .0
                    .iter()
                    .flat_map(|&(a, b)| u32::from(a)..=u32::from(b) + 1)
                    .collect();
                self.decide_pieces(&candidates, &each)
            }
            // The reply's ports are the client's: one decision stands for every port.
            None => {
                let forward = acl_in(acl, self.src, p).intersect(&sg_in(view, e, self.src, p));
                let Some(port) = forward.first() else {
                    return (Ports::default(), Vec::new());
                };
                let v = decide(view, &self.flow(port));
                if v.reachable {
                    (forward, v.forward)
                } else {
                    (Ports::default(), Vec::new())
                }
            }
        }
    }

    /// Decides one port of each piece of `ports` cut at `cuts` (the rest of the path is the
    /// same for every port of a piece); the pieces that get through, and the forward path
    /// of the first.
    fn decide_pieces(&self, ports: &Ports, cuts: &[u32]) -> (Ports, Vec<Hop>) {
        let (mut got, mut path) = (Ports::default(), Vec::new());
        for &(a, b) in &ports.0 {
            let mut starts: Vec<u32> = cuts
                .iter()
                .copied()
                .filter(|&c| c > u32::from(a) && c <= u32::from(b))
                .collect();
            starts.push(a.into());
            starts.sort_unstable();
            starts.dedup();
            for (k, &lo) in starts.iter().enumerate() {
                let hi = starts.get(k + 1).map_or(u32::from(b), |n| n - 1);
                let v = decide(self.view, &self.flow(lo as u16));
                if v.reachable {
                    got = got.union(&Ports::range(lo as u16, hi as u16));
                    if path.is_empty() {
                        path = v.forward;
                    }
                }
            }
        }
        (got, path)
    }
}

/// Where the ICMP types toward an interface are cut for the reply: the echo request (its
/// reply is another type) and every type the subnet's outbound ACL entries name.
fn icmp_cuts(acl: Option<&AclV>, protocol: u8) -> Vec<u32> {
    let echo = if protocol == 1 { 8 } else { 128 };
    let mut cuts = vec![echo, echo + 1];
    for e in acl.iter().flat_map(|a| &a.outbound) {
        if let (Some(p), Some((t, _))) = (e.protocol, e.icmp) {
            if p == protocol && t >= 0 {
                cuts.extend([t as u32, t as u32 + 1]);
            }
        }
    }
    cuts
}

/// When interface `i` is a load balancer node: the ports its listeners take for IANA
/// protocol `p` (a client reaches nothing else there).
fn node_ports(view: &View, i: Ix, p: u8) -> Option<Ports> {
    let pl = &view.privatelink;
    let (arn, _) = pl.nodes.get(&i)?;
    let lb = pl.lbs.get(arn)?;
    let mut ports = Ports::default();
    for l in &lb.listeners {
        if let Some(port) = l.port {
            if listener_takes(l.protocol.as_deref(), l.port, p, Some(port)) {
                ports = ports.union(&Ports::range(port, port));
            }
        }
    }
    Some(ports)
}

/// The pieces of one family's address space (as u128, IPv4 in the low 32 bits) cut at the
/// boundaries of every CIDR the interface's inbound groups, its subnet's ACL and route
/// table name.
fn source_classes(view: &View, e: &EniV, v4: bool) -> Vec<(u128, u128)> {
    let max: u128 = if v4 { u32::MAX.into() } else { u128::MAX };
    let mut nets: Vec<(u128, u128)> = Vec::new();
    let mut net = |n: &IpNet| match n {
        IpNet::V4(n) if v4 => nets.push((
            u32::from(n.network()).into(),
            u32::from(n.broadcast()).into(),
        )),
        IpNet::V6(n) if !v4 => nets.push((u128::from(n.network()), u128::from(n.broadcast()))),
        _ => {}
    };
    let subnet = &view.subnets[e.subnet as usize];
    if let Some(a) = subnet.acl {
        let acl = &view.acls[a as usize];
        acl.inbound
            .iter()
            .chain(&acl.outbound)
            .for_each(|x| net(&x.net));
    }
    for &g in &e.groups {
        for r in &view.sgs[g as usize].ingress {
            match &r.peer {
                PeerV::Net(n) => net(n),
                PeerV::Nets(ns) => ns.iter().for_each(&mut net),
                PeerV::Group { .. } | PeerV::Stale => {}
            }
        }
    }
    if let Some(t) = subnet.rtb {
        view.tables[t as usize].bounds(v4, &mut nets);
    }
    let mut cuts: Vec<u128> = vec![0];
    for (lo, hi) in nets {
        cuts.push(lo);
        if hi < max {
            cuts.push(hi + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.iter()
        .enumerate()
        .map(|(k, &lo)| (lo, cuts.get(k + 1).map_or(max, |n| n - 1)))
        .collect()
}

fn addr(x: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(x as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(x))
    }
}

/// Special-purpose ranges no internet host sends from, as (first, last).
fn special(v4: bool) -> &'static [(u128, u128)] {
    const V4: &[(u128, u128)] = &[
        (0x0000_0000, 0x00ff_ffff), // 0/8
        (0x0a00_0000, 0x0aff_ffff), // 10/8
        (0x6440_0000, 0x647f_ffff), // 100.64/10
        (0x7f00_0000, 0x7fff_ffff), // 127/8
        (0xa9fe_0000, 0xa9fe_ffff), // 169.254/16
        (0xac10_0000, 0xac1f_ffff), // 172.16/12
        (0xc0a8_0000, 0xc0a8_ffff), // 192.168/16
        (0xe000_0000, 0xffff_ffff), // 224/3
    ];
    const V6: &[(u128, u128)] = &[
        (0, (1 << 120) - 1),                  // ::/8
        (0xfc00 << 112, (0xfe00 << 112) - 1), // fc00::/7
        (0xfe80 << 112, (0xfec0 << 112) - 1), // fe80::/10
        (0xff00 << 112, u128::MAX),           // ff00::/8
    ];
    if v4 {
        V4
    } else {
        V6
    }
}

/// The first internet host in `lo..=hi`.
fn representative(view: &View, lo: u128, hi: u128, v4: bool) -> Option<IpAddr> {
    let mut c = lo;
    'next: while c <= hi {
        for &(a, b) in special(v4) {
            if a <= c && c <= b {
                c = b.checked_add(1)?;
                continue 'next;
            }
        }
        let a = addr(c, v4);
        if is_internet_host(view, a) {
            return Some(a);
        }
        c = c.checked_add(1)?;
    }
    None
}

/// Ports the subnet's ACL admits inbound from `src`: entries in rule order, the first match
/// deciding.
fn acl_in(acl: Option<&AclV>, src: IpAddr, protocol: u8) -> Ports {
    let Some(acl) = acl else {
        return Ports::all();
    };
    let (mut allowed, mut open) = (Ports::default(), Ports::all());
    for e in acl.inbound.iter().filter(|e| e.net.contains(&src)) {
        let hit = match e.protocol {
            None => Ports::all(),
            Some(p) if p != protocol => continue,
            Some(1 | 58) => icmp_types(e.icmp.unwrap_or((-1, -1))),
            Some(_) => match e.ports {
                Some((lo, hi)) => Ports::range(lo, hi),
                None => Ports::all(),
            },
        };
        if e.allow {
            allowed = allowed.union(&open.intersect(&hit));
        }
        open = open.minus(&hit);
    }
    allowed
}

/// The ICMP types (code 0, what the engine sends) a rule or entry of (type, code) matches:
/// every type for type -1; none unless the code is -1 or 0.
fn icmp_types((t, c): (i32, i32)) -> Ports {
    match (t, c) {
        (_, c) if c != -1 && c != 0 => Ports::default(),
        (-1, _) => Ports::range(0, 255),
        (t, _) if (0..=255).contains(&t) => Ports::range(t as u16, t as u16),
        _ => Ports::default(),
    }
}

/// Ports some inbound rule of the interface's groups admits from `src` (group references
/// never match a host on the internet).
fn sg_in(view: &View, e: &EniV, src: IpAddr, protocol: u8) -> Ports {
    let mut ports = Ports::default();
    for &g in &e.groups {
        for r in &view.sgs[g as usize].ingress {
            let from = match &r.peer {
                PeerV::Net(n) => n.contains(&src),
                PeerV::Nets(ns) => ns.iter().any(|n| n.contains(&src)),
                PeerV::Group { .. } | PeerV::Stale => false,
            };
            let hit = match r.protocol {
                _ if !from => continue,
                None => Ports::all(),
                Some(p) if p != protocol => continue,
                Some(1 | 58) => icmp_types((r.a, r.b)),
                Some(_) => {
                    let (a, b) = (r.a.max(0), r.b.min(65535));
                    if a > b {
                        continue;
                    }
                    Ports::range(a as u16, b as u16)
                }
            };
            ports = ports.union(&hit);
        }
    }
    ports
}
