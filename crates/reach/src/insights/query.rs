//! The flow a network insights path asks about: its ends (an instance, interface, interface
//! endpoint, internet gateway, peering connection or virtual private gateway, or an
//! address), the addresses they use (`SourceIp`, `DestinationIp`, the filters' addresses)
//! and what the engine needs to know of an end that is a gateway or connection. A path
//! that cannot be asked as given is refused with an [`Explanation`] (words in
//! [`crate::explain::message`]).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::Ipv4Net;
use openvpc_core::insights::FilterPorts;
use openvpc_core::insights::{self, Path, PathFilter};
use openvpc_core::{Kind, World};

use super::Query;
use crate::explain::{Code, Detail, Direction, End, Explanation, Why};
use crate::{Arrival, Edge, Endpoint, Flow, Options, Search};

/// The internet host of a path from or to an internet gateway when the path names no public
/// address of its own: public (the engine takes no RFC 1918 address as an internet host),
/// outside openvpc's public pool (which starts at 18.0.0.1), so no interface ever holds it.
pub const INTERNET_HOST: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 10));

/// The address beyond a virtual private gateway when its VPN connections have no static
/// route to take one from (TEST-NET-1, RFC 5737: no network of the world holds it).
pub const ON_PREMISES_HOST: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));

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

/// Why a path cannot be analysed as given.
pub type Refusal = Explanation;

/// A refusal of `code` naming end `component`.
fn refuse(code: Code, component: &str, why: Why, detail: Detail) -> Refusal {
    Explanation::new(code, component.into(), Direction::Forward, why, detail)
}

fn arc(s: &str) -> Option<Arc<str>> {
    Some(s.into())
}

/// Whether `id` names a resource of `kind`.
fn is(kind: Kind, id: Option<&str>) -> bool {
    id.is_some_and(|id| kind.names(id))
}

/// The path's flow. Addresses: `SourceIp` (else `FilterAtSource.SourceAddress`) is the
/// source's; `DestinationIp` (else the filters' destination address) the destination's.
/// An internet gateway's address must be public (`IGW_EXPECTS_PUBLIC_ADDRESS`); a peering
/// connection's must be in the VPC beyond it (`PCX_REQUIRES_ADDRESS_IN_VPC_CIDR`). With no
/// address named, an internet gateway stands for [`INTERNET_HOST`], a peering connection
/// for the first host of the far VPC, a virtual private gateway for the first host of its
/// VPN connections' static routes (else [`ON_PREMISES_HOST`]).
pub fn query_of(w: &World, p: &Path) -> Result<Query, Refusal> {
    let fs = p.filter_at_source.as_ref();
    let fd = p.filter_at_destination.as_ref();
    let source_ip = p.source_ip.or(fs.and_then(|f| f.source_address));
    let destination_ip = p
        .destination_ip
        .or(fs.and_then(|f| f.destination_address))
        .or(fd.and_then(|f| f.destination_address));
    let mut opts = Options::default();
    let source = match insights::prefix_of(&p.source) {
        "igw" => internet_host(&p.source, source_ip)?.to_string(),
        "pcx" | "vgw" => {
            let (edge, src) = entry(w, p, destination_ip, source_ip)?;
            opts.from = Some(edge);
            opts.source_ip = Some(src);
            p.source.clone()
        }
        _ => {
            opts.source_ip = source_ip;
            p.source.clone()
        }
    };
    let destination = destination_of(w, p, destination_ip, &mut opts)?;
    let port = p.destination_port.or_else(|| {
        [fs, fd]
            .iter()
            .find_map(|f| f.and_then(|f| f.destination_ports?.from))
    });
    let source_port = [fs, fd]
        .iter()
        .find_map(|f| f.and_then(|f| f.source_ports?.from));
    let search = search_of(p);
    Ok(Query {
        flow: Flow {
            source,
            destination,
            protocol: p.protocol,
            port,
            source_port,
        },
        opts,
        search,
    })
}

/// The destination of the path's flow (an address, or an interface, instance or endpoint
/// with the options that address it), and for a gateway or connection the end it must
/// leave by.
fn destination_of(
    w: &World,
    p: &Path,
    destination_ip: Option<IpAddr>,
    opts: &mut Options,
) -> Result<Endpoint, Refusal> {
    let from_igw = Kind::InternetGateway.names(&p.source);
    Ok(match (destination_ip, p.destination.as_deref()) {
        (a, Some(d)) if is(Kind::InternetGateway, Some(d)) => Endpoint::Ip(internet_host(d, a)?),
        (a, Some(d)) if is(Kind::VpcPeeringConnection, Some(d)) => {
            opts.to = Some(d.to_string());
            Endpoint::Ip(beyond_peering(w, p, d, a)?)
        }
        (a, Some(d)) if is(Kind::VpnGateway, Some(d)) => {
            opts.to = Some(d.to_string());
            Endpoint::Ip(a.unwrap_or_else(|| on_premises(w, d)))
        }
        (a, Some(d)) => {
            opts.destination_ip = a;
            if Kind::Instance.names(d) {
                Endpoint::Instance(d.to_string())
            } else if from_igw && Kind::VpcEndpoint.names(d) {
                // From the internet: named as such (the engine explains).
                Endpoint::Vpce(d.to_string())
            } else if Kind::VpcEndpoint.names(d) {
                Endpoint::Eni(endpoint_interface(w, d, &p.source, a))
            } else {
                Endpoint::Eni(d.to_string())
            }
        }
        (Some(a), None) => Endpoint::Ip(a),
        (None, None) => Endpoint::Eni(String::new()),
    })
}

/// What to search beyond the flow: the filters' port ranges (the source's first; none with
/// a `DestinationPort`) and the packet as `FilterAtDestination` says it arrives.
fn search_of(p: &Path) -> Search {
    let fs = p.filter_at_source.as_ref();
    let fd = p.filter_at_destination.as_ref();
    let range = |r: Option<FilterPorts>| r.map(|r| (r.from.unwrap_or(0), r.to.unwrap_or(u16::MAX)));
    let at_source = |f: fn(&PathFilter) -> Option<FilterPorts>| fs.and_then(f).or(fd.and_then(f));
    Search {
        destination_ports: range(at_source(|f| f.destination_ports))
            .filter(|_| p.destination_port.is_none()),
        source_ports: range(at_source(|f| f.source_ports)),
        arrival: Arrival {
            source: fd.and_then(|f| f.source_address),
            destination: fd.and_then(|f| f.destination_address),
            source_ports: range(fd.and_then(|f| f.source_ports)),
            destination_ports: range(fd.and_then(|f| f.destination_ports)),
        },
        ..Search::default()
    }
}

/// The internet host behind gateway `igw`: `named` when public, [`INTERNET_HOST`] when
/// none is named.
fn internet_host(igw: &str, named: Option<IpAddr>) -> Result<IpAddr, Refusal> {
    match named {
        None => Ok(INTERNET_HOST),
        Some(a) if is_public(a) => Ok(a),
        Some(a) => Err(refuse(
            Code::IgwExpectsPublicAddress,
            igw,
            Why::NotPublicHost,
            Detail {
                internet_gateway: arc(igw),
                address: Some(a),
                ..Detail::default()
            },
        )),
    }
}

/// The VPC resource `id` (an instance, interface or endpoint) is in.
fn vpc_of(w: &World, id: &str) -> Option<String> {
    let eni = match insights::prefix_of(id) {
        "i" => w.instances.get(id)?.network_interface_id.clone(),
        "vpce" => return Some(w.vpc_endpoints.get(id)?.vpc_id.clone()),
        _ => id.to_string(),
    };
    Some(w.network_interfaces.get(&eni)?.vpc_id.clone())
}

fn v4_blocks(w: &World, vpc: &str) -> Vec<Ipv4Net> {
    w.vpcs
        .get(vpc)
        .map(|v| v.cidrs.iter().map(|c| c.cidr).collect())
        .unwrap_or_default()
}

/// The first host of a block past the addresses AWS reserves (the fourth after the network).
fn first_host(n: &Ipv4Net) -> IpAddr {
    let base = u32::from(n.network());
    let host = if n.prefix_len() <= 28 { base + 4 } else { base };
    IpAddr::V4(Ipv4Addr::from(host))
}

/// A peering connection or virtual private gateway as the source: the VPC the flow enters
/// (the destination's) and the sender's address beyond the edge.
fn entry(
    w: &World,
    p: &Path,
    destination_ip: Option<IpAddr>,
    source_ip: Option<IpAddr>,
) -> Result<(Edge, IpAddr), Refusal> {
    let id = p.source.as_str();
    let dest_vpc = p.destination.as_deref().and_then(|d| vpc_of(w, d));
    if Kind::VpnGateway.names(id) {
        let Some(vpc) = w.vpn_gateways.get(id).and_then(|g| g.attached_vpc()) else {
            return Err(refuse(
                Code::UnassociatedComponent,
                id,
                Why::Detached,
                Detail {
                    vpn_gateway: arc(id),
                    ..Detail::default()
                },
            ));
        };
        let edge = Edge {
            id: id.to_string(),
            vpc: vpc.to_string(),
        };
        return Ok((edge, source_ip.unwrap_or_else(|| on_premises(w, id))));
    }
    let Some(pcx) = w.peerings.get(id) else {
        return Err(gone(id));
    };
    let sides = [&pcx.requester.vpc_id, &pcx.accepter.vpc_id];
    let into = match (&dest_vpc, destination_ip) {
        (Some(v), _) => sides.into_iter().find(|s| *s == v),
        (None, Some(IpAddr::V4(a))) => sides
            .into_iter()
            .find(|s| v4_blocks(w, s).iter().any(|n| n.contains(&a))),
        (None, _) => None,
    };
    let Some(into) = into else {
        return Err(not_across(id, sides[0], sides[1]));
    };
    let far = if into == sides[0] { sides[1] } else { sides[0] };
    let src = in_vpc(w, id, far, source_ip)?;
    let edge = Edge {
        id: id.to_string(),
        vpc: into.to_string(),
    };
    Ok((edge, src))
}

/// A path end (peering connection) that does not exist.
fn gone(id: &str) -> Refusal {
    let detail = Detail {
        missing: arc(id),
        ..Detail::default()
    };
    refuse(
        Code::NoSourceOrDestination,
        id,
        Why::Missing(End::Source),
        detail,
    )
}

/// The other end of a path through peering connection `pcx` is in neither of its VPCs.
fn not_across(pcx: &str, requester: &str, accepter: &str) -> Refusal {
    let detail = Detail {
        peering: arc(pcx),
        source_vpc: arc(requester),
        destination_vpc: arc(accepter),
        ..Detail::default()
    };
    refuse(Code::DisconnectedVpcs, pcx, Why::NotAcrossPeering, detail)
}

/// The address beyond peering connection `pcx` (the path's destination) from the source's
/// VPC.
fn beyond_peering(
    w: &World,
    p: &Path,
    pcx: &str,
    named: Option<IpAddr>,
) -> Result<IpAddr, Refusal> {
    let Some(c) = w.peerings.get(pcx) else {
        return Err(gone(pcx));
    };
    let from = vpc_of(w, &p.source).unwrap_or_default();
    let Some(far) = c.other_vpc(&from) else {
        return Err(not_across(pcx, &c.requester.vpc_id, &c.accepter.vpc_id));
    };
    in_vpc(w, pcx, &far.vpc_id, named)
}

/// `named` when it is an address of `vpc` (beyond `pcx`), else the first host of `vpc`.
fn in_vpc(w: &World, pcx: &str, vpc: &str, named: Option<IpAddr>) -> Result<IpAddr, Refusal> {
    let blocks = v4_blocks(w, vpc);
    match named {
        None => blocks.first().map(first_host).ok_or_else(|| {
            let detail = Detail {
                peering: arc(pcx),
                vpc: arc(vpc),
                ..Detail::default()
            };
            refuse(
                Code::NoSourceOrDestination,
                pcx,
                Why::EdgeVpcUnknown,
                detail,
            )
        }),
        Some(IpAddr::V4(a)) if blocks.iter().any(|n| n.contains(&a)) => Ok(IpAddr::V4(a)),
        Some(a) => Err(refuse(
            Code::PcxRequiresAddressInVpcCidr,
            pcx,
            Why::NotInPeerCidr,
            Detail {
                peering: arc(pcx),
                destination_vpc: arc(vpc),
                address: Some(a),
                ..Detail::default()
            },
        )),
    }
}

/// The host beyond virtual private gateway `vgw`: the first of its VPN connections' static
/// routes, else [`ON_PREMISES_HOST`].
fn on_premises(w: &World, vgw: &str) -> IpAddr {
    openvpc_core::vpn::on_premises_ranges(w, vgw)
        .first()
        .map_or(ON_PREMISES_HOST, |n| {
            let base = u32::from(n.network());
            IpAddr::V4(Ipv4Addr::from(if n.prefix_len() < 32 {
                base + 1
            } else {
                base
            }))
        })
}

/// The interface of endpoint `vpce` that `source` reaches: the one holding `address` when
/// named, else the one in the source's zone, else the first (the endpoint's id when it has
/// none: the engine then reports it missing).
fn endpoint_interface(w: &World, vpce: &str, source: &str, address: Option<IpAddr>) -> String {
    let Some(e) = w.vpc_endpoints.get(vpce) else {
        return vpce.to_string();
    };
    let holds = |eni: &str| {
        address.is_some_and(|a| {
            w.network_interfaces
                .get(eni)
                .is_some_and(|n| n.private_ips.iter().any(|&p| IpAddr::V4(p) == a))
        })
    };
    if let Some(i) = e.interfaces.iter().find(|i| holds(&i.network_interface_id)) {
        return i.network_interface_id.clone();
    }
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
