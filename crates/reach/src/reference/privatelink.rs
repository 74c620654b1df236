//! The reference's VPC endpoints and PrivateLink, from §3.2–3.3 and decisions.md: gateway
//! endpoints' restrictions, interface endpoints as destinations and (refused) sources, and
//! the provider's side — the endpoint service, its network load balancer's node in the
//! endpoint's zone, the listener on the flow's port, the target group and each target, as
//! the provider sees the traffic (from the node's address). Reachable when one target is.

use std::net::IpAddr;

use openvpc_core::elb::{LbSubnet, LoadBalancer, Target, TargetGroup};
use openvpc_core::endpoint::{EndpointType, State, VpcEndpoint};
use openvpc_core::endpoint_service::ServiceState;
use openvpc_core::eni::NetworkInterface;
use openvpc_core::vpc::Vpc;

use super::rules::{self, Packet};
use super::{in_vpc, Arrived, At, Ref};
use crate::explain::{Code, Direction};

impl<'w> Ref<'w> {
    /// The Availability Zone id of `e`'s subnet.
    fn zone_of(&self, e: &NetworkInterface) -> Option<&'w str> {
        let s = self.w.subnets.get(&e.subnet_id)?;
        Some(s.availability_zone_id.as_str())
    }

    /// The endpoint whose interfaces list `e` (the first).
    fn endpoint_of(&self, e: &NetworkInterface) -> Option<&'w VpcEndpoint> {
        self.w
            .vpc_endpoints
            .values()
            .find(|x| x.interfaces.iter().any(|i| i.network_interface_id == e.id))
    }

    /// The interface of endpoint `id` a flow from `s` is sent to: the one in `s`'s zone,
    /// else the first. A gateway endpoint has none (its service has the addresses); an
    /// endpoint without interfaces is not `available` (the provider has not accepted it) or
    /// has lost them.
    pub(super) fn endpoint_destination(
        &self,
        s: &NetworkInterface,
        id: &str,
    ) -> Result<&'w NetworkInterface, (Code, String)> {
        let Some(ep) = self.w.vpc_endpoints.get(id) else {
            return Err((Code::NoSourceOrDestination, id.to_string()));
        };
        let enis: Vec<&NetworkInterface> = ep
            .interfaces
            .iter()
            .filter_map(|i| self.eni(&i.network_interface_id))
            .collect();
        if ep.endpoint_type == EndpointType::Gateway || enis.is_empty() {
            let code = match (ep.endpoint_type, ep.state) {
                (EndpointType::Gateway, _) | (_, State::Available) => Code::NoSourceOrDestination,
                _ => Code::BadState,
            };
            return Err((code, ep.id.clone()));
        }
        let zone = self.zone_of(s);
        let same_zone = enis
            .iter()
            .find(|e| zone.is_some() && self.zone_of(e) == zone);
        Ok(same_zone.copied().unwrap_or(enis[0]))
    }

    /// An interface endpoint's interface as a source: endpoints only answer their
    /// consumers (§3.2, `VPCE_INTRA_VPC_TRAFFIC`). True when the flow stops here.
    pub(super) fn endpoint_as_source(&mut self, s: &NetworkInterface) -> bool {
        let ep = self
            .endpoint_of(s)
            .filter(|e| e.endpoint_type == EndpointType::Interface);
        if s.interface_type != "vpc_endpoint" && ep.is_none() {
            return false;
        }
        let component = ep.map_or(s.id.as_str(), |e| e.id.as_str());
        self.block(Code::VpceIntraVpcTraffic, component);
        true
    }

    /// A gateway endpoint's restrictions (§3.3): TCP or ICMP echo only; only sources of
    /// the endpoint's own VPC, sent from that VPC.
    pub(super) fn gateway_endpoint_checks(&mut self, id: &str, vpc: &Vpc, p: &Packet) {
        let echo = matches!((p.proto, p.dport), (1, Some(8)) | (58, Some(128)));
        if p.proto != 6 && !echo {
            self.block(Code::VpceGatewayProtocolRestriction, id);
        }
        let ep = self.w.vpc_endpoints.get(id).expect("via() checked");
        let own_vpc = self.w.vpcs.get(&ep.vpc_id).is_some();
        if !own_vpc || ep.vpc_id != vpc.id || !in_vpc(vpc, p.src) {
            self.block(Code::VpceGatewayEgressSourceAddressRestriction, id);
        }
    }

    /// Past interface `y` the forward path reached: an interface endpoint's state, TCP
    /// only, then an AWS service, or a custom service's load balancer and targets. False
    /// when the path ends here (no reply to walk).
    pub(super) fn past_endpoint(&mut self, y: &'w NetworkInterface, p: &Packet) -> bool {
        let w = self.w;
        let Some(ep) = self
            .endpoint_of(y)
            .filter(|e| e.endpoint_type == EndpointType::Interface)
        else {
            return true;
        };
        if ep.state != State::Available {
            self.block(Code::BadState, &ep.id);
            return false;
        }
        if p.proto != 6 {
            self.block(Code::ProtocolRestriction, &ep.id);
            return true;
        }
        let Some(sid) = &ep.service_id else {
            return true;
        };
        let Some(svc) = w.endpoint_services.get(sid) else {
            self.block(Code::BadState, &ep.id);
            return false;
        };
        if svc.state != ServiceState::Available {
            self.block(Code::BadState, &svc.id);
            return false;
        }
        let lbs: Vec<&LoadBalancer> = svc
            .network_load_balancer_arns
            .iter()
            .filter_map(|a| w.load_balancers.get(a))
            .collect();
        if lbs.is_empty() {
            self.block(Code::BadState, &svc.id);
            return false;
        }
        // The endpoint's zone's node (any node for a cross-Region endpoint).
        let remote = ep.service_region != ep.scope.region;
        let zone = self.zone_of(y);
        let node = lbs.iter().find_map(|lb| {
            let n = lb
                .subnets
                .iter()
                .find(|n| remote || Some(n.availability_zone_id.as_str()) == zone);
            n.map(|n| (*lb, n))
        });
        let Some((lb, node)) = node else {
            self.block(Code::VpceServiceNotInstalledInAz, &ep.id);
            return false;
        };
        self.forward_to_targets(lb, node, p)
    }

    /// From load balancer node `node`: the listener, the target group, every target.
    fn forward_to_targets(&mut self, lb: &'w LoadBalancer, node: &'w LbSubnet, p: &Packet) -> bool {
        let w = self.w;
        let Some(n) = self.eni(&node.network_interface_id) else {
            self.block(Code::BadState, &lb.arn);
            return false;
        };
        let listener = w.listeners.values().find(|l| {
            l.load_balancer_arn == lb.arn && rules::listener_takes(l.protocol.as_deref(), l.port, p)
        });
        let Some(listener) = listener else {
            self.block(Code::NoPossibleDestination, &lb.arn);
            return false;
        };
        let Some(tg) = w.target_groups.get(&listener.target_group_arn) else {
            self.block(Code::Elbv2ListenerHasNoTg, &listener.arn);
            return false;
        };
        if tg.targets.is_empty() {
            self.block(Code::NoPossibleDestination, &tg.arn);
            return false;
        }
        let mut blockers = Vec::new();
        for t in &tg.targets {
            let saved = (
                std::mem::take(&mut self.exps),
                std::mem::take(&mut self.nats),
                self.egressed.take(),
                self.last_table.take(),
                self.dir,
            );
            self.dir = Direction::Forward;
            self.forward_to_target(lb, n, IpAddr::V4(node.private_ip), tg, t, p);
            let found = std::mem::take(&mut self.exps);
            (
                self.exps,
                self.nats,
                self.egressed,
                self.last_table,
                self.dir,
            ) = saved;
            if found.is_empty() {
                return true;
            }
            blockers.extend(found);
        }
        self.exps.extend(blockers);
        true
    }

    /// One target, from node interface `n` (address `ip`): there with the node's address as
    /// the source (no client address preservation through PrivateLink), and back.
    fn forward_to_target(
        &mut self,
        lb: &LoadBalancer,
        n: &'w NetworkInterface,
        ip: IpAddr,
        tg: &TargetGroup,
        t: &Target,
        p: &Packet,
    ) {
        let (addr, want) = if tg.target_type == "ip" {
            let Ok(a) = t.id.parse::<IpAddr>() else {
                return self.block(Code::BadState, &t.id);
            };
            (a, self.eni_at(&n.vpc_id, a))
        } else {
            let e = self.named(&t.id).filter(|_| t.id.starts_with("i-"));
            let Some(a) = e.and_then(|e| e.private_ips.first()) else {
                return self.block(Code::BadState, &t.id);
            };
            (IpAddr::V4(*a), e)
        };
        if let Some(e) = want {
            let zone = self.zone_of(e);
            let enabled = lb
                .subnets
                .iter()
                .any(|x| Some(x.availability_zone_id.as_str()) == zone);
            if !enabled {
                return self.block(Code::ElbInstalledAzRestriction, &lb.arn);
            }
        }
        let to_target = Packet {
            src: ip,
            dst: addr,
            proto: p.proto,
            sport: p.sport,
            dport: Some(t.port.unwrap_or(tg.port)),
        };
        if !n.groups.is_empty() {
            self.groups(n, true, &to_target, true);
        }
        let Some((end, at)) = self.walk(At::Eni(n), to_target, want) else {
            return;
        };
        let Arrived::Eni(target) = end else {
            return self.block(Code::NoPossibleDestination, &t.id);
        };
        self.turn();
        self.walk(At::Eni(target), at.answer(), Some(n));
    }
}
