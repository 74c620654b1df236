//! A deliberately simple second evaluator, written from the spec (§1.7 routing, §1.8 the
//! data-plane rules, §3 endpoints, §13 VPN gateways, §14 network load balancers, transit
//! gateways ([`transit`]), §17 the
//! analyzer's codes) and decisions.md, to check [`crate::decide`] by property tests and by
//! reach-bench. It reads the raw [`World`] by linear scans — no compiled view, no index, no
//! longest-prefix-match structure — and shares nothing with the engine but the flow it is
//! given and the verdict it returns: its packet, route choice, rule and entry matching,
//! group-reference liveness, listener, cross-zone and client-IP rules are its own
//! ([`rules`]). It reports the verdict and the explanations (code, component, direction);
//! messages are empty and there are no hops.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::IpNet;
use openvpc_core::eni::{InstanceState, NetworkInterface};
use openvpc_core::gateway::{NatGateway, NatState};
use openvpc_core::nacl::RuleAction;
use openvpc_core::route::{Route, RouteTable, Target};
use openvpc_core::sg::{Peer, SecurityGroup};
use openvpc_core::subnet::Subnet;
use openvpc_core::vpc::Vpc;
use openvpc_core::World;

use crate::explain::{Code, Detail, Direction, Explanation, Verdict, Why};
use crate::{Endpoint, Flow, PrefixLists};

mod privatelink;
mod rules;
mod transit;

use rules::{Packet, LOOP_LIMIT};

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
        last: None,
    };
    r.run(flow);
    Verdict {
        reachable: r.exps.is_empty(),
        explanations: r.exps,
        ..Verdict::default()
    }
}

#[derive(Clone, Copy)]
enum Node<'w> {
    Eni(&'w NetworkInterface),
    Nat(&'w NatGateway),
}

enum End<'w> {
    Eni(&'w NetworkInterface),
    Internet,
    /// An AWS service behind gateway endpoint `.1`, from VPC `.0`.
    Service(&'w Vpc, &'w str),
    /// The customer's side of a VPN connection of virtual private gateway `.1` of `.0`.
    OnPremises(&'w Vpc, &'w str),
}

enum Step<'w> {
    End(End<'w>),
    At(Node<'w>),
}

struct Ref<'w> {
    w: &'w World,
    pls: &'w dyn PrefixLists,
    dir: Direction,
    exps: Vec<Explanation>,
    nats: Vec<(&'w NatGateway, IpAddr)>,
    egressed: Option<&'w str>,
    last: Option<&'w str>,
}

fn has(e: &NetworkInterface, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => {
            e.private_ips.contains(&a) || e.ipv4_prefixes.iter().any(|p| p.contains(&a))
        }
        IpAddr::V6(a) => {
            e.ipv6_addresses.contains(&a) || e.ipv6_prefixes.iter().any(|p| p.contains(&a))
        }
    }
}

fn vpc_contains(v: &Vpc, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => v.cidrs.iter().any(|c| c.cidr.contains(&a)),
        IpAddr::V6(a) => v.ipv6_cidrs.iter().any(|c| c.cidr.contains(&a)),
    }
}

impl<'w> Ref<'w> {
    fn blocker(&mut self, code: Code, component: &str, _message: String) {
        let (why, detail) = (Why::Code, Detail::default());
        let e = Explanation::new(code, Arc::from(component), self.dir, why, detail);
        self.exps.push(e);
    }

    fn fatal<T>(&mut self, code: Code, component: &str) -> Option<T> {
        self.blocker(code, component, String::new());
        None
    }

    // ---- lookups by scanning -------------------------------------------------------

    fn subnet(&self, id: &str) -> Option<&'w Subnet> {
        let s = self.w.subnets.get(id)?;
        self.w.vpcs.get(&s.vpc_id).map(|_| s)
    }

    fn usable(&self, e: &NetworkInterface) -> bool {
        self.subnet(&e.subnet_id)
            .is_some_and(|s| s.vpc_id == e.vpc_id)
    }

    fn eni(&self, id: &str) -> Option<&'w NetworkInterface> {
        self.w
            .network_interfaces
            .values()
            .find(|e| e.id == id && self.usable(e))
    }

    fn endpoint(&self, id: &str) -> Option<&'w NetworkInterface> {
        if id.starts_with("vpce-") {
            let e = self.w.vpc_endpoints.get(id)?;
            e.interfaces
                .iter()
                .find_map(|i| self.eni(&i.network_interface_id))
        } else if id.starts_with("i-") {
            let i = self
                .w
                .instances
                .values()
                .find(|i| i.id == id && i.state == InstanceState::Running)?;
            self.eni(&i.network_interface_id)
        } else {
            self.eni(id)
        }
    }

    fn eni_at(&self, vpc: &str, a: IpAddr) -> Option<&'w NetworkInterface> {
        self.w
            .network_interfaces
            .values()
            .find(|e| e.vpc_id == vpc && has(e, a) && self.usable(e))
    }

    fn nat(&self, id: &str) -> Option<&'w NatGateway> {
        self.w.nat_gateways.values().find(|n| {
            n.id == id
                && n.private_ip.is_some()
                && self.w.vpcs.get(&n.vpc_id).is_some()
                && self.subnet(&n.subnet_id).is_some()
        })
    }

    fn igw_of(&self, vpc: &str) -> Option<&'w str> {
        self.w
            .internet_gateways
            .values()
            .find(|g| g.attachment.as_deref() == Some(vpc))
            .map(|g| g.id.as_str())
    }

    fn table_of(&self, s: &Subnet) -> Option<&'w RouteTable> {
        let tables = || self.w.route_tables.values();
        let vpc = self.w.vpcs.get(&s.vpc_id)?;
        tables()
            .find(|t| {
                t.vpc_id == s.vpc_id
                    && t.associations
                        .iter()
                        .any(|a| a.subnet_id.as_deref() == Some(&s.id))
            })
            .or_else(|| tables().find(|t| t.id == vpc.main_route_table_id && t.vpc_id == vpc.id))
            .or_else(|| {
                tables().find(|t| t.vpc_id == vpc.id && t.associations.iter().any(|a| a.main))
            })
    }

    fn nacl(&mut self, subnet: &str, egress: bool, h: &Packet) {
        let w = self.w;
        let Some(s) = self.subnet(subnet) else { return };
        let vpc = w.vpcs.get(&s.vpc_id).expect("subnet() checked");
        let acl = w
            .network_acls
            .values()
            .find(|a| a.associations.iter().any(|x| x.subnet_id == s.id))
            .or_else(|| w.network_acls.get(&vpc.default_network_acl_id));
        let Some(acl) = acl else {
            return self.blocker(Code::UnknownResource, &s.id, String::new());
        };
        let remote = if egress { h.dst } else { h.src };
        let mut entries: Vec<_> = acl.entries.iter().filter(|e| e.egress == egress).collect();
        entries.sort_by_key(|e| e.rule_number);
        let hit = entries
            .into_iter()
            .find(|e| rules::entry_takes(e, h, remote));
        if !hit.is_some_and(|e| e.action == RuleAction::Allow) {
            self.blocker(Code::SubnetAclRestriction, &acl.id, String::new());
        }
    }

    /// The VPC of the group a reference of `owner` reaches; None when the reference is
    /// stale ([`rules::live_reference`]).
    fn group_ref_valid(&self, owner: &SecurityGroup, group_id: &str) -> Option<&'w str> {
        rules::live_reference(self.w, &owner.vpc_id, group_id)
    }

    fn sg(&mut self, e: &NetworkInterface, egress: bool, h: &Packet, identity: bool) {
        let w = self.w;
        if e.groups.is_empty() {
            return self.blocker(Code::UnknownResource, &e.id, String::new());
        }
        let remote = if egress { h.dst } else { h.src };
        let (mut any, mut lost) = (false, false);
        for g in e.groups.iter().filter_map(|g| w.security_groups.get(g)) {
            let rules = if egress { &g.egress } else { &g.ingress };
            any |= !rules.is_empty();
            for r in rules.iter().filter(|r| rules::rule_takes(r, h)) {
                let hit = match &r.peer {
                    Peer::V4(n) => IpNet::V4(*n).contains(&remote),
                    Peer::V6(n) => IpNet::V6(*n).contains(&remote),
                    Peer::PrefixList(id) => self
                        .pls
                        .cidrs(id)
                        .unwrap_or_default()
                        .iter()
                        .any(|n| n.contains(&remote)),
                    Peer::Group { group_id, .. } => {
                        let member = self.group_ref_valid(g, group_id).is_some_and(|vpc| {
                            self.eni_at(vpc, remote)
                                .is_some_and(|m| m.groups.iter().any(|x| x == group_id))
                        });
                        lost |= member && !egress && !identity;
                        member && (egress || identity)
                    }
                };
                if hit {
                    return;
                }
            }
        }
        if let Some(unknown) = e.groups.iter().find(|g| w.security_groups.get(g).is_none()) {
            return self.blocker(Code::UnknownResource, unknown, String::new());
        }
        let component = e.groups.first().unwrap_or(&e.id).clone();
        let code = if !any {
            Code::SgHasNoRules
        } else if lost {
            Code::SgReferencesNotPreserved
        } else {
            Code::EniSgRulesMismatch
        };
        self.blocker(code, &component, String::new());
    }

    /// Who holds `a` in `vpc` (the NAT gateway awaiting a reply first, on the return path).
    fn owner(&self, vpc: &str, a: IpAddr) -> Option<Node<'w>> {
        if self.dir == Direction::Return {
            if let Some(&(n, _)) = self.nats.last() {
                if n.vpc_id == vpc && n.private_ip.map(IpAddr::V4) == Some(a) {
                    return Some(Node::Nat(n));
                }
            }
        }
        self.eni_at(vpc, a).map(Node::Eni)
    }

    fn place(n: Node<'w>) -> (&'w str, &'w str) {
        match n {
            Node::Eni(e) => (&e.vpc_id, &e.subnet_id),
            Node::Nat(n) => (&n.vpc_id, &n.subnet_id),
        }
    }

    // ---- the walk ----------------------------------------------------------------------

    /// Whether any usable interface holds `a` as a public IPv4 (own or Elastic) or IPv6
    /// address.
    fn holds_public(&self, a: IpAddr) -> bool {
        let w = self.w;
        w.network_interfaces
            .values()
            .filter(|e| self.usable(e))
            .any(|e| match a {
                IpAddr::V4(a) => {
                    (e.public_ip == Some(a) && !e.private_ips.is_empty())
                        || w.addresses.values().any(|x| {
                            x.public_ip == a
                                && x.association.as_ref().is_some_and(|x| {
                                    x.network_interface_id == e.id
                                        && e.private_ips.contains(&x.private_ip)
                                })
                        })
                }
                IpAddr::V6(a) => has(e, IpAddr::V6(a)),
            })
    }

    /// The first public address of `e` in the family of `v4`: its own public IPv4, else an
    /// Elastic IP (in address order), or its first IPv6 address.
    fn public_of_eni(&self, e: &NetworkInterface, v4: bool) -> Option<IpAddr> {
        if !v4 {
            return e.ipv6_addresses.first().map(|a| IpAddr::V6(*a));
        }
        if let (Some(p), Some(_)) = (e.public_ip, e.private_ips.first()) {
            return Some(IpAddr::V4(p));
        }
        self.w
            .addresses
            .values()
            .find(|x| {
                x.association.as_ref().is_some_and(|x| {
                    x.network_interface_id == e.id && e.private_ips.contains(&x.private_ip)
                })
            })
            .map(|x| IpAddr::V4(x.public_ip))
    }

    /// A flow from internet host `src` (see [`crate::decide`]).
    fn run_from_internet(&mut self, flow: &Flow, src: IpAddr) {
        let private = matches!(src, IpAddr::V4(a) if a.is_private());
        if private || self.holds_public(src) {
            return self.blocker(Code::NoSourceOrDestination, &flow.source, String::new());
        }
        let (dst, want) = match &flow.destination {
            Endpoint::Ip(a) => (*a, None),
            Endpoint::Vpce(id) => {
                return self.blocker(Code::NoSourceOrDestination, id, String::new());
            }
            Endpoint::Eni(id) | Endpoint::Instance(id) => {
                let Some(d) = self.endpoint(id) else {
                    return self.blocker(Code::NoSourceOrDestination, id, String::new());
                };
                let Some(a) = self.public_of_eni(d, src.is_ipv4()) else {
                    return self.blocker(Code::NoSourceOrDestination, &d.id, String::new());
                };
                (a, Some(d))
            }
        };
        let h = (src.is_ipv4() == dst.is_ipv4())
            .then(|| rules::first_packet(flow, src, dst))
            .flatten();
        let Some(h) = h else {
            return self.blocker(Code::NoSourceOrDestination, &flow.source, String::new());
        };
        let mut fwd = h;
        let Some(step) = self.enter(&mut fwd, want) else {
            return;
        };
        let Some((end, at)) = self.walk(step, fwd, want, true) else {
            return;
        };
        let End::Eni(y) = end else {
            return self.blocker(Code::NoSourceOrDestination, &flow.source, String::new());
        };
        if !self.through_node(y, &at) {
            return;
        }
        self.dir = Direction::Return;
        self.last = None;
        let Some((end, r)) = self.walk(Step::At(Node::Eni(y)), at.answer(), None, true) else {
            return;
        };
        let route = self.last.unwrap_or("route").to_string();
        match end {
            End::Internet if r.src == h.dst => {}
            End::Internet => {
                let component = match self.nats.last() {
                    Some((n, _)) => n.id.clone(),
                    None => route,
                };
                self.blocker(Code::CannotRoute, &component, String::new());
            }
            _ => self.blocker(Code::CannotRoute, &route, String::new()),
        }
    }

    fn run(&mut self, flow: &Flow) {
        match flow.source.parse::<IpAddr>() {
            Ok(src) => self.run_from_internet(flow, src),
            Err(_) => self.run_from_interface(flow),
        }
    }

    /// A flow from an interface, instance or endpoint: its first packet out, the far end's
    /// checks, and the answer back.
    fn run_from_interface(&mut self, flow: &Flow) {
        let Some(s) = self.endpoint(&flow.source) else {
            return self.blocker(Code::NoSourceOrDestination, &flow.source, String::new());
        };
        let Some((dst, want)) = self.destination_of(s, &flow.destination) else {
            return;
        };
        let src = match dst {
            IpAddr::V4(_) => s.private_ips.first().map(|a| IpAddr::V4(*a)),
            IpAddr::V6(_) => s.ipv6_addresses.first().map(|a| IpAddr::V6(*a)),
        };
        let Some(h) = src.and_then(|src| rules::first_packet(flow, src, dst)) else {
            return self.blocker(Code::NoSourceOrDestination, &s.id, String::new());
        };
        if self.endpoint_as_source(s) {
            return;
        }
        self.sg(s, true, &h, true);
        let Some((end, at)) = self.walk(Step::At(Node::Eni(s)), h, want, true) else {
            return;
        };
        if let End::Eni(y) = end {
            let on = if self.node_of(y).is_some() {
                self.through_node(y, &at)
            } else {
                self.through_endpoint(y, &at)
            };
            if !on {
                return;
            }
        }
        self.answer_to(s, end, &at, h.dst);
    }

    /// The address and interface (if any) destination `d` names, seen from source `s`;
    /// None (with the blocker noted) when there is none.
    fn destination_of(
        &mut self,
        s: &'w NetworkInterface,
        d: &Endpoint,
    ) -> Option<(IpAddr, Option<&'w NetworkInterface>)> {
        let id = match d {
            Endpoint::Ip(a) => return Some((*a, None)),
            Endpoint::Vpce(id) | Endpoint::Eni(id) | Endpoint::Instance(id) => id,
        };
        let found = match d {
            Endpoint::Vpce(_) => self.vpce_destination(s, id),
            _ => self
                .endpoint(id)
                .ok_or((Code::NoSourceOrDestination, id.as_str())),
        };
        let e = match found {
            Ok(e) => e,
            Err((code, component)) => return self.fatal(code, component),
        };
        let a = crate::decide::destination_address(
            (!s.private_ips.is_empty(), !s.ipv6_addresses.is_empty()),
            e.private_ips.first().copied(),
            e.ipv6_addresses.first().copied(),
        );
        match a {
            Some(a) => Some((a, Some(e))),
            None => self.fatal(Code::NoSourceOrDestination, &e.id),
        }
    }

    /// The answer to packet `at` (as it arrived at `end`) walked back to source `s`, which
    /// sent it to `sent_to`: a reply translated on its way back is dropped by the sender.
    fn answer_to(&mut self, s: &'w NetworkInterface, end: End<'w>, at: &Packet, sent_to: IpAddr) {
        self.dir = Direction::Return;
        self.last = None;
        let mut reply = at.answer();
        let back = match end {
            End::Eni(y) => self.walk(Step::At(Node::Eni(y)), reply, Some(s), true),
            End::Internet => match self.enter(&mut reply, Some(s)) {
                Some(step) => self.walk(step, reply, Some(s), true),
                None => None,
            },
            End::Service(vpc, via) | End::OnPremises(vpc, via) => {
                match self.owner(&vpc.id, reply.dst) {
                    None => self.fatal(Code::CannotRoute, via),
                    Some(o) => {
                        self.nacl(Self::place(o).1, false, &reply);
                        match self.arrive(o, &mut reply, Some(s), true) {
                            Some(step) => self.walk(step, reply, Some(s), true),
                            None => None,
                        }
                    }
                }
            }
        };
        if back.is_some_and(|(_, r)| r.src != sent_to) {
            self.blocker(Code::CannotRoute, &s.id, String::new());
        }
    }

    /// On the return path an undeliverable reply is misrouted (`CANNOT_ROUTE` at the table).
    fn undeliverable<T>(&mut self, code: Code, component: &str) -> Option<T> {
        match (self.dir, self.last) {
            (Direction::Return, Some(t)) => self.fatal(Code::CannotRoute, t),
            _ => self.fatal(code, component),
        }
    }

    fn misrouted<T>(
        &mut self,
        want: &NetworkInterface,
        got_vpc: Option<&str>,
        dst: IpAddr,
    ) -> Option<T> {
        if self.dir == Direction::Forward {
            let table = self.last.and_then(|t| self.w.route_tables.get(t));
            if let Some(t) = table.filter(|t| self.shadowed_toward(t, &want.vpc_id, dst)) {
                return self.fatal(Code::MoreSpecificRoute, &t.id.clone());
            }
            if self.last.is_none() && got_vpc.is_some_and(|s| s != want.vpc_id) {
                return self.fatal(Code::DisconnectedVpcs, &want.vpc_id.clone());
            }
        }
        let component = self.last.unwrap_or(&want.id).to_string();
        self.fatal(Code::CannotRoute, &component)
    }

    /// Whether route `r` of table `t` leads through an active peering to VPC `to`.
    fn peers_to(&self, t: &RouteTable, r: &Route, to: &str) -> bool {
        let Target::VpcPeeringConnection(id) = &r.target else {
            return false;
        };
        self.w.peerings.get(id).is_some_and(|p| {
            p.status.is_active() && p.other_vpc(&t.vpc_id).is_some_and(|side| side.vpc_id == to)
        })
    }

    /// Whether table `t` has a route for `dst` through an active peering to VPC `to` that a
    /// more specific route for `dst` overrides (§17.1 `MORE_SPECIFIC_ROUTE`): the peering
    /// route wins for its own prefix, but a longer prefix holding `dst` exists.
    fn shadowed_toward(&self, t: &RouteTable, to: &str, dst: IpAddr) -> bool {
        let longest = t
            .routes
            .iter()
            .flat_map(|r| rules::route_nets(r, self.pls))
            .filter(|n| n.contains(&dst))
            .map(|n| n.prefix_len())
            .max();
        let Some(longest) = longest else {
            return false;
        };
        t.routes
            .iter()
            .filter(|r| self.peers_to(t, r, to))
            .any(|r| {
                rules::route_nets(r, self.pls).into_iter().any(|n| {
                    n.contains(&dst)
                        && n.prefix_len() < longest
                        && rules::route_for_prefix(t, n, self.pls)
                            .is_some_and(|w| std::ptr::eq(w, r))
                })
            })
    }

    fn arrive(
        &mut self,
        o: Node<'w>,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: bool,
    ) -> Option<Step<'w>> {
        match o {
            Node::Nat(n) => {
                let (_, original) = self.nats.pop().expect("owner() found a pending NAT");
                h.dst = original;
                Some(Step::At(Node::Nat(n)))
            }
            Node::Eni(y) => {
                if let Some(want) = want.filter(|w| w.id != y.id) {
                    return self.misrouted(want, Some(&y.vpc_id), h.dst);
                }
                if self.dir == Direction::Forward && self.node_of(y).is_none() {
                    let nat = self.w.nat_gateways.values().find(|n| {
                        y.groups.is_empty()
                            && n.vpc_id == y.vpc_id
                            && n.private_ip.is_some_and(|a| y.private_ips.contains(&a))
                    });
                    match nat {
                        Some(n) => self.blocker(Code::NoPossibleDestination, &n.id, String::new()),
                        None => self.sg(y, false, h, identity),
                    }
                }
                Some(Step::End(End::Eni(y)))
            }
        }
    }

    fn enter(&mut self, h: &mut Packet, want: Option<&'w NetworkInterface>) -> Option<Step<'w>> {
        let w = self.w;
        let found: Option<(Node<'w>, IpAddr)> = match h.dst {
            IpAddr::V4(d) => {
                let nat = self.nats.last().map(|&(n, _)| n).filter(|n| {
                    self.dir == Direction::Return && n.public && n.public_ip == Some(d)
                });
                match nat {
                    Some(n) => Some((Node::Nat(n), h.dst)),
                    None => w
                        .network_interfaces
                        .values()
                        .filter(|e| self.usable(e))
                        .find_map(|e| {
                            let primary = e.private_ips.first()?;
                            if e.public_ip == Some(d) {
                                return Some((Node::Eni(e), IpAddr::V4(*primary)));
                            }
                            w.addresses
                                .values()
                                .filter_map(|a| Some((a.public_ip, a.association.as_ref()?)))
                                .find(|(p, x)| {
                                    *p == d
                                        && x.network_interface_id == e.id
                                        && e.private_ips.contains(&x.private_ip)
                                })
                                .map(|(_, x)| (Node::Eni(e), IpAddr::V4(x.private_ip)))
                        }),
                }
            }
            IpAddr::V6(_) => w
                .network_interfaces
                .values()
                .find(|e| has(e, h.dst) && self.usable(e))
                .map(|e| (Node::Eni(e), h.dst)),
        };
        let Some((o, private)) = found else {
            if let Some(want) = want {
                return self.misrouted(want, None, h.dst);
            }
            return Some(Step::End(End::Internet));
        };
        let vpc = Self::place(o).0;
        let back_in = self.dir == Direction::Return && self.egressed == Some(vpc);
        if self.igw_of(vpc).is_none() && !back_in {
            return self.fatal(Code::NoRouteToDestination, vpc);
        }
        h.dst = private;
        self.nacl(Self::place(o).1, false, h);
        self.arrive(o, h, want, false)
    }

    fn walk(
        &mut self,
        start: Step<'w>,
        mut h: Packet,
        want: Option<&'w NetworkInterface>,
        mut identity: bool,
    ) -> Option<(End<'w>, Packet)> {
        let w = self.w;
        let mut at = match start {
            Step::End(e) => return Some((e, h)),
            Step::At(n) => n,
        };
        for _ in 0..LOOP_LIMIT {
            let (vpc_id, subnet_id) = Self::place(at);
            let vpc = w.vpcs.get(vpc_id).expect("placed nodes have a VPC");
            let subnet = self.subnet(subnet_id).expect("placed nodes have a subnet");
            if let Some(o) = self.owner(vpc_id, h.dst) {
                if Self::place(o).1 == subnet_id {
                    match self.arrive(o, &mut h, want, identity)? {
                        Step::End(e) => return Some((e, h)),
                        Step::At(n) => {
                            at = n;
                            continue;
                        }
                    }
                }
            }
            let Some(t) = self.table_of(subnet) else {
                self.nacl(subnet_id, true, &h);
                return self.fatal(Code::UnknownResource, subnet_id);
            };
            let Some(r) = rules::best_route(t, h.dst, self.pls) else {
                self.nacl(subnet_id, true, &h);
                return self.fatal(Code::NoRouteToDestination, &t.id);
            };
            self.last = Some(&t.id);
            let leg = Leg {
                at,
                vpc,
                subnet_id,
                table: &t.id,
            };
            let step = match &r.target {
                Target::Local => self.via_local(&leg, &mut h, want, identity)?,
                Target::VpcPeeringConnection(id) => {
                    self.via_peering(&leg, id, &mut h, want, identity)?
                }
                Target::Gateway(id) if id.starts_with("igw-") => {
                    self.via_internet_gateway(&leg, id, &mut h, want)?
                }
                Target::EgressOnlyInternetGateway(id) => {
                    self.via_egress_only(&leg, id, &mut h, want)?
                }
                Target::NatGateway(id) => self.via_nat(&leg, id, &mut h)?,
                Target::NetworkInterface(_) | Target::Instance(_) => {
                    self.via_interface(&leg, &r.target, &mut h, want, &mut identity)?
                }
                Target::GatewayEndpoint(id) => self.via_gateway_endpoint(&leg, id, &h, want)?,
                Target::Gateway(id) if rules::is_vgw(&r.target) => {
                    self.via_vpn_gateway(&leg, id, &h, want)?
                }
                Target::TransitGateway(id) if self.knows_transit_gateway(id) => {
                    self.via_transit_gateway(&leg, id, &mut h, want)?
                }
                Target::Gateway(id) | Target::VpcEndpoint(id) | Target::TransitGateway(id) => {
                    self.nacl(subnet_id, true, &h);
                    return self.fatal(Code::UnsupportedComponent, id);
                }
            };
            match step {
                Step::End(e) => return Some((e, h)),
                Step::At(n) => at = n,
            }
        }
        let component = self.last.unwrap_or("route").to_string();
        self.fatal(Code::CannotRoute, &component)
    }

    /// A leg by the local route: to the owner of the address in the same VPC.
    fn via_local(
        &mut self,
        leg: &Leg<'w>,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: bool,
    ) -> Option<Step<'w>> {
        self.nacl(leg.subnet_id, true, h);
        let Some(o) = self.owner(&leg.vpc.id, h.dst) else {
            return self.undeliverable(Code::VpcLocalRouteCidrRestriction, leg.table);
        };
        self.nacl(Self::place(o).1, false, h);
        self.arrive(o, h, want, identity)
    }

    /// A leg out through peering connection `id`: to the owner of the address in the peer VPC.
    fn via_peering(
        &mut self,
        leg: &Leg<'w>,
        id: &str,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: bool,
    ) -> Option<Step<'w>> {
        let w = self.w;
        let (vpc_id, subnet_id) = (leg.vpc.id.as_str(), leg.subnet_id);
        let p = w.peerings.get(id);
        let peer = p.and_then(|p| {
            if p.requester.vpc_id == *vpc_id {
                Some(&p.accepter.vpc_id)
            } else if p.accepter.vpc_id == *vpc_id {
                Some(&p.requester.vpc_id)
            } else {
                None
            }
        });
        let peer = peer.and_then(|pv| w.vpcs.get(pv));
        self.nacl(subnet_id, true, h);
        let peer = match (p, peer) {
            (Some(p), Some(peer)) if p.status.is_active() => peer,
            _ => return self.fatal(Code::BadStateRoute, leg.table),
        };
        if !vpc_contains(peer, h.dst) {
            return self.undeliverable(Code::PcxRequiresAddressInVpcCidr, id);
        }
        let Some(o) = self.owner(&peer.id, h.dst) else {
            return self.undeliverable(Code::VpcLocalRouteCidrRestriction, id);
        };
        self.nacl(Self::place(o).1, false, h);
        self.arrive(o, h, want, identity)
    }

    /// A leg out through internet gateway `id`: IPv4 leaves with the source's public address.
    fn via_internet_gateway(
        &mut self,
        leg: &Leg<'w>,
        id: &str,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Step<'w>> {
        let w = self.w;
        let vpc_id = leg.vpc.id.as_str();
        let attached = w
            .internet_gateways
            .get(id)
            .is_some_and(|g| g.attachment.as_deref() == Some(vpc_id));
        self.nacl(leg.subnet_id, true, h);
        if !attached {
            return self.fatal(Code::BadStateRoute, leg.table);
        }
        if let IpAddr::V4(d) = h.dst {
            if d.is_private() {
                return self.fatal(Code::IgwDestinationAddressNotInRfc1918Egress, id);
            }
            let Some(public) = self.public_source(leg.at, h.src) else {
                return self.fatal(Code::IgwPublicIpAssociationForEgress, id);
            };
            h.src = IpAddr::V4(public);
        }
        if self.dir == Direction::Forward {
            self.egressed = Some(leg.vpc.id.as_str());
        }
        self.enter(h, want)
    }

    /// The public address source `src` of `at` leaves an internet gateway with: the
    /// interface's public IP (primary address) or an Elastic IP associated with `src`, or a
    /// public NAT gateway's.
    fn public_source(&self, at: Node<'w>, src: IpAddr) -> Option<Ipv4Addr> {
        match at {
            Node::Eni(e) => {
                let primary = e.private_ips.first().map(|a| IpAddr::V4(*a));
                if primary == Some(src) && e.public_ip.is_some() {
                    e.public_ip
                } else {
                    self.w
                        .addresses
                        .values()
                        .filter_map(|a| Some((a.public_ip, a.association.as_ref()?)))
                        .find(|(_, x)| {
                            x.network_interface_id == e.id
                                && IpAddr::V4(x.private_ip) == src
                                && e.private_ips.contains(&x.private_ip)
                        })
                        .map(|(p, _)| p)
                }
            }
            Node::Nat(n) => n
                .public_ip
                .filter(|_| n.public && n.private_ip.map(IpAddr::V4) == Some(src)),
        }
    }

    /// A leg out through egress-only internet gateway `id` (IPv6 only).
    fn via_egress_only(
        &mut self,
        leg: &Leg<'w>,
        id: &str,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Step<'w>> {
        let ok = self
            .w
            .egress_only_gateways
            .get(id)
            .is_some_and(|g| g.vpc_id == leg.vpc.id);
        self.nacl(leg.subnet_id, true, h);
        if !ok {
            return self.fatal(Code::BadStateRoute, leg.table);
        }
        if h.dst.is_ipv4() {
            return self.fatal(Code::CannotRoute, id);
        }
        if self.dir == Direction::Forward {
            self.egressed = Some(leg.vpc.id.as_str());
        }
        self.enter(h, want)
    }

    /// A leg to gateway endpoint `id`: the service is the end, unless an interface was wanted.
    fn via_gateway_endpoint(
        &mut self,
        leg: &Leg<'w>,
        id: &'w str,
        h: &Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Step<'w>> {
        self.nacl(leg.subnet_id, true, h);
        if !self.gateway_endpoint(id, leg.vpc, h) {
            return self.fatal(Code::BadStateRoute, leg.table);
        }
        if let Some(want) = want {
            return self.misrouted(want, Some(&leg.vpc.id), h.dst);
        }
        Some(Step::End(End::Service(leg.vpc, id)))
    }

    /// A leg to virtual private gateway `id` (§13.3–13.4): a blackhole unless it exists, is
    /// available and attached to this VPC; it carries only packets from the VPC's own
    /// addresses (no edge-to-edge routing), to a range a static route of one of its
    /// available VPN connections covers.
    fn via_vpn_gateway(
        &mut self,
        leg: &Leg<'w>,
        id: &'w str,
        h: &Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Step<'w>> {
        self.nacl(leg.subnet_id, true, h);
        let attached = self.w.vpn_gateways.get(id).is_some_and(|g| {
            g.state == openvpc_core::vpn::State::Available
                && g.attachments
                    .iter()
                    .any(|a| a.attached && a.vpc_id == leg.vpc.id)
        });
        if !attached {
            return self.fatal(Code::BadStateRoute, leg.table);
        }
        if !vpc_contains(leg.vpc, h.src) {
            return self.fatal(Code::VgwPrivateIpAssociationForEgress, id);
        }
        let covered = match h.dst {
            IpAddr::V4(d) => rules::customer_ranges(self.w, id)
                .iter()
                .any(|n| n.contains(&d)),
            IpAddr::V6(_) => false,
        };
        if !covered {
            return self.fatal(Code::CannotRoute, id);
        }
        if let Some(want) = want {
            return self.misrouted(want, None, h.dst);
        }
        Some(Step::End(End::OnPremises(leg.vpc, id)))
    }

    /// A leg to NAT gateway `id`, which translates the source to its private address.
    fn via_nat(&mut self, leg: &Leg<'w>, id: &str, h: &mut Packet) -> Option<Step<'w>> {
        let subnet_id = leg.subnet_id;
        let Some(n) = self.nat(id).filter(|n| n.state == NatState::Available) else {
            self.nacl(subnet_id, true, h);
            return self.fatal(Code::BadStateRoute, leg.table);
        };
        if n.vpc_id != leg.vpc.id || !vpc_contains(leg.vpc, h.src) {
            self.nacl(subnet_id, true, h);
            return self.fatal(Code::NgwRequiresSourceInVpc, &n.id);
        }
        if h.dst.is_ipv6() {
            self.nacl(subnet_id, true, h);
            return self.fatal(Code::CannotRoute, &n.id);
        }
        if n.subnet_id != *subnet_id {
            self.nacl(subnet_id, true, h);
            self.nacl(&n.subnet_id, false, h);
        }
        self.nats.push((n, h.src));
        h.src = IpAddr::V4(n.private_ip.expect("nat() checked"));
        Some(Step::At(Node::Nat(n)))
    }

    /// A leg to the interface or instance `target` names: delivered if it owns the
    /// destination, else forwarded by it (an appliance; source/destination check applies).
    fn via_interface(
        &mut self,
        leg: &Leg<'w>,
        target: &'w Target,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: &mut bool,
    ) -> Option<Step<'w>> {
        let subnet_id = leg.subnet_id;
        let m = match target {
            Target::Instance(i) => self.endpoint(i).filter(|_| i.starts_with("i-")),
            _ => self.eni(target.id()),
        };
        let Some(m) = m.filter(|m| m.vpc_id == leg.vpc.id) else {
            self.nacl(subnet_id, true, h);
            return self.fatal(Code::BadStateRoute, leg.table);
        };
        if m.subnet_id != *subnet_id {
            self.nacl(subnet_id, true, h);
            self.nacl(&m.subnet_id, false, h);
        }
        if has(m, h.dst) {
            return self.arrive(Node::Eni(m), h, want, *identity);
        }
        if self.dir == Direction::Forward {
            self.sg(m, false, h, *identity);
            self.sg(m, true, h, true);
        }
        if m.source_dest_check {
            self.blocker(Code::EniSourceDestCheckRestriction, &m.id, String::new());
        }
        *identity = false;
        Some(Step::At(Node::Eni(m)))
    }
}

/// Where a leg of the walk leaves from: the node, its VPC and subnet, and the table routing.
struct Leg<'w> {
    at: Node<'w>,
    vpc: &'w Vpc,
    subnet_id: &'w str,
    table: &'w str,
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
