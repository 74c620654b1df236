//! Peering connections as data: the connection with its two sides, options and blocks, the
//! shared table of connections with its indexes, and the commands.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::table::Key;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, DAY};

/// How long an unaccepted request lives.
pub const EXPIRY: Millis = 7 * DAY;

/// Peering connection states; [`Status::as_str`] gives the wire spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    InitiatingRequest,
    PendingAcceptance,
    Provisioning,
    Active,
    Deleting,
    Deleted,
    Rejected,
    Failed,
    Expired,
}

impl Status {
    /// The wire spelling (`pending-acceptance`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InitiatingRequest => "initiating-request",
            Status::PendingAcceptance => "pending-acceptance",
            Status::Provisioning => "provisioning",
            Status::Active => "active",
            Status::Deleting => "deleting",
            Status::Deleted => "deleted",
            Status::Rejected => "rejected",
            Status::Failed => "failed",
            Status::Expired => "expired",
        }
    }

    /// Whether the connection is still live (blocks a duplicate, counts toward limits).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Status::InitiatingRequest
                | Status::PendingAcceptance
                | Status::Provisioning
                | Status::Active
        )
    }

    /// Whether traffic may flow (routes are `active`, SG references resolve).
    pub fn is_active(self) -> bool {
        self == Status::Active
    }
}

/// One end of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub account: String,
    pub region: String,
    pub vpc_id: String,
}

impl Side {
    /// The (account, Region) of this side.
    pub(crate) fn scope(&self) -> Scope {
        Scope::new(&self.account, &self.region)
    }

    /// Whether this side is in `scope` (without making a [`Scope`] of it).
    pub(crate) fn is_in(&self, scope: &Scope) -> bool {
        self.account == scope.account && self.region == scope.region
    }
}

/// Per-side peering options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    pub allow_dns_resolution_from_remote_vpc: bool,
    pub allow_egress_from_local_classic_link_to_remote_vpc: bool,
    pub allow_egress_from_local_vpc_to_remote_classic_link: bool,
}

/// A requested change of one side's options; `None` leaves a flag alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsChange {
    pub allow_dns_resolution_from_remote_vpc: Option<bool>,
    pub allow_egress_from_local_classic_link_to_remote_vpc: Option<bool>,
    pub allow_egress_from_local_vpc_to_remote_classic_link: Option<bool>,
}

impl OptionsChange {
    /// Sets the flags the change names.
    pub(crate) fn apply_to(&self, o: &mut Options) {
        if let Some(v) = self.allow_dns_resolution_from_remote_vpc {
            o.allow_dns_resolution_from_remote_vpc = v;
        }
        if let Some(v) = self.allow_egress_from_local_classic_link_to_remote_vpc {
            o.allow_egress_from_local_classic_link_to_remote_vpc = v;
        }
        if let Some(v) = self.allow_egress_from_local_vpc_to_remote_classic_link {
            o.allow_egress_from_local_vpc_to_remote_classic_link = v;
        }
    }
}

/// A side's CIDR blocks as last seen (kept for display after a VPC is gone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocks {
    pub v4: Vec<Ipv4Net>,
    pub v6: Vec<Ipv6Net>,
}

/// A VPC peering connection, shared by the requester's and the accepter's views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peering {
    pub id: String,
    pub requester: Side,
    pub accepter: Side,
    pub status: Status,
    pub message: String,
    pub created: Millis,
    pub expiration: Millis,
    /// When the current asynchronous step (initiation, provisioning, deleting) completes.
    pub step_due: Millis,
    pub accepted: Option<Millis>,
    pub requester_options: Options,
    pub accepter_options: Option<Options>,
    pub requester_blocks: Blocks,
    pub accepter_blocks: Blocks,
    /// After the connection ended: until when each side still sees it.
    pub requester_until: Option<Millis>,
    pub accepter_until: Option<Millis>,
    /// The account that deleted the connection, once deleted.
    pub deleted_by: Option<String>,
}

impl Peering {
    /// Whether both ends are in different Regions.
    pub fn is_inter_region(&self) -> bool {
        self.requester.region != self.accepter.region
    }

    /// Whether both ends belong to one account.
    pub fn is_same_account(&self) -> bool {
        self.requester.account == self.accepter.account
    }

    /// Whether `scope` sees this connection at `now`.
    pub fn visible_to(&self, scope: &Scope, now: Millis) -> bool {
        let as_requester =
            self.requester.is_in(scope) && self.requester_until.is_none_or(|u| now < u);
        let as_accepter = self.accepter.is_in(scope)
            && !matches!(self.status, Status::InitiatingRequest | Status::Failed)
            && self.accepter_until.is_none_or(|u| now < u);
        as_requester || as_accepter
    }

    /// The two VPCs it joins, in both orders.
    fn vpc_pairs(&self) -> [(&str, &str); 2] {
        let (a, b) = (
            self.requester.vpc_id.as_str(),
            self.accepter.vpc_id.as_str(),
        );
        [(a, b), (b, a)]
    }

    /// The VPC at the other end from `vpc_id`.
    pub fn other_vpc(&self, vpc_id: &str) -> Option<&Side> {
        if self.requester.vpc_id == vpc_id {
            Some(&self.accepter)
        } else if self.accepter.vpc_id == vpc_id {
            Some(&self.requester)
        } else {
            None
        }
    }
}

/// All peering connections with their indexes by view scope and by VPC.
///
/// Serialised as the map of connections alone; indexes are rebuilt when deserialised.
#[derive(Debug, Clone, Default)]
pub struct Peerings {
    /// Boxed, as in [`crate::table::Table`]: an insert shifts pointers, not connections.
    items: BTreeMap<Key, Box<Peering>>,
    by_scope: BTreeMap<Scope, BTreeSet<Key>>,
    by_vpc: BTreeMap<Key, BTreeSet<Key>>,
    /// Connections by the VPCs they join, in both orders.
    by_pair: BTreeMap<Key, BTreeMap<Key, BTreeSet<Key>>>,
    /// Outstanding (initiating or pending) requests by requester account.
    outstanding_by_account: BTreeMap<String, BTreeSet<Key>>,
    /// Connections handed out mutably since the outstanding index was last synced.
    dirty: BTreeSet<Key>,
}

impl Serialize for Peerings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Peerings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut p = Peerings::default();
        for item in BTreeMap::<String, Peering>::deserialize(d)?.into_values() {
            p.insert(item);
        }
        Ok(p)
    }
}

impl Peerings {
    /// Inserts a connection (creation, import).
    pub fn insert(&mut self, p: Peering) {
        let id = Key::new(&p.id);
        for scope in [p.requester.scope(), p.accepter.scope()] {
            self.by_scope.entry(scope).or_default().insert(id.clone());
        }
        for vpc in [&p.requester.vpc_id, &p.accepter.vpc_id] {
            self.by_vpc
                .entry(Key::new(vpc))
                .or_default()
                .insert(id.clone());
        }
        for (a, b) in p.vpc_pairs() {
            self.by_pair
                .entry(Key::new(a))
                .or_default()
                .entry(Key::new(b))
                .or_default()
                .insert(id.clone());
        }
        self.items.insert(id, Box::new(p));
    }

    /// Removes a connection (purge) and its index entries.
    pub(crate) fn remove(&mut self, id: &str) {
        let id = Key::new(id);
        if let Some(p) = self.items.remove(&id) {
            for scope in [p.requester.scope(), p.accepter.scope()] {
                if let Some(s) = self.by_scope.get_mut(&scope) {
                    s.remove(&id);
                }
            }
            for vpc in [&p.requester.vpc_id, &p.accepter.vpc_id] {
                if let Some(s) = self.by_vpc.get_mut(&Key::new(vpc)) {
                    s.remove(&id);
                }
            }
            for (a, b) in p.vpc_pairs() {
                let pair = self
                    .by_pair
                    .get_mut(&Key::new(a))
                    .and_then(|m| m.get_mut(&Key::new(b)));
                if let Some(s) = pair {
                    s.remove(&id);
                }
            }
            if let Some(s) = self.outstanding_by_account.get_mut(&p.requester.account) {
                s.remove(&id);
            }
        }
    }

    /// How many requests `account` has outstanding (initiating or pending acceptance).
    pub fn outstanding(&mut self, account: &str) -> usize {
        for id in std::mem::take(&mut self.dirty) {
            let Some(p) = self.items.get(&id) else {
                continue;
            };
            let set = self
                .outstanding_by_account
                .entry(p.requester.account.clone())
                .or_default();
            if matches!(
                p.status,
                Status::InitiatingRequest | Status::PendingAcceptance
            ) {
                set.insert(id);
            } else {
                set.remove(&id);
            }
        }
        self.outstanding_by_account
            .get(account)
            .map_or(0, |s| s.len())
    }

    /// A connection by id, whoever sees it.
    pub fn get(&self, id: &str) -> Option<&Peering> {
        self.items.get(&Key::new(id)).map(|p| &**p)
    }

    /// A connection for changing; its status may change, so indexes resync lazily.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Peering> {
        let id = Key::new(id);
        let item = self.items.get_mut(&id)?;
        self.dirty.insert(id);
        Some(&mut **item)
    }

    /// A connection if `scope` sees it at `now`.
    pub fn visible(&self, scope: &Scope, id: &str, now: Millis) -> Option<&Peering> {
        self.get(id).filter(|p| p.visible_to(scope, now))
    }

    /// Every connection with `vpc_id` at one end.
    pub fn of_vpc<'a>(&'a self, vpc_id: &str) -> impl Iterator<Item = &'a Peering> + 'a {
        self.by_vpc
            .get(&Key::new(vpc_id))
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id).map(|p| &**p))
    }

    /// Every connection joining `vpc_a` and `vpc_b`, whichever requested it.
    pub fn between<'a>(
        &'a self,
        vpc_a: &str,
        vpc_b: &str,
    ) -> impl Iterator<Item = &'a Peering> + 'a {
        self.by_pair
            .get(&Key::new(vpc_a))
            .and_then(|m| m.get(&Key::new(vpc_b)))
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id).map(|p| &**p))
    }

    /// Every connection with an end in `scope` (visible or not).
    pub(crate) fn in_scope<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Peering> + 'a {
        self.by_scope
            .get(scope)
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id).map(|p| &**p))
    }

    /// Every connection.
    pub fn values(&self) -> impl Iterator<Item = &Peering> {
        self.items.values().map(|p| &**p)
    }
}

/// Peering commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        vpc_id: String,
        peer_vpc_id: String,
        peer_owner_id: Option<String>,
        peer_region: Option<String>,
        tags: Vec<TagSpec>,
    },
    Accept {
        id: String,
    },
    Reject {
        id: String,
    },
    Delete {
        id: String,
    },
    ModifyOptions {
        id: String,
        requester: Option<OptionsChange>,
        accepter: Option<OptionsChange>,
    },
}
