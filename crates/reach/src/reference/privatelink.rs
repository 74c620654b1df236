//! The reference evaluator's VPC endpoints (§3), PrivateLink and network load balancers
//! (§14, §17.2), by linear scans over the world: an endpoint's interface in the client's
//! zone, the load balancer node in that zone, the node's groups (on PrivateLink only while
//! enforced), the listener, its target group, cross-zone, and each target in turn.

use std::net::IpAddr;

use openvpc_core::elb::{LbSubnet, LoadBalancer, Target as ElbTarget, TargetGroup};
use openvpc_core::endpoint::{EndpointType, State, VpcEndpoint};
use openvpc_core::endpoint_service::ServiceState;
use openvpc_core::eni::NetworkInterface;
use openvpc_core::vpc::Vpc;

use super::rules::{self, Packet};
use super::{vpc_contains, End, Node, Ref, Step};
use crate::explain::{Code, Direction};

impl<'w> Ref<'w> {
    /// The Availability Zone id of an interface's subnet.
    fn zone(&self, e: &NetworkInterface) -> Option<&'w str> {
        self.w
            .subnets
            .get(&e.subnet_id)
            .map(|s| s.availability_zone_id.as_str())
    }

    /// The first endpoint listing interface `e`.
    fn endpoint_of(&self, e: &NetworkInterface) -> Option<&'w VpcEndpoint> {
        self.w
            .vpc_endpoints
            .values()
            .find(|x| x.interfaces.iter().any(|i| i.network_interface_id == e.id))
    }

    /// The usable interfaces of endpoint `ep`, in its order.
    fn endpoint_enis(&self, ep: &'w VpcEndpoint) -> Vec<&'w NetworkInterface> {
        ep.interfaces
            .iter()
            .filter_map(|i| self.eni(&i.network_interface_id))
            .collect()
    }

    pub(super) fn vpce_destination<'a>(
        &self,
        s: &NetworkInterface,
        id: &'a str,
    ) -> Result<&'w NetworkInterface, (Code, &'a str)> {
        let Some(ep) = self.w.vpc_endpoints.get(id) else {
            return Err((Code::NoSourceOrDestination, id));
        };
        let enis = self.endpoint_enis(ep);
        // A gateway endpoint has no address (§3.3); an interface endpoint not yet
        // `available` has no interface to reach (§3.2, the provider must accept it).
        if ep.endpoint_type == EndpointType::Gateway {
            return Err((Code::NoSourceOrDestination, id));
        }
        if ep.state != State::Available && enis.is_empty() {
            return Err((Code::BadState, id));
        }
        if enis.is_empty() {
            return Err((Code::NoSourceOrDestination, id));
        }
        let zone = self.zone(s);
        Ok(enis
            .iter()
            .copied()
            .find(|e| zone.is_some() && self.zone(e) == zone)
            .unwrap_or(enis[0]))
    }

    /// True when the source is an interface endpoint's interface (and the flow stops).
    pub(super) fn endpoint_as_source(&mut self, s: &NetworkInterface) -> bool {
        let ep = self
            .endpoint_of(s)
            .filter(|e| e.endpoint_type == EndpointType::Interface);
        if s.interface_type != "vpc_endpoint" && ep.is_none() {
            return false;
        }
        let component = ep.map_or(s.id.as_str(), |e| e.id.as_str());
        self.blocker(Code::VpceIntraVpcTraffic, component, String::new());
        true
    }

    /// Gateway endpoint `id` on a packet sent from `vpc`: false when the route to it is not
    /// usable (the endpoint is missing, not a gateway endpoint, or not available).
    pub(super) fn gateway_endpoint(&mut self, id: &str, vpc: &Vpc, h: &Packet) -> bool {
        let Some(ep) = self.w.vpc_endpoints.values().find(|e| {
            e.id == id && e.endpoint_type == EndpointType::Gateway && e.state == State::Available
        }) else {
            return false;
        };
        if h.protocol != 6 && !h.is_ping() {
            self.blocker(Code::VpceGatewayProtocolRestriction, id, String::new());
        }
        let own_exists = self.w.vpcs.get(&ep.vpc_id).is_some();
        if !own_exists || ep.vpc_id != vpc.id || !vpc_contains(vpc, h.src) {
            self.blocker(
                Code::VpceGatewayEgressSourceAddressRestriction,
                id,
                String::new(),
            );
        }
        true
    }

    /// At interface `y`: an interface endpoint's checks and PrivateLink. False when the path
    /// ends here (no reply to walk).
    pub(super) fn through_endpoint(&mut self, y: &'w NetworkInterface, h: &Packet) -> bool {
        let w = self.w;
        let Some(ep) = self
            .endpoint_of(y)
            .filter(|e| e.endpoint_type == EndpointType::Interface)
        else {
            return true;
        };
        if ep.state != State::Available {
            self.blocker(Code::BadState, &ep.id, String::new());
            return false;
        }
        if h.protocol != 6 {
            self.blocker(Code::ProtocolRestriction, &ep.id, String::new());
            return true;
        }
        let Some(sid) = &ep.service_id else {
            return true;
        };
        let Some(svc) = w.endpoint_services.get(sid) else {
            self.blocker(Code::BadState, &ep.id, String::new());
            return false;
        };
        if svc.state != ServiceState::Available {
            self.blocker(Code::BadState, &svc.id, String::new());
            return false;
        }
        let lbs: Vec<&LoadBalancer> = svc
            .network_load_balancer_arns
            .iter()
            .filter_map(|a| w.load_balancers.get(a))
            .collect();
        if lbs.is_empty() {
            self.blocker(Code::BadState, &svc.id, String::new());
            return false;
        }
        let remote = ep.service_region != ep.scope.region;
        let zone = self.zone(y);
        let mut placed = None;
        for lb in &lbs {
            if let Some(n) = lb
                .subnets
                .iter()
                .find(|n| remote || Some(n.availability_zone_id.as_str()) == zone)
            {
                placed = Some((*lb, n));
                break;
            }
        }
        let Some((lb, node)) = placed else {
            self.blocker(Code::VpceServiceNotInstalledInAz, &ep.id, String::new());
            return false;
        };
        self.through_load_balancer(lb, node, h, true)
    }

    /// The load balancer whose node interface `y` is, with that node.
    pub(super) fn node_of(&self, y: &NetworkInterface) -> Option<(&'w LoadBalancer, &'w LbSubnet)> {
        self.w.load_balancers.values().find_map(|lb| {
            lb.subnets
                .iter()
                .find(|s| s.network_interface_id == y.id)
                .map(|s| (lb, s))
        })
    }

    /// A client reached load balancer node `y` directly. False when the path ends here.
    pub(super) fn through_node(&mut self, y: &'w NetworkInterface, h: &Packet) -> bool {
        match self.node_of(y) {
            Some((lb, node)) => self.through_load_balancer(lb, node, h, false),
            None => true,
        }
    }

    /// Load balancer `lb` entered at `node`: groups, listener, group, zone, targets.
    fn through_load_balancer(
        &mut self,
        lb: &'w LoadBalancer,
        node: &'w LbSubnet,
        h: &Packet,
        private_link: bool,
    ) -> bool {
        let w = self.w;
        let Some(n) = self.eni(&node.network_interface_id) else {
            self.blocker(Code::BadState, &lb.arn, String::new());
            return false;
        };
        let ip = IpAddr::V4(node.private_ip);
        if !lb.security_groups.is_empty() && (!private_link || lb.enforce_inbound_on_privatelink) {
            self.sg(n, false, &Packet { dst: ip, ..*h }, !private_link);
        }
        let Some(listener) = w.listeners.values().find(|l| {
            l.load_balancer_arn == lb.arn && rules::listener_takes(l.protocol.as_deref(), l.port, h)
        }) else {
            self.blocker(Code::Elbv2ListenersMismatch, &lb.arn, String::new());
            return false;
        };
        let Some(tg) = w
            .target_groups
            .get(&listener.target_group_arn)
            .filter(|g| !g.targets.is_empty())
        else {
            self.blocker(Code::Elbv2ListenerHasNoTg, &listener.arn, String::new());
            return false;
        };
        let cross = rules::cross_zone(lb, tg);
        let eligible: Vec<&ElbTarget> = tg
            .targets
            .iter()
            .filter(|t| {
                let at = if tg.target_type == "ip" {
                    t.id.parse::<IpAddr>()
                        .ok()
                        .and_then(|a| self.eni_at(&n.vpc_id, a))
                } else {
                    self.endpoint(&t.id).filter(|_| t.id.starts_with("i-"))
                };
                cross || at.is_none_or(|e| self.zone(e) == Some(node.availability_zone_id.as_str()))
            })
            .collect();
        if eligible.is_empty() {
            self.blocker(Code::Elbv2NoTargetsInAz, &lb.arn, String::new());
            return false;
        }
        let src = if rules::preserves_client_ip(tg) && !private_link {
            h.src
        } else {
            ip
        };
        let mut all = Vec::new();
        for t in eligible {
            let saved = (
                std::mem::take(&mut self.exps),
                std::mem::take(&mut self.nats),
                self.egressed.take(),
                self.last.take(),
                self.dir,
            );
            self.dir = Direction::Forward;
            self.try_target(lb, n, (ip, src), tg, t, h);
            let exps = std::mem::take(&mut self.exps);
            (self.exps, self.nats, self.egressed, self.last, self.dir) = saved;
            if exps.is_empty() {
                return true;
            }
            all.extend(exps);
        }
        self.exps.extend(all);
        true
    }

    /// One target from node interface `n`: `(ip, src)` are the node's address and the
    /// source the target sees.
    fn try_target(
        &mut self,
        lb: &LoadBalancer,
        n: &'w NetworkInterface,
        (ip, src): (IpAddr, IpAddr),
        tg: &TargetGroup,
        t: &ElbTarget,
        h: &Packet,
    ) {
        let (addr, want) = if tg.target_type == "ip" {
            let Ok(a) = t.id.parse::<IpAddr>() else {
                return self.blocker(Code::BadState, &t.id, String::new());
            };
            (a, self.eni_at(&n.vpc_id, a))
        } else {
            let Some(e) = self.endpoint(&t.id).filter(|_| t.id.starts_with("i-")) else {
                return self.blocker(Code::BadState, &t.id, String::new());
            };
            let Some(a) = e.private_ips.first() else {
                return self.blocker(Code::BadState, &t.id, String::new());
            };
            (IpAddr::V4(*a), Some(e))
        };
        if let Some(e) = want {
            let zone = self.zone(e);
            if !lb
                .subnets
                .iter()
                .any(|x| Some(x.availability_zone_id.as_str()) == zone)
            {
                return self.blocker(Code::ElbInstalledAzRestriction, &lb.arn, String::new());
            }
        }
        let h2 = Packet {
            src,
            dst: addr,
            protocol: h.protocol,
            src_port: h.src_port,
            dst_port: Some(t.port.unwrap_or(tg.port)),
        };
        if !n.groups.is_empty() {
            self.sg(n, true, &h2, true);
        }
        let Some((end, at)) = self.walk(Step::At(Node::Eni(n)), h2, want, true) else {
            return;
        };
        let End::Eni(y) = end else {
            return self.blocker(Code::NoPossibleDestination, &t.id, String::new());
        };
        self.dir = Direction::Return;
        self.last = None;
        let reply = Packet {
            dst: ip,
            ..at.answer()
        };
        self.walk(Step::At(Node::Eni(y)), reply, Some(n), true);
    }
}
