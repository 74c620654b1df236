//! The reference's walk: leg by leg from a sender, as §5.2 steps 3–7 lay it out.

use std::net::IpAddr;

use openvpc_core::eni::NetworkInterface;

use super::rules::{self, Packet, Via};
use super::{in_vpc, Arrived, At, Next, Ref, LOOP_LIMIT};
use crate::explain::{Code, Direction};

impl<'w> Ref<'w> {
    /// Walks `p` from `at`; where it arrived and the packet there, or `None` when the path
    /// ends (the blocker noted).
    pub(super) fn walk(
        &mut self,
        at: At<'w>,
        p: Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<(Arrived<'w>, Packet)> {
        self.go_on(Next::From(at), p, want)
    }

    /// Walks on from `next`.
    pub(super) fn go_on(
        &mut self,
        next: Next<'w>,
        mut p: Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<(Arrived<'w>, Packet)> {
        let mut at = match next {
            Next::Done(end) => return Some((end, p)),
            Next::From(at) => at,
        };
        let mut identity = true;
        for _ in 0..LOOP_LIMIT {
            match self.leg(at, &mut p, want, &mut identity)? {
                Next::Done(end) => return Some((end, p)),
                Next::From(next) => at = next,
            }
        }
        let table = self.last_table.unwrap_or("route").to_string();
        self.stop(Code::CannotRoute, &table)
    }

    /// One leg from `at`: delivery within the subnet, or the subnet's route.
    fn leg(
        &mut self,
        at: At<'w>,
        p: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: &mut bool,
    ) -> Option<Next<'w>> {
        let (vpc_id, subnet_id) = (at.vpc(), at.subnet());
        if let Some(h) = self.holder(vpc_id, p.dst) {
            if h.subnet() == subnet_id {
                return self.reach(h, p, want, *identity);
            }
        }
        let subnet = self.subnet(subnet_id).expect("a sender's subnet exists");
        let Some(table) = self.table_of(subnet) else {
            self.acl(subnet_id, true, p);
            return self.stop(Code::NoRouteToDestination, subnet_id);
        };
        let Some(route) = rules::best_route(table, p.dst, self.pls) else {
            self.acl(subnet_id, true, p);
            return self.stop(Code::NoRouteToDestination, &table.id);
        };
        self.last_table = Some(&table.id);
        let via = rules::via(self.w, vpc_id, route, |id| self.eni(id).is_some());
        match via {
            Via::Interface(m) => self.through_interface(at, &m, p, want, identity),
            Via::Nat(id) => self.through_nat(at, &id, p),
            via => {
                self.acl(subnet_id, true, p);
                self.beyond_subnet(at, via, p, want, *identity)
            }
        }
    }

    /// A target past the subnet's outbound ACL.
    fn beyond_subnet(
        &mut self,
        at: At<'w>,
        via: Via,
        p: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: bool,
    ) -> Option<Next<'w>> {
        let table = self.last_table.expect("a route was taken");
        let vpc_id = at.vpc();
        match via {
            Via::Blackhole => self.stop(Code::BadStateRoute, table),
            Via::Unsupported(id) => self.stop(Code::UnsupportedComponent, &id),
            Via::Local => {
                let Some(h) = self.holder(vpc_id, p.dst) else {
                    return self.undeliverable(Code::VpcLocalRouteCidrRestriction, table);
                };
                self.acl(h.subnet(), false, p);
                self.reach(h, p, want, identity)
            }
            Via::Peering(id, peer) => {
                let peer_vpc = self.w.vpcs.get(&peer).expect("via() checked");
                if !in_vpc(peer_vpc, p.dst) {
                    return self.undeliverable(Code::PcxRequiresAddressInVpcCidr, &id);
                }
                let Some(h) = self.holder(&peer, p.dst) else {
                    return self.undeliverable(Code::VpcLocalRouteCidrRestriction, &id);
                };
                self.acl(h.subnet(), false, p);
                self.reach(h, p, want, identity)
            }
            Via::InternetGateway(id) => {
                if let IpAddr::V4(d) = p.dst {
                    if d.is_private() {
                        return self.stop(Code::IgwDestinationAddressNotInRfc1918Egress, &id);
                    }
                    let Some(public) = self.egress_address(at, p.src) else {
                        return self.stop(Code::IgwPublicIpAssociationForEgress, &id);
                    };
                    p.src = public;
                }
                self.left_by_gateway(vpc_id);
                self.enter_from_the_internet(p, want)
            }
            Via::EgressOnly(id) => {
                if p.dst.is_ipv4() {
                    return self.stop(Code::CannotRoute, &id);
                }
                self.left_by_gateway(vpc_id);
                self.enter_from_the_internet(p, want)
            }
            Via::GatewayEndpoint(id) => {
                let vpc = self.w.vpcs.get(vpc_id).expect("a sender's VPC exists");
                self.gateway_endpoint_checks(&id, vpc, p);
                if let Some(want) = want {
                    return self.misrouted(want);
                }
                let id = &self.w.vpc_endpoints.get(&id).expect("via() checked").id;
                Some(Next::Done(Arrived::Service(vpc, id)))
            }
            Via::Interface(_) | Via::Nat(_) => unreachable!("handled by leg()"),
        }
    }

    /// The request leaves by `vpc`'s gateway (its replies may come back in by it).
    fn left_by_gateway(&mut self, vpc: &'w str) {
        if self.dir == Direction::Forward {
            self.egressed = Some(vpc);
        }
    }

    /// A route to interface `m` (a middlebox unless it holds the destination).
    fn through_interface(
        &mut self,
        at: At<'w>,
        m: &str,
        p: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: &mut bool,
    ) -> Option<Next<'w>> {
        let m = self.eni(m).expect("via() checked");
        if m.subnet_id != at.subnet() {
            self.acl(at.subnet(), true, p);
            self.acl(&m.subnet_id, false, p);
        }
        if super::holds(m, p.dst) {
            return self.reach(At::Eni(m), p, want, *identity);
        }
        if self.dir == Direction::Forward {
            self.groups(m, false, p, *identity);
            self.groups(m, true, p, true);
        }
        if m.source_dest_check {
            self.block(Code::EniSourceDestCheckRestriction, &m.id);
        }
        *identity = false;
        Some(Next::From(At::Eni(m)))
    }

    /// A route to NAT gateway `id` (§5.2: in the sender's VPC, for sources of that VPC,
    /// IPv4 only); it translates the source to its own address.
    fn through_nat(&mut self, at: At<'w>, id: &str, p: &mut Packet) -> Option<Next<'w>> {
        let n = self.w.nat_gateways.get(id).expect("via() checked");
        let vpc = self.w.vpcs.get(at.vpc()).expect("a sender's VPC exists");
        if n.vpc_id != vpc.id || !in_vpc(vpc, p.src) {
            self.acl(at.subnet(), true, p);
            return self.stop(Code::NgwRequiresSourceInVpc, &n.id);
        }
        if p.dst.is_ipv6() {
            self.acl(at.subnet(), true, p);
            return self.stop(Code::CannotRoute, &n.id);
        }
        if n.subnet_id != at.subnet() {
            self.acl(at.subnet(), true, p);
            self.acl(&n.subnet_id, false, p);
        }
        self.nats.push((n, p.src));
        p.src = IpAddr::V4(n.private_ip.expect("via() checked"));
        Some(Next::From(At::Nat(n)))
    }

    /// Arrival at `h`: a NAT gateway turns the reply back to its original destination and
    /// sends it on; an interface ends the walk (it must be the one wanted; on the way out
    /// its groups' ingress applies).
    pub(super) fn reach(
        &mut self,
        h: At<'w>,
        p: &mut Packet,
        want: Option<&'w NetworkInterface>,
        identity: bool,
    ) -> Option<Next<'w>> {
        match h {
            At::Nat(n) => {
                let (_, original) = self.nats.pop().expect("holder() saw a pending NAT");
                p.dst = original;
                Some(Next::From(At::Nat(n)))
            }
            At::Eni(y) => {
                if let Some(want) = want.filter(|w| w.id != y.id) {
                    return self.misrouted(want);
                }
                if self.dir == Direction::Forward {
                    self.groups(y, false, p, identity);
                }
                Some(Next::Done(Arrived::Eni(y)))
            }
        }
    }

    /// A packet on the internet: the holder of its destination address is entered by its
    /// VPC's internet gateway (a reply also by the gateway the request left from);
    /// otherwise it has reached the internet.
    pub(super) fn enter_from_the_internet(
        &mut self,
        p: &mut Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Next<'w>> {
        let nat = match (self.dir, self.nats.last(), p.dst) {
            (Direction::Return, Some(&(n, _)), IpAddr::V4(d))
                if n.public && n.public_ip == Some(d) =>
            {
                Some(n)
            }
            _ => None,
        };
        let found = match nat {
            Some(n) => Some((At::Nat(n), p.dst)),
            None => self.public_holder(p.dst).map(|(e, a)| (At::Eni(e), a)),
        };
        let Some((h, private)) = found else {
            if let Some(want) = want {
                return self.misrouted(want);
            }
            return Some(Next::Done(Arrived::Internet));
        };
        let vpc = h.vpc();
        let has_gateway = self
            .w
            .internet_gateways
            .values()
            .any(|g| g.attachment.as_deref() == Some(vpc));
        let back_in = self.dir == Direction::Return && self.egressed == Some(vpc);
        if !has_gateway && !back_in {
            return self.stop(Code::NoRouteToDestination, vpc);
        }
        p.dst = private;
        self.acl(h.subnet(), false, p);
        self.reach(h, p, want, false)
    }

    /// Delivered elsewhere than to the interface wanted: the route taken is at fault.
    pub(super) fn misrouted<T>(&mut self, want: &NetworkInterface) -> Option<T> {
        let component = self.last_table.unwrap_or(&want.id).to_string();
        self.stop(Code::CannotRoute, &component)
    }

    /// A packet the route cannot deliver; a reply is misrouted (§5.2 step 7, no uRPF).
    fn undeliverable<T>(&mut self, code: Code, component: &str) -> Option<T> {
        match (self.dir, self.last_table) {
            (Direction::Return, Some(t)) => self.stop(Code::CannotRoute, t),
            _ => self.stop(code, component),
        }
    }
}
