//! Compiling one part of a view: a security group, a network ACL, the subnets, a route
//! table (its targets resolved); shared by `compile` (the whole world) and `update` (the
//! parts a change touches).

use std::sync::Arc;

use ipnet::IpNet;
use openvpc_core::endpoint::EndpointType;
use openvpc_core::ids::Kind;
use openvpc_core::nacl::{EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::route::{self, Destination, Origin, RouteTable, Target};
use openvpc_core::sg::{self, Peer, SecurityGroup};
use openvpc_core::World;

use super::{AclV, EniV, EntryV, Index, Ix, Lpm, PeerV, RouteV, Rtb, RuleV, SgV, SubnetV, Tgt};
use crate::fast::{HashMap, HashSet};
use crate::PrefixLists;

pub(super) fn ids<T>(items: &[T], id: impl Fn(&T) -> &Arc<str>) -> HashMap<Arc<str>, Ix> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| (id(t).clone(), i as Ix))
        .collect()
}

/// Prefix-list entries, looked up once per list.
pub(crate) struct PlCache<'a> {
    pls: &'a dyn PrefixLists,
    cache: HashMap<String, Vec<IpNet>>,
}

impl<'a> PlCache<'a> {
    pub fn new(pls: &'a dyn PrefixLists) -> Self {
        PlCache {
            pls,
            cache: HashMap::default(),
        }
    }

    fn get(&mut self, id: &str) -> Vec<IpNet> {
        if let Some(v) = self.cache.get(id) {
            return v.clone();
        }
        let v = self.pls.cidrs(id).unwrap_or_default();
        self.cache.insert(id.to_string(), v.clone());
        v
    }
}

/// The core's pairs of VPCs across which group references resolve, as view indexes.
pub(crate) fn group_links(w: &World, vpc_ix: &HashMap<Arc<str>, Ix>) -> HashSet<(Ix, Ix)> {
    sg::linked_vpc_pairs(w)
        .filter_map(|(a, b)| Some((*vpc_ix.get(a)?, *vpc_ix.get(b)?)))
        .collect()
}

/// Compiles one security group. A group reference resolves to the group's index and VPC
/// unless the core's rule says it is stale ([`sg::referenced_group_given`], asked over
/// the view's index of the core's [`sg::linked_vpc_pairs`]).
pub(crate) fn compile_sg(g: &SecurityGroup, w: &World, ix: &Index, pl: &mut PlCache) -> SgV {
    let own_vpc = ix.vpc.get(g.vpc_id.as_str()).copied();
    let mut compile_rules = |rules: &[openvpc_core::sg::Rule]| {
        rules
            .iter()
            .map(|r| {
                let protocol = r.protocol.number();
                let (a, b) = match protocol {
                    Some(6 | 17) => match (r.from_port, r.to_port) {
                        (None | Some(-1), _) => (0, 65535),
                        (Some(f), Some(t)) => (f, t),
                        (Some(f), None) => (f, f),
                    },
                    Some(1 | 58) => (r.from_port.unwrap_or(-1), r.to_port.unwrap_or(-1)),
                    _ => (-1, -1),
                };
                let peer = match &r.peer {
                    Peer::V4(n) => PeerV::Net(IpNet::V4(*n)),
                    Peer::V6(n) => PeerV::Net(IpNet::V6(*n)),
                    Peer::PrefixList(id) => PeerV::Nets(pl.get(id)),
                    Peer::Group { group_id, .. } => {
                        let target = own_vpc
                            .and_then(|own| {
                                sg::referenced_group_given(w, g, group_id, |_, other| {
                                    ix.vpc
                                        .get(other)
                                        .is_some_and(|&o| ix.group_links.contains(&(own, o)))
                                })
                            })
                            .and_then(|t| {
                                let sg = *ix.sg.get(t.id.as_str())?;
                                Some((sg, *ix.vpc.get(t.vpc_id.as_str())?))
                            });
                        match target {
                            Some((sg, vpc)) => PeerV::Group { sg, vpc },
                            None => PeerV::Stale,
                        }
                    }
                };
                RuleV {
                    protocol,
                    a,
                    b,
                    peer,
                }
            })
            .collect::<Vec<_>>()
    };
    SgV {
        id: g.id.as_str().into(),
        vpc: own_vpc,
        ingress: compile_rules(&g.ingress),
        egress: compile_rules(&g.egress),
    }
}

/// Compiles one network ACL: entries sorted by rule number.
pub(crate) fn compile_acl(a: &NetworkAcl, ix: &Index) -> AclV {
    let mut inbound = Vec::new();
    let mut outbound = Vec::new();
    for e in &a.entries {
        let entry = EntryV {
            number: e.rule_number,
            allow: e.action == RuleAction::Allow,
            net: match e.cidr {
                EntryCidr::V4(n) => IpNet::V4(n),
                EntryCidr::V6(n) => IpNet::V6(n),
            },
            protocol: e.protocol.number(),
            ports: e.port_range,
            icmp: e.icmp,
        };
        if e.egress {
            outbound.push(entry)
        } else {
            inbound.push(entry)
        }
    }
    inbound.sort_by_key(|e| e.number);
    outbound.sort_by_key(|e| e.number);
    AclV {
        id: a.id.as_str().into(),
        vpc: ix.vpc.get(a.vpc_id.as_str()).copied(),
        links: a
            .associations
            .iter()
            .map(|x| (Arc::from(x.id.as_str()), Arc::from(x.subnet_id.as_str())))
            .collect(),
        inbound,
        outbound,
    }
}

/// Each subnet (whose VPC exists) with its effective route table and ACL, and its VPC.
pub(crate) fn link_subnets(w: &World, ix: &Index) -> (Vec<SubnetV>, Vec<Ix>) {
    let mut explicit_rtb: HashMap<&str, Ix> = HashMap::default();
    let mut main_rtb: HashMap<&str, Ix> = HashMap::default();
    for (i, t) in w.route_tables.values().enumerate() {
        for a in &t.associations {
            if let Some(s) = a.subnet_id.as_deref() {
                let same_vpc = w.subnets.get(s).is_some_and(|s| s.vpc_id == t.vpc_id);
                if same_vpc {
                    explicit_rtb.entry(s).or_insert(i as Ix);
                }
            }
            if a.main {
                main_rtb.entry(t.vpc_id.as_str()).or_insert(i as Ix);
            }
        }
    }
    let mut explicit_acl: HashMap<&str, Ix> = HashMap::default();
    for (i, a) in w.network_acls.values().enumerate() {
        for s in &a.associations {
            explicit_acl.entry(s.subnet_id.as_str()).or_insert(i as Ix);
        }
    }
    let mut subnets = Vec::new();
    let mut subnet_vpc: Vec<Ix> = Vec::new();
    for s in w.subnets.values() {
        let (Some(&v), Some(vpc)) = (ix.vpc.get(s.vpc_id.as_str()), w.vpcs.get(&s.vpc_id)) else {
            continue;
        };
        let rtb = explicit_rtb
            .get(s.id.as_str())
            .copied()
            .or_else(|| {
                w.route_tables
                    .get(&vpc.main_route_table_id)
                    .filter(|t| t.vpc_id == vpc.id)
                    .and_then(|t| ix.rtb.get(t.id.as_str()).copied())
            })
            .or_else(|| main_rtb.get(vpc.id.as_str()).copied());
        let acl = explicit_acl
            .get(s.id.as_str())
            .or_else(|| ix.acl.get(vpc.default_network_acl_id.as_str()))
            .copied();
        subnets.push(SubnetV {
            id: s.id.as_str().into(),
            vpc: v,
            rtb,
            acl,
        });
        subnet_vpc.push(v);
    }
    (subnets, subnet_vpc)
}

/// Compiles one route table: prefix-list routes expanded, targets resolved.
pub(crate) fn compile_table(
    t: &RouteTable,
    w: &World,
    ix: &Index,
    eni_ix: &HashMap<Arc<str>, Ix>,
    enis: &[EniV],
    pl: &mut PlCache,
) -> Rtb {
    let mut rtb = Rtb {
        id: t.id.as_str().into(),
        vpc: ix.vpc.get(t.vpc_id.as_str()).copied(),
        links: t
            .associations
            .iter()
            .map(|a| {
                (
                    Arc::from(a.id.as_str()),
                    a.subnet_id.as_deref().map(Arc::from),
                    a.main,
                )
            })
            .collect(),
        v4: Lpm::new(),
        v6: Lpm::new(),
    };
    let Some(v) = rtb.vpc else {
        return rtb;
    };
    for (n, r) in t.routes.iter().enumerate() {
        let target = resolve(w, (v, &t.vpc_id), &r.target, ix, eni_ix, enis);
        let target_text = r.target.id();
        let (nets, rank): (Vec<IpNet>, (u8, Arc<str>, usize)) = match &r.destination {
            Destination::V4(n4) => (
                vec![IpNet::V4(*n4)],
                (static_rank(r.origin), Arc::from(""), n),
            ),
            Destination::V6(n6) => (
                vec![IpNet::V6(*n6)],
                (static_rank(r.origin), Arc::from(""), n),
            ),
            Destination::PrefixList(id) => (pl.get(id), (1, Arc::from(id.as_str()), n)),
        };
        for net in nets {
            let label: Arc<str> = match &r.destination {
                Destination::PrefixList(id) => format!("{id} ({net}) -> {target_text}").into(),
                _ => format!("{net} -> {target_text}").into(),
            };
            let route = RouteV {
                label,
                target: target.clone(),
                rank: rank.clone(),
            };
            match net.trunc() {
                IpNet::V4(n4) => rtb
                    .v4
                    .insert(n4.prefix_len(), u32::from(n4.network()), route),
                IpNet::V6(n6) => rtb
                    .v6
                    .insert(n6.prefix_len(), u128::from(n6.network()), route),
            }
        }
    }
    rtb.v4.seal();
    rtb.v6.seal();
    rtb
}

fn static_rank(origin: Origin) -> u8 {
    if origin == Origin::EnableVgwRoutePropagation {
        2
    } else {
        0
    }
}

fn blackhole(why: String) -> Tgt {
    Tgt::Blackhole { why }
}

/// Resolves a route target of a table in VPC `v` (`vpc_id`). Whether the target is usable
/// is the core's rule ([`route::target_problem`]); here a usable target is found in the
/// view. Kinds the engine does not follow (endpoints other than Gateway
/// Load Balancer endpoints) are unsupported whatever their state.
fn resolve(
    w: &World,
    (v, vpc_id): (Ix, &str),
    t: &Target,
    ix: &Index,
    eni_ix: &HashMap<Arc<str>, Ix>,
    enis: &[EniV],
) -> Tgt {
    let followed = match t {
        Target::Gateway(id) => Kind::InternetGateway.names(id) || Kind::VpnGateway.names(id),
        Target::VpcEndpoint(id) => w
            .vpc_endpoints
            .get(id)
            .is_some_and(|e| e.endpoint_type == EndpointType::GatewayLoadBalancer),
        _ => true,
    };
    // A transit gateway the world does not hold (e.g. not imported) cannot be followed.
    let unknown_tgw =
        matches!(t, Target::TransitGateway(id) if w.transit_gateways.get(id).is_none());
    if !followed || unknown_tgw {
        return Tgt::Unsupported(t.id().into());
    }
    if let Some(why) = route::target_problem(w, Some(vpc_id), t) {
        return blackhole(format!("{} {why}", t.id()));
    }
    // What is left are gaps of the view itself (a resource whose subnet or VPC is missing).
    let missing = |id: &str| blackhole(format!("{id} is not in the compiled view"));
    let local_eni = |id: &str, e: Option<Ix>| match e {
        Some(e) if enis[e as usize].vpc == v => Tgt::Eni(e),
        Some(_) => blackhole(format!("{id} {}", route::Unusable::OtherVpc)),
        None => missing(id),
    };
    match t {
        Target::Local => Tgt::Local,
        Target::VpcPeeringConnection(id) => {
            let peer = w
                .peerings
                .get(id)
                .and_then(|p| p.other_vpc(vpc_id))
                .and_then(|side| ix.vpc.get(side.vpc_id.as_str()).copied());
            match peer {
                Some(peer) => Tgt::Pcx {
                    id: id.as_str().into(),
                    peer,
                },
                None => blackhole(format!("the peer VPC of {id} does not exist")),
            }
        }
        Target::Gateway(id) if Kind::VpnGateway.names(id) => Tgt::Vgw {
            id: id.as_str().into(),
            on_premises: openvpc_core::vpn::on_premises_ranges(w, id).into(),
        },
        Target::Gateway(id) => Tgt::Igw(id.as_str().into()),
        Target::EgressOnlyInternetGateway(id) => Tgt::Eigw(id.as_str().into()),
        Target::NatGateway(id) => match ix.nat.get(id.as_str()) {
            Some(&n) => Tgt::Nat(n),
            None => missing(id),
        },
        Target::NetworkInterface(id) => local_eni(id, eni_ix.get(id.as_str()).copied()),
        Target::Instance(id) => {
            let eni = w
                .instances
                .get(id)
                .and_then(|i| eni_ix.get(i.network_interface_id.as_str()).copied());
            local_eni(id, eni)
        }
        Target::GatewayEndpoint(id) => Tgt::GatewayEndpoint(id.as_str().into()),
        Target::VpcEndpoint(id) => Tgt::Gwlbe(id.as_str().into()),
        Target::TransitGateway(id) => Tgt::Tgw(id.as_str().into()),
    }
}
