//! Incremental updates: after a mutation, recompile only the parts it touched.
//!
//! The caller says what changed as a set of resource ids ([`Changes`]), collected from the
//! command it applied ([`Changes::from_command`]) and the timers it ran
//! ([`Changes::due_timers`]). [`View::update`] then recompiles, in a copy of the view that
//! shares every other part:
//!
//! - a security group (`sg-…`): that group alone;
//! - a route table (`rtb-…`, or an association `rtbassoc-…`): that table, and the subnets'
//!   table links when its associations moved;
//! - a network ACL (`acl-…`, `aclassoc-…`): that ACL, and the subnets' ACL links when its
//!   associations moved;
//! - a peering connection (`pcx-…`): the tables routing to it, and the groups of the VPCs
//!   whose active peers changed (group references across the peering);
//! - an internet gateway (`igw-…`): the attachment of the VPCs it left or joined and the
//!   tables routing to it; an egress-only gateway (`eigw-…`): the tables routing to it;
//! - a NAT gateway (`nat-…`) whose state changed: the tables routing to it;
//! - an instance (`i-…`) whose interface is unchanged: its entry, the tables routing to it
//!   and the PrivateLink part (target groups name instances);
//! - a VPC endpoint (`vpce-…`) whose state a timer moved: the PrivateLink part and the
//!   tables routing to it;
//! - a transit-gateway route table (`tgw-rtb-…`): that table's routes in effect;
//! - a transit-gateway attachment (`tgw-attach-…`) whose interfaces stay: that attachment
//!   (its association, its availability), and when its availability changed the tables it
//!   propagates into and its VPC's tables routing to its gateway;
//! - a transit gateway (`tgw-…`): its tables and the tables routing to it.
//!
//! Anything else that the view depends on — a VPC, subnet, interface, Elastic IP, prefix
//! list, VPC endpoint, endpoint service or load balancer, a resource created or deleted
//! among those indexed by position — recompiles the whole view, which is always correct.
//! Ids the view does not depend on (tags, DHCP options) are ignored.

use std::collections::BTreeSet;

use crate::fast::HashMap;
use std::sync::Arc;

use openvpc_core::command::{Command, Output};
use openvpc_core::eni::InstanceState;
use openvpc_core::ids::Kind;
use openvpc_core::route::Cmd as RouteCmd;
use openvpc_core::sg::{Cmd as SgCmd, GroupRef};
use openvpc_core::tgw::{AttachmentState, Cmd as TgwCmd};
use openvpc_core::{nacl, World};

use crate::view::{
    compile_acl, compile_sg, compile_table, group_links, link_subnets, Index, Ix, PlCache, View,
};
use crate::PrefixLists;

/// What a mutation touched: resource ids, or everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    ids: BTreeSet<String>,
    all: bool,
}

/// Id kinds the view does not read.
const IGNORED: &[Kind] = &[
    Kind::DhcpOptions,
    Kind::SecurityGroupRule,
    Kind::Reservation,
    Kind::InterfaceAttachment,
];

/// Prefixes of ids openvpc does not hand out (so not in the core's [`Kind`] table) but a
/// route may name, which the view does not read (none since transit gateways are modelled).
const UNMODELLED: &[&str] = &[];

impl Changes {
    /// Nothing changed.
    pub fn none() -> Changes {
        Changes::default()
    }

    /// Anything may have changed: recompile everything.
    pub fn all() -> Changes {
        Changes {
            all: true,
            ..Changes::default()
        }
    }

    /// These resource ids changed (created, modified or deleted).
    pub fn ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Changes {
        Changes {
            ids: ids.into_iter().map(Into::into).collect(),
            all: false,
        }
    }

    /// Adds one changed id.
    pub fn insert(&mut self, id: impl Into<String>) {
        self.ids.insert(id.into());
    }

    /// Merges another set of changes.
    pub fn extend(&mut self, other: Changes) {
        self.all |= other.all;
        self.ids.extend(other.ids);
    }

    pub fn is_all(&self) -> bool {
        self.all
    }

    pub fn is_empty(&self) -> bool {
        !self.all && self.ids.is_empty()
    }

    /// The ids, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// The resources `cmd` may have touched, given its output and the world after it ran.
    /// A superset is fine (an unchanged part recompiles to itself); commands whose effects
    /// reach beyond the ids they name say [`Changes::all`].
    pub fn from_command(cmd: &Command, out: &Output, after: &World) -> Changes {
        let mut c = Changes::none();
        match out {
            Output::Done => {}
            Output::Id(id) => c.insert(id.clone()),
            Output::Ids(ids) => c.ids.extend(ids.iter().cloned()),
            Output::Bulk { ok, .. } => c.ids.extend(ok.iter().cloned()),
        }
        let group = |c: &mut Changes, g: &GroupRef| match g {
            GroupRef::Id(id) => c.insert(id.clone()),
            // By name: every group of that name (a superset).
            GroupRef::Name(name) => {
                for g in after.security_groups.values().filter(|g| &g.name == name) {
                    c.insert(g.id.clone());
                }
            }
        };
        match cmd {
            Command::Tags(_) | Command::Dhcp(_) | Command::Insights(_) => return Changes::none(),
            Command::Sg(s) => match s {
                SgCmd::Create { .. } => {}
                SgCmd::Delete { group: g } => group(&mut c, g),
                SgCmd::Authorize { group: g, .. } | SgCmd::Revoke { group: g, .. } => {
                    group(&mut c, g)
                }
                SgCmd::ModifyRules { group_id, .. } => c.insert(group_id.clone()),
                // Descriptions decide nothing.
                SgCmd::UpdateDescriptions { .. } => return Changes::none(),
            },
            Command::Route(r) => match r {
                RouteCmd::CreateTable { .. } => {}
                RouteCmd::DeleteTable { route_table_id }
                | RouteCmd::Associate { route_table_id, .. }
                | RouteCmd::CreateRoute { route_table_id, .. }
                | RouteCmd::ReplaceRoute { route_table_id, .. }
                | RouteCmd::DeleteRoute { route_table_id, .. } => c.insert(route_table_id.clone()),
                RouteCmd::Disassociate { association_id } => c.insert(association_id.clone()),
                RouteCmd::ReplaceAssociation {
                    association_id,
                    route_table_id,
                } => {
                    c.insert(association_id.clone());
                    c.insert(route_table_id.clone());
                }
            },
            Command::Nacl(n) => match n {
                nacl::Cmd::Create { .. } => {}
                nacl::Cmd::Delete { acl_id } | nacl::Cmd::DeleteEntry { acl_id, .. } => {
                    c.insert(acl_id.clone())
                }
                nacl::Cmd::CreateEntry(e) | nacl::Cmd::ReplaceEntry(e) => {
                    c.insert(e.acl_id.clone())
                }
                nacl::Cmd::ReplaceAssociation {
                    association_id,
                    acl_id,
                } => {
                    c.insert(association_id.clone());
                    c.insert(acl_id.clone());
                }
            },
            // Peerings and gateways name their resources; take every id the command names.
            Command::Peering(_) | Command::Gateway(_) => {
                if let Ok(v) = serde_json::to_value(cmd) {
                    collect_ids(&v, &mut c);
                }
            }
            Command::Tgw(t) => return transit_changes(t, c),
            _ => return Changes::all(),
        }
        c
    }

    /// The resources that the timers due by `now` will act on: call before `World::tick`.
    pub fn due_timers(w: &World, now: openvpc_core::Millis) -> Changes {
        Changes::ids(
            w.timers
                .iter()
                .take_while(|t| t.due <= now)
                .map(|t| t.id.clone()),
        )
    }
}

/// What a transit-gateway command changes, beside the id it made (`c`): the table or the
/// attachment it names. Commands that make or destroy an attachment's interfaces, or a
/// gateway's default tables, change everything.
fn transit_changes(cmd: &TgwCmd, mut c: Changes) -> Changes {
    match cmd {
        TgwCmd::CreateRouteTable { .. } => {}
        TgwCmd::DeleteRouteTable { route_table_id }
        | TgwCmd::EnablePropagation { route_table_id, .. }
        | TgwCmd::DisablePropagation { route_table_id, .. }
        | TgwCmd::CreateRoute { route_table_id, .. }
        | TgwCmd::DeleteRoute { route_table_id, .. }
        | TgwCmd::ReplaceRoute { route_table_id, .. } => c.insert(route_table_id.clone()),
        TgwCmd::Associate { attachment_id, .. }
        | TgwCmd::Disassociate { attachment_id, .. }
        | TgwCmd::AcceptVpcAttachment { attachment_id }
        | TgwCmd::DeleteVpcAttachment { attachment_id } => c.insert(attachment_id.clone()),
        TgwCmd::ModifyTransitGateway {
            transit_gateway_id, ..
        }
        | TgwCmd::DeleteTransitGateway { transit_gateway_id } => {
            c.insert(transit_gateway_id.clone())
        }
        // Creating a gateway; making, changing or rejecting an attachment (its interfaces);
        // anything else.
        _ => return Changes::all(),
    }
    c
}

/// The kinds of id a peering or gateway command changes (VPCs, subnets and interfaces it
/// names are only read).
const GATEWAY_KINDS: &[Kind] = &[
    Kind::VpcPeeringConnection,
    Kind::InternetGateway,
    Kind::EgressOnlyInternetGateway,
    Kind::NatGateway,
    Kind::Address,
    Kind::AddressAssociation,
];

/// Every string in `v` that is the id of a peering connection or gateway.
fn collect_ids(v: &serde_json::Value, c: &mut Changes) {
    match v {
        serde_json::Value::String(s)
            if Kind::of_id(s).is_some_and(|k| GATEWAY_KINDS.contains(&k)) =>
        {
            c.insert(s.clone())
        }
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| collect_ids(x, c)),
        serde_json::Value::Object(m) => m.values().for_each(|x| collect_ids(x, c)),
        _ => {}
    }
}

impl View {
    /// The view of `w` after `changes`, recompiling only what they touched, for a view
    /// made by [`View::compile`] (the world's own prefix lists); use
    /// [`View::update_with`] for one compiled with other lists.
    pub fn update(&self, w: &World, changes: &Changes) -> View {
        self.update_with(w, w, changes)
    }

    /// The view of `w` after `changes`; `pls` must be the prefix lists the view was
    /// compiled with (a prefix-list change is a change of everything).
    pub fn update_with(&self, w: &World, pls: &dyn PrefixLists, changes: &Changes) -> View {
        self.update_traced(w, pls, changes).0
    }

    /// The view of `w` after `changes` when they can be applied part by part; `None` when
    /// they need a whole compile (the caller decides when to pay for it).
    pub fn try_update(&self, w: &World, changes: &Changes) -> Option<View> {
        if changes.is_empty() {
            return Some(self.clone());
        }
        self.patch(w, w).run(changes).map(|(v, _)| v)
    }

    fn patch<'w, 'p>(&self, w: &'w World, pls: &'p dyn PrefixLists) -> Patch<'w, 'p> {
        Patch {
            w,
            v: self.clone(),
            pl: PlCache::new(pls),
            relink: false,
            privatelink: false,
            tables: BTreeSet::new(),
            touched: BTreeSet::new(),
        }
    }

    /// As [`View::update_with`], also saying which parts were recompiled (for
    /// [`crate::Watch`]).
    pub fn update_traced(
        &self,
        w: &World,
        pls: &dyn PrefixLists,
        changes: &Changes,
    ) -> (View, Touched) {
        if changes.is_empty() {
            return (self.clone(), Touched::Parts(BTreeSet::new()));
        }
        self.patch(w, pls)
            .run(changes)
            .unwrap_or_else(|| (View::compile_with(w, pls), Touched::All))
    }
}

/// What an update recompiled: everything, or the parts with these ids (security groups,
/// route tables, ACLs, VPCs whose internet gateway changed, internet gateways, instances).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    All,
    Parts(BTreeSet<Arc<str>>),
}

/// An update in progress; `None` from a step means "recompile everything".
struct Patch<'w, 'p> {
    w: &'w World,
    v: View,
    pl: PlCache<'p>,
    /// The subnets' table and ACL links must be recomputed.
    relink: bool,
    /// The endpoint and PrivateLink part must be recompiled (it reads instances).
    privatelink: bool,
    /// Route tables to recompile (after everything they resolve against).
    tables: BTreeSet<Ix>,
    /// Ids of the parts recompiled.
    touched: BTreeSet<Arc<str>>,
}

impl Patch<'_, '_> {
    fn run(mut self, changes: &Changes) -> Option<(View, Touched)> {
        let (w, v) = (self.w, &self.v);
        // Parts are indexed by position: a set that changed unreported needs a compile.
        if changes.all
            || w.security_groups.len() != v.sgs.len()
            || w.route_tables.len() != v.tables.len()
            || w.network_acls.len() != v.acls.len()
            || w.vpcs.len() != v.vpcs.len()
        {
            return None;
        }
        for id in changes.iter() {
            match Kind::of_id(id) {
                Some(Kind::SecurityGroup) => self.sg(id)?,
                Some(Kind::RouteTable) => self.table(id)?,
                Some(Kind::NetworkAcl) => self.acl(id)?,
                Some(Kind::RouteTableAssociation) => self.table_association(id)?,
                Some(Kind::NetworkAclAssociation) => self.acl_association(id)?,
                Some(Kind::VpcPeeringConnection) => self.peering(id),
                Some(Kind::InternetGateway) => self.igw(id),
                Some(Kind::EgressOnlyInternetGateway) => self.routes_to(id),
                Some(Kind::NatGateway) => self.nat(id)?,
                Some(Kind::Instance) => self.instance(id)?,
                // An endpoint's state moved (its timer): the PrivateLink part and the
                // tables routing to it (a gateway endpoint is a target only while available).
                Some(Kind::VpcEndpoint) => {
                    self.privatelink = true;
                    self.routes_to(id);
                }
                Some(Kind::TransitGatewayRouteTable) => self.transit_table(id),
                Some(Kind::TransitGatewayAttachment) => self.transit_attachment(id)?,
                Some(Kind::TransitGateway) => self.transit_gateway(id),
                Some(k) if IGNORED.contains(&k) => {}
                None if id
                    .rsplit_once('-')
                    .is_some_and(|(p, _)| UNMODELLED.contains(&p)) => {}
                _ => return None,
            }
        }
        if self.relink {
            self.v.subnets = Arc::new(link_subnets(w, &self.v.ix).0);
        }
        if self.privatelink {
            self.v.privatelink = Arc::new(crate::privatelink::compile(w, &self.v));
        }
        let touched = if self.relink || self.privatelink {
            Touched::All
        } else {
            let mut t = std::mem::take(&mut self.touched);
            t.extend(
                self.tables
                    .iter()
                    .map(|&i| self.v.tables[i as usize].id.clone()),
            );
            Touched::Parts(t)
        };
        for t in std::mem::take(&mut self.tables) {
            let id = self.v.tables[t as usize].id.clone();
            let rtb = compile_table(
                w.route_tables.get(&id).expect("same tables"),
                w,
                &self.v.ix,
                &self.v.eni_ix,
                &self.v.enis,
                &mut self.pl,
            );
            self.v.tables.set(t as usize, rtb);
        }
        Some((self.v, touched))
    }

    /// Route table association `id` changed: the tables it was and is in, and the subnets'
    /// links if it was found.
    fn table_association(&mut self, id: &str) -> Option<()> {
        let w = self.w;
        let mut found = false;
        for t in w.route_tables.values() {
            if t.associations.iter().any(|a| a.id == id) {
                self.table(&t.id)?;
                found = true;
            }
        }
        for t in self.v.tables.clone().iter() {
            if t.links.iter().any(|(a, _, _)| &**a == id) {
                self.table(&t.id)?;
                found = true;
            }
        }
        self.relink |= found;
        Some(())
    }

    /// Network ACL association `id` changed: the ACLs it was and is in.
    fn acl_association(&mut self, id: &str) -> Option<()> {
        let w = self.w;
        for a in w.network_acls.values() {
            if a.associations.iter().any(|x| x.id == id) {
                self.acl(&a.id)?;
            }
        }
        for a in self.v.acls.clone().iter() {
            if a.links.iter().any(|(x, _)| &**x == id) {
                self.acl(&a.id)?;
            }
        }
        Some(())
    }

    fn sg(&mut self, id: &str) -> Option<()> {
        let (old, new) = (self.v.ix.sg.get(id), self.w.security_groups.get(id));
        match (old, new) {
            (None, None) => Some(()),
            (Some(&i), Some(g)) if self.v.sgs[i as usize].vpc == self.vpc_of(&g.vpc_id) => {
                let sg = compile_sg(g, self.w, &self.v.ix, &mut self.pl);
                self.touched.insert(sg.id.clone());
                self.v.sgs.set(i as usize, sg);
                Some(())
            }
            _ => None,
        }
    }

    fn acl(&mut self, id: &str) -> Option<()> {
        let (old, new) = (self.v.ix.acl.get(id), self.w.network_acls.get(id));
        match (old, new) {
            (None, None) => Some(()),
            (Some(&i), Some(a)) if self.v.acls[i as usize].vpc == self.vpc_of(&a.vpc_id) => {
                let acl = compile_acl(a, &self.v.ix);
                self.touched.insert(acl.id.clone());
                self.relink |= acl.links != self.v.acls[i as usize].links;
                self.v.acls.set(i as usize, acl);
                Some(())
            }
            _ => None,
        }
    }

    fn table(&mut self, id: &str) -> Option<()> {
        let (old, new) = (self.v.ix.rtb.get(id), self.w.route_tables.get(id));
        match (old, new) {
            (None, None) => Some(()),
            (Some(&i), Some(t)) if self.v.tables[i as usize].vpc == self.vpc_of(&t.vpc_id) => {
                let links = t.associations.iter().map(|a| {
                    (
                        Arc::<str>::from(a.id.as_str()),
                        a.subnet_id.as_deref().map(Arc::<str>::from),
                        a.main,
                    )
                });
                self.relink |= !links.eq(self.v.tables[i as usize].links.iter().cloned());
                self.tables.insert(i);
                Some(())
            }
            _ => None,
        }
    }

    /// Transit-gateway route table `id` changed: that table.
    fn transit_table(&mut self, id: &str) {
        let w = self.w;
        let t = Arc::make_mut(&mut self.v.transit);
        self.touched.extend(t.patch_table(w, id));
        self.touched.insert(Arc::from(id));
    }

    /// Attachment `id` changed: it, and when its availability changed the tables it
    /// propagates into (or did) and its VPC's tables routing to its gateway. An attachment
    /// the view has no slot for, one gone or finished (its interfaces destroyed), one whose
    /// interfaces the view lacks, or one not to a VPC of the view needs a compile.
    fn transit_attachment(&mut self, id: &str) -> Option<()> {
        let w = self.w;
        let a = w.tgw_attachments.get(id)?;
        let finished = matches!(
            a.state,
            AttachmentState::Deleted | AttachmentState::Rejected
        );
        let interfaces = a
            .interfaces
            .iter()
            .all(|e| self.v.eni_ix.contains_key(e.as_str()));
        if finished || !interfaces || self.vpc_of(&a.vpc_id).is_none() {
            return None;
        }
        self.touched.insert(Arc::from(id));
        let v = self.v.clone();
        let t = Arc::make_mut(&mut self.v.transit);
        let (flipped, tgw) = t.patch_attachment(w, &v, a)?;
        if flipped {
            let propagating: Vec<Arc<str>> = t
                .tables
                .iter()
                .filter(|(_, x)| x.routes.iter().any(|r| r.attachment.as_deref() == Some(id)))
                .map(|(k, _)| k.clone())
                .chain(
                    w.tgw_route_tables
                        .values()
                        .filter(|x| x.propagations.iter().any(|p| p == id))
                        .map(|x| Arc::from(x.id.as_str())),
                )
                .collect();
            for table in propagating {
                self.transit_table(&table);
            }
            self.routes_to_in(&tgw, &a.vpc_id);
        }
        self.touched.insert(tgw);
        Some(())
    }

    /// Transit gateway `id` changed (its state): its tables and the tables routing to it.
    fn transit_gateway(&mut self, id: &str) {
        let w = self.w;
        let tables: Vec<Arc<str>> = self
            .v
            .transit
            .tables
            .iter()
            .filter(|(_, t)| &*t.tgw == id)
            .map(|(k, _)| k.clone())
            .chain(
                w.tgw_route_tables
                    .values()
                    .filter(|t| t.transit_gateway_id == id)
                    .map(|t| Arc::from(t.id.as_str())),
            )
            .collect();
        for t in tables {
            self.transit_table(&t);
        }
        self.routes_to(id);
        self.touched.insert(Arc::from(id));
    }

    fn vpc_of(&self, id: &str) -> Option<Ix> {
        self.v.ix.vpc.get(id).copied()
    }

    /// Queues every table with a route naming `target`.
    fn routes_to(&mut self, target: &str) {
        for t in self.w.route_tables.values() {
            if t.routes.iter().any(|r| r.target.id() == target) {
                if let Some(&i) = self.v.ix.rtb.get(t.id.as_str()) {
                    self.tables.insert(i);
                }
            }
        }
    }

    /// Queues the tables of VPC `vpc_id` with a route naming `target`.
    fn routes_to_in(&mut self, target: &str, vpc_id: &str) {
        for t in self.w.route_tables.values().filter(|t| t.vpc_id == vpc_id) {
            if t.routes.iter().any(|r| r.target.id() == target) {
                if let Some(&i) = self.v.ix.rtb.get(t.id.as_str()) {
                    self.tables.insert(i);
                }
            }
        }
    }

    fn peering(&mut self, id: &str) {
        self.routes_to(id);
        let links = group_links(self.w, &self.v.ix.vpc);
        if links == self.v.ix.group_links {
            return;
        }
        let moved: BTreeSet<Ix> = links
            .symmetric_difference(&self.v.ix.group_links)
            .map(|&(a, _)| a)
            .collect();
        let ix = Index {
            vpc: self.v.ix.vpc.clone(),
            sg: self.v.ix.sg.clone(),
            rtb: self.v.ix.rtb.clone(),
            acl: self.v.ix.acl.clone(),
            nat: self.v.ix.nat.clone(),
            group_links: links,
        };
        self.v.ix = Arc::new(ix);
        let w = self.w;
        for (i, g) in w.security_groups.values().enumerate() {
            if self.v.sgs[i].vpc.is_some_and(|v| moved.contains(&v)) {
                let sg = compile_sg(g, w, &self.v.ix, &mut self.pl);
                self.touched.insert(sg.id.clone());
                self.v.sgs.set(i, sg);
            }
        }
    }

    fn igw(&mut self, id: &str) {
        self.routes_to(id);
        self.touched.insert(Arc::from(id));
        let w = self.w;
        let attached = w
            .internet_gateways
            .get(id)
            .and_then(|g| g.attachment.as_deref())
            .and_then(|a| self.vpc_of(a));
        let vpcs: BTreeSet<Ix> = (0..self.v.vpcs.len() as Ix)
            .filter(|&v| self.v.vpcs[v as usize].igw.as_deref() == Some(id))
            .chain(attached)
            .collect();
        for v in vpcs {
            let vpc_id = self.v.vpcs[v as usize].id.clone();
            let igw = w
                .internet_gateways
                .values()
                .find(|g| g.attachment.as_deref() == Some(&*vpc_id))
                .map(|g| Arc::from(g.id.as_str()));
            self.touched.insert(vpc_id);
            Arc::make_mut(&mut self.v.vpcs)[v as usize].igw = igw;
        }
    }

    fn nat(&mut self, id: &str) -> Option<()> {
        let (old, new) = (self.v.ix.nat.get(id), self.w.nat_gateways.get(id));
        // Its interface comes and goes with it: the interface index must not have moved.
        let eni_same = |e: &Option<String>| {
            e.as_deref().is_none_or(|e| {
                self.v.eni_ix.contains_key(e) == self.w.network_interfaces.get(e).is_some()
            })
        };
        match (old, new) {
            (Some(&n), Some(g)) if eni_same(&g.network_interface_id) => {
                let nat = &self.v.nats[n as usize];
                let public = if g.public { g.public_ip } else { None };
                let same = Some(nat.private) == g.private_ip
                    && nat.public == public
                    && Some(nat.subnet) == self.subnet_ix(&g.subnet_id);
                same.then(|| self.routes_to(id))
            }
            (None, Some(g)) if g.private_ip.is_none() && eni_same(&g.network_interface_id) => {
                self.routes_to(id);
                Some(())
            }
            _ => None,
        }
    }

    fn subnet_ix(&self, id: &str) -> Option<Ix> {
        self.v
            .subnets
            .iter()
            .position(|s| &*s.id == id)
            .map(|i| i as Ix)
    }

    fn instance(&mut self, id: &str) -> Option<()> {
        let w = self.w;
        let old = self.v.instances.get(id).copied();
        let new = w.instances.get(id);
        let eni = match (old, new) {
            (None, None) => return Some(()),
            (Some(_), Some(i)) => (i.state == InstanceState::Running)
                .then(|| self.v.eni_ix.get(i.network_interface_id.as_str()).copied())
                .flatten(),
            _ => return None,
        };
        if let Some(i) = new {
            // A change of the interface itself is an interface change.
            let e = i.network_interface_id.as_str();
            if self.v.eni_ix.contains_key(e) != w.network_interfaces.get(e).is_some() {
                return None;
            }
        }
        self.touched.insert(Arc::from(id));
        self.privatelink = true;
        if old != Some(eni) {
            let map: &mut HashMap<Arc<str>, Option<Ix>> = Arc::make_mut(&mut self.v.instances);
            map.insert(Arc::from(id), eni);
        }
        self.routes_to(id);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use openvpc_core::command::{Command, Output};
    use openvpc_core::gateway::Cmd as GwCmd;
    use openvpc_core::route::{Cmd as RouteCmd, RouteParams};
    use openvpc_core::sg::{Cmd as SgCmd, GroupRef};
    use openvpc_core::{Config, World};

    use super::Changes;

    fn check(cmd: Command, out: Output, want: Changes) {
        let w = World::new(Config::default(), 1);
        assert_eq!(Changes::from_command(&cmd, &out, &w), want, "{cmd:?}");
    }

    #[test]
    fn commands_map_to_the_ids_they_touch() {
        check(
            Command::Sg(SgCmd::Authorize {
                group: GroupRef::Id("sg-1".into()),
                egress: false,
                permissions: vec![],
                tags: vec![],
            }),
            Output::Ids(vec!["sgr-1".into()]),
            Changes::ids(["sg-1", "sgr-1"]),
        );
        check(
            Command::Route(RouteCmd::CreateRoute {
                route_table_id: "rtb-1".into(),
                route: RouteParams {
                    destination_cidr_block: Some("0.0.0.0/0".into()),
                    gateway_id: Some("igw-1".into()),
                    ..RouteParams::default()
                },
            }),
            Output::Done,
            Changes::ids(["rtb-1"]),
        );
        check(
            Command::Route(RouteCmd::Disassociate {
                association_id: "rtbassoc-1".into(),
            }),
            Output::Done,
            Changes::ids(["rtbassoc-1"]),
        );
        check(
            Command::Gateway(GwCmd::AttachInternetGateway {
                internet_gateway_id: "igw-1".into(),
                vpc_id: "vpc-1".into(),
            }),
            Output::Done,
            Changes::ids(["igw-1"]),
        );
        check(
            Command::Tags(openvpc_core::tags::Cmd::Delete {
                resource_ids: vec!["sg-1".into()],
                tags: vec![],
            }),
            Output::Done,
            Changes::none(),
        );
        check(Command::InitScope, Output::Done, Changes::all());
        use openvpc_core::tgw::Cmd as TgwCmd;
        check(
            Command::Tgw(TgwCmd::Associate {
                route_table_id: "tgw-rtb-1".into(),
                attachment_id: "tgw-attach-1".into(),
            }),
            Output::Done,
            Changes::ids(["tgw-attach-1"]),
        );
        check(
            Command::Tgw(TgwCmd::EnablePropagation {
                route_table_id: "tgw-rtb-1".into(),
                attachment_id: "tgw-attach-1".into(),
            }),
            Output::Done,
            Changes::ids(["tgw-rtb-1"]),
        );
        check(
            Command::Tgw(TgwCmd::CreateRouteTable {
                transit_gateway_id: "tgw-1".into(),
                tags: vec![],
            }),
            Output::Id("tgw-rtb-2".into()),
            Changes::ids(["tgw-rtb-2"]),
        );
        check(
            Command::Tgw(TgwCmd::RejectVpcAttachment {
                attachment_id: "tgw-attach-1".into(),
            }),
            Output::Done,
            Changes::all(),
        );
    }

    #[test]
    fn ignored_and_unmodelled_ids_patch_in_place() {
        let w = World::new(Config::default(), 1);
        let v = crate::View::compile(&w);
        for id in ["dopt-1", "sgr-1", "r-1", "eni-attach-1"] {
            assert!(
                v.try_update(&w, &Changes::ids([id.to_string()])).is_some(),
                "{id}"
            );
        }
        for id in ["local", "ela-attach-1", "vgw-1", "x-1"] {
            assert!(
                v.try_update(&w, &Changes::ids([id.to_string()])).is_none(),
                "{id}"
            );
        }
    }
}
