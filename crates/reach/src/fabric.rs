//! The compiled view read from outside: what a data plane realises.
//!
//! [`View::fabric`] projects the engine's compiled forwarding state into plain, owned data:
//! VPCs, subnets with their effective route table and network ACL, interfaces, NAT
//! gateways, route tables as their winning route per prefix with targets already resolved
//! (prefix lists expanded, tie-breaks applied, unusable targets as blackholes), network ACL
//! entries in rule order, and security-group rules with group references resolved (or
//! stale). A data plane that realises this projection forwards by the rules the engine
//! decides with; it never resolves a target or a reference itself.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::view::{Ix, PeerV, RuleV, Tgt, View};

/// Everything the forwarding view holds, by index.
#[derive(Debug, Clone, Default)]
pub struct Fabric {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub interfaces: Vec<Interface>,
    pub nat_gateways: Vec<NatGateway>,
    pub tables: Vec<Table>,
    pub acls: Vec<Acl>,
    pub groups: Vec<Group>,
    /// Interface endpoints' interfaces and the load-balancer nodes serving them.
    pub privatelink: Vec<Placement>,
    /// Transit gateways: available VPC attachments and route tables in effect.
    pub transit: Transit,
}

/// Transit gateways as the engine decides on them.
#[derive(Debug, Clone, Default)]
pub struct Transit {
    /// Available VPC attachments, by id.
    pub attachments: Vec<Attachment>,
    /// Live transit-gateway route tables, by id.
    pub tables: Vec<TransitTable>,
    /// The Availability Zone of each subnet (index) of an attached VPC.
    pub zones: std::collections::BTreeMap<usize, String>,
    /// Available peering attachments, by id.
    pub peerings: Vec<TransitPeering>,
}

/// An available transit-gateway peering attachment: each side's gateway and the route
/// table that side associates it with (requester first).
#[derive(Debug, Clone)]
pub struct TransitPeering {
    pub id: String,
    pub sides: [(String, Option<String>); 2],
}

/// An available VPC attachment: its gateway, VPC, subnets (zone, subnet index) in the
/// attachment's order, appliance mode and associated route table.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: String,
    pub transit_gateway: String,
    pub vpc: usize,
    pub subnets: Vec<(String, usize)>,
    pub appliance: bool,
    pub table: Option<String>,
}

impl Attachment {
    /// The subnet a sender in `zone` enters the gateway by (`None`: it cannot).
    pub fn entry(&self, zone: Option<&str>) -> Option<usize> {
        crate::transit::entry_subnet(&self.subnets, zone)
    }

    /// The subnet traffic that entered the gateway in `zone` leaves this attachment by,
    /// for a flow hashing to `hash` (matters in appliance mode or without a subnet in
    /// `zone`; see [`crate::transit::exit_subnet`]).
    pub fn exit(&self, zone: Option<&str>, hash: u64) -> Option<usize> {
        crate::transit::exit_subnet(&self.subnets, self.appliance, zone, hash)
    }
}

/// A transit-gateway route table: its routes in effect (static over propagated), longest
/// prefix first.
#[derive(Debug, Clone)]
pub struct TransitTable {
    pub id: String,
    pub routes: Vec<TransitRoute>,
}

/// A transit-gateway route: a destination and the attachment it leads to (`None`: a
/// blackhole).
#[derive(Debug, Clone)]
pub struct TransitRoute {
    pub destination: IpNet,
    pub attachment: Option<String>,
}

/// PrivateLink as the engine places it: an available interface endpoint's interface,
/// the node (in its zone) of the first load balancer of its available endpoint service,
/// and the TCP listeners with the addresses of their targets.
#[derive(Debug, Clone)]
pub struct Placement {
    pub endpoint: String,
    /// The endpoint's interface (index into [`Fabric::interfaces`]).
    pub interface: usize,
    /// The load-balancer node's interface.
    pub node: usize,
    pub node_ip: Ipv4Addr,
    pub listeners: Vec<Listener>,
}

/// A listener taking TCP on `port`, forwarding to targets (address, port).
#[derive(Debug, Clone)]
pub struct Listener {
    pub port: u16,
    pub targets: Vec<(std::net::IpAddr, u16)>,
}

/// A VPC and its attached internet gateway.
#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: String,
    pub v4: Vec<Ipv4Net>,
    pub v6: Vec<Ipv6Net>,
    pub igw: Option<String>,
}

/// A subnet: its VPC, effective route table and network ACL (indexes).
#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub vpc: usize,
    pub table: Option<usize>,
    pub acl: Option<usize>,
}

/// A network interface.
#[derive(Debug, Clone)]
pub struct Interface {
    pub id: String,
    pub vpc: usize,
    pub subnet: usize,
    pub v4: Vec<Ipv4Addr>,
    pub v6: Vec<Ipv6Addr>,
    /// Prefixes delegated to it (`/28`, `/80`): every address inside is its own.
    pub v4_prefixes: Vec<Ipv4Net>,
    pub v6_prefixes: Vec<Ipv6Net>,
    /// Known security groups (indexes into [`Fabric::groups`]).
    pub groups: Vec<usize>,
    pub source_dest_check: bool,
    /// An interface endpoint's network interface.
    pub endpoint: bool,
    /// (private, public) IPv4 pairs: the primary's public address and Elastic IPs.
    pub publics: Vec<(Ipv4Addr, Ipv4Addr)>,
}

impl Interface {
    /// Everything the interface holds: its addresses (as `/32`, `/128`) and delegated
    /// prefixes, IPv4 first.
    pub fn held(&self) -> impl Iterator<Item = IpNet> + '_ {
        let v4 = self
            .v4
            .iter()
            .map(|a| IpNet::from(std::net::IpAddr::V4(*a)));
        let v4p = self.v4_prefixes.iter().map(|n| IpNet::V4(*n));
        let v6 = self
            .v6
            .iter()
            .map(|a| IpNet::from(std::net::IpAddr::V6(*a)));
        let v6p = self.v6_prefixes.iter().map(|n| IpNet::V6(*n));
        v4.chain(v4p).chain(v6).chain(v6p)
    }
}

/// A NAT gateway (any state; routes to it are blackholes unless it is available).
#[derive(Debug, Clone)]
pub struct NatGateway {
    pub id: String,
    pub vpc: usize,
    pub subnet: usize,
    pub private: Ipv4Addr,
    pub public: Option<Ipv4Addr>,
}

/// A route table: the route that wins for each prefix.
#[derive(Debug, Clone)]
pub struct Table {
    pub id: String,
    pub vpc: Option<usize>,
    pub routes: Vec<Route>,
}

/// One prefix and where it leads.
#[derive(Debug, Clone)]
pub struct Route {
    pub destination: IpNet,
    pub target: Target,
    /// The route as text (`10.1.0.0/16 -> pcx-…`), for messages.
    pub label: String,
}

/// A resolved route target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The VPC's own addresses.
    Local,
    /// An active peering connection to VPC `peer`.
    Peering {
        id: String,
        peer: usize,
    },
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    /// An available NAT gateway (index into [`Fabric::nat_gateways`]).
    NatGateway(usize),
    /// An interface of the same VPC (index into [`Fabric::interfaces`]).
    Interface(usize),
    /// An available gateway endpoint.
    GatewayEndpoint(String),
    /// A transit gateway (what follows is the VPC's attachment to it, see [`Transit`]).
    TransitGateway(String),
    /// A target the data plane does not realise (VGW, GWLB endpoint).
    Unsupported(String),
    /// Not usable, and why.
    Blackhole(String),
}

/// A network ACL: entries sorted by rule number.
#[derive(Debug, Clone)]
pub struct Acl {
    pub id: String,
    pub inbound: Vec<AclEntry>,
    pub outbound: Vec<AclEntry>,
}

/// One network ACL entry.
#[derive(Debug, Clone)]
pub struct AclEntry {
    pub number: u32,
    pub allow: bool,
    pub net: IpNet,
    /// IANA protocol; `None` is all.
    pub protocol: Option<u8>,
    pub ports: Option<(u16, u16)>,
    /// ICMP (type, code), -1 meaning any.
    pub icmp: Option<(i32, i32)>,
}

/// A security group's rules.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub ingress: Vec<GroupRule>,
    pub egress: Vec<GroupRule>,
}

/// One security-group rule. `from`/`to` are the port range (TCP/UDP: 0–65535 for all) or
/// the ICMP type and code (-1 meaning any).
#[derive(Debug, Clone)]
pub struct GroupRule {
    /// IANA protocol; `None` is all.
    pub protocol: Option<u8>,
    pub from: i32,
    pub to: i32,
    pub peer: RulePeer,
}

/// What a rule matches on the other end.
#[derive(Debug, Clone)]
pub enum RulePeer {
    Nets(Vec<IpNet>),
    /// Members of group `group`, by their addresses in VPC `vpc`.
    Group {
        group: usize,
        vpc: usize,
    },
    /// A reference that resolves to nothing.
    Stale,
}

fn target(t: &Tgt) -> Target {
    match t {
        Tgt::Local => Target::Local,
        Tgt::Pcx { id, peer } => Target::Peering {
            id: id.to_string(),
            peer: *peer as usize,
        },
        Tgt::Igw(id) => Target::InternetGateway(id.to_string()),
        Tgt::Eigw(id) => Target::EgressOnlyInternetGateway(id.to_string()),
        Tgt::Nat(n) => Target::NatGateway(*n as usize),
        Tgt::Eni(e) => Target::Interface(*e as usize),
        Tgt::GatewayEndpoint(id) => Target::GatewayEndpoint(id.to_string()),
        // The data plane has no customer side to carry VPN traffic to.
        Tgt::Tgw(id) => Target::TransitGateway(id.to_string()),
        Tgt::Unsupported(id) | Tgt::Vgw { id, .. } | Tgt::Gwlbe(id) => {
            Target::Unsupported(id.to_string())
        }
        Tgt::Blackhole { why } => Target::Blackhole(why.clone()),
    }
}

fn rule(r: &RuleV) -> GroupRule {
    GroupRule {
        protocol: r.protocol,
        from: r.a,
        to: r.b,
        peer: match &r.peer {
            PeerV::Net(n) => RulePeer::Nets(vec![*n]),
            PeerV::Nets(ns) => RulePeer::Nets(ns.clone()),
            PeerV::Group { sg, vpc } => RulePeer::Group {
                group: *sg as usize,
                vpc: *vpc as usize,
            },
            PeerV::Stale => RulePeer::Stale,
        },
    }
}

impl View {
    /// The compiled view as plain data (see the module documentation).
    pub fn fabric(&self) -> Fabric {
        let vpcs = self
            .vpcs
            .iter()
            .map(|v| Vpc {
                id: v.id.to_string(),
                v4: v.v4.clone(),
                v6: v.v6.clone(),
                igw: v.igw.as_deref().map(str::to_string),
            })
            .collect();
        let subnets = self
            .subnets
            .iter()
            .map(|s| Subnet {
                id: s.id.to_string(),
                vpc: s.vpc as usize,
                table: s.rtb.map(|t| t as usize),
                acl: s.acl.map(|a| a as usize),
            })
            .collect();
        let interfaces = self
            .enis
            .iter()
            .map(|e| Interface {
                id: e.id.to_string(),
                vpc: e.vpc as usize,
                subnet: e.subnet as usize,
                v4: e.v4.clone(),
                v6: e.v6.clone(),
                v4_prefixes: e.v4_prefixes.clone(),
                v6_prefixes: e.v6_prefixes.clone(),
                groups: e.groups.iter().map(|&g| g as usize).collect(),
                source_dest_check: e.source_dest_check,
                endpoint: e.endpoint,
                publics: e.publics.clone(),
            })
            .collect();
        let nat_gateways = self
            .nats
            .iter()
            .map(|n| NatGateway {
                id: n.id.to_string(),
                vpc: n.vpc as usize,
                subnet: n.subnet as usize,
                private: n.private,
                public: n.public,
            })
            .collect();
        let tables = self
            .tables
            .iter()
            .map(|t| Table {
                id: t.id.to_string(),
                vpc: t.vpc.map(|v| v as usize),
                routes: t
                    .routes()
                    .map(|(destination, r)| Route {
                        destination,
                        target: target(&r.target),
                        label: r.label.to_string(),
                    })
                    .collect(),
            })
            .collect();
        let acls = self
            .acls
            .iter()
            .map(|a| {
                let entries = |es: &[crate::view::EntryV]| {
                    es.iter()
                        .map(|e| AclEntry {
                            number: e.number,
                            allow: e.allow,
                            net: e.net,
                            protocol: e.protocol,
                            ports: e.ports,
                            icmp: e.icmp,
                        })
                        .collect()
                };
                Acl {
                    id: a.id.to_string(),
                    inbound: entries(&a.inbound),
                    outbound: entries(&a.outbound),
                }
            })
            .collect();
        let groups = self
            .sgs
            .iter()
            .map(|g| Group {
                id: g.id.to_string(),
                ingress: g.ingress.iter().map(rule).collect(),
                egress: g.egress.iter().map(rule).collect(),
            })
            .collect();
        let privatelink = placements(self);
        Fabric {
            transit: transit(self),
            privatelink,
            vpcs,
            subnets,
            interfaces,
            nat_gateways,
            tables,
            acls,
            groups,
        }
    }
}

/// The transit gateways' attachments, route tables and zones (see [`Transit`]).
fn transit(view: &View) -> Transit {
    let t = &view.transit;
    let mut attachments: Vec<Attachment> = t
        .by_vpc
        .iter()
        .filter_map(|((tgw, _), a)| {
            let a = t.attachment(a)?;
            Some(Attachment {
                id: a.id.to_string(),
                transit_gateway: tgw.to_string(),
                vpc: a.vpc as usize,
                subnets: a
                    .subnets
                    .iter()
                    .map(|(z, s)| (z.to_string(), *s as usize))
                    .collect(),
                appliance: a.appliance,
                table: a.table.as_deref().map(str::to_string),
            })
        })
        .collect();
    attachments.sort_by(|a, b| a.id.cmp(&b.id));
    let mut tables: Vec<TransitTable> = t
        .tables
        .iter()
        .map(|(id, table)| TransitTable {
            id: id.to_string(),
            routes: table
                .routes
                .iter()
                .map(|r| TransitRoute {
                    destination: r.dest,
                    attachment: r.attachment.as_deref().map(str::to_string),
                })
                .collect(),
        })
        .collect();
    tables.sort_by(|a, b| a.id.cmp(&b.id));
    // The view knows every subnet's zone; the fabric, those of attached VPCs.
    let attached: std::collections::BTreeSet<Ix> = t.by_vpc.keys().map(|(_, v)| *v).collect();
    let zones = t
        .zones
        .iter()
        .filter(|(s, _)| attached.contains(&view.subnets[**s as usize].vpc))
        .map(|(s, z)| (*s as usize, z.to_string()))
        .collect();
    let mut peerings: Vec<TransitPeering> = t
        .peerings
        .iter()
        .map(|(id, p)| TransitPeering {
            id: id.to_string(),
            sides: p
                .sides
                .clone()
                .map(|(g, table)| (g.to_string(), table.as_deref().map(str::to_string))),
        })
        .collect();
    peerings.sort_by(|a, b| a.id.cmp(&b.id));
    Transit {
        attachments,
        tables,
        zones,
        peerings,
    }
}

/// Every placed interface endpoint interface (see [`Placement`]).
fn placements(view: &View) -> Vec<Placement> {
    use crate::privatelink::{listener_takes, placement, zone_enabled, TargetAt};
    use openvpc_core::endpoint::{EndpointType, State};
    use openvpc_core::endpoint_service::ServiceState;
    let pl = &view.privatelink;
    let mut out = Vec::new();
    for ep in pl.endpoints.values() {
        let service = ep.service_id.as_ref().and_then(|s| pl.services.get(s));
        let usable = ep.kind == EndpointType::Interface
            && ep.state == State::Available
            && service.is_some_and(|s| s.state == ServiceState::Available);
        if !usable {
            continue;
        }
        for &y in &ep.enis {
            let Some((lb, node)) = placement(view, ep, y) else {
                continue;
            };
            let Some(n) = node.eni else { continue };
            let listeners = lb
                .listeners
                .iter()
                .filter_map(|l| {
                    let port = l.port?;
                    if !listener_takes(l.protocol.as_deref(), l.port, 6, Some(port)) {
                        return None;
                    }
                    let tg = pl.target_groups.get(&l.target_group)?;
                    let targets = tg
                        .targets
                        .iter()
                        .filter_map(|t| match t.at {
                            TargetAt::Instance(Some(e)) if zone_enabled(view, lb, e) => view.enis
                                [e as usize]
                                .v4
                                .first()
                                .map(|a| (std::net::IpAddr::V4(*a), t.port)),
                            TargetAt::Ip(Some(a)) => {
                                let vpc = view.enis[n as usize].vpc;
                                let held = view.holder(vpc, a);
                                held.is_none_or(|e| zone_enabled(view, lb, e))
                                    .then_some((a, t.port))
                            }
                            _ => None,
                        })
                        .collect();
                    Some(Listener { port, targets })
                })
                .collect();
            out.push(Placement {
                endpoint: ep.id.to_string(),
                interface: y as usize,
                node: n as usize,
                node_ip: node.ip,
                listeners,
            });
        }
    }
    out.sort_by(|a, b| (&a.endpoint, a.interface).cmp(&(&b.endpoint, b.interface)));
    out
}
