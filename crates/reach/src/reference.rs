//! A deliberately simple second evaluator, written from the spec (§1.7 routing, §1.8 the
//! data-plane rules, §3 endpoints, §5.1–5.2 the analyzer's semantics and order) and
//! decisions.md, to check [`crate::decide`] by property tests and benchmarks. It reads the
//! raw [`World`] by linear scans — no compiled view, no index — and shares nothing with the
//! engine but the flow it is given and the verdict it returns. It reports the verdict and
//! the explanations (code, component, direction); messages are empty and there are no hops.
//!
//! The walk follows §5.2: the source's security group egress; then, leg by leg from the
//! sender (an interface or a NAT gateway), delivery within the subnet (no ACL, no route),
//! or the subnet's route table — the outbound ACL of the subnet left, the inbound ACL of
//! the subnet entered — and the route's target; the destination's security group ingress.
//! Blockers that leave the path intact (groups, ACLs, source/destination check, endpoint
//! restrictions) are noted and the walk goes on; a path that cannot continue ends. The
//! reply is walked the same way by the responder's own tables (no uRPF, §1.8) and must come
//! back to the source; groups are stateful, so the reply meets ACLs only.

use std::net::IpAddr;
use std::sync::Arc;

use openvpc_core::eni::{InstanceState, NetworkInterface};
use openvpc_core::gateway::NatGateway;
use openvpc_core::route::RouteTable;
use openvpc_core::subnet::Subnet;
use openvpc_core::vpc::Vpc;
use openvpc_core::World;

use crate::explain::{Code, Direction, Explanation, Verdict};
use crate::{Endpoint, Flow, PrefixLists};

mod privatelink;
mod rules;

use rules::Packet;

/// Route lookups on one path before it counts as a routing loop (decisions.md).
const LOOP_LIMIT: usize = 16;

/// Decides `flow` over `w` with the world's own prefix lists.
pub fn decide(w: &World, flow: &Flow) -> Verdict {
    decide_with(w, w, flow)
}

/// Decides `flow` over `w`, taking prefix-list entries from `pls`.
pub fn decide_with(w: &World, pls: &dyn PrefixLists, flow: &Flow) -> Verdict {
    let mut r = Ref {
        w,
        pls,
        dir: Direction::Forward,
        exps: Vec::new(),
        nats: Vec::new(),
        egressed: None,
        last_table: None,
    };
    match flow.source.parse::<IpAddr>() {
        Ok(src) => r.start_on_internet(flow, src),
        Err(_) => r.start_at_interface(flow),
    }
    Verdict {
        reachable: r.exps.is_empty(),
        explanations: r.exps,
        ..Verdict::default()
    }
}

/// What two verdicts must share to agree: reachability, and the explanations' codes,
/// components and directions (in any order; messages and hops are not compared).
pub fn key(v: &Verdict) -> (bool, Vec<(Code, String, Direction)>) {
    let mut e: Vec<_> = v
        .explanations
        .iter()
        .map(|e| (e.code, e.component.to_string(), e.direction))
        .collect();
    e.sort();
    (v.reachable, e)
}

/// Whether the engine's verdict agrees with the reference's (see [`key`]).
pub fn agrees(engine: &Verdict, reference: &Verdict) -> bool {
    key(engine) == key(reference)
}

/// Where a packet is: at an interface or at a NAT gateway.
#[derive(Clone, Copy)]
enum At<'w> {
    Eni(&'w NetworkInterface),
    Nat(&'w NatGateway),
}

impl<'w> At<'w> {
    fn vpc(self) -> &'w str {
        match self {
            At::Eni(e) => &e.vpc_id,
            At::Nat(n) => &n.vpc_id,
        }
    }
    fn subnet(self) -> &'w str {
        match self {
            At::Eni(e) => &e.subnet_id,
            At::Nat(n) => &n.subnet_id,
        }
    }
}

/// Where a walk ended.
enum Arrived<'w> {
    Eni(&'w NetworkInterface),
    Internet,
    /// An AWS service behind gateway endpoint `.1`, from VPC `.0`.
    Service(&'w Vpc, &'w str),
}

/// A walk's next step.
enum Next<'w> {
    Done(Arrived<'w>),
    From(At<'w>),
}

struct Ref<'w> {
    w: &'w World,
    pls: &'w dyn PrefixLists,
    dir: Direction,
    exps: Vec<Explanation>,
    /// NAT translations awaiting their reply: (gateway, original source), latest last.
    nats: Vec<(&'w NatGateway, IpAddr)>,
    /// The VPC whose internet gateway the request left by.
    egressed: Option<&'w str>,
    /// The route table of the last route taken.
    last_table: Option<&'w str>,
}

/// Whether `e` holds address `a`.
fn holds(e: &NetworkInterface, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => e.private_ips.contains(&a),
        IpAddr::V6(a) => e.ipv6_addresses.contains(&a),
    }
}

fn in_vpc(v: &Vpc, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => v.cidrs.iter().any(|c| c.cidr.contains(&a)),
        IpAddr::V6(a) => v.ipv6_cidrs.iter().any(|c| c.cidr.contains(&a)),
    }
}

/// The first address of `e` in the family of `v4`.
fn first_address(e: &NetworkInterface, v4: bool) -> Option<IpAddr> {
    if v4 {
        e.private_ips.first().map(|a| IpAddr::V4(*a))
    } else {
        e.ipv6_addresses.first().map(|a| IpAddr::V6(*a))
    }
}

impl<'w> Ref<'w> {
    /// Notes a blocker.
    fn block(&mut self, code: Code, component: &str) {
        self.exps.push(Explanation {
            code,
            component: Arc::from(component),
            direction: self.dir,
            message: String::new(),
            rule: None,
        });
    }

    /// Notes a blocker that ends the path.
    fn stop<T>(&mut self, code: Code, component: &str) -> Option<T> {
        self.block(code, component);
        None
    }

    // ---- the world, by scanning -------------------------------------------------------

    /// A subnet whose VPC exists.
    fn subnet(&self, id: &str) -> Option<&'w Subnet> {
        let s = self.w.subnets.get(id)?;
        self.w.vpcs.get(&s.vpc_id).map(|_| s)
    }

    /// An interface in an existing subnet of its own VPC.
    fn usable(&self, e: &NetworkInterface) -> bool {
        self.subnet(&e.subnet_id)
            .is_some_and(|s| s.vpc_id == e.vpc_id)
    }

    fn eni(&self, id: &str) -> Option<&'w NetworkInterface> {
        self.w.network_interfaces.get(id).filter(|e| self.usable(e))
    }

    /// An interface id, a running instance's primary interface, or an endpoint's first
    /// usable interface.
    fn named(&self, id: &str) -> Option<&'w NetworkInterface> {
        if id.starts_with("i-") {
            let i = self.w.instances.get(id)?;
            (i.state == InstanceState::Running)
                .then(|| self.eni(&i.network_interface_id))
                .flatten()
        } else if id.starts_with("vpce-") {
            let ep = self.w.vpc_endpoints.get(id)?;
            ep.interfaces
                .iter()
                .find_map(|i| self.eni(&i.network_interface_id))
        } else {
            self.eni(id)
        }
    }

    /// The first usable interface of VPC `vpc` holding `a`.
    fn eni_at(&self, vpc: &str, a: IpAddr) -> Option<&'w NetworkInterface> {
        self.w
            .network_interfaces
            .values()
            .find(|e| e.vpc_id == vpc && holds(e, a) && self.usable(e))
    }

    /// Who takes a packet for `a` in `vpc`: on the way back, the NAT gateway awaiting the
    /// reply first; else an interface.
    fn holder(&self, vpc: &str, a: IpAddr) -> Option<At<'w>> {
        if let (Direction::Return, Some(&(n, _))) = (self.dir, self.nats.last()) {
            if n.vpc_id == vpc && n.private_ip.map(IpAddr::V4) == Some(a) {
                return Some(At::Nat(n));
            }
        }
        self.eni_at(vpc, a).map(At::Eni)
    }

    /// A subnet's route table (§1.7 rule 6): its explicit association in its VPC, else the
    /// VPC's main table.
    fn table_of(&self, s: &Subnet) -> Option<&'w RouteTable> {
        let w = self.w;
        let vpc = w.vpcs.get(&s.vpc_id)?;
        let explicit = w.route_tables.values().find(|t| {
            t.vpc_id == s.vpc_id
                && t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_deref() == Some(&s.id))
        });
        explicit
            .or_else(|| {
                w.route_tables
                    .get(&vpc.main_route_table_id)
                    .filter(|t| t.vpc_id == vpc.id)
            })
            .or_else(|| {
                w.route_tables
                    .values()
                    .find(|t| t.vpc_id == vpc.id && t.associations.iter().any(|a| a.main))
            })
    }

    // ---- the checks ----------------------------------------------------------------------

    /// The network ACL of `subnet` in one direction (§1.8: stateless, lowest rule number
    /// first, the default rule denies); a subnet without an association uses its VPC's
    /// default ACL.
    fn acl(&mut self, subnet: &str, egress: bool, p: &Packet) {
        let w = self.w;
        let Some(s) = self.subnet(subnet) else { return };
        let vpc = w.vpcs.get(&s.vpc_id).expect("subnet() checked");
        let acl = w
            .network_acls
            .values()
            .find(|a| a.associations.iter().any(|x| x.subnet_id == s.id))
            .or_else(|| w.network_acls.get(&vpc.default_network_acl_id));
        let Some(acl) = acl else { return };
        let remote = if egress { p.dst } else { p.src };
        let mut entries: Vec<_> = acl.entries.iter().filter(|e| e.egress == egress).collect();
        entries.sort_by_key(|e| e.rule_number);
        let first = entries
            .into_iter()
            .find(|e| rules::entry_takes(e, p, remote));
        let allowed = first.is_some_and(|e| e.action == openvpc_core::nacl::RuleAction::Allow);
        if !allowed {
            self.block(Code::SubnetAclRestriction, &acl.id);
        }
    }

    /// The security groups of `e` in one direction (§1.8, §5.2 steps 2 and 6; §17.3 for
    /// the codes). A group reference matches members of the referenced group holding the
    /// far address, only while the reference is live, and only for the original packet's
    /// sender (`identity`): through a middlebox it is lost.
    fn groups(&mut self, e: &NetworkInterface, egress: bool, p: &Packet, identity: bool) {
        let w = self.w;
        let remote = if egress { p.dst } else { p.src };
        let (mut any_rule, mut lost) = (false, false);
        for g in e.groups.iter().filter_map(|g| w.security_groups.get(g)) {
            let list = if egress { &g.egress } else { &g.ingress };
            any_rule |= !list.is_empty();
            for r in list.iter().filter(|r| rules::rule_takes(r, p)) {
                let hit = match &r.peer {
                    openvpc_core::sg::Peer::V4(n) => {
                        remote_v4(remote).is_some_and(|a| n.contains(&a))
                    }
                    openvpc_core::sg::Peer::V6(n) => {
                        matches!(remote, IpAddr::V6(a) if n.contains(&a))
                    }
                    openvpc_core::sg::Peer::PrefixList(id) => self
                        .pls
                        .cidrs(id)
                        .unwrap_or_default()
                        .iter()
                        .any(|n| n.contains(&remote)),
                    openvpc_core::sg::Peer::Group { group_id, .. } => {
                        let member = rules::reference_live(w, &g.vpc_id, group_id)
                            .and_then(|vpc| self.eni_at(&vpc, remote))
                            .is_some_and(|m| m.groups.contains(group_id));
                        lost |= member && !egress && !identity;
                        member && (egress || identity)
                    }
                };
                if hit {
                    return;
                }
            }
        }
        let component = e.groups.first().unwrap_or(&e.id).clone();
        let code = if !any_rule {
            Code::SgHasNoRules
        } else if lost {
            Code::SgReferencesNotPreserved
        } else {
            Code::EniSgRulesMismatch
        };
        self.block(code, &component);
    }

    // ---- the flow's ends -----------------------------------------------------------------

    /// A flow from an interface, instance or endpoint (§5.2).
    fn start_at_interface(&mut self, flow: &Flow) {
        let Some(s) = self.named(&flow.source) else {
            return self.block(Code::NoSourceOrDestination, &flow.source);
        };
        let (dst, want) = match &flow.destination {
            Endpoint::Ip(a) => (*a, None),
            Endpoint::Eni(id) | Endpoint::Instance(id) | Endpoint::Vpce(id) => {
                let d = match &flow.destination {
                    Endpoint::Vpce(id) => self.endpoint_destination(s, id),
                    _ => self
                        .named(id)
                        .ok_or((Code::NoSourceOrDestination, id.clone())),
                };
                let d = match d {
                    Ok(d) => d,
                    Err((code, component)) => return self.block(code, &component),
                };
                let a = first_address(d, true).or_else(|| first_address(d, false));
                let Some(a) = a else {
                    return self.block(Code::NoSourceOrDestination, &d.id);
                };
                (a, Some(d))
            }
        };
        let src = first_address(s, dst.is_ipv4());
        let Some(p) = src.and_then(|src| first_packet(flow, src, dst)) else {
            return self.block(Code::NoSourceOrDestination, &s.id);
        };
        if self.endpoint_as_source(s) {
            return;
        }
        let sent = p;
        self.groups(s, true, &p, true);
        let Some((end, p)) = self.walk(At::Eni(s), p, want) else {
            return;
        };
        if let Arrived::Eni(y) = end {
            if !self.past_endpoint(y, &p) {
                return;
            }
        }
        self.turn();
        let mut reply = p.answer();
        let back = match end {
            Arrived::Eni(y) => self.walk(At::Eni(y), reply, Some(s)),
            Arrived::Internet => self
                .enter_from_the_internet(&mut reply, Some(s))
                .and_then(|next| self.go_on(next, reply, Some(s))),
            Arrived::Service(vpc, endpoint) => {
                let Some(h) = self.holder(&vpc.id, reply.dst) else {
                    return self.block(Code::CannotRoute, endpoint);
                };
                self.acl(h.subnet(), false, &reply);
                self.reach(h, &mut reply, Some(s), true)
                    .and_then(|next| self.go_on(next, reply, Some(s)))
            }
        };
        // The sender takes a reply only from the address it sent to: one translated on the
        // way back (routed through a NAT gateway) is dropped (decisions.md).
        if back.is_some_and(|(_, r)| r.src != sent.dst) {
            self.block(Code::CannotRoute, &s.id);
        }
    }

    /// The reply's turn: the return path, with no route taken yet.
    fn turn(&mut self) {
        self.dir = Direction::Return;
        self.last_table = None;
    }

    /// A flow from internet host `src` to an interface's public address (or a public
    /// address): in by the VPC's internet gateway, the reply out the same way, from the
    /// address the request was sent to.
    fn start_on_internet(&mut self, flow: &Flow, src: IpAddr) {
        let private = matches!(src, IpAddr::V4(a) if a.is_private());
        if private || self.public_holder(src).is_some() {
            return self.block(Code::NoSourceOrDestination, &flow.source);
        }
        let (dst, want) = match &flow.destination {
            Endpoint::Ip(a) => (*a, None),
            Endpoint::Vpce(id) => return self.block(Code::NoSourceOrDestination, id),
            Endpoint::Eni(id) | Endpoint::Instance(id) => {
                let Some(d) = self.named(id) else {
                    return self.block(Code::NoSourceOrDestination, id);
                };
                let Some(a) = self.public_address(d, src.is_ipv4()) else {
                    return self.block(Code::NoSourceOrDestination, &d.id);
                };
                (a, Some(d))
            }
        };
        let Some(p) = first_packet(flow, src, dst).filter(|_| src.is_ipv4() == dst.is_ipv4())
        else {
            return self.block(Code::NoSourceOrDestination, &flow.source);
        };
        let mut fwd = p;
        let Some(next) = self.enter_from_the_internet(&mut fwd, want) else {
            return;
        };
        let Some((end, at)) = self.go_on(next, fwd, want) else {
            return;
        };
        let Arrived::Eni(y) = end else {
            return self.block(Code::NoSourceOrDestination, &flow.source);
        };
        self.turn();
        let Some((end, r)) = self.walk(At::Eni(y), at.answer(), None) else {
            return;
        };
        let table = self.last_table.unwrap_or("route").to_string();
        match end {
            Arrived::Internet if r.src == p.dst => {}
            Arrived::Internet => {
                let component = self.nats.last().map_or(table, |(n, _)| n.id.clone());
                self.block(Code::CannotRoute, &component);
            }
            _ => self.block(Code::CannotRoute, &table),
        }
    }

    // ---- public addresses --------------------------------------------------------------

    /// The interface (and its private address) holding public address `a`: its primary
    /// address's public IPv4, an Elastic IP associated with one of its addresses, or an
    /// IPv6 address. The first such interface.
    fn public_holder(&self, a: IpAddr) -> Option<(&'w NetworkInterface, IpAddr)> {
        let w = self.w;
        w.network_interfaces
            .values()
            .filter(|e| self.usable(e))
            .find_map(|e| match a {
                IpAddr::V4(a) => {
                    let primary = *e.private_ips.first()?;
                    if e.public_ip == Some(a) {
                        return Some((e, IpAddr::V4(primary)));
                    }
                    let eip = w.addresses.values().find_map(|x| {
                        let assoc = x.association.as_ref()?;
                        let mine = x.public_ip == a
                            && assoc.network_interface_id == e.id
                            && e.private_ips.contains(&assoc.private_ip);
                        mine.then_some(IpAddr::V4(assoc.private_ip))
                    });
                    eip.map(|private| (e, private))
                }
                IpAddr::V6(_) => holds(e, a).then_some((e, a)),
            })
    }

    /// The public address of `e` a sender from the internet uses: its public IPv4 (own,
    /// else an Elastic IP), or its first IPv6 address.
    fn public_address(&self, e: &NetworkInterface, v4: bool) -> Option<IpAddr> {
        if !v4 {
            return first_address(e, false);
        }
        if let (Some(p), Some(_)) = (e.public_ip, e.private_ips.first()) {
            return Some(IpAddr::V4(p));
        }
        self.w.addresses.values().find_map(|x| {
            let assoc = x.association.as_ref()?;
            let mine =
                assoc.network_interface_id == e.id && e.private_ips.contains(&assoc.private_ip);
            mine.then_some(IpAddr::V4(x.public_ip))
        })
    }

    /// The public IPv4 private address `src` of `at` leaves an internet gateway with.
    fn egress_address(&self, at: At<'w>, src: IpAddr) -> Option<IpAddr> {
        match at {
            At::Eni(e) => {
                if e.private_ips.first().map(|a| IpAddr::V4(*a)) == Some(src) {
                    if let Some(p) = e.public_ip {
                        return Some(IpAddr::V4(p));
                    }
                }
                self.w.addresses.values().find_map(|x| {
                    let assoc = x.association.as_ref()?;
                    let mine = assoc.network_interface_id == e.id
                        && IpAddr::V4(assoc.private_ip) == src
                        && e.private_ips.contains(&assoc.private_ip);
                    mine.then_some(IpAddr::V4(x.public_ip))
                })
            }
            At::Nat(n) => {
                let mine = n.public && n.private_ip.map(IpAddr::V4) == Some(src);
                n.public_ip.filter(|_| mine).map(IpAddr::V4)
            }
        }
    }
}

/// The first packet of `flow` from `src` to `dst` (None: "all protocols" is no packet).
fn first_packet(flow: &Flow, src: IpAddr, dst: IpAddr) -> Option<Packet> {
    let (proto, sport, dport) =
        rules::first_packet_fields(flow.protocol, flow.port, flow.source_port, dst.is_ipv4())?;
    Some(Packet {
        src,
        dst,
        proto,
        sport,
        dport,
    })
}

/// `a` as IPv4, for matching an IPv4 rule (None for IPv6: no match).
fn remote_v4(a: IpAddr) -> Option<std::net::Ipv4Addr> {
    match a {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(_) => None,
    }
}

mod walk;
