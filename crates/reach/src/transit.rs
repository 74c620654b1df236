//! Transit gateways compiled for `decide::transit`: each available VPC attachment (its
//! VPC, zones, associated route table, appliance mode), each available VPN attachment (its
//! connection, associated route table), each available peering attachment (both sides'
//! gateways and associated tables) and each route table's routes in effect (the core's
//! `tgw::table_routes`: static over propagated), longest prefix first.

use std::sync::Arc;

use ipnet::IpNet;
use openvpc_core::tgw::{self, AttachmentState};
use openvpc_core::World;

use crate::fast::{HashMap, HashSet};
use crate::view::{Ix, View};

/// An available VPC attachment.
#[derive(Debug)]
pub(crate) struct AttachV {
    pub id: Arc<str>,
    pub vpc: Ix,
    /// Its subnets (their zones, and their index in the view), in the attachment's order.
    pub subnets: Vec<(Arc<str>, Ix)>,
    /// Appliance mode: both directions of a flow use one interface (picked by flow hash).
    pub appliance: bool,
    /// The associated route table.
    pub table: Option<Arc<str>>,
}

/// An available VPN attachment: a route to it leaves for the customer's side of its
/// connection; a reply from there is routed by its associated table.
#[derive(Debug)]
pub(crate) struct VpnAttachV {
    pub id: Arc<str>,
    pub transit_gateway: Arc<str>,
    /// The Site-to-Site VPN connection (`vpn-`).
    pub connection: Arc<str>,
    /// The associated route table.
    pub table: Option<Arc<str>>,
}

/// A route in effect: destination and attachment (`None`: blackhole).
#[derive(Debug)]
pub(crate) struct TgwRouteV {
    pub dest: IpNet,
    pub attachment: Option<Arc<str>>,
    /// Propagated (not static or a prefix list's).
    pub propagated: bool,
    /// The prefix list whose entry the route is.
    pub prefix_list: Option<Arc<str>>,
}

/// An available peering attachment: each side's gateway and the route table that side
/// associates it with.
#[derive(Debug)]
pub(crate) struct PeeringV {
    pub sides: [(Arc<str>, Option<Arc<str>>); 2],
}

impl PeeringV {
    /// The far side as seen from gateway `from`: its gateway and associated table.
    pub fn across(&self, from: &str) -> Option<&(Arc<str>, Option<Arc<str>>)> {
        match &self.sides {
            [(a, _), b] if **a == *from => Some(b),
            [a, (b, _)] if **b == *from => Some(a),
            _ => None,
        }
    }
}

/// Every transit gateway's attachments and route tables.
#[derive(Debug, Default)]
pub(crate) struct TransitV {
    /// Available peering attachments by id.
    pub peerings: HashMap<Arc<str>, PeeringV>,
    /// (transit gateway, VPC) → attachment id.
    pub by_vpc: HashMap<(Arc<str>, Ix), Arc<str>>,
    pub attachments: HashMap<Arc<str>, AttachV>,
    /// Route table id → routes, longest prefix first.
    pub tables: HashMap<Arc<str>, Vec<TgwRouteV>>,
    /// The zone of each subnet of an attached VPC.
    pub zones: HashMap<Ix, Arc<str>>,
    /// Available VPN attachments by id.
    pub vpns: HashMap<Arc<str>, VpnAttachV>,
}

impl AttachV {
    /// The subnet traffic from a sender in `zone` enters the attachment by (see
    /// [`entry_subnet`]).
    pub fn entry_subnet(&self, zone: Option<&str>) -> Option<Ix> {
        entry_subnet(&self.subnets, zone)
    }

    /// The subnet of the interface traffic leaves the attachment by, having entered the
    /// gateway in `zone`, the flow hashing to `hash` ([`flow_hash`]; see [`exit_subnet`]).
    pub fn exit_subnet(&self, zone: Option<&str>, hash: u64) -> Option<Ix> {
        exit_subnet(&self.subnets, self.appliance, zone, hash)
    }
}

/// A flow's hash as a transit gateway uses it to pick one interface of an attachment "for
/// the life of the flow": over the 5-tuple with the two ends in a fixed order, so a packet
/// and its reply hash alike. FNV-1a: deterministic across runs and platforms.
pub(crate) fn flow_hash(h: &crate::explain::Header) -> u64 {
    let end = |ip: std::net::IpAddr, port: Option<u16>| {
        let mut b = match ip {
            std::net::IpAddr::V4(a) => a.to_ipv6_mapped().octets().to_vec(),
            std::net::IpAddr::V6(a) => a.octets().to_vec(),
        };
        b.extend_from_slice(&port.unwrap_or(0).to_be_bytes());
        b
    };
    let (a, b) = (end(h.src, h.src_port), end(h.dst, h.dst_port));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in lo.iter().chain(&hi).chain(std::iter::once(&h.protocol)) {
        x ^= u64::from(*byte);
        x = x.wrapping_mul(0x0100_0000_01b3);
    }
    x
}

/// The attachment subnet (of `subnets`: zone and subnet, in the attachment's order) a
/// sender in `zone` enters the gateway by: the one in its zone (none there: it cannot
/// reach the gateway); a sender of unknown zone, the first.
pub fn entry_subnet<Z: AsRef<str>, S: Copy>(subnets: &[(Z, S)], zone: Option<&str>) -> Option<S> {
    match zone {
        Some(z) => subnet_in(subnets, z),
        None => subnets.first().map(|(_, s)| *s),
    }
}

/// The attachment subnet traffic that entered the gateway in `zone` leaves by: the same
/// zone's when the attachment has one and is not in appliance mode; else the one the
/// flow's hash picks (the same for both directions, so an appliance sees the whole flow).
pub fn exit_subnet<Z: AsRef<str>, S: Copy>(
    subnets: &[(Z, S)],
    appliance: bool,
    zone: Option<&str>,
    hash: u64,
) -> Option<S> {
    let same = zone
        .filter(|_| !appliance)
        .and_then(|z| subnet_in(subnets, z));
    same.or_else(|| {
        let n = subnets.len() as u64;
        (n > 0).then(|| subnets[(hash % n) as usize].1)
    })
}

fn subnet_in<Z: AsRef<str>, S: Copy>(subnets: &[(Z, S)], zone: &str) -> Option<S> {
    subnets
        .iter()
        .find(|(x, _)| x.as_ref() == zone)
        .map(|(_, s)| *s)
}

impl TransitV {
    /// The route of `table` that `dst` takes (longest prefix).
    pub fn lookup(&self, table: &str, dst: std::net::IpAddr) -> Option<&TgwRouteV> {
        self.tables
            .get(table)?
            .iter()
            .find(|r| r.dest.contains(&dst))
    }
}

/// Compiles the transit gateways of `w` against `v`'s VPCs and subnets.
pub(crate) fn compile(w: &World, v: &View) -> TransitV {
    let mut t = TransitV::default();
    if w.transit_gateways.is_empty() {
        return t;
    }
    let available: Vec<_> = w
        .tgw_attachments
        .values()
        .filter(|a| a.state == AttachmentState::Available)
        .filter_map(|a| Some((a, *v.ix.vpc.get(a.vpc_id.as_str())?)))
        .collect();
    // One pass over the subnets of attached VPCs: their index and zone.
    let attached: HashSet<Ix> = available.iter().map(|(_, vpc)| *vpc).collect();
    let mut subnet_ix: HashMap<&str, Ix> = HashMap::default();
    for (i, s) in v.subnets.iter().enumerate() {
        if attached.contains(&s.vpc) {
            subnet_ix.insert(&s.id, i as Ix);
            if let Some(sub) = w.subnets.get(&s.id) {
                t.zones
                    .insert(i as Ix, sub.availability_zone.as_str().into());
            }
        }
    }
    for (a, vpc) in available {
        let subnets = a
            .subnet_ids
            .iter()
            .filter_map(|s| {
                let zone = w.subnets.get(s)?.availability_zone.as_str();
                Some((Arc::from(zone), *subnet_ix.get(s.as_str())?))
            })
            .collect();
        let id: Arc<str> = a.id.as_str().into();
        t.by_vpc
            .insert((a.transit_gateway_id.as_str().into(), vpc), id.clone());
        t.attachments.insert(
            id.clone(),
            AttachV {
                id,
                vpc,
                subnets,
                appliance: a.options.appliance_mode_support,
                table: a.association.as_deref().map(Arc::from),
            },
        );
    }
    for a in w.tgw_attachments.values() {
        let Some(connection) = &a.vpn_connection_id else {
            continue;
        };
        if a.state != AttachmentState::Available {
            continue;
        }
        let id: Arc<str> = a.id.as_str().into();
        t.vpns.insert(
            id.clone(),
            VpnAttachV {
                id,
                transit_gateway: a.transit_gateway_id.as_str().into(),
                connection: connection.as_str().into(),
                table: a.association.as_deref().map(Arc::from),
            },
        );
    }
    for rt in w.tgw_route_tables.values().filter(|r| r.state.is_live()) {
        let mut routes: Vec<TgwRouteV> = tgw::table_routes(w, rt)
            .into_iter()
            .map(|r| TgwRouteV {
                dest: r.destination,
                attachment: r.attachment.as_deref().map(Arc::from),
                propagated: r.route_type == tgw::RouteType::Propagated,
                prefix_list: r.prefix_list_id.as_deref().map(Arc::from),
            })
            .collect();
        routes.sort_by_key(|r| std::cmp::Reverse(r.dest.prefix_len()));
        t.tables.insert(rt.id.as_str().into(), routes);
    }
    for p in w
        .tgw_peerings
        .values()
        .filter(|p| p.state == tgw::PeeringState::Available)
    {
        let side = |s: tgw::Side| (Arc::from(p.gateway(s)), p.association(s).map(Arc::from));
        let sides = [side(tgw::Side::Requester), side(tgw::Side::Accepter)];
        t.peerings.insert(p.id.as_str().into(), PeeringV { sides });
    }
    t
}
