//! Path components (`PathComponent`): each hop with its ARN, place, headers and what it
//! applied, looked up in the world from the hop's [`Applied`].

use openvpc_core::insights::{
    ExplanationData, LoadBalancerTarget, PacketHeader, PathComponentData, PortRange, RouteData,
    SgRule, TgwRouteData,
};
use openvpc_core::nacl;
use openvpc_core::route::{self, Route};
use openvpc_core::Kind;

use super::Cx;
use crate::explain::{Balanced, TargetRef};
use crate::{Applied, Header, Hop, HopKind};

/// The ports a search found getting through, and the representative ports the verdict's
/// headers carry in their place.
#[derive(Debug, Default)]
pub(super) struct Ranges {
    pub destination: Option<u16>,
    pub destination_ports: Vec<(u16, u16)>,
    pub source: Option<u16>,
    pub source_ports: Vec<(u16, u16)>,
}

impl Ranges {
    /// The ranges port `p` stands for (itself unless it is a representative).
    fn of(&self, p: u16) -> Vec<PortRange> {
        let ranges = if Some(p) == self.destination && !self.destination_ports.is_empty() {
            &self.destination_ports
        } else if Some(p) == self.source && !self.source_ports.is_empty() {
            &self.source_ports
        } else {
            return vec![PortRange { from: p, to: p }];
        };
        ranges
            .iter()
            .map(|&(from, to)| PortRange { from, to })
            .collect()
    }
}

/// A packet header as Network Insights shows it (a missing port is the whole range; a
/// representative port of a search, the ranges it stands for).
pub(super) fn header(h: &Header, ranges: &Ranges) -> PacketHeader {
    let port = |p: Option<u16>| match p {
        Some(p) => ranges.of(p),
        None if h.has_ports() => vec![PortRange { from: 0, to: 65535 }],
        None => Vec::new(),
    };
    PacketHeader {
        sources: vec![h.src],
        destinations: vec![h.dst],
        source_ports: if h.has_ports() {
            port(h.src_port)
        } else {
            Vec::new()
        },
        destination_ports: if h.has_ports() {
            port(h.dst_port)
        } else {
            Vec::new()
        },
        protocol: h.protocol,
    }
}

impl Cx<'_> {
    pub(super) fn components(&self, hops: &[Hop]) -> Vec<PathComponentData> {
        let mut out = Vec::with_capacity(hops.len());
        for (i, hop) in hops.iter().enumerate() {
            if matches!(hop.kind, HopKind::Internet | HopKind::Service) {
                continue;
            }
            let id: &str = &hop.component;
            let h = header(&hop.header, self.ranges);
            let mut c = PathComponentData {
                sequence_number: out.len() as u32 + 1,
                component: self.comp(id),
                ..PathComponentData::default()
            };
            // The source sends; an interface reached receives; the rest (a gateway or
            // connection as the source too) pass the packet on.
            let edge = matches!(
                hop.kind,
                HopKind::PeeringConnection | HopKind::VpnGateway | HopKind::VpnConnection
            );
            if i == 0 && !edge {
                c.outbound_header = Some(h);
            } else if matches!(
                hop.kind,
                HopKind::NetworkInterface | HopKind::InterfaceEndpoint
            ) {
                c.inbound_header = Some(h);
            } else {
                let next = match hop.kind {
                    HopKind::NatGateway => hops.get(i + 1).map(|n| header(&n.header, self.ranges)),
                    _ => None,
                };
                c.outbound_header = Some(next.unwrap_or_else(|| h.clone()));
                c.inbound_header = Some(h);
            }
            self.place(&mut c, hop);
            out.push(c);
        }
        out
    }

    /// The members of component `c` its hop's kind and applied rule give.
    fn place(&self, c: &mut PathComponentData, hop: &Hop) {
        let id: &str = &hop.component;
        match hop.kind {
            HopKind::NetworkInterface | HopKind::InterfaceEndpoint | HopKind::Middlebox => {
                (c.vpc, c.subnet) = self.eni_place(id);
            }
            HopKind::NatGateway => {
                if let Some(n) = self.w.nat_gateways.get(id) {
                    c.vpc = Some(self.comp(&n.vpc_id));
                    c.subnet = Some(self.comp(&n.subnet_id));
                }
            }
            HopKind::SecurityGroup => {
                c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                c.security_group_rule = self.sg_rule(id, &hop.applied);
            }
            HopKind::NetworkAcl => {
                c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                if let Applied::AclRule { egress, number } = hop.applied {
                    let v6 = hop.header.dst.is_ipv6();
                    c.acl_rule = self.acl_entry(id, Some(number), egress, v6);
                }
            }
            HopKind::RouteTable => {
                c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                if let Applied::Route { index } = hop.applied {
                    c.route = self.route_data(id, index);
                }
            }
            HopKind::PeeringConnection => {
                if let Some(p) = self.w.peerings.get(id) {
                    let (a, b) = (&p.requester.vpc_id, &p.accepter.vpc_id);
                    let (src, dst) = if self.vpc_contains(a, hop.header.dst) {
                        (b, a)
                    } else {
                        (a, b)
                    };
                    c.source_vpc = Some(self.comp(src));
                    c.destination_vpc = Some(self.comp(dst));
                }
            }
            HopKind::InternetGateway
            | HopKind::EgressOnlyInternetGateway
            | HopKind::VpnGateway
            | HopKind::GatewayLoadBalancerEndpoint => {
                c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
            }
            HopKind::LoadBalancer => {
                c.component = self.elb_comp(id);
                if let Applied::LoadBalancer(b) = &hop.applied {
                    c.elastic_load_balancer_listener = Some(self.elb_comp(&b.listener.arn));
                    c.explanations = vec![self.balanced(id, b)];
                }
            }
            HopKind::LoadBalancerListener => {
                c.component = self.elb_comp(id);
                c.elastic_load_balancer_listener = Some(self.elb_comp(id));
            }
            HopKind::TargetGroup => c.component = self.elb_comp(id),
            HopKind::TransitGatewayRouteTable => {
                let tgw = self.w.tgw_route_tables.get(id);
                c.transit_gateway = self.opt_comp(tgw.map(|t| t.transit_gateway_id.as_str()));
                if let Applied::TgwRoute(r) = &hop.applied {
                    c.transit_gateway_route = Some(self.tgw_route(r));
                }
            }
            HopKind::GatewayEndpoint
            | HopKind::TransitGateway
            | HopKind::TransitGatewayAttachment
            | HopKind::VpnConnection
            | HopKind::Internet
            | HopKind::Service
            | HopKind::EndpointService => {}
        }
    }

    /// A transit-gateway route taken, with its attachment's resource.
    fn tgw_route(&self, r: &crate::explain::TgwRouteRef) -> TgwRouteData {
        let a = r
            .attachment
            .as_deref()
            .and_then(|id| self.w.tgw_attachments.get(id));
        TgwRouteData {
            destination_cidr: r.destination.to_string(),
            state: if r.attachment.is_some() {
                "active"
            } else {
                "blackhole"
            }
            .to_string(),
            route_origin: if r.propagated { "propagated" } else { "static" }.to_string(),
            prefix_list_id: r.prefix_list.as_deref().map(str::to_string),
            attachment_id: r.attachment.as_deref().map(str::to_string),
            resource_id: a.map(|a| a.resource_id().to_string()),
            resource_type: a.map(|a| a.resource_type().to_string()),
        }
    }

    /// What load balancer `lb` applied, in AWS's explanation members.
    fn balanced(&self, lb: &str, b: &Balanced) -> ExplanationData {
        ExplanationData {
            component: Some(self.elb_comp(lb)),
            load_balancer_arn: Some(lb.to_string()),
            elastic_load_balancer_listener: Some(self.elb_comp(&b.listener.arn)),
            load_balancer_listener_port: b.listener.port,
            load_balancer_target_group: Some(self.elb_comp(&b.target_group)),
            load_balancer_target_groups: vec![self.elb_comp(&b.target_group)],
            load_balancer_target: b.target.as_ref().map(|t| self.target(t)),
            load_balancer_target_port: b.target.as_ref().map(|t| t.port),
            protocols: b
                .listener
                .protocol
                .iter()
                .map(|p| p.to_ascii_lowercase())
                .collect(),
            ..ExplanationData::default()
        }
    }

    /// A target as `loadBalancerTarget` shows it: the zone by id (the view's), and by name
    /// for an instance (its interface's subnet's).
    pub(super) fn target(&self, t: &TargetRef) -> LoadBalancerTarget {
        let w = self.w;
        let instance = Kind::Instance.names(&t.id).then(|| self.comp(&t.id));
        let zone = w
            .instances
            .get(&t.id)
            .and_then(|i| w.network_interfaces.get(&i.network_interface_id))
            .map(|e| e.availability_zone.clone());
        LoadBalancerTarget {
            address: t.address,
            availability_zone: zone,
            availability_zone_id: t.zone.as_deref().map(str::to_string),
            instance,
            port: Some(t.port),
        }
    }

    fn vpc_contains(&self, vpc_id: &str, a: std::net::IpAddr) -> bool {
        self.w.vpcs.get(vpc_id).is_some_and(|v| match a {
            std::net::IpAddr::V4(a) => v.cidrs.iter().any(|c| c.cidr.contains(&a)),
            std::net::IpAddr::V6(a) => v.ipv6_cidrs.iter().any(|c| c.cidr.contains(&a)),
        })
    }

    /// The security-group rule `applied` names in group `id`.
    fn sg_rule(&self, id: &str, applied: &Applied) -> Option<SgRule> {
        let Applied::SecurityGroupRule { egress, index } = *applied else {
            return None;
        };
        let group = self.w.security_groups.get(id)?;
        Some(SgRule {
            group_id: group.id.clone(),
            egress,
            rule: group.rules(egress).get(index as usize)?.clone(),
        })
    }

    /// The route at `index` of table `rtb`, with its state.
    pub(super) fn route_data(&self, rtb: &str, index: u32) -> Option<RouteData> {
        let t = self.w.route_tables.get(rtb)?;
        let route: Route = t.routes.get(index as usize)?.clone();
        let state = route::route_state_in(self.w, t, &route);
        Some(RouteData {
            route,
            state: state.to_string(),
        })
    }

    /// The entry of ACL `id` numbered `number` in direction `egress` (`None`: the default
    /// `*` entry of the packet's family, `v6` or not).
    pub(super) fn acl_entry(
        &self,
        id: &str,
        number: Option<u32>,
        egress: bool,
        v6: bool,
    ) -> Option<nacl::Entry> {
        let default = if v6 {
            nacl::DEFAULT_RULE_V6
        } else {
            nacl::DEFAULT_RULE_V4
        };
        let number = number.unwrap_or(default);
        self.w
            .network_acls
            .get(id)?
            .entries
            .iter()
            .find(|en| en.egress == egress && en.rule_number == number)
            .cloned()
    }
}
