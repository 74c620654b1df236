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
use crate::view::{Ix, View};

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
/// is cheap; an update copies only the maps it changes).
#[derive(Debug, Default, Clone)]
pub(crate) struct TransitV {
    pub by_vpc: Arc<ByVpc>,
    pub attachments: Arc<HashMap<Arc<str>, Arc<AttachV>>>,
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

impl TransitV {
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
                let t = compile_table(w, rt);
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

    /// Recompiles attachment `id` from `w` against `v`'s VPCs; returns whether it became
    /// or stopped being available (then the tables it propagates into change too), and its
    /// transit gateway.
    pub fn patch_attachment(&mut self, w: &World, v: &View, id: &str) -> (bool, Option<Arc<str>>) {
        let new = w
            .tgw_attachments
            .get(id)
            .and_then(|a| self.compile_attachment(w, v, a));
        let old = self.attachments.get(id).cloned();
        let flipped = old.is_some() != new.is_some();
        let tgw = new.as_ref().or(old.as_deref()).map(|a| a.tgw.clone());
        let by_vpc = |a: &AttachV| (a.tgw.clone(), a.vpc);
        if let Some(o) = &old {
            if new.as_ref().is_none_or(|n| by_vpc(n) != by_vpc(o)) {
                Arc::make_mut(&mut self.by_vpc).remove(&by_vpc(o));
            }
        }
        let attachments = Arc::make_mut(&mut self.attachments);
        match new {
            Some(n) => {
                if old.as_ref().is_none_or(|o| by_vpc(o) != by_vpc(&n)) {
                    Arc::make_mut(&mut self.by_vpc).insert(by_vpc(&n), n.id.clone());
                }
                attachments.insert(n.id.clone(), Arc::new(n));
            }
            None => {
                attachments.remove(id);
            }
        }
        (flipped, tgw)
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

/// The routes `rt` holds in effect, longest prefix first.
fn compile_table(w: &World, rt: &TgwRouteTable) -> TableV {
    let mut routes: Vec<TgwRouteV> = tgw::table_routes(w, rt)
        .into_iter()
        .map(|r| TgwRouteV {
            dest: r.destination,
            attachment: r.attachment.as_deref().map(Arc::from),
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
    let mut attachments = HashMap::default();
    let mut by_vpc = HashMap::default();
    for a in w.tgw_attachments.values() {
        if let Some(a) = t.compile_attachment(w, v, a) {
            by_vpc.insert((a.tgw.clone(), a.vpc), a.id.clone());
            attachments.insert(a.id.clone(), Arc::new(a));
        }
    }
    t.attachments = Arc::new(attachments);
    t.by_vpc = Arc::new(by_vpc);
    t.tables = Arc::new(
        w.tgw_route_tables
            .values()
            .filter(|r| r.state.is_live())
            .map(|rt| (Arc::from(rt.id.as_str()), Arc::new(compile_table(w, rt))))
            .collect(),
    );
    t
}
