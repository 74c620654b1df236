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

// A refusal (why a flow cannot start) carries its typed fields; it happens once per
// decision at most, so it is not boxed.
#![allow(clippy::result_large_err)]

use std::net::IpAddr;
use std::sync::Arc;

use crate::explain::{
    AclRuleRef, Applied, Code, Detail, Direction, End as FlowEnd, Explanation, Header, Hop,
    HopKind, RouteRef, Verdict, Why,
};
use crate::view::{EniV, EntryV, Ix, PeerV, RuleV, Tgt, View};
use crate::{Endpoint, Flow, Options, Protocol, DEFAULT_SOURCE_PORT};

mod edge;
mod gateway_load_balancer;
mod load_balancer;
mod privatelink;
mod transit;

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

/// Whether a security group rule admits the header's protocol and port (not the peer).
pub(crate) fn rule_admits(r: &RuleV, h: &Header) -> bool {
    match r.protocol {
        None => true,
        Some(p) if p != h.protocol => false,
        Some(6 | 17) => match h.dst_port {
            Some(x) => r.a <= i32::from(x) && i32::from(x) <= r.b,
            None => r.a <= 0 && r.b >= 65535,
        },
        Some(1 | 58) => {
            (r.a == -1 || Some(r.a) == h.dst_port.map(i32::from)) && (r.b == -1 || r.b == 0)
        }
        Some(_) => true,
    }
}

/// Whether an ACL entry matches the header, `remote` being the far end's address.
pub(crate) fn entry_admits(e: &EntryV, h: &Header, remote: IpAddr) -> bool {
    if !e.net.contains(&remote) {
        return false;
    }
    match e.protocol {
        None => true,
        Some(p) if p != h.protocol => false,
        Some(6 | 17) => match (e.ports, h.dst_port) {
            (None, _) => true,
            (Some((lo, hi)), Some(x)) => lo <= x && x <= hi,
            (Some((lo, hi)), None) => lo == 0 && hi == 65535,
        },
        Some(1 | 58) => match e.icmp {
            None => true,
            Some((t, c)) => {
                (t == -1 || Some(t) == h.dst_port.map(i32::from)) && (c == -1 || c == 0)
            }
        },
        Some(_) => true,
    }
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
        return from_internet(view, flow, src, opts);
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

/// A flow from internet host `src`: in through the destination VPC's internet gateway to a
/// public (or IPv6) address, and the reply back out to `src` from that same address.
fn from_internet(view: &View, flow: &Flow, src: IpAddr, opts: &Options) -> Verdict {
    let mut d = Decider::new(view, opts);
    let done = |d: Decider, forward: Vec<Hop>| d.verdict(forward);
    let source: Arc<str> = Arc::from(flow.source.as_str());
    let resolved = internet_flow(view, flow, src, opts.destination_ip);
    let (want, h) = match resolved {
        Ok(x) => x,
        Err((code, component, why, detail)) => {
            d.blocker(code, &component, why, detail);
            return done(d, Vec::new());
        }
    };
    d.hop(&Arc::from("internet"), HopKind::Internet, &h);
    let mut end = d.walk(Start::Internet, h, want);
    // A load balancer node reached: on to its targets and back.
    let mut provider_return = Vec::new();
    if let Some((End::Eni(y), at)) = &end {
        if d.is_node(*y) {
            match d.through_node(*y, at) {
                Some(hops) => provider_return = hops,
                None => end = None,
            }
        }
    }
    let forward = std::mem::take(&mut d.hops);
    match end {
        None => {}
        Some((End::Eni(y), at)) => {
            d.dir = Direction::Return;
            d.last = None;
            d.hops = provider_return;
            let reply = at.reply();
            d.hop(&view.enis[y as usize].id, HopKind::NetworkInterface, &reply);
            if let Some((end, r)) = d.walk(Start::At(Sender::Eni(y)), reply, None) {
                d.left_for(end, &r, &h);
            }
        }
        Some(_) => {
            let detail = Detail {
                address: Some(h.dst),
                ..Detail::default()
            };
            d.blocker(Code::NoSourceOrDestination, &source, Why::NoHolder, detail)
        }
    }
    done(d, forward)
}

/// The destination interface (if named) and the first packet of a flow from internet host
/// `src` (to the destination's address `wanted`, if named), or the component that is
/// missing (or the address the gateway does not take) and why.
fn internet_flow(
    view: &View,
    flow: &Flow,
    src: IpAddr,
    wanted: Option<IpAddr>,
) -> Result<(Option<Ix>, Header), Refusal> {
    let refuse = |component: &str, why: Why, detail: Detail| {
        (
            Code::NoSourceOrDestination,
            Arc::from(component),
            why,
            detail,
        )
    };
    if !is_internet_host(view, src) {
        let detail = Detail {
            address: Some(src),
            ..Detail::default()
        };
        return Err(refuse(&flow.source, Why::NotInternetHost, detail));
    }
    let (dst, want) = match &flow.destination {
        Endpoint::Ip(a) => (*a, None),
        Endpoint::Vpce(id) => {
            let detail = Detail {
                vpc_endpoint: Some(Arc::from(id.as_str())),
                ..Detail::default()
            };
            return Err(refuse(id, Why::EndpointFromInternet, detail));
        }
        Endpoint::Eni(id) | Endpoint::Instance(id) => {
            let e = view
                .endpoint(id)
                .ok_or_else(|| gone(FlowEnd::Destination, id))?;
            let d = &view.enis[e as usize];
            if let Some(a) = wanted {
                (public_address(d, a)?, Some(e))
            } else {
                let a = if src.is_ipv4() {
                    d.publics.first().map(|(_, p)| IpAddr::V4(*p))
                } else {
                    d.v6.first().map(|a| IpAddr::V6(*a))
                };
                let a = a.ok_or_else(|| {
                    let detail = Detail {
                        network_interface: Some(d.id.clone()),
                        address: Some(src),
                        ..Detail::default()
                    };
                    refuse(&d.id, Why::NoPublicAddress, detail)
                })?;
                (a, Some(e))
            }
        }
    };
    let h = first_header(flow, |v4| (v4 == src.is_ipv4()).then_some(src), dst).map_err(|why| {
        let detail = Detail {
            address: Some(dst),
            ..Detail::default()
        };
        refuse(&flow.source, why, detail)
    })?;
    Ok((want, h))
}

/// The public (or IPv6) address of interface `d` the internet sends to for the path's
/// destination address `a`: `a` itself, or the public address of the private one named.
fn public_address(d: &EniV, a: IpAddr) -> Result<IpAddr, Refusal> {
    let public = d.publics.iter().find_map(|&(private, public)| {
        let (private, public) = (IpAddr::V4(private), IpAddr::V4(public));
        (a == public || a == private).then_some(public)
    });
    public
        .or_else(|| (a.is_ipv6() && d.has(a)).then_some(a))
        .ok_or_else(|| {
            let detail = Detail {
                network_interface: Some(d.id.clone()),
                address: Some(a),
                ..Detail::default()
            };
            let code = Code::IgwPrivateIpAssociationForIngress;
            (code, d.id.clone(), Why::NotPublicAddress, detail)
        })
}

impl Decider<'_> {
    /// The reply to internet request `h` left the walk at `end` as `r`: it must reach the
    /// internet from the address the request was sent to.
    fn left_for(&mut self, end: End, r: &Header, h: &Header) {
        let route = || {
            self.last.as_ref().map_or_else(
                || Arc::from("route"),
                |(t, _)| self.v.tables[*t as usize].id.clone(),
            )
        };
        let mut detail = Detail {
            header: Some(*h),
            ..Detail::default()
        };
        let (component, why) = match end {
            End::Internet if r.src == h.dst => return,
            End::Internet => {
                detail.translated_from = Some(r.src);
                let component = match self.nats.last() {
                    Some(&(n, _)) => {
                        let id = self.v.nats[n as usize].id.clone();
                        detail.nat_gateway = Some(id.clone());
                        id
                    }
                    None => route(),
                };
                (component, Why::ReplyTranslated)
            }
            End::Eni(y) => {
                detail.destination = Some(self.v.enis[y as usize].id.clone());
                (route(), Why::ReplyNotToInternet)
            }
            End::Service { endpoint: via, .. }
            | End::OnPremises { vgw: via, .. }
            | End::Vpn {
                connection: via, ..
            }
            | End::Edge { id: via, .. } => {
                detail.destination = Some(via);
                (route(), Why::ReplyNotToInternet)
            }
        };
        self.blocker(Code::CannotRoute, &component, why, detail);
    }

    /// A reply must come back from the address the request went to: one translated on
    /// the return path (a NAT gateway the reply was routed through) is dropped by the
    /// sender, whose socket knows no such peer.
    fn reply_source(&mut self, source: &Arc<str>, r: &Header, sent: &Header) {
        if r.src != sent.dst {
            let detail = Detail {
                network_interface: Some(source.clone()),
                header: Some(*sent),
                translated_from: Some(r.src),
                ..Detail::default()
            };
            self.blocker(Code::CannotRoute, source, Why::ReplyTranslated, detail);
        }
    }

    fn hop(&mut self, component: &Arc<str>, kind: HopKind, h: &Header) {
        self.applied(component, kind, h, Applied::Nothing);
    }

    /// A hop that applied a rule or route.
    fn applied(&mut self, component: &Arc<str>, kind: HopKind, h: &Header, applied: Applied) {
        self.hops.push(Hop {
            component: component.clone(),
            kind,
            header: *h,
            applied,
        });
    }

    /// Records a blocker; a code about a route names the last route taken (and its
    /// table) unless the detail names one.
    fn blocker(&mut self, code: Code, component: &Arc<str>, why: Why, mut detail: Detail) {
        if code.is_about_route() && detail.route.is_none() {
            detail.route = self.last.as_ref().map(|(_, r)| r.clone());
        }
        if detail.route_table.is_none() {
            detail.route_table = detail.route.as_ref().map(|r| r.table.clone());
        }
        let e = Explanation::new(code, component.clone(), self.dir, why, detail);
        self.exps.push(e);
    }

    /// A packet that cannot be delivered where its route leads. On the return path the
    /// reply's destination exists (it sent the request), so the route is at fault: the
    /// reply is misrouted, reported against the table that holds the route.
    fn undeliverable<T>(
        &mut self,
        code: Code,
        component: &Arc<str>,
        why: Why,
        mut detail: Detail,
    ) -> Option<T> {
        if let (Direction::Return, Some((_, route))) = (self.dir, self.last.clone()) {
            let rtb = route.table.clone();
            detail.route = Some(route);
            return self.fatal(Code::CannotRoute, &rtb, Why::ReplyMisrouted, detail);
        }
        self.fatal(code, component, why, detail)
    }

    fn fatal<T>(
        &mut self,
        code: Code,
        component: &Arc<str>,
        why: Why,
        detail: Detail,
    ) -> Option<T> {
        self.blocker(code, component, why, detail);
        None
    }

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

    fn sg(&mut self, eni: Ix, egress: bool, h: &Header, identity: bool) {
        let v = self.v;
        let e = &v.enis[eni as usize];
        // Built only for a blocker: a passing check allocates nothing.
        let detail = || Detail {
            network_interface: Some(e.id.clone()),
            security_groups: e.group_ids.to_vec(),
            egress: Some(egress),
            header: Some(*h),
            vpc: Some(v.vpcs[e.vpc as usize].id.clone()),
            subnet: Some(v.subnets[e.subnet as usize].id.clone()),
            ..Detail::default()
        };
        if e.group_ids.is_empty() {
            return self.blocker(Code::UnknownResource, &e.id, Why::GroupsUnknown, detail());
        }
        let remote = if egress { h.dst } else { h.src };
        let (mut any, mut lost) = (false, false);
        for &g in &e.groups {
            let sg = &v.sgs[g as usize];
            let rules = if egress { &sg.egress } else { &sg.ingress };
            any |= !rules.is_empty();
            for (index, r) in rules.iter().enumerate().filter(|(_, r)| rule_admits(r, h)) {
                let hit = match &r.peer {
                    PeerV::Net(n) => n.contains(&remote),
                    PeerV::Nets(ns) => ns.iter().any(|n| n.contains(&remote)),
                    PeerV::Group { sg, vpc } => {
                        let member = v
                            .holder(*vpc, remote)
                            .is_some_and(|m| v.enis[m as usize].groups.contains(sg));
                        lost |= member && !egress && !identity;
                        member && (egress || identity)
                    }
                    PeerV::Stale => false,
                };
                if hit {
                    let index = index as u32;
                    let applied = Applied::SecurityGroupRule { egress, index };
                    self.applied(&sg.id, HopKind::SecurityGroup, h, applied);
                    return;
                }
            }
        }
        let known = |id: &Arc<str>| e.groups.iter().any(|&g| v.sgs[g as usize].id == *id);
        let mut detail = detail();
        if let Some(unknown) = e.group_ids.iter().find(|id| !known(id)) {
            detail.security_group = Some(unknown.clone());
            return self.blocker(Code::UnknownResource, unknown, Why::GroupUnknown, detail);
        }
        let component = e.group_ids.first().unwrap_or(&e.id).clone();
        detail.address = Some(remote);
        let (code, why) = if !any {
            (Code::SgHasNoRules, Why::SgNoRules)
        } else if lost {
            (Code::SgReferencesNotPreserved, Why::SgReferenceLost)
        } else {
            (Code::EniSgRulesMismatch, Why::SgNoMatch)
        };
        self.blocker(code, &component, why, detail);
    }

    /// The NAT gateway whose interface `y` is (it has no security groups).
    fn nat_of_interface(&self, y: Ix) -> Option<Ix> {
        let e = &self.v.enis[y as usize];
        if !e.group_ids.is_empty() {
            return None;
        }
        self.v
            .nats
            .iter()
            .position(|n| n.vpc == e.vpc && e.v4.contains(&n.private))
            .map(|n| n as Ix)
    }

    /// A connection opened toward a NAT gateway: it has no groups to open, it only
    /// translates connections its VPC starts.
    fn unsolicited_to_nat(&mut self, nat: Ix, h: &Header) {
        let n = &self.v.nats[nat as usize];
        let detail = Detail {
            nat_gateway: Some(n.id.clone()),
            vpc: Some(self.v.vpcs[n.vpc as usize].id.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        let id = n.id.clone();
        self.blocker(
            Code::NoPossibleDestination,
            &id,
            Why::UnsolicitedToNat,
            detail,
        );
    }

    fn nacl(&mut self, subnet: Ix, egress: bool, h: &Header) {
        let v = self.v;
        let sub = &v.subnets[subnet as usize];
        let remote = if egress { h.dst } else { h.src };
        let detail = || Detail {
            subnet: Some(sub.id.clone()),
            vpc: Some(v.vpcs[sub.vpc as usize].id.clone()),
            egress: Some(egress),
            header: Some(*h),
            address: Some(remote),
            ..Detail::default()
        };
        let Some(a) = sub.acl else {
            let id = sub.id.clone();
            return self.blocker(Code::UnknownResource, &id, Why::AclUnknown, detail());
        };
        let acl = &v.acls[a as usize];
        let entries = if egress { &acl.outbound } else { &acl.inbound };
        match entries.iter().find(|e| entry_admits(e, h, remote)) {
            Some(e) if e.allow => {
                let applied = Applied::AclRule {
                    egress,
                    number: e.number,
                };
                self.applied(&acl.id, HopKind::NetworkAcl, h, applied)
            }
            hit => {
                let mut detail = detail();
                detail.acl = Some(acl.id.clone());
                detail.acl_rule = Some(AclRuleRef {
                    number: hit.map(|e| e.number),
                    egress,
                });
                self.blocker(Code::SubnetAclRestriction, &acl.id, Why::AclDeny, detail);
            }
        }
    }

    /// Arrival at `o`: a NAT gateway translates the reply back and forwards it; an
    /// interface ends the walk (checked against the wanted one; forward: ingress rules).
    fn arrive(
        &mut self,
        o: Owner,
        h: &mut Header,
        want: Option<Ix>,
        identity: bool,
    ) -> Option<Step> {
        let v = self.v;
        match o {
            Owner::Nat(n) => {
                let (_, original) = self.nats.pop().expect("owner() found a pending NAT");
                self.hop(&v.nats[n as usize].id, HopKind::NatGateway, h);
                h.dst = original;
                Some(Step::At(Sender::Nat(n)))
            }
            Owner::Eni(y) => {
                if let Some(want) = want.filter(|&w| w != y) {
                    return self.misrouted(
                        &h.dst,
                        &v.enis[y as usize].id,
                        Some(v.enis[y as usize].vpc),
                        want,
                    );
                }
                let y_eni = &v.enis[y as usize];
                let kind = if y_eni.endpoint {
                    HopKind::InterfaceEndpoint
                } else {
                    HopKind::NetworkInterface
                };
                self.hop(&y_eni.id, kind, h);
                if self.dir == Direction::Forward && !self.is_node(y) {
                    match self.nat_of_interface(y) {
                        Some(nat) => self.unsolicited_to_nat(nat, h),
                        None => self.sg(y, false, h, identity),
                    }
                }
                Some(Step::End(End::Eni(y)))
            }
        }
    }

    /// A packet routed to virtual private gateway `id` of `vpc`: it leaves for the
    /// customer's side when it comes from the VPC's own addresses (never a peer's: no edge
    /// to edge routing) and a static route of one of the gateway's VPN connections covers
    /// its destination.
    fn leave_by_vpn(
        &mut self,
        vpc: Ix,
        id: &Arc<str>,
        on_premises: &[ipnet::Ipv4Net],
        h: &Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        let vv = &self.v.vpcs[vpc as usize];
        let mut detail = Detail {
            vpn_gateway: Some(id.clone()),
            vpc: Some(vv.id.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        if !vv.contains(h.src) {
            detail.address = Some(h.src);
            let why = Why::VgwSourceOutside;
            return self.fatal(Code::VgwPrivateIpAssociationForEgress, id, why, detail);
        }
        self.hop(id, HopKind::VpnGateway, h);
        let covered = match h.dst {
            IpAddr::V4(d) => on_premises.iter().any(|n| n.contains(&d)),
            IpAddr::V6(_) => false,
        };
        if !covered {
            detail.address = Some(h.dst);
            return self.fatal(Code::CannotRoute, id, Why::NoVpnRoute, detail);
        }
        if let Some(want) = want {
            return self.misrouted(&h.dst, id, None, want);
        }
        Some(Step::End(End::OnPremises {
            vpc,
            vgw: id.clone(),
        }))
    }

    /// A packet for `want` delivered to `got` (in VPC `got_vpc`, if any) instead.
    fn misrouted<T>(
        &mut self,
        dst: &IpAddr,
        got: &str,
        got_vpc: Option<Ix>,
        want: Ix,
    ) -> Option<T> {
        if self.dir == Direction::Forward {
            if let Some((code, component, why, detail)) =
                self.why_elsewhere(dst, got, got_vpc, want)
            {
                return self.fatal(code, &component, why, detail);
            }
        }
        let want = self.v.enis[want as usize].id.clone();
        let mut detail = Detail {
            network_interface: Some(want.clone()),
            destination: Some(Arc::from(got)),
            address: Some(*dst),
            ..Detail::default()
        };
        let (component, why) = match (&self.last, self.dir) {
            (None, _) => (want.clone(), Why::HeldElsewhere),
            (Some((_, r)), dir) => {
                detail.route = Some(r.clone());
                let why = match dir {
                    Direction::Forward => Why::RoutedElsewhere,
                    Direction::Return => Why::ReplyMisrouted,
                };
                (r.table.clone(), why)
            }
        };
        self.fatal(Code::CannotRoute, &component, why, detail)
    }

    /// Why a forward packet for `want` went to `got` instead, when a route or the VPCs
    /// say: a route toward `want`'s VPC shadowed by a more specific one
    /// (`MORE_SPECIFIC_ROUTE`), or, delivered without any route, an address local to
    /// another VPC than `want`'s (`DISCONNECTED_VPCS`).
    fn why_elsewhere(
        &self,
        dst: &IpAddr,
        got: &str,
        got_vpc: Option<Ix>,
        want: Ix,
    ) -> Option<Refusal> {
        let v = self.v;
        let want_id = &v.enis[want as usize].id;
        let want_vpc = v.enis[want as usize].vpc;
        let mut detail = Detail {
            network_interface: Some(want_id.clone()),
            destination: Some(Arc::from(got)),
            address: Some(*dst),
            ..Detail::default()
        };
        let sender = match &self.last {
            Some((t, taken)) => {
                let rtb = &v.tables[*t as usize];
                let covering = || rtb.routes().filter(|(n, _)| n.contains(dst));
                let winner = covering().map(|(n, _)| n.prefix_len()).max();
                let shadowed = covering().find(|(n, r)| {
                    Some(n.prefix_len()) < winner
                        && matches!(r.target, Tgt::Pcx { peer, .. } if peer == want_vpc)
                });
                let (_, r) = shadowed?;
                detail.route = Some(taken.clone());
                detail.shadowed_route = Some(RouteRef {
                    table: rtb.id.clone(),
                    index: r.position() as u32,
                    label: r.label.clone(),
                });
                detail.route_table = Some(rtb.id.clone());
                return Some((
                    Code::MoreSpecificRoute,
                    rtb.id.clone(),
                    Why::MoreSpecific,
                    detail,
                ));
            }
            // Delivered without a route: the address is local where the packet is.
            None => got_vpc,
        };
        let sender = sender.filter(|&s| s != want_vpc)?;
        let (from, to) = (&v.vpcs[sender as usize].id, &v.vpcs[want_vpc as usize].id);
        detail.source_vpc = Some(from.clone());
        detail.destination_vpc = Some(to.clone());
        Some((
            Code::DisconnectedVpcs,
            to.clone(),
            Why::Disconnected,
            detail,
        ))
    }

    /// A packet on the internet toward `h.dst`: an interface holding that public address
    /// (or IPv6 address) is entered through its VPC's internet gateway; otherwise the
    /// packet has reached the internet.
    fn enter(&mut self, h: &mut Header, want: Option<Ix>) -> Option<Step> {
        let v = self.v;
        let found = match h.dst {
            IpAddr::V4(d) => {
                let nat = self.nats.last().map(|&(n, _)| n).filter(|&n| {
                    self.dir == Direction::Return && v.nats[n as usize].public == Some(d)
                });
                match nat {
                    Some(n) => Some((Owner::Nat(n), h.dst)),
                    None => v
                        .by_public
                        .get(&d)
                        .map(|&(e, private)| (Owner::Eni(e), IpAddr::V4(private))),
                }
            }
            IpAddr::V6(d) => v.holder_v6(d).map(|e| (Owner::Eni(e), h.dst)),
        };
        let Some((o, private)) = found else {
            if let Some(want) = want {
                return self.misrouted(&h.dst, "the internet", None, want);
            }
            self.hop(&Arc::from("internet"), HopKind::Internet, h);
            return Some(Step::End(End::Internet));
        };
        let vpc = match o {
            Owner::Eni(e) => v.enis[e as usize].vpc,
            Owner::Nat(n) => v.nats[n as usize].vpc,
        };
        let vv = &v.vpcs[vpc as usize];
        let back_in = self.dir == Direction::Return && self.egressed == Some(vpc);
        match &vv.igw {
            Some(igw) => self.hop(igw, HopKind::InternetGateway, h),
            None if back_in => {}
            None => {
                let detail = Detail {
                    vpc: Some(vv.id.clone()),
                    address: Some(h.dst),
                    header: Some(*h),
                    ..Detail::default()
                };
                let why = Why::NoInternetGateway;
                return self.fatal(Code::NoRouteToDestination, &vv.id, why, detail);
            }
        }
        h.dst = private;
        self.nacl(self.subnet_of(o), false, h);
        self.arrive(o, h, want, false)
    }

    /// Walks `h` from `start` leg by leg (one route lookup each) until it ends or stops.
    fn walk(&mut self, start: Start, mut h: Header, want: Option<Ix>) -> Option<(End, Header)> {
        let mut identity = true;
        let mut at = match self.first_sender(start, &mut h, want)? {
            Step::End(e) => return Some((e, h)),
            Step::At(s) => s,
        };
        for _ in 0..MAX_LEGS {
            match self.leg(at, &mut h, want, &mut identity)? {
                Step::End(e) => return Some((e, h)),
                Step::At(s) => at = s,
            }
        }
        let component = self.last.as_ref().map_or_else(
            || Arc::from("route"),
            |(t, _)| self.v.tables[*t as usize].id.clone(),
        );
        let detail = Detail {
            address: Some(h.dst),
            header: Some(h),
            ..Detail::default()
        };
        self.fatal(Code::CannotRoute, &component, Why::RoutingLoop, detail)
    }

    /// Where a walk's first leg starts: a sender, or (from the internet or a gateway
    /// endpoint) the interface the packet enters at.
    fn first_sender(&mut self, start: Start, h: &mut Header, want: Option<Ix>) -> Option<Step> {
        let (vpc, endpoint, kind) = match start {
            Start::At(s) => return Some(Step::At(s)),
            Start::Internet => return self.enter(h, want),
            Start::Service { vpc, endpoint } => (vpc, endpoint, HopKind::GatewayEndpoint),
            Start::OnPremises { vpc, vgw } => (vpc, vgw, HopKind::VpnGateway),
            Start::Vpn { attachment } => return self.enter_by_vpn_attachment(&attachment, h, want),
            Start::Edge { vpc, id, kind } => (vpc, id, kind),
        };
        self.hop(&endpoint, kind, h);
        let Some(o) = self.owner(vpc, h.dst) else {
            let detail = Detail {
                vpc: Some(self.v.vpcs[vpc as usize].id.clone()),
                destination: Some(endpoint.clone()),
                address: Some(h.dst),
                ..Detail::default()
            };
            return self.fatal(Code::CannotRoute, &endpoint, Why::NoHolderBehind, detail);
        };
        self.nacl(self.subnet_of(o), false, h);
        self.arrive(o, h, want, true)
    }

    /// One leg from `at`: same-subnet delivery, or the subnet's route table and the route's
    /// target.
    fn leg(
        &mut self,
        at: Sender,
        h: &mut Header,
        want: Option<Ix>,
        identity: &mut bool,
    ) -> Option<Step> {
        let v = self.v;
        let (vpc, subnet) = self.at(at);
        // Same subnet: L2, no ACL, no route.
        if let Some(o) = self.owner(vpc, h.dst) {
            if self.subnet_of(o) == subnet {
                return self.arrive(o, h, want, *identity);
            }
        }
        let sub = &v.subnets[subnet as usize];
        let dst = *h;
        let detail = || Detail {
            subnet: Some(sub.id.clone()),
            vpc: Some(v.vpcs[vpc as usize].id.clone()),
            address: Some(dst.dst),
            header: Some(dst),
            ..Detail::default()
        };
        let Some(t) = sub.rtb else {
            self.nacl(subnet, true, h);
            return self.fatal(
                Code::UnknownResource,
                &sub.id,
                Why::RouteTableUnknown,
                detail(),
            );
        };
        let rtb = &v.tables[t as usize];
        self.hop(&rtb.id, HopKind::RouteTable, h);
        let Some(r) = rtb.lookup(h.dst) else {
            self.nacl(subnet, true, h);
            let detail = Detail {
                route_table: Some(rtb.id.clone()),
                ..detail()
            };
            return self.fatal(Code::NoRouteToDestination, &rtb.id, Why::NoRoute, detail);
        };
        let index = r.position() as u32;
        if let Some(hop) = self.hops.last_mut() {
            hop.applied = Applied::Route { index };
        }
        let taken = RouteRef {
            table: rtb.id.clone(),
            index,
            label: r.label.clone(),
        };
        self.last = Some((t, taken));
        let leg = Leg {
            at,
            vpc,
            subnet,
            table: &rtb.id,
        };
        self.follow(&r.target, &leg, h, want, identity)
    }

    /// The route of `leg` taken: on to its target.
    fn follow(
        &mut self,
        target: &Tgt,
        leg: &Leg,
        h: &mut Header,
        want: Option<Ix>,
        identity: &mut bool,
    ) -> Option<Step> {
        match target {
            Tgt::Blackhole { why, .. } => {
                self.nacl(leg.subnet, true, h);
                let detail = Detail {
                    state: Some(Arc::from(why.as_str())),
                    address: Some(h.dst),
                    ..Detail::default()
                };
                self.fatal(Code::BadStateRoute, leg.table, Why::Blackhole, detail)
            }
            Tgt::Unsupported(id) => {
                self.nacl(leg.subnet, true, h);
                let detail = Detail {
                    // The route names what is not modelled.
                    route: self.last.as_ref().map(|(_, r)| r.clone()),
                    address: Some(h.dst),
                    ..Detail::default()
                };
                self.fatal(
                    Code::UnsupportedComponent,
                    id,
                    Why::UnsupportedTarget,
                    detail,
                )
            }
            Tgt::Local => self.via_local(leg, h, want, *identity),
            Tgt::Pcx { id, peer } => self.via_peering(leg, id, *peer, h, want, *identity),
            Tgt::Igw(id) => self.via_igw(leg, id, h, want),
            Tgt::Eigw(id) => self.via_eigw(leg, id, h, want),
            Tgt::Nat(n) => self.via_nat(leg, *n, h),
            Tgt::Eni(m) => self.via_eni(leg, *m, h, want, identity),
            Tgt::GatewayEndpoint(id) => self.via_gateway_endpoint(leg, id, h, want),
            Tgt::Gwlbe(id) => self.via_gwlb_endpoint(leg, id, h, identity),
            Tgt::Tgw(id) => self.via_transit(leg, id, h, want),
            Tgt::Vgw { id, on_premises } => {
                self.nacl(leg.subnet, true, h);
                self.leave_by_vpn(leg.vpc, id, on_premises, h, want)
            }
        }
    }

    /// A local route: an interface of the VPC holding the address.
    fn via_local(
        &mut self,
        leg: &Leg,
        h: &mut Header,
        want: Option<Ix>,
        identity: bool,
    ) -> Option<Step> {
        let v = self.v;
        self.nacl(leg.subnet, true, h);
        let Some(o) = self.owner(leg.vpc, h.dst) else {
            let detail = Detail {
                vpc: Some(v.vpcs[leg.vpc as usize].id.clone()),
                address: Some(h.dst),
                ..Detail::default()
            };
            let (code, why) = (Code::VpcLocalRouteCidrRestriction, Why::LocalNoHolder);
            return self.undeliverable(code, leg.table, why, detail);
        };
        self.nacl(self.subnet_of(o), false, h);
        self.arrive(o, h, want, identity)
    }

    /// A peering: delivered into the peer VPC only (not transitive).
    fn via_peering(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        peer: Ix,
        h: &mut Header,
        want: Option<Ix>,
        identity: bool,
    ) -> Option<Step> {
        let v = self.v;
        self.nacl(leg.subnet, true, h);
        self.hop(id, HopKind::PeeringConnection, h);
        let pv = &v.vpcs[peer as usize];
        let dst = h.dst;
        let detail = || Detail {
            peering: Some(id.clone()),
            source_vpc: Some(v.vpcs[leg.vpc as usize].id.clone()),
            destination_vpc: Some(pv.id.clone()),
            vpc: Some(pv.id.clone()),
            address: Some(dst),
            ..Detail::default()
        };
        if !pv.contains(h.dst) {
            let (code, why) = (Code::PcxRequiresAddressInVpcCidr, Why::NotInPeerCidr);
            return self.undeliverable(code, id, why, detail());
        }
        if self.is_edge(id) {
            return Some(Step::End(End::Edge {
                vpc: leg.vpc,
                id: id.clone(),
            }));
        }
        let Some(o) = self.owner(peer, h.dst) else {
            let (code, why) = (Code::VpcLocalRouteCidrRestriction, Why::PeerNoHolder);
            return self.undeliverable(code, id, why, detail());
        };
        self.nacl(self.subnet_of(o), false, h);
        self.arrive(o, h, want, identity)
    }

    /// An internet gateway: public addresses out (IPv4 translated), into the internet.
    fn via_igw(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        self.nacl(leg.subnet, true, h);
        if let IpAddr::V4(d) = h.dst {
            let at = *h;
            let vpc = &self.v.vpcs[leg.vpc as usize].id;
            let detail = |address: IpAddr| Detail {
                internet_gateway: Some(id.clone()),
                vpc: Some(vpc.clone()),
                header: Some(at),
                address: Some(address),
                ..Detail::default()
            };
            if d.is_private() {
                let detail = detail(at.dst);
                let code = Code::IgwDestinationAddressNotInRfc1918Egress;
                return self.fatal(code, id, Why::PrivateToInternetGateway, detail);
            }
            match self.public_of(leg.at, h.src) {
                Some(p) => h.src = p,
                None => {
                    let detail = detail(at.src);
                    let code = Code::IgwPublicIpAssociationForEgress;
                    return self.fatal(code, id, Why::NoPublicIp, detail);
                }
            }
        }
        self.hop(id, HopKind::InternetGateway, h);
        if self.dir == Direction::Forward {
            self.egressed = Some(leg.vpc);
        }
        self.enter(h, want)
    }

    /// An egress-only internet gateway: IPv6 out.
    fn via_eigw(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        self.nacl(leg.subnet, true, h);
        if h.dst.is_ipv4() {
            let detail = Detail {
                internet_gateway: Some(id.clone()),
                address: Some(h.dst),
                ..Detail::default()
            };
            return self.fatal(Code::CannotRoute, id, Why::EgressOnlyIpv4, detail);
        }
        self.hop(id, HopKind::EgressOnlyInternetGateway, h);
        if self.dir == Direction::Forward {
            self.egressed = Some(leg.vpc);
        }
        self.enter(h, want)
    }

    /// A NAT gateway: traffic of its own VPC, IPv4, translated to its address.
    fn via_nat(&mut self, leg: &Leg, n: Ix, h: &mut Header) -> Option<Step> {
        let v = self.v;
        let nat = &v.nats[n as usize];
        let detail = |address: IpAddr| Detail {
            nat_gateway: Some(nat.id.clone()),
            vpc: Some(v.vpcs[nat.vpc as usize].id.clone()),
            subnet: Some(v.subnets[nat.subnet as usize].id.clone()),
            address: Some(address),
            ..Detail::default()
        };
        if nat.vpc != leg.vpc || !v.vpcs[leg.vpc as usize].contains(h.src) {
            self.nacl(leg.subnet, true, h);
            let detail = detail(h.src);
            let code = Code::NgwRequiresSourceInVpc;
            return self.fatal(code, &nat.id, Why::NatSourceOutside, detail);
        }
        if h.dst.is_ipv6() {
            self.nacl(leg.subnet, true, h);
            let detail = detail(h.dst);
            return self.fatal(Code::CannotRoute, &nat.id, Why::NatIpv6, detail);
        }
        if nat.subnet != leg.subnet {
            self.nacl(leg.subnet, true, h);
            self.nacl(nat.subnet, false, h);
        }
        self.hop(&nat.id, HopKind::NatGateway, h);
        self.nats.push((n, h.src));
        h.src = IpAddr::V4(nat.private);
        Some(Step::At(Sender::Nat(n)))
    }

    /// An interface as the target: the destination itself, or a middlebox forwarding on.
    fn via_eni(
        &mut self,
        leg: &Leg,
        m: Ix,
        h: &mut Header,
        want: Option<Ix>,
        identity: &mut bool,
    ) -> Option<Step> {
        let v = self.v;
        let e = &v.enis[m as usize];
        if e.subnet != leg.subnet {
            self.nacl(leg.subnet, true, h);
            self.nacl(e.subnet, false, h);
        }
        if e.has(h.dst) {
            return self.arrive(Owner::Eni(m), h, want, *identity);
        }
        self.hop(&e.id, HopKind::Middlebox, h);
        if self.dir == Direction::Forward {
            self.sg(m, false, h, *identity);
            self.sg(m, true, h, true);
        }
        if e.source_dest_check {
            let detail = Detail {
                network_interface: Some(e.id.clone()),
                header: Some(*h),
                ..Detail::default()
            };
            let code = Code::EniSourceDestCheckRestriction;
            self.blocker(code, &e.id, Why::SourceDestCheck, detail);
        }
        *identity = false;
        Some(Step::At(Sender::Eni(m)))
    }

    /// A gateway endpoint: the path ends at its AWS service.
    fn via_gateway_endpoint(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        self.nacl(leg.subnet, true, h);
        self.hop(id, HopKind::GatewayEndpoint, h);
        let service = self.gateway_endpoint(id, leg.vpc, h);
        self.hop(&service, HopKind::Service, h);
        if let Some(want) = want {
            return self.misrouted(&h.dst, id, Some(leg.vpc), want);
        }
        Some(Step::End(End::Service {
            vpc: leg.vpc,
            endpoint: id.clone(),
        }))
    }
}
