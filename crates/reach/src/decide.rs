//! Deciding one flow over a compiled [`View`] (§5.2 order, every blocker named).
//!
//! The path is walked leg by leg from a sender (an interface or a NAT gateway): same-subnet
//! delivery is L2 (no ACL, no route); otherwise the sender subnet's table is looked up and
//! the target dispatched. Security groups are checked on the forward path only (stateful);
//! ACLs in both directions at every subnet boundary. Settings that drop the packet but leave
//! the path intact (security groups, ACLs, source/destination check, endpoint restrictions)
//! are recorded and the walk goes on as if they had passed; a path that cannot continue
//! (no route, blackhole, no such destination) ends the walk. The return path is walked the
//! same way from the responder, routed by its own tables alone (no uRPF), and must arrive
//! back at the source interface.
//!
//! This file holds the decision's entry points, its terms (senders, ends, legs) and the
//! flow's resolution; `walk` walks a path leg by leg, `targets` follows one route target,
//! `firewall` checks security groups and ACLs, `record` notes hops and blockers, `internet`
//! starts a flow from the internet; `edge`, `transit`, `privatelink`, `load_balancer` and
//! `gateway_load_balancer` handle those kinds of hop.

// A refusal (why a flow cannot start) carries its typed fields; it happens once per
// decision at most, so it is not boxed.
#![allow(clippy::result_large_err)]

use std::net::IpAddr;
use std::sync::Arc;

use crate::explain::{
    Code, Detail, Direction, End as FlowEnd, Explanation, Header, Hop, HopKind, RouteRef, Verdict,
    Why,
};
use crate::view::{EniV, Ix, View};
use crate::{Endpoint, Flow, Options, Protocol, DEFAULT_SOURCE_PORT};

mod edge;
mod firewall;
mod gateway_load_balancer;
mod internet;
mod load_balancer;
mod privatelink;
mod record;
mod targets;
mod transit;
mod walk;
/// Route lookups allowed on one path before it counts as a loop.
pub(crate) const MAX_LEGS: usize = 16;

#[derive(Debug, Clone, Copy)]
enum Sender {
    Eni(Ix),
    Nat(Ix),
}

#[derive(Debug, Clone, Copy)]
enum Owner {
    Eni(Ix),
    Nat(Ix),
}

#[derive(Debug, Clone)]
enum End {
    Eni(Ix),
    /// The path's end is a peering connection or virtual private gateway ([`Options::to`]),
    /// left from `vpc`; or, on the return path, the one the flow came in by.
    Edge {
        vpc: Ix,
        id: Arc<str>,
    },
    Internet,
    Service {
        vpc: Ix,
        endpoint: Arc<str>,
    },
    /// The customer's side of a VPN connection of virtual private gateway `vgw` of `vpc`.
    OnPremises {
        vpc: Ix,
        vgw: Arc<str>,
    },
    /// The customer's side of VPN `connection`, reached through transit-gateway VPN
    /// `attachment`.
    Vpn {
        attachment: Arc<str>,
        connection: Arc<str>,
    },
}

#[derive(Debug, Clone)]
enum Start {
    At(Sender),
    Internet,
    Service {
        vpc: Ix,
        endpoint: Arc<str>,
    },
    OnPremises {
        vpc: Ix,
        vgw: Arc<str>,
    },
    /// From the customer's side of a VPN connection into transit-gateway VPN `attachment`.
    Vpn {
        attachment: Arc<str>,
    },
    /// In through peering connection `id` (or virtual private gateway) into `vpc`.
    Edge {
        vpc: Ix,
        id: Arc<str>,
        kind: HopKind,
    },
}

enum Step {
    End(End),
    At(Sender),
}

/// Where a leg's route was found: the sender, its VPC and subnet, the table.
struct Leg<'a> {
    at: Sender,
    vpc: Ix,
    subnet: Ix,
    table: &'a Arc<str>,
}

/// The header of a flow's first packet, or why there is none ([`Why::SourceNoAddress`],
/// [`Why::AllProtocols`]).
pub(crate) fn first_header(
    flow: &Flow,
    src: impl Fn(bool) -> Option<IpAddr>,
    dst: IpAddr,
) -> Result<Header, Why> {
    let v4 = dst.is_ipv4();
    let src = src(v4).ok_or(Why::SourceNoAddress)?;
    let (protocol, src_port, dst_port) = match flow.protocol {
        Protocol::All => return Err(Why::AllProtocols),
        p if p.has_ports() => (
            p.number().expect("one protocol"),
            Some(flow.source_port.unwrap_or(DEFAULT_SOURCE_PORT)),
            flow.port,
        ),
        p if p.is_icmp() => (
            if v4 { 1 } else { 58 },
            None,
            Some(flow.port.unwrap_or(if v4 { 8 } else { 128 })),
        ),
        Protocol::Number(n) => (n, None, None),
    };
    Ok(Header {
        src,
        dst,
        protocol,
        src_port,
        dst_port,
    })
}

/// The address a flow to an interface goes to: one of the family the source has (IPv4
/// first), else the interface's first address (the source then has no address to send it
/// from: an IPv6-only source cannot reach an IPv4-only interface).
pub(crate) fn destination_address(
    (src_v4, src_v6): (bool, bool),
    v4: Option<std::net::Ipv4Addr>,
    v6: Option<std::net::Ipv6Addr>,
) -> Option<IpAddr> {
    let v4 = v4.map(IpAddr::V4);
    let v6 = v6.map(IpAddr::V6);
    v4.filter(|_| src_v4)
        .or(v6.filter(|_| src_v6))
        .or(v4)
        .or(v6)
}

struct Decider<'v> {
    v: &'v View,
    opts: &'v Options,
    dir: Direction,
    hops: Vec<Hop>,
    exps: Vec<Explanation>,
    /// NAT translations on the forward path: (gateway, original source), innermost last.
    nats: Vec<(Ix, IpAddr)>,
    /// The VPC the forward path left to the internet from (replies may come back in).
    egressed: Option<Ix>,
    /// The last route taken: its table's index in the view, and the route.
    last: Option<(Ix, RouteRef)>,
}

impl<'v> Decider<'v> {
    fn new(v: &'v View, opts: &'v Options) -> Self {
        Decider {
            v,
            opts,
            dir: Direction::Forward,
            hops: Vec::with_capacity(16),
            exps: Vec::new(),
            nats: Vec::new(),
            egressed: None,
            last: None,
        }
    }

    fn verdict(self, forward: Vec<Hop>) -> Verdict {
        Verdict {
            reachable: self.exps.is_empty(),
            forward,
            return_path: self.hops,
            explanations: self.exps,
        }
    }
}

/// Why a flow cannot start: the code, the component, the situation and its fields.
pub(crate) type Refusal = (Code, Arc<str>, Why, Detail);

/// A flow end that does not exist.
fn gone(end: FlowEnd, id: &str) -> Refusal {
    let id: Arc<str> = Arc::from(id);
    let detail = Detail {
        missing: Some(id.clone()),
        ..Detail::default()
    };
    (Code::NoSourceOrDestination, id, Why::Missing(end), detail)
}

/// The source interface, the wanted destination interface (if the flow names one) and the
/// first packet; or the component that is missing (or unusable), and why.
fn resolve(view: &View, flow: &Flow, opts: &Options) -> Result<(Ix, Option<Ix>, Header), Refusal> {
    let s = view
        .endpoint(&flow.source)
        .ok_or_else(|| gone(FlowEnd::Source, &flow.source))?;
    let (dst, want) = destination(view, Some(s), flow, opts)?;
    let se = &view.enis[s as usize];
    let src = source_address(se, opts.source_ip)?;
    let first = |v4: bool| match src {
        Some(a) => (a.is_ipv4() == v4).then_some(a),
        None if v4 => se.v4.first().map(|a| IpAddr::V4(*a)),
        None => se.v6.first().map(|a| IpAddr::V6(*a)),
    };
    let h = first_header(flow, first, dst).map_err(|why| {
        let detail = Detail {
            network_interface: Some(se.id.clone()),
            address: Some(dst),
            ..Detail::default()
        };
        (Code::NoSourceOrDestination, se.id.clone(), why, detail)
    })?;
    Ok((s, want, h))
}

/// The address source interface `se` sends from when the path names `wanted`: one it
/// holds (a public address stands for its private one); another only with its
/// source/destination check off.
fn source_address(se: &EniV, wanted: Option<IpAddr>) -> Result<Option<IpAddr>, Refusal> {
    let Some(a) = wanted else {
        return Ok(None);
    };
    if se.has(a) {
        return Ok(Some(a));
    }
    if let Some((private, _)) = se.publics.iter().find(|(_, p)| IpAddr::V4(*p) == a) {
        return Ok(Some(IpAddr::V4(*private)));
    }
    if !se.source_dest_check {
        return Ok(Some(a));
    }
    let detail = Detail {
        network_interface: Some(se.id.clone()),
        address: Some(a),
        ..Detail::default()
    };
    Err((
        Code::EniSourceDestCheckRestriction,
        se.id.clone(),
        Why::SourceAddressNotHeld,
        detail,
    ))
}

/// The destination address and interface of a flow from interface `s` (if any): the
/// path's destination address when the interface holds it, else its first address.
fn destination(
    view: &View,
    s: Option<Ix>,
    flow: &Flow,
    opts: &Options,
) -> Result<(IpAddr, Option<Ix>), Refusal> {
    let e = match &flow.destination {
        Endpoint::Ip(a) => return Ok((*a, None)),
        Endpoint::Vpce(id) => privatelink::vpce_destination(view, s, id, opts.destination_ip)?,
        Endpoint::Eni(id) | Endpoint::Instance(id) => view
            .endpoint(id)
            .ok_or_else(|| gone(FlowEnd::Destination, id))?,
    };
    let d = &view.enis[e as usize];
    let detail = |address: Option<IpAddr>| Detail {
        network_interface: Some(d.id.clone()),
        address,
        ..Detail::default()
    };
    if let Some(a) = opts.destination_ip {
        if !d.has(a) {
            let why = Why::DestinationAddressNotHeld;
            return Err((
                Code::EniAddressRestriction,
                d.id.clone(),
                why,
                detail(Some(a)),
            ));
        }
        return Ok((a, Some(e)));
    }
    // The families the source can send from: its chosen address's, else those it holds.
    let families = match (opts.source_ip, s) {
        (Some(a), _) => (a.is_ipv4(), a.is_ipv6()),
        (None, Some(s)) => {
            let se = &view.enis[s as usize];
            (!se.v4.is_empty(), !se.v6.is_empty())
        }
        (None, None) => (true, true),
    };
    let a = destination_address(families, d.v4.first().copied(), d.v6.first().copied())
        .ok_or_else(|| {
            let why = Why::NoAddress;
            (Code::NoSourceOrDestination, d.id.clone(), why, detail(None))
        })?;
    Ok((a, Some(e)))
}

/// Whether `a` can be an internet host's address: not private IPv4, and held by no interface
/// as a public or IPv6 address.
pub(crate) fn is_internet_host(view: &View, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => !a.is_private() && !view.by_public.contains_key(&a),
        IpAddr::V6(a) => view.holder_v6(a).is_none(),
    }
}

/// Decides whether `flow` gets through in `view`, and explains why not.
pub fn decide(view: &View, flow: &Flow) -> Verdict {
    decide_with(view, flow, &Options::default())
}

/// As [`decide`], with the addresses and ends a Network Insights path names.
pub fn decide_with(view: &View, flow: &Flow, opts: &Options) -> Verdict {
    if let Some(edge) = &opts.from {
        return edge::from_edge(view, flow, edge, opts);
    }
    if let Ok(src) = flow.source.parse::<IpAddr>() {
        return internet::from_internet(view, flow, src, opts);
    }
    let mut d = Decider::new(view, opts);
    let done = |d: Decider, forward: Vec<Hop>| d.verdict(forward);
    let (s, want, h) = match resolve(view, flow, opts) {
        Ok(x) => x,
        Err((code, component, why, detail)) => {
            d.blocker(code, &component, why, detail);
            return done(d, Vec::new());
        }
    };
    let se = &view.enis[s as usize];
    let sent = h;
    d.hop(&se.id, HopKind::NetworkInterface, &h);
    if d.endpoint_as_source(s, &h) {
        return done(d, Vec::new());
    }
    d.sg(s, true, &h, true);
    let mut end = d.walk(Start::At(Sender::Eni(s)), h, want);
    if let Some(to) = &opts.to {
        end = d.left_by(to, end);
    }
    // An interface endpoint reached: on to its service (PrivateLink) and back.
    let mut provider_return = Vec::new();
    if let Some((End::Eni(y), h)) = &end {
        let beyond = if d.is_node(*y) {
            d.through_node(*y, h)
        } else {
            d.through_endpoint(*y, h)
        };
        match beyond {
            Some(hops) => provider_return = hops,
            None => end = None,
        }
    }
    let forward = std::mem::take(&mut d.hops);
    if let Some((end, h)) = end {
        d.dir = Direction::Return;
        d.last = None;
        d.hops = provider_return;
        let reply = h.reply();
        let start = match end {
            End::Eni(y) => {
                d.hop(&view.enis[y as usize].id, HopKind::NetworkInterface, &reply);
                Start::At(Sender::Eni(y))
            }
            End::Internet => Start::Internet,
            End::Service { vpc, endpoint } => Start::Service { vpc, endpoint },
            End::OnPremises { vpc, vgw } => Start::OnPremises { vpc, vgw },
            End::Vpn { attachment, .. } => Start::Vpn { attachment },
            End::Edge { vpc, id } => Start::Edge {
                vpc,
                id,
                kind: HopKind::PeeringConnection,
            },
        };
        if let Some((_, r)) = d.walk(start, reply, Some(s)) {
            d.reply_source(&view.enis[s as usize].id, &r, &sent);
        }
    }
    done(d, forward)
}

impl Decider<'_> {
    fn at(&self, s: Sender) -> (Ix, Ix) {
        match s {
            Sender::Eni(e) => (self.v.enis[e as usize].vpc, self.v.enis[e as usize].subnet),
            Sender::Nat(n) => (self.v.nats[n as usize].vpc, self.v.nats[n as usize].subnet),
        }
    }

    fn subnet_of(&self, o: Owner) -> Ix {
        match o {
            Owner::Eni(e) => self.v.enis[e as usize].subnet,
            Owner::Nat(n) => self.v.nats[n as usize].subnet,
        }
    }

    /// Who holds `addr` in `vpc`: on the return path the NAT gateway awaiting its reply
    /// first, then an interface.
    fn owner(&self, vpc: Ix, addr: IpAddr) -> Option<Owner> {
        if self.dir == Direction::Return {
            if let Some(&(n, _)) = self.nats.last() {
                let nat = &self.v.nats[n as usize];
                if nat.vpc == vpc && IpAddr::V4(nat.private) == addr {
                    return Some(Owner::Nat(n));
                }
            }
        }
        self.v.holder(vpc, addr).map(Owner::Eni)
    }

    /// The public address `src` leaves an internet gateway with, if it has one.
    fn public_of(&self, s: Sender, src: IpAddr) -> Option<IpAddr> {
        match s {
            Sender::Eni(e) => self.v.enis[e as usize]
                .publics
                .iter()
                .find(|(p, _)| IpAddr::V4(*p) == src)
                .map(|(_, q)| IpAddr::V4(*q)),
            Sender::Nat(n) => {
                let nat = &self.v.nats[n as usize];
                (IpAddr::V4(nat.private) == src)
                    .then_some(nat.public.map(IpAddr::V4))
                    .flatten()
            }
        }
    }
}
