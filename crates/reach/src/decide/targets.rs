//! One route target each: local delivery, a peering connection, internet and egress-only
//! gateways, a NAT gateway, an interface, a gateway endpoint.

use std::net::IpAddr;
use std::sync::Arc;

use super::{Decider, End, Leg, Owner, Sender, Step};
use crate::explain::{Code, Detail, Direction, Header, HopKind, Why};
use crate::view::Ix;

impl Decider<'_> {
    /// A local route: an interface of the VPC holding the address.
    pub(super) fn via_local(
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
    pub(super) fn via_peering(
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
    pub(super) fn via_igw(
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
    pub(super) fn via_eigw(
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
    pub(super) fn via_nat(&mut self, leg: &Leg, n: Ix, h: &mut Header) -> Option<Step> {
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
    pub(super) fn via_eni(
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
    pub(super) fn via_gateway_endpoint(
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
