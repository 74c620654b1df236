//! VPC endpoints and PrivateLink in the compiled view (spec §1.8, §3.2, §3.3, §5.2).
//!
//! [`compile`] gathers, from a [`World`] and the rest of a [`View`], what the engine needs
//! past a route table or an interface: gateway endpoints (VPC, service), interface
//! endpoints (state, service, network interfaces), endpoint services (state, network load
//! balancers), load balancers (one node per Availability Zone: its interface and address),
//! listeners, target groups and their targets, and the Availability Zone id of every subnet.
//! The walking itself lives in `decide::privatelink` (compiled) and
//! `reference::privatelink` (linear scans).
//!
//! Availability Zones are compared by zone id (`use1-az1`), as zone names differ between
//! accounts.

use crate::fast::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use openvpc_core::endpoint::{EndpointType, State};
use openvpc_core::endpoint_service::ServiceState;
use openvpc_core::ids::Kind;
use openvpc_core::World;

use crate::view::{Ix, View};

/// A VPC endpoint of any type.
#[derive(Debug)]
pub(crate) struct EndpointV {
    pub id: Arc<str>,
    pub kind: EndpointType,
    pub state: State,
    pub vpc: Option<Ix>,
    /// The service name (`com.amazonaws.us-east-1.s3`, `com.amazonaws.vpce.…`).
    pub service_name: Arc<str>,
    /// The custom endpoint service (`vpce-svc-…`); `None` for an AWS service.
    pub service_id: Option<Arc<str>>,
    /// Whether the endpoint's Region differs from the service's (cross-Region access).
    pub remote: bool,
    /// The endpoint's network interfaces present in the view.
    pub enis: Vec<Ix>,
}

/// An endpoint service.
#[derive(Debug)]
pub(crate) struct ServiceV {
    pub id: Arc<str>,
    pub state: ServiceState,
    /// Its network load balancers, in the service's order.
    pub nlbs: Vec<Arc<str>>,
    /// Its Gateway Load Balancers, in the service's order.
    pub gwlbs: Vec<Arc<str>>,
}

/// A load balancer's presence in one Availability Zone.
#[derive(Debug)]
pub(crate) struct NodeV {
    pub zone: Arc<str>,
    pub eni: Option<Ix>,
    pub ip: Ipv4Addr,
}

/// A listener.
#[derive(Debug)]
pub(crate) struct ListenerV {
    pub arn: Arc<str>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub target_group: Arc<str>,
}

/// A load balancer with its nodes and listeners (listeners in table order).
#[derive(Debug)]
pub(crate) struct LbV {
    pub arn: Arc<str>,
    pub nodes: Vec<NodeV>,
    pub listeners: Vec<ListenerV>,
    /// Whether it has security groups (without, all client traffic reaches its listeners).
    pub has_groups: bool,
    /// `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic` is `on`.
    pub enforce_privatelink: bool,
    /// `load_balancing.cross_zone.enabled`.
    pub cross_zone: bool,
}

/// Where a registered target is.
#[derive(Debug, Clone)]
pub(crate) enum TargetAt {
    /// An instance: its primary interface when it is running.
    Instance(Option<Ix>),
    /// An IP target: its address when the id parses.
    Ip(Option<IpAddr>),
}

/// A registered target.
#[derive(Debug)]
pub(crate) struct TargetV {
    pub id: Arc<str>,
    pub port: u16,
    pub at: TargetAt,
}

/// A target group.
#[derive(Debug)]
pub(crate) struct TargetGroupV {
    pub arn: Arc<str>,
    pub targets: Vec<TargetV>,
    /// The group's own `load_balancing.cross_zone.enabled` (`None`: the load balancer's).
    pub cross_zone: Option<bool>,
    /// `preserve_client_ip.enabled`: targets of a direct client see the client's address.
    pub preserve_client_ip: bool,
}

impl TargetGroupV {
    /// Whether the group spreads across zones behind `lb` (its own setting wins).
    pub fn cross_zone(&self, lb: &LbV) -> bool {
        self.cross_zone.unwrap_or(lb.cross_zone)
    }
}

/// The endpoint and PrivateLink part of a [`View`].
#[derive(Debug, Default)]
pub(crate) struct PrivateLinkV {
    pub endpoints: HashMap<Arc<str>, EndpointV>,
    /// Endpoint network interface → its endpoint (the first endpoint listing it).
    pub by_eni: HashMap<Ix, Arc<str>>,
    pub services: HashMap<Arc<str>, ServiceV>,
    pub lbs: HashMap<Arc<str>, LbV>,
    pub target_groups: HashMap<Arc<str>, TargetGroupV>,
    /// Load balancer node interface → (its load balancer, the node's index).
    pub nodes: HashMap<Ix, (Arc<str>, usize)>,
    /// Availability Zone id of each subnet of the view, by subnet index.
    pub zones: Vec<Option<Arc<str>>>,
}

impl PrivateLinkV {
    /// The Availability Zone id of interface `e`.
    pub fn zone_of(&self, view: &View, e: Ix) -> Option<&Arc<str>> {
        let s = view.enis[e as usize].subnet;
        self.zones.get(s as usize).and_then(|z| z.as_ref())
    }
}

/// Compiles the endpoint and PrivateLink part of `view` (every other part already built).
pub(crate) fn compile(w: &World, view: &View) -> PrivateLinkV {
    let vpc_ix: HashMap<&str, Ix> = view
        .vpcs
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_ref(), i as Ix))
        .collect();
    let zones = view
        .subnets
        .iter()
        .map(|s| {
            w.subnets
                .get(&s.id)
                .map(|s| Arc::from(s.availability_zone_id.as_str()))
        })
        .collect();
    let mut pl = PrivateLinkV {
        zones,
        ..PrivateLinkV::default()
    };
    endpoints(w, view, &vpc_ix, &mut pl);
    services(w, &mut pl);
    load_balancers(w, view, &mut pl);
    target_groups(w, view, &mut pl);
    pl
}

/// The endpoints, and which endpoint each interface belongs to.
fn endpoints(w: &World, view: &View, vpc_ix: &HashMap<&str, Ix>, pl: &mut PrivateLinkV) {
    for e in w.vpc_endpoints.values() {
        let id: Arc<str> = e.id.as_str().into();
        let enis: Vec<Ix> = e
            .interfaces
            .iter()
            .filter_map(|i| view.eni_ix.get(i.network_interface_id.as_str()).copied())
            .collect();
        for &x in &enis {
            pl.by_eni.entry(x).or_insert_with(|| id.clone());
        }
        pl.endpoints.insert(
            id.clone(),
            EndpointV {
                id,
                kind: e.endpoint_type,
                state: e.state,
                vpc: vpc_ix.get(e.vpc_id.as_str()).copied(),
                service_name: e.service_name.as_str().into(),
                service_id: e.service_id.as_deref().map(Arc::from),
                remote: e.service_region != e.scope.region,
                enis,
            },
        );
    }
}

/// The endpoint services.
fn services(w: &World, pl: &mut PrivateLinkV) {
    for s in w.endpoint_services.values() {
        pl.services.insert(
            s.id.as_str().into(),
            ServiceV {
                id: s.id.as_str().into(),
                state: s.state,
                nlbs: s
                    .network_load_balancer_arns
                    .iter()
                    .map(|a| Arc::from(a.as_str()))
                    .collect(),
                gwlbs: s
                    .gateway_load_balancer_arns
                    .iter()
                    .map(|a| Arc::from(a.as_str()))
                    .collect(),
            },
        );
    }
}

/// The load balancers with their nodes and listeners.
fn load_balancers(w: &World, view: &View, pl: &mut PrivateLinkV) {
    for lb in w.load_balancers.values() {
        for (i, s) in lb.subnets.iter().enumerate() {
            if let Some(&e) = view.eni_ix.get(s.network_interface_id.as_str()) {
                pl.nodes.insert(e, (lb.arn.as_str().into(), i));
            }
        }
        pl.lbs.insert(
            lb.arn.as_str().into(),
            LbV {
                arn: lb.arn.as_str().into(),
                nodes: lb
                    .subnets
                    .iter()
                    .map(|s| NodeV {
                        zone: s.availability_zone_id.as_str().into(),
                        eni: view.eni_ix.get(s.network_interface_id.as_str()).copied(),
                        ip: s.private_ip,
                    })
                    .collect(),
                listeners: Vec::new(),
                has_groups: !lb.security_groups.is_empty(),
                enforce_privatelink: lb.enforce_inbound_on_privatelink,
                cross_zone: lb.cross_zone(),
            },
        );
    }
    for l in w.listeners.values() {
        if let Some(lb) = pl.lbs.get_mut(l.load_balancer_arn.as_str()) {
            lb.listeners.push(ListenerV {
                arn: l.arn.as_str().into(),
                protocol: l.protocol.clone(),
                port: l.port,
                target_group: l.target_group_arn.as_str().into(),
            });
        }
    }
}

/// The target groups and where each target is.
fn target_groups(w: &World, view: &View, pl: &mut PrivateLinkV) {
    for g in w.target_groups.values() {
        let targets = g
            .targets
            .iter()
            .map(|t| TargetV {
                id: t.id.as_str().into(),
                port: t.port.unwrap_or(g.port),
                at: if g.target_type == "ip" {
                    TargetAt::Ip(t.id.parse().ok())
                } else {
                    TargetAt::Instance(view.endpoint(&t.id).filter(|_| Kind::Instance.names(&t.id)))
                },
            })
            .collect();
        pl.target_groups.insert(
            g.arn.as_str().into(),
            TargetGroupV {
                arn: g.arn.as_str().into(),
                targets,
                cross_zone: g.cross_zone_override(),
                preserve_client_ip: g.preserve_client_ip(),
            },
        );
    }
}

/// The load balancer and node serving endpoint `ep`'s interface `y`: the first load
/// balancer of its service with a node in `y`'s Availability Zone (any zone for a
/// cross-Region endpoint, which AWS restricts at creation).
pub(crate) fn placement<'v>(view: &'v View, ep: &EndpointV, y: Ix) -> Option<(&'v LbV, &'v NodeV)> {
    let pl = &view.privatelink;
    let svc = pl.services.get(ep.service_id.as_ref()?)?;
    let zone = pl.zone_of(view, y);
    svc.nlbs
        .iter()
        .filter_map(|a| pl.lbs.get(a))
        .find_map(|lb| {
            lb.nodes
                .iter()
                .find(|n| ep.remote || Some(&n.zone) == zone)
                .map(|n| (lb, n))
        })
}

/// Whether load balancer `lb` has a node in the Availability Zone of interface `e` (a
/// target elsewhere receives no traffic).
pub(crate) fn zone_enabled(view: &View, lb: &LbV, e: Ix) -> bool {
    let zone = view.privatelink.zone_of(view, e);
    lb.nodes.iter().any(|x| Some(&x.zone) == zone)
}

/// Whether a header is an ICMP echo request (what a gateway endpoint carries besides TCP).
pub(crate) fn is_echo(protocol: u8, dst_port: Option<u16>) -> bool {
    matches!((protocol, dst_port), (1, Some(8)) | (58, Some(128)))
}

/// Whether a listener protocol takes IANA protocol `p` (6 or 17) on `port`.
pub(crate) fn listener_takes(
    protocol: Option<&str>,
    listener_port: Option<u16>,
    p: u8,
    port: Option<u16>,
) -> bool {
    let proto = match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("TCP" | "TLS") => p == 6,
        Some("UDP") => p == 17,
        Some("TCP_UDP") => p == 6 || p == 17,
        _ => false,
    };
    proto && port.is_some() && listener_port == port
}

/// Why an endpoint as a destination has no interface to deliver to: (code, situation).
pub(crate) fn no_interface(
    _id: &str,
    kind: EndpointType,
    state: State,
    _service: &str,
) -> (crate::Code, crate::explain::Why) {
    use crate::explain::Why;
    use crate::Code;
    if kind == EndpointType::Gateway {
        return (
            Code::NoSourceOrDestination,
            Why::GatewayEndpointAsDestination,
        );
    }
    if state != State::Available {
        return (Code::BadState, Why::EndpointNotAvailable);
    }
    (Code::NoSourceOrDestination, Why::EndpointNoInterface)
}
