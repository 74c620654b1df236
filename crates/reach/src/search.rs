//! A Network Insights question beyond one flow: port ranges (a path is reachable when some
//! port of the ranges gets through), what the packet must look like when it arrives
//! (`FilterAtDestination`), and components the path must cross (`FilterInArns`) or avoid
//! (`FilterOutArns`).
//!
//! Ports matter only where a rule names them: security-group rules and ACL entries (the
//! destination port; ACL entries also the reply's, i.e. the source port) and load balancer
//! listeners. The search decides the lowest port of each range, then cuts the ranges at
//! every bound those components of the path name and decides one port of each piece, until
//! no new bound appears: each piece is decided once, and every port of a piece alike.

use std::net::IpAddr;
use std::sync::Arc;

use crate::explain::{Code, Detail, Direction, Explanation, Header, Hop, HopKind, Verdict, Why};
use crate::ports::Ports;
use crate::view::View;
use crate::{decide_with, Flow, Options, DEFAULT_SOURCE_PORT};

/// Decisions one search makes at most; past it, the pieces not yet decided are left out
/// (the ports reported are then those found so far).
pub const MAX_DECISIONS: usize = 1024;

/// The packet as it must arrive at the destination (`FilterAtDestination`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrival {
    pub source: Option<IpAddr>,
    pub destination: Option<IpAddr>,
    pub source_ports: Option<(u16, u16)>,
    pub destination_ports: Option<(u16, u16)>,
}

/// What to search beyond the flow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Destination ports to try (TCP, UDP); `None`: the flow's port.
    pub destination_ports: Option<(u16, u16)>,
    /// Source ports to try; `None`: the flow's source port.
    pub source_ports: Option<(u16, u16)>,
    pub arrival: Arrival,
    /// Component ids (ARNs for load balancers) of which the path must cross one.
    pub through: Vec<String>,
    /// Component ids the path must not cross.
    pub avoid: Vec<String>,
}

/// What a search found: the verdict on the lowest ports that get through (else on the
/// lowest ports), and every destination and source port that gets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub verdict: Verdict,
    pub destination_ports: Vec<(u16, u16)>,
    pub source_ports: Vec<(u16, u16)>,
}

/// Decides `flow` over the search's port ranges and checks the search's filters.
pub fn search(view: &View, flow: &Flow, opts: &Options, s: &Search) -> Found {
    let ported = flow.protocol.has_ports();
    let dst = s.destination_ports.filter(|_| ported);
    let src = s.source_ports.filter(|_| ported);
    let lowest = |r: Option<(u16, u16)>, or: Option<u16>| r.map(|r| r.0).or(or);
    let mut at = flow.clone();
    at.port = lowest(dst, flow.port);
    at.source_port = lowest(src, flow.source_port);
    let (mut ds, mut ss) = (
        Cuts::new(dst, at.port),
        Cuts::new(src, at.source_port.or(Some(DEFAULT_SOURCE_PORT))),
    );
    // Without a translation on the way, the arrival's ranges cut the ports too.
    let bound = |r: Option<(u16, u16)>| r.map(|(a, b)| vec![u32::from(a), u32::from(b) + 1]);
    ds.add(bound(s.arrival.destination_ports));
    ss.add(bound(s.arrival.source_ports));
    // Verdicts by the first ports of their pieces (a piece shrinks as cuts appear; its
    // first port stays, and stands for it).
    let mut decided: Vec<((u16, u16), Verdict, Option<Explanation>)> = Vec::new();
    loop {
        let mut fresh = false;
        for (d, _) in ds.pieces() {
            for (sp, _) in ss.pieces() {
                if decided.iter().any(|(k, ..)| *k == (d, sp)) {
                    continue;
                }
                if decided.len() == MAX_DECISIONS {
                    break;
                }
                let mut f = at.clone();
                if dst.is_some() {
                    f.port = Some(d);
                }
                if src.is_some() {
                    f.source_port = Some(sp);
                }
                let v = decide_with(view, &f, opts);
                fresh |= ds.add(dst.map(|_| bounds(view, &v, true)));
                fresh |= ss.add(src.map(|_| bounds(view, &v, false)));
                let miss = v.reachable.then(|| filtered(view, &v, s)).flatten();
                decided.push(((d, sp), v, miss));
            }
        }
        if !fresh || decided.len() == MAX_DECISIONS {
            break;
        }
    }
    let (mut dp, mut sp) = (Ports::default(), Ports::default());
    let mut pick = None;
    for d in ds.pieces() {
        for p in ss.pieces() {
            let Some(k) = decided.iter().position(|(k, ..)| *k == (d.0, p.0)) else {
                continue;
            };
            let (_, v, miss) = &decided[k];
            if !v.reachable || miss.is_some() {
                continue;
            }
            pick = pick.or(Some(k));
            if dst.is_some() || at.port.is_some() {
                dp = dp.union(&Ports::range(d.0, d.1));
            }
            if ported {
                sp = sp.union(&Ports::range(p.0, p.1));
            }
        }
    }
    let (_, mut verdict, miss) = decided.swap_remove(pick.unwrap_or(0));
    if let Some(x) = miss {
        verdict.reachable = false;
        verdict.explanations.push(x);
    }
    Found {
        verdict,
        destination_ports: dp.0,
        source_ports: sp.0,
    }
}

/// Starts of the pieces a port range is cut into (no range: one piece, the flow's own
/// port, or none named).
struct Cuts {
    range: Option<(u16, u16)>,
    own: Option<u16>,
    starts: Vec<u16>,
}

impl Cuts {
    fn new(range: Option<(u16, u16)>, own: Option<u16>) -> Self {
        Cuts {
            range,
            own,
            starts: range.map_or_else(Vec::new, |r| vec![r.0]),
        }
    }

    /// Adds bounds (first ports of a rule's range, ports past its end); whether a new piece
    /// appeared.
    fn add(&mut self, bounds: Option<Vec<u32>>) -> bool {
        let (Some((lo, hi)), Some(bounds)) = (self.range, bounds) else {
            return false;
        };
        let before = self.starts.len();
        for b in bounds {
            if b > u32::from(lo) && b <= u32::from(hi) && !self.starts.contains(&(b as u16)) {
                self.starts.push(b as u16);
            }
        }
        self.starts.sort_unstable();
        self.starts.len() != before
    }

    /// The pieces as (first, last); without a range, the flow's own port (`(0, 0)` when
    /// it names none).
    fn pieces(&self) -> Vec<(u16, u16)> {
        let Some((_, hi)) = self.range else {
            let p = self.own.unwrap_or(0);
            return vec![(p, p)];
        };
        self.starts
            .iter()
            .enumerate()
            .map(|(k, &a)| (a, self.starts.get(k + 1).map_or(hi, |n| n - 1)))
            .collect()
    }
}

/// The port bounds the port-dependent components of `v`'s path name: security-group rules
/// and load balancer listeners (destination ports only) and ACL entries.
fn bounds(view: &View, v: &Verdict, destination: bool) -> Vec<u32> {
    let mut out = Vec::new();
    let mut range = |a: u32, b: u32| {
        out.push(a);
        out.push(b + 1);
    };
    let named = v
        .forward
        .iter()
        .chain(&v.return_path)
        .map(|h| &h.component)
        .chain(v.explanations.iter().map(|e| &e.component));
    for id in named {
        if let Some(&a) = view.ix.acl.get(id) {
            let acl = &view.acls[a as usize];
            for e in acl.inbound.iter().chain(&acl.outbound) {
                if let Some((lo, hi)) = e.ports {
                    range(lo.into(), hi.into());
                }
            }
        }
        if !destination {
            continue;
        }
        let mut groups: Vec<u32> = Vec::new();
        if let Some(&g) = view.ix.sg.get(id) {
            groups.push(g);
        }
        if let Some(&e) = view.eni_ix.get(id) {
            groups.extend(&view.enis[e as usize].groups);
        }
        for g in groups {
            let sg = &view.sgs[g as usize];
            for r in sg.ingress.iter().chain(&sg.egress) {
                if matches!(r.protocol, Some(6 | 17)) && r.a >= 0 && r.b >= r.a {
                    range(r.a as u32, r.b.min(65535) as u32);
                }
            }
        }
        if let Some(lb) = view.privatelink.lbs.get(id) {
            for port in lb.listeners.iter().filter_map(|l| l.port) {
                range(port.into(), port.into());
            }
        }
    }
    out
}

/// The packet as it arrives at the destination: the last forward hop that receives it.
fn arriving(v: &Verdict) -> Option<&Header> {
    let last = v.forward.last()?;
    let receiving = v.forward.iter().rev().find(|h| {
        matches!(
            h.kind,
            HopKind::NetworkInterface | HopKind::InterfaceEndpoint
        )
    });
    Some(&receiving.unwrap_or(last).header)
}

/// Why a reachable verdict does not answer the search: a packet that arrives unlike
/// `FilterAtDestination` says, a path through an excluded component, or one through none of
/// the components it must cross.
fn filtered(view: &View, v: &Verdict, s: &Search) -> Option<Explanation> {
    let h = *arriving(v)?;
    let a = &s.arrival;
    let last = v
        .forward
        .last()
        .map_or_else(|| Arc::from("destination"), |h| h.component.clone());
    let miss = |code: Code, why: Why, address: Option<IpAddr>| {
        let detail = Detail {
            header: Some(h),
            address,
            ..Detail::default()
        };
        Explanation::new(code, last.clone(), Direction::Forward, why, detail)
    };
    let outside = |p: Option<u16>, r: Option<(u16, u16)>| match (p, r) {
        (Some(p), Some((lo, hi))) => p < lo || p > hi,
        _ => false,
    };
    if let Some(want) = a.source.filter(|w| *w != h.src) {
        let code = Code::FilterAtDestinationSourceAddress;
        return Some(miss(code, Why::ArrivalSource, Some(want)));
    }
    if let Some(want) = a.destination.filter(|w| *w != h.dst) {
        let code = Code::FilterAtDestinationDestinationAddress;
        return Some(miss(code, Why::ArrivalDestination, Some(want)));
    }
    if h.has_ports() && outside(h.dst_port, a.destination_ports) {
        let code = Code::FilterAtDestinationDestinationPortRange;
        return Some(miss(code, Why::ArrivalDestinationPort, None));
    }
    if h.has_ports() && outside(h.src_port, a.source_ports) {
        let code = Code::FilterAtDestinationSourcePortRange;
        return Some(miss(code, Why::ArrivalSourcePort, None));
    }
    let hops = || v.forward.iter().chain(&v.return_path);
    let named = |code: Code, id: &str, why: Why| {
        let detail = Detail {
            header: v.forward.first().map(|h| h.header),
            ..Detail::default()
        };
        Explanation::new(code, Arc::from(id), Direction::Forward, why, detail)
    };
    if let Some(id) = s
        .avoid
        .iter()
        .find(|id| hops().any(|h| crosses(view, h, id)))
    {
        return Some(named(Code::NoPath, id, Why::Excluded));
    }
    if !s.through.is_empty()
        && !s
            .through
            .iter()
            .any(|id| hops().any(|h| crosses(view, h, id)))
    {
        let why = Why::NotThrough;
        return Some(named(Code::ComponentFilterRestriction, &s.through[0], why));
    }
    None
}

/// Whether hop `h` is component `id`, or an interface in VPC or subnet `id`.
fn crosses(view: &View, h: &Hop, id: &str) -> bool {
    if &*h.component == id {
        return true;
    }
    let Some(&e) = view.eni_ix.get(&h.component) else {
        return false;
    };
    let e = &view.enis[e as usize];
    &*view.vpcs[e.vpc as usize].id == id || &*view.subnets[e.subnet as usize].id == id
}
