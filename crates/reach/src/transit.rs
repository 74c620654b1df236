//! Transit gateways compiled for `decide::transit`: each available VPC attachment (its
//! VPC, zones, associated route table, appliance mode) and each route table's routes in
//! effect (the core's `tgw::table_routes`: static over propagated), longest prefix first.
//!
//! Every attachment and every table is a part of its own behind an `Arc`, so that
//! [`crate::update`] recompiles only the parts an edit touched ([`TransitV::patch_table`],
//! [`TransitV::patch_attachment`]) and shares the rest with the view it started from.

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
    /// Appliance mode: both directions of a flow use one interface (the first subnet's).
    pub appliance: bool,
    /// The associated route table.
    pub table: Option<Arc<str>>,
}

/// A route in effect: destination and attachment (`None`: blackhole).
#[derive(Debug)]
pub(crate) struct TgwRouteV {
    pub dest: IpNet,
    pub attachment: Option<Arc<str>>,
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
/// is cheap; an update copies only the maps it changes), the attachments in slots (an
/// update copies one chunk of them).
#[derive(Debug, Clone)]
pub(crate) struct TransitV {
    pub by_vpc: Arc<ByVpc>,
    /// Every attachment of the world at compile time → its slot in `attachments`.
    pub attach_ix: Arc<HashMap<Arc<str>, Ix>>,
    /// The attachments by slot: `None` unless available (and its VPC in the view).
    pub attachments: Slots<Option<AttachV>>,
    /// Route table id → its routes.
    pub tables: Arc<HashMap<Arc<str>, Arc<TableV>>>,
    /// Every subnet's index and zone (kept when the world has transit gateways).
    pub subnet_ix: Arc<HashMap<Arc<str>, Ix>>,
    pub zones: Arc<HashMap<Ix, Arc<str>>>,
}

impl AttachV {
    /// The subnet of the attachment's interface in `zone`, if it has one there.
    pub fn subnet_in(&self, zone: &str) -> Option<Ix> {
        self.subnets
            .iter()
            .find(|(z, _)| **z == *zone)
            .map(|(_, s)| *s)
    }

    /// The subnet of the interface traffic leaves the attachment by, having entered the
    /// gateway in `zone`: the same zone's when the attachment has one and is not in
    /// appliance mode, else its first subnet's.
    pub fn exit_subnet(&self, zone: Option<&str>) -> Option<Ix> {
        let same = zone
            .filter(|_| !self.appliance)
            .and_then(|z| self.subnet_in(z));
        same.or_else(|| self.subnets.first().map(|(_, s)| *s))
    }
}

impl Default for TransitV {
    fn default() -> Self {
        TransitV {
            by_vpc: Arc::default(),
            attach_ix: Arc::default(),
            attachments: Slots::new(Vec::new()),
            tables: Arc::default(),
            subnet_ix: Arc::default(),
            zones: Arc::default(),
        }
    }
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
    t
}
