//! Transit gateways compiled for `decide::transit`: each available VPC attachment (its
//! VPC, zones, associated route table, appliance mode), each available VPN attachment (its
//! connection, associated route table), each available peering attachment (both sides'
//! gateways and associated tables) and each route table's routes in effect (the core's
//! `tgw::table_routes`: static over propagated), longest prefix first.
//!
//! Every VPC attachment and every table is a part of its own (attachments in slots, tables
//! behind an `Arc`), so that [`crate::update`] recompiles only the parts an edit touched
//! ([`TransitV::patch_table`], [`TransitV::patch_attachment`]) and shares the rest with the
//! view it started from; VPN and peering attachments are recompiled by a whole compile.

use std::sync::Arc;

use ipnet::IpNet;
use openvpc_core::tgw::{self, AttachmentState, TgwAttachment, TgwRouteTable};
use openvpc_core::World;

use crate::fast::HashMap;
use crate::view::{Ix, Slots, View};

/// An available VPC attachment.
#[derive(Debug)]
pub(crate) struct AttachV {
    pub id: Arc<str>,
    pub tgw: Arc<str>,
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

/// A live route table: its gateway and its routes in effect, longest prefix first.
#[derive(Debug)]
pub(crate) struct TableV {
    pub tgw: Arc<str>,
    pub routes: Vec<TgwRouteV>,
}

/// (transit gateway, VPC) → the id of the VPC's available attachment to it.
pub(crate) type ByVpc = HashMap<(Arc<str>, Ix), Arc<str>>;

/// Every transit gateway's attachments and route tables; each map behind an `Arc` (cloning
/// is cheap; an update copies only the maps it changes), the VPC attachments in slots (an
/// update copies one chunk of them).
#[derive(Debug, Clone)]
pub(crate) struct TransitV {
    /// Available peering attachments by id.
    pub peerings: Arc<HashMap<Arc<str>, PeeringV>>,
    pub by_vpc: Arc<ByVpc>,
    /// Every attachment of the world at compile time → its slot in `attachments`.
    pub attach_ix: Arc<HashMap<Arc<str>, Ix>>,
    /// The attachments by slot: `None` unless an available VPC attachment (its VPC in the
    /// view).
    pub attachments: Slots<Option<AttachV>>,
    /// Route table id → its routes.
    pub tables: Arc<HashMap<Arc<str>, Arc<TableV>>>,
    /// Every subnet's index and zone (kept when the world has transit gateways).
    pub subnet_ix: Arc<HashMap<Arc<str>, Ix>>,
    pub zones: Arc<HashMap<Ix, Arc<str>>>,
    /// Available VPN attachments by id.
    pub vpns: Arc<HashMap<Arc<str>, VpnAttachV>>,
}

impl Default for TransitV {
    fn default() -> Self {
        TransitV {
            peerings: Arc::default(),
            by_vpc: Arc::default(),
            attach_ix: Arc::default(),
            attachments: Slots::new(Vec::new()),
            tables: Arc::default(),
            subnet_ix: Arc::default(),
            zones: Arc::default(),
            vpns: Arc::default(),
        }
    }
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
    /// The available attachment `id`.
    pub fn attachment(&self, id: &str) -> Option<&AttachV> {
        let &i = self.attach_ix.get(id)?;
        self.attachments[i as usize].as_ref()
    }

    /// The route of `table` that `dst` takes (longest prefix).
    pub fn lookup(&self, table: &str, dst: std::net::IpAddr) -> Option<&TgwRouteV> {
        self.tables
            .get(table)?
            .routes
            .iter()
            .find(|r| r.dest.contains(&dst))
    }

    /// Recompiles route table `id` from `w` (gone or no longer live: removed); returns its
    /// transit gateway, before or after, for the watch.
    pub fn patch_table(&mut self, w: &World, id: &str) -> Option<Arc<str>> {
        let old = self.tables.get(id).map(|t| t.tgw.clone());
        let live = w.tgw_route_tables.get(id).filter(|t| t.state.is_live());
        let tables = Arc::make_mut(&mut self.tables);
        match live {
            Some(rt) => {
                let t = compile_table(w, rt, &self.attach_ix);
                let tgw = t.tgw.clone();
                tables.insert(Arc::from(id), Arc::new(t));
                Some(tgw)
            }
            None => {
                tables.remove(id);
                old
            }
        }
    }

    /// Recompiles attachment `a` (of `w`) against `v`'s VPCs; `None` when it has no slot
    /// (made after the compile). Else whether it became or stopped being available (then
    /// the tables it propagates into change too), and its transit gateway.
    pub fn patch_attachment(
        &mut self,
        w: &World,
        v: &View,
        a: &TgwAttachment,
    ) -> Option<(bool, Arc<str>)> {
        let slot = *self.attach_ix.get(a.id.as_str())? as usize;
        let new = self.compile_attachment(w, v, a);
        let by_vpc = |a: &AttachV| (a.tgw.clone(), a.vpc);
        let old = self.attachments[slot].as_ref().map(by_vpc);
        let now = new.as_ref().map(by_vpc);
        let flipped = old.is_some() != now.is_some();
        if old != now {
            let map = Arc::make_mut(&mut self.by_vpc);
            if let Some(o) = old {
                map.remove(&o);
            }
            if let Some(n) = now {
                map.insert(n, a.id.as_str().into());
            }
        }
        self.attachments.set(slot, new);
        Some((flipped, a.transit_gateway_id.as_str().into()))
    }

    /// The compiled form of `a` if it is available and its VPC is in the view.
    fn compile_attachment(&self, w: &World, v: &View, a: &TgwAttachment) -> Option<AttachV> {
        if a.state != AttachmentState::Available {
            return None;
        }
        let vpc = *v.ix.vpc.get(a.vpc_id.as_str())?;
        let subnets = a
            .subnet_ids
            .iter()
            .filter_map(|s| {
                let zone = w.subnets.get(s)?.availability_zone.as_str();
                Some((Arc::from(zone), *self.subnet_ix.get(s.as_str())?))
            })
            .collect();
        Some(AttachV {
            id: a.id.as_str().into(),
            tgw: a.transit_gateway_id.as_str().into(),
            vpc,
            subnets,
            appliance: a.options.appliance_mode_support,
            table: a.association.as_deref().map(Arc::from),
        })
    }
}

/// The routes `rt` holds in effect, longest prefix first; attachment ids shared with
/// `attach_ix`'s keys.
fn compile_table(w: &World, rt: &TgwRouteTable, attach_ix: &HashMap<Arc<str>, Ix>) -> TableV {
    let id = |a: &str| {
        attach_ix
            .get_key_value(a)
            .map_or_else(|| Arc::from(a), |(k, _)| k.clone())
    };
    let mut routes: Vec<TgwRouteV> = tgw::table_routes(w, rt)
        .into_iter()
        .map(|r| TgwRouteV {
            dest: r.destination,
            attachment: r.attachment.as_deref().map(id),
            propagated: r.route_type == tgw::RouteType::Propagated,
            prefix_list: r.prefix_list_id.as_deref().map(Arc::from),
        })
        .collect();
    routes.sort_by_key(|r| std::cmp::Reverse(r.dest.prefix_len()));
    TableV {
        tgw: rt.transit_gateway_id.as_str().into(),
        routes,
    }
}

/// Compiles the transit gateways of `w` against `v`'s VPCs and subnets.
pub(crate) fn compile(w: &World, v: &View) -> TransitV {
    let mut t = TransitV::default();
    if w.transit_gateways.is_empty() {
        return t;
    }
    let mut subnet_ix = HashMap::default();
    let mut zones = HashMap::default();
    for (i, s) in v.subnets.iter().enumerate() {
        subnet_ix.insert(s.id.clone(), i as Ix);
        if let Some(sub) = w.subnets.get(&s.id) {
            zones.insert(i as Ix, sub.availability_zone.as_str().into());
        }
    }
    t.subnet_ix = Arc::new(subnet_ix);
    t.zones = Arc::new(zones);
    let mut attach_ix = HashMap::default();
    let mut attachments = Vec::with_capacity(w.tgw_attachments.len());
    let mut by_vpc = HashMap::default();
    for a in w.tgw_attachments.values() {
        let compiled = t.compile_attachment(w, v, a);
        if let Some(c) = &compiled {
            by_vpc.insert((c.tgw.clone(), c.vpc), c.id.clone());
        }
        attach_ix.insert(Arc::from(a.id.as_str()), attachments.len() as Ix);
        attachments.push(compiled);
    }
    t.attach_ix = Arc::new(attach_ix);
    t.attachments = Slots::new(attachments);
    t.by_vpc = Arc::new(by_vpc);
    let mut vpns = HashMap::default();
    for a in w.tgw_attachments.values() {
        let Some(connection) = &a.vpn_connection_id else {
            continue;
        };
        if a.state != AttachmentState::Available {
            continue;
        }
        let id: Arc<str> = a.id.as_str().into();
        vpns.insert(
            id.clone(),
            VpnAttachV {
                id,
                transit_gateway: a.transit_gateway_id.as_str().into(),
                connection: connection.as_str().into(),
                table: a.association.as_deref().map(Arc::from),
            },
        );
    }
    t.vpns = Arc::new(vpns);
    t.tables = Arc::new(
        w.tgw_route_tables
            .values()
            .filter(|r| r.state.is_live())
            .map(|rt| {
                let table = compile_table(w, rt, &t.attach_ix);
                (Arc::from(rt.id.as_str()), Arc::new(table))
            })
            .collect(),
    );
    let mut peerings = HashMap::default();
    for p in w
        .tgw_peerings
        .values()
        .filter(|p| p.state == tgw::AttachmentState::Available)
    {
        let side = |s: tgw::Side| (Arc::from(p.gateway(s)), p.association(s).map(Arc::from));
        let sides = [side(tgw::Side::Requester), side(tgw::Side::Accepter)];
        peerings.insert(p.id.as_str().into(), PeeringV { sides });
    }
    t.peerings = Arc::new(peerings);
    t
}
