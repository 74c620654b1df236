//! Runs the reachability engine for a path and turns its verdict into the core's
//! [`AnalysisResult`]: components with ARNs, the VPC and subnet each sits in, the ACL
//! entry, security-group rule or route it applied, the packet headers, and explanations
//! with their context.
//!
//! Each hop of the engine's verdict says what it applied (the security-group rule, the
//! ACL entry and direction, the route); this only looks those up in the world to render
//! them.

use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_core::insights::{
    self, AnalysisResult, Component, ExplanationData, PacketHeader, Path, PathComponentData,
    PortRange, RouteData, SgRule,
};
use openvpc_core::nacl;
use openvpc_core::route::{self, Destination, Route};
use openvpc_core::{prefix_list, Kind, Scope, World};
use openvpc_reach::{
    decide, Applied, Code, Direction, Endpoint, Explanation, Flow, Header, Hop, HopKind,
    PrefixLists, Protocol, Verdict, View,
};

/// Prefix lists as the world holds them (customer-managed and AWS-managed).
struct WorldPrefixLists<'w>(&'w World);

impl PrefixLists for WorldPrefixLists<'_> {
    fn cidrs(&self, id: &str) -> Option<Vec<IpNet>> {
        let w = self.0;
        (w.prefix_lists.get(id).is_some() || prefix_list::is_aws_managed(w, id))
            .then(|| prefix_list::cidrs(w, id))
    }
}

/// The internet host of a path from or to an internet gateway when the path names no public
/// address of its own: public (the engine takes no RFC 1918 address as an internet host),
/// outside openvpc's public pool (which starts at 18.0.0.1), so no interface ever holds it.
pub const INTERNET_HOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 10));

/// Whether `a` can be an address on the internet (not private, loopback, link-local,
/// unspecified, broadcast or multicast; for IPv6 not unique-local either).
pub fn is_public(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => {
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast())
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || s & 0xffc0 == 0xfe80
                || s & 0xfe00 == 0xfc00)
        }
    }
}

fn is_igw(id: Option<&str>) -> bool {
    id.is_some_and(|id| Kind::InternetGateway.names(id))
}

/// The flow a path asks about. `DestinationIp` (or a filter's destination address) wins
/// over the destination resource; the destination port falls back to the filters' port
/// ranges' lower ends; `SourceIp` is not used (the engine sends from the source's own
/// primary address of the destination's family), except from an internet gateway.
///
/// An internet gateway as source is an internet host (`SourceIp` when public, else
/// [`INTERNET_HOST`]) sending to the destination's public address; as destination, the
/// flow goes to `DestinationIp` when public, else to [`INTERNET_HOST`].
pub fn flow_of(w: &World, p: &Path) -> Flow {
    let filters = [&p.filter_at_source, &p.filter_at_destination];
    let address = p.destination_ip.or_else(|| {
        filters
            .iter()
            .find_map(|f| f.as_ref().and_then(|f| f.destination_address))
    });
    let from_igw = is_igw(Some(&p.source));
    let destination = match (address, &p.destination) {
        (a, Some(d)) if is_igw(Some(d)) => {
            Endpoint::Ip(a.filter(|a| is_public(*a)).unwrap_or(INTERNET_HOST))
        }
        (Some(a), _) => Endpoint::Ip(a),
        (None, Some(d)) if Kind::Instance.names(d) => Endpoint::Instance(d.clone()),
        (None, Some(d)) if from_igw && Kind::VpcEndpoint.names(d) => Endpoint::Vpce(d.clone()),
        (None, Some(d)) if Kind::VpcEndpoint.names(d) => {
            Endpoint::Eni(endpoint_interface(w, d, &p.source))
        }
        (None, Some(d)) => Endpoint::Eni(d.clone()),
        (None, None) => Endpoint::Eni(String::new()),
    };
    let source = if from_igw {
        let host = p
            .source_ip
            .filter(|a| is_public(*a))
            .unwrap_or(INTERNET_HOST);
        host.to_string()
    } else {
        p.source.clone()
    };
    let port = p.destination_port.or_else(|| {
        filters
            .iter()
            .find_map(|f| f.as_ref().and_then(|f| f.destination_ports?.from))
    });
    let source_port = filters
        .iter()
        .find_map(|f| f.as_ref().and_then(|f| f.source_ports?.from));
    Flow {
        source,
        destination,
        protocol: p.protocol,
        port,
        source_port,
    }
}

/// The interface of endpoint `vpce` that `source` reaches: the one in the source's zone,
/// else the first (the endpoint's id when it has none: the engine then reports it missing).
fn endpoint_interface(w: &World, vpce: &str, source: &str) -> String {
    let Some(e) = w.vpc_endpoints.get(vpce) else {
        return vpce.to_string();
    };
    let eni = match w.instances.get(source) {
        Some(i) => i.network_interface_id.as_str(),
        None => source,
    };
    let zone = w
        .network_interfaces
        .get(eni)
        .map(|n| n.availability_zone.as_str());
    e.interfaces
        .iter()
        .find(|i| Some(i.availability_zone.as_str()) == zone)
        .or(e.interfaces.first())
        .map_or_else(|| vpce.to_string(), |i| i.network_interface_id.clone())
}

/// Decides the path over the current world (on `view`, the server's compiled view of it,
/// or a view compiled now) and converts the verdict. A path from or to an
/// internet gateway must enter or leave through that gateway: when the gateway is not
/// attached to the other end's VPC, or the engine's path crosses another exit, the path is
/// not found and an explanation names the gateway.
pub fn analyse(w: &World, view: Option<&View>, scope: &Scope, p: &Path) -> AnalysisResult {
    let cx = Cx { w, scope };
    let igw_end = if is_igw(Some(&p.source)) {
        Some((p.source.as_str(), p.destination.as_deref(), true))
    } else if is_igw(p.destination.as_deref()) {
        p.destination
            .as_deref()
            .map(|d| (d, Some(p.source.as_str()), false))
    } else {
        None
    };
    if let Some((igw, other, from)) = igw_end {
        if let Some(x) = cx.igw_detached(igw, other, from) {
            return AnalysisResult {
                network_path_found: false,
                explanations: vec![x],
                ..AnalysisResult::default()
            };
        }
    }
    let compiled;
    let view = match view {
        Some(v) => v,
        None => {
            compiled = View::compile_with(w, &WorldPrefixLists(w));
            &compiled
        }
    };
    let verdict = decide(view, &flow_of(w, p));
    let mut r = convert(w, scope, &verdict);
    if let Some((igw, _, from)) = igw_end {
        if let Some(x) = cx.igw_bypassed(igw, from, &verdict) {
            r.network_path_found = false;
            r.explanations.push(x);
        }
    }
    r
}

/// Converts a verdict; ARNs of ids the world does not hold use `scope`.
pub fn convert(w: &World, scope: &Scope, v: &Verdict) -> AnalysisResult {
    let cx = Cx { w, scope };
    AnalysisResult {
        network_path_found: v.reachable,
        forward: cx.components(&v.forward),
        return_path: cx.components(&v.return_path),
        explanations: v
            .explanations
            .iter()
            .map(|e| cx.explanation(e, v))
            .collect(),
    }
}

struct Cx<'w> {
    w: &'w World,
    scope: &'w Scope,
}

fn header(h: &Header) -> PacketHeader {
    let port = |p: Option<u16>| match p {
        Some(p) => vec![PortRange { from: p, to: p }],
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

/// The first whitespace-separated word of `text` starting with `prefix`, punctuation off.
fn word_with(text: &str, prefix: &str) -> Option<String> {
    text.split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
        .find(|t| t.starts_with(prefix))
        .map(str::to_string)
}

/// The first address in `text`.
fn first_ip(text: &str) -> Option<IpAddr> {
    text.split_whitespace()
        .filter_map(|t| {
            t.trim_matches(|c: char| !c.is_ascii_hexdigit() && c != '.' && c != ':')
                .parse()
                .ok()
        })
        .next()
}

impl Cx<'_> {
    /// An explanation naming internet gateway `igw`.
    fn igw_explanation(&self, code: &str, igw: &str, message: String) -> ExplanationData {
        ExplanationData {
            code: code.to_string(),
            component: Some(self.comp(igw)),
            internet_gateway: Some(self.comp(igw)),
            vpc: self.opt_comp(self.vpc_of(igw).as_deref()),
            message,
            ..ExplanationData::default()
        }
    }

    /// Why internet gateway `igw` cannot carry the path to or from `other` (an instance,
    /// interface or endpoint; `None`: an address, checked on the engine's path instead):
    /// it is gone, detached, or attached to another VPC than `other`'s.
    fn igw_detached(&self, igw: &str, other: Option<&str>, from: bool) -> Option<ExplanationData> {
        let w = self.w;
        let Some(g) = w.internet_gateways.get(igw) else {
            let mut x = self.igw_explanation(
                "NO_SOURCE_OR_DESTINATION",
                igw,
                format!("the internet gateway {igw} no longer exists"),
            );
            x.internet_gateway = None;
            x.missing_component = Some(igw.to_string());
            return Some(x);
        };
        let vpc = other.and_then(|o| match insights::prefix_of(o) {
            "i" => {
                let eni = &w.instances.get(o)?.network_interface_id;
                Some(w.network_interfaces.get(eni)?.vpc_id.clone())
            }
            _ => self.vpc_of(o),
        });
        let Some(attached) = &g.attachment else {
            return Some(self.igw_explanation(
                "UNASSOCIATED_COMPONENT",
                igw,
                format!("{igw} is not attached to any VPC: no traffic passes through it"),
            ));
        };
        let vpc = vpc.filter(|v| v != attached)?;
        let other = other.unwrap_or_default();
        let mut x = self.igw_explanation(
            "DISCONNECTED_VPCS",
            igw,
            if from {
                format!("{igw} is attached to {attached}, not to {vpc} where {other} is: traffic from the internet through {igw} cannot reach it")
            } else {
                format!("{igw} is attached to {attached}, not to {vpc} where {other} is: traffic from {other} cannot leave through {igw}")
            },
        );
        let (src, dst) = if from {
            (attached.as_str(), vpc.as_str())
        } else {
            (vpc.as_str(), attached.as_str())
        };
        x.source_vpc = Some(self.comp(src));
        x.destination_vpc = Some(self.comp(dst));
        Some(x)
    }

    /// Whether the engine's forward path enters (`from`) or leaves through another gateway
    /// than `igw`: the first internet gateway it crosses must be `igw`; a path that left
    /// by another way (an egress-only gateway, a peer) while found is not through `igw`.
    fn igw_bypassed(&self, igw: &str, from: bool, v: &Verdict) -> Option<ExplanationData> {
        let crossed = v.forward.iter().find(|h| {
            matches!(
                h.kind,
                HopKind::InternetGateway | HopKind::EgressOnlyInternetGateway
            )
        });
        let way = if from { "enters" } else { "leaves" };
        let message = match crossed {
            Some(h) if &*h.component == igw => return None,
            Some(h) => format!("the path {way} through {}, not through {igw}", h.component),
            None if v.reachable => {
                format!(
                    "the path does not cross {igw}: it never {} the internet",
                    if from { "comes from" } else { "reaches" }
                )
            }
            None => return None,
        };
        Some(self.igw_explanation("NO_PATH", igw, message))
    }

    fn comp(&self, id: &str) -> Component {
        insights::component(self.w, id, self.scope)
    }

    fn opt_comp(&self, id: Option<&str>) -> Option<Component> {
        id.map(|id| self.comp(id))
    }

    /// (VPC, subnet) of an interface.
    fn eni_place(&self, id: &str) -> (Option<Component>, Option<Component>) {
        match self.w.network_interfaces.get(id) {
            Some(e) => (Some(self.comp(&e.vpc_id)), Some(self.comp(&e.subnet_id))),
            None => (None, None),
        }
    }

    fn vpc_of(&self, id: &str) -> Option<String> {
        let w = self.w;
        Some(match insights::prefix_of(id) {
            "eni" => w.network_interfaces.get(id)?.vpc_id.clone(),
            "sg" => w.security_groups.get(id)?.vpc_id.clone(),
            "acl" => w.network_acls.get(id)?.vpc_id.clone(),
            "rtb" => w.route_tables.get(id)?.vpc_id.clone(),
            "igw" => w.internet_gateways.get(id)?.attachment.clone()?,
            "eigw" => w.egress_only_gateways.get(id)?.vpc_id.clone(),
            "nat" => w.nat_gateways.get(id)?.vpc_id.clone(),
            "subnet" => w.subnets.get(id)?.vpc_id.clone(),
            "vpce" => w.vpc_endpoints.get(id)?.vpc_id.clone(),
            "vpc" => id.to_string(),
            _ => return None,
        })
    }

    fn vpc_contains(&self, vpc_id: &str, a: IpAddr) -> bool {
        self.w.vpcs.get(vpc_id).is_some_and(|v| match a {
            IpAddr::V4(a) => v.cidrs.iter().any(|c| c.cidr.contains(&a)),
            IpAddr::V6(a) => v.ipv6_cidrs.iter().any(|c| c.cidr.contains(&a)),
        })
    }

    fn components(&self, hops: &[Hop]) -> Vec<PathComponentData> {
        let mut out = Vec::with_capacity(hops.len());
        for (i, hop) in hops.iter().enumerate() {
            if matches!(hop.kind, HopKind::Internet | HopKind::Service) {
                continue;
            }
            let id: &str = &hop.component;
            let h = header(&hop.header);
            let mut c = PathComponentData {
                sequence_number: out.len() as u32 + 1,
                component: self.comp(id),
                ..PathComponentData::default()
            };
            // The source sends; an interface reached receives; the rest pass the packet on.
            if i == 0 {
                c.outbound_header = Some(h);
            } else if matches!(
                hop.kind,
                HopKind::NetworkInterface | HopKind::InterfaceEndpoint
            ) {
                c.inbound_header = Some(h);
            } else {
                let next = match hop.kind {
                    HopKind::NatGateway => hops.get(i + 1).map(|n| header(&n.header)),
                    _ => None,
                };
                c.outbound_header = Some(next.unwrap_or_else(|| h.clone()));
                c.inbound_header = Some(h);
            }
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
                    c.security_group_rule = self.sg_rule(id, hop.applied);
                }
                HopKind::NetworkAcl => {
                    c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                    if let Applied::AclRule { egress, number } = hop.applied {
                        c.acl_rule = self.acl_entry(id, number, egress);
                    }
                }
                HopKind::RouteTable => {
                    c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                    c.route = self
                        .route_at(id, hop.applied)
                        .map(|r| self.route_data(id, r));
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
                | HopKind::VpnGateway => {
                    c.vpc = self.opt_comp(self.vpc_of(id).as_deref());
                }
                HopKind::GatewayEndpoint
                | HopKind::TransitGateway
                | HopKind::Internet
                | HopKind::Service
                | HopKind::EndpointService
                | HopKind::LoadBalancer
                | HopKind::LoadBalancerListener
                | HopKind::TargetGroup => {}
            }
            out.push(c);
        }
        out
    }

    /// The security-group rule hop `applied` names in group `id`.
    fn sg_rule(&self, id: &str, applied: Applied) -> Option<SgRule> {
        let Applied::SecurityGroupRule { egress, index } = applied else {
            return None;
        };
        let group = self.w.security_groups.get(id)?;
        Some(SgRule {
            group_id: group.id.clone(),
            egress,
            rule: group.rules(egress).get(index as usize)?.clone(),
        })
    }

    /// The route of table `rtb` hop `applied` names.
    fn route_at(&self, rtb: &str, applied: Applied) -> Option<Route> {
        let Applied::Route { index } = applied else {
            return None;
        };
        self.w
            .route_tables
            .get(rtb)?
            .routes
            .get(index as usize)
            .cloned()
    }

    fn route_data(&self, rtb: &str, route: Route) -> RouteData {
        let state = match self.w.route_tables.get(rtb) {
            Some(t) => route::route_state_in(self.w, t, &route),
            None => route::route_state(self.w, &route),
        };
        RouteData {
            route,
            state: state.to_string(),
        }
    }

    /// The route a route-related explanation names (`<destination> -> <target>`).
    fn route_named(&self, rtb: &str, label: &str) -> Option<Route> {
        let dest = label.split(" -> ").next()?.split_whitespace().next()?;
        let t = self.w.route_tables.get(rtb)?;
        t.routes
            .iter()
            .find(|r| r.destination.to_string() == dest)
            .or_else(|| {
                // A prefix-list route is labelled with the entry that matched.
                let net: IpNet = dest.parse().ok()?;
                t.routes.iter().find(|r| match &r.destination {
                    Destination::V4(c) => IpNet::V4(*c) == net,
                    Destination::V6(c) => IpNet::V6(*c) == net,
                    Destination::PrefixList(_) => false,
                })
            })
            .cloned()
    }

    /// The entry of ACL `id` with rule `number` in direction `egress`.
    fn acl_entry(&self, id: &str, number: u32, egress: bool) -> Option<nacl::Entry> {
        self.w
            .network_acls
            .get(id)?
            .entries
            .iter()
            .find(|en| en.egress == egress && en.rule_number == number)
            .cloned()
    }

    /// An explanation's interface members: the interface, its groups, VPC and subnet.
    fn interface_members(&self, x: &mut ExplanationData, eni: &str) {
        if let Some(ni) = self.w.network_interfaces.get(eni) {
            x.network_interface = Some(self.comp(eni));
            x.security_groups = ni.groups.iter().map(|g| self.comp(g)).collect();
            (x.vpc, x.subnet) = self.eni_place(eni);
        }
    }

    fn explanation(&self, e: &Explanation, v: &Verdict) -> ExplanationData {
        let w = self.w;
        let id: &str = &e.component;
        let mut x = ExplanationData {
            code: e.code.as_str().to_string(),
            component: Some(self.comp(id)),
            on_return_path: e.direction == Direction::Return,
            message: e.message.clone(),
            ..ExplanationData::default()
        };
        let way = if e.message.contains("outbound") {
            Some(true)
        } else if e.message.contains("inbound") {
            Some(false)
        } else {
            None
        };
        let vpc = self.vpc_of(id);
        match Kind::of_id(id) {
            Some(Kind::NetworkAcl) => {
                x.acl = Some(self.comp(id));
                x.vpc = self.opt_comp(vpc.as_deref());
                x.egress = way;
                let number = e.rule.as_deref().and_then(|r| r.parse().ok());
                x.acl_rule = number
                    .zip(way)
                    .and_then(|(n, egress)| self.acl_entry(id, n, egress));
            }
            Some(kind @ (Kind::SecurityGroup | Kind::NetworkInterface)) => {
                let eni = word_with(&e.message, "eni-").unwrap_or_else(|| id.to_string());
                self.interface_members(&mut x, &eni);
                if kind == Kind::SecurityGroup {
                    x.security_group = Some(self.comp(id));
                    x.egress = way;
                }
            }
            Some(Kind::RouteTable) => {
                x.route_table = Some(self.comp(id));
                x.vpc = self.opt_comp(vpc.as_deref());
                x.route = e
                    .rule
                    .as_deref()
                    .and_then(|l| self.route_named(id, l))
                    .map(|r| self.route_data(id, r));
                x.address = first_ip(&e.message);
            }
            Some(Kind::VpcPeeringConnection) => {
                x.vpc_peering_connection = Some(self.comp(id));
                x.address = first_ip(&e.message);
                x.destination_vpc = self.opt_comp(word_with(&e.message, "vpc-").as_deref());
            }
            Some(kind @ (Kind::InternetGateway | Kind::EgressOnlyInternetGateway)) => {
                if kind == Kind::InternetGateway {
                    x.internet_gateway = Some(self.comp(id));
                }
                x.vpc = self.opt_comp(vpc.as_deref());
                x.address = first_ip(&e.message);
            }
            Some(Kind::NatGateway) => {
                x.nat_gateway = Some(self.comp(id));
                x.vpc = self.opt_comp(vpc.as_deref());
                x.subnet = self.opt_comp(w.nat_gateways.get(id).map(|n| n.subnet_id.as_str()));
                x.address = first_ip(&e.message);
            }
            Some(Kind::VpcEndpoint) => {
                x.vpc_endpoint = Some(self.comp(id));
                if e.code == Code::VpceGatewayProtocolRestriction {
                    let p = v.forward.first().map_or(0, |h| h.header.protocol);
                    x.protocols = vec![Protocol::Number(p).name()];
                }
            }
            Some(Kind::Subnet) => {
                x.subnet = Some(self.comp(id));
                x.vpc = self.opt_comp(vpc.as_deref());
            }
            Some(Kind::Vpc) => x.vpc = Some(self.comp(id)),
            _ => {}
        }
        if e.code == Code::NoSourceOrDestination && insights::owner_of(w, id).is_none() {
            x.missing_component = Some(id.to_string());
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openvpc_core::config::Config;

    #[test]
    fn internet_gateway_flows_use_a_public_internet_host() {
        for (a, public) in [
            ("198.51.100.10", true),
            ("8.8.8.8", true),
            ("10.0.0.1", false),
            ("172.16.0.1", false),
            ("169.254.0.1", false),
            ("127.0.0.1", false),
            ("2600:1f18::1", true),
            ("fd00::1", false),
            ("fe80::1", false),
        ] {
            assert_eq!(is_public(a.parse().unwrap()), public, "{a}");
        }
        let w = World::new(Config::default(), 1);
        let path = |s: &str, d: &str, sip: Option<&str>, dip: Option<&str>| Path {
            id: "nip-0".into(),
            scope: Scope::new("111111111111", "us-east-1"),
            source: s.into(),
            source_arn: String::new(),
            destination: Some(d.into()),
            destination_arn: None,
            source_ip: sip.map(|a| a.parse().unwrap()),
            destination_ip: dip.map(|a| a.parse().unwrap()),
            protocol: Protocol::TCP,
            destination_port: Some(443),
            filter_at_source: None,
            filter_at_destination: None,
            created: 0,
        };
        let f = flow_of(&w, &path("igw-1", "i-1", None, None));
        assert_eq!(
            (f.source.as_str(), f.destination),
            ("198.51.100.10", Endpoint::Instance("i-1".into()))
        );
        let f = flow_of(&w, &path("igw-1", "i-1", Some("203.0.113.7"), None));
        assert_eq!(f.source, "203.0.113.7");
        let f = flow_of(&w, &path("igw-1", "i-1", Some("10.0.0.7"), None));
        assert_eq!(f.source, "198.51.100.10");
        let f = flow_of(&w, &path("i-1", "igw-1", None, Some("10.0.0.7")));
        assert_eq!(
            (f.source.as_str(), f.destination),
            ("i-1", Endpoint::Ip(INTERNET_HOST))
        );
        let f = flow_of(&w, &path("i-1", "igw-1", None, Some("8.8.8.8")));
        assert_eq!(f.destination, Endpoint::Ip("8.8.8.8".parse().unwrap()));
        let f = flow_of(&w, &path("vpce-1", "i-1", None, None));
        assert_eq!(f.source, "vpce-1");
    }
}
