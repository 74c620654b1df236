//! The walk: leg by leg from a sender, the route looked up in the sender subnet's table and
//! followed; arriving, leaving by a VPN, and naming why a packet went elsewhere.

use std::net::IpAddr;
use std::sync::Arc;

use super::{Decider, End, Leg, Owner, Refusal, Sender, Start, Step, MAX_LEGS};
use crate::explain::{Applied, Code, Detail, Direction, Header, HopKind, RouteRef, Why};
use crate::view::{Ix, Tgt};

impl Decider<'_> {
    /// Arrival at `o`: a NAT gateway translates the reply back and forwards it; an
    /// interface ends the walk (checked against the wanted one; forward: ingress rules).
    pub(super) fn arrive(
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
    pub(super) fn misrouted<T>(
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
    pub(super) fn enter(&mut self, h: &mut Header, want: Option<Ix>) -> Option<Step> {
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
    pub(super) fn walk(
        &mut self,
        start: Start,
        mut h: Header,
        want: Option<Ix>,
    ) -> Option<(End, Header)> {
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
}
