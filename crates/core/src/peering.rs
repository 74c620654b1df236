//! VPC peering connections (§1): lifecycle driven by the clock, who may do what,
//! limits, CIDR rules, per-view visibility windows.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{Kind, Millis, Output, DAY, HOUR};

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
    fn scope(&self) -> Scope {
        Scope::new(&self.account, &self.region)
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
    fn apply_to(&self, o: &mut Options) {
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
            self.requester.scope() == *scope && self.requester_until.is_none_or(|u| now < u);
        let as_accepter = self.accepter.scope() == *scope
            && !matches!(self.status, Status::InitiatingRequest | Status::Failed)
            && self.accepter_until.is_none_or(|u| now < u);
        as_requester || as_accepter
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
    items: BTreeMap<String, Peering>,
    by_scope: BTreeMap<Scope, BTreeSet<String>>,
    by_vpc: BTreeMap<String, BTreeSet<String>>,
    /// Outstanding (initiating or pending) requests by requester account.
    outstanding_by_account: BTreeMap<String, BTreeSet<String>>,
    /// Connections handed out mutably since the outstanding index was last synced.
    dirty: BTreeSet<String>,
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
        for scope in [p.requester.scope(), p.accepter.scope()] {
            self.by_scope.entry(scope).or_default().insert(p.id.clone());
        }
        for vpc in [&p.requester.vpc_id, &p.accepter.vpc_id] {
            self.by_vpc
                .entry(vpc.clone())
                .or_default()
                .insert(p.id.clone());
        }
        self.items.insert(p.id.clone(), p);
    }

    fn remove(&mut self, id: &str) {
        if let Some(p) = self.items.remove(id) {
            for scope in [p.requester.scope(), p.accepter.scope()] {
                if let Some(s) = self.by_scope.get_mut(&scope) {
                    s.remove(id);
                }
            }
            for vpc in [&p.requester.vpc_id, &p.accepter.vpc_id] {
                if let Some(s) = self.by_vpc.get_mut(vpc) {
                    s.remove(id);
                }
            }
            if let Some(s) = self.outstanding_by_account.get_mut(&p.requester.account) {
                s.remove(id);
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
        self.items.get(id)
    }

    /// A connection for changing; its status may change, so indexes resync lazily.
    fn get_mut(&mut self, id: &str) -> Option<&mut Peering> {
        self.dirty.insert(id.to_string());
        self.items.get_mut(id)
    }

    /// A connection if `scope` sees it at `now`.
    pub fn visible(&self, scope: &Scope, id: &str, now: Millis) -> Option<&Peering> {
        self.items.get(id).filter(|p| p.visible_to(scope, now))
    }

    /// Every connection with `vpc_id` at one end.
    pub fn of_vpc<'a>(&'a self, vpc_id: &str) -> impl Iterator<Item = &'a Peering> + 'a {
        self.by_vpc
            .get(vpc_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id))
    }

    fn in_scope<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Peering> + 'a {
        self.by_scope
            .get(scope)
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id))
    }

    /// Every connection.
    pub fn values(&self) -> impl Iterator<Item = &Peering> {
        self.items.values()
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

fn state_transition(id: &str, from: Status, to: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidStateTransition,
        format!(
            "Invalid state transition for {id}, attempted to transition from {} to {to}",
            from.as_str()
        ),
    )
}

/// Applies a peering command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            vpc_id,
            peer_vpc_id,
            peer_owner_id,
            peer_region,
            tags: specs,
        } => create(
            w,
            ctx,
            &vpc_id,
            &peer_vpc_id,
            peer_owner_id,
            peer_region,
            &specs,
        ),
        Cmd::Accept { id } => accept(w, ctx, &id),
        Cmd::Reject { id } => reject(w, ctx, &id),
        Cmd::Delete { id } => delete(w, ctx, &id),
        Cmd::ModifyOptions {
            id,
            requester,
            accepter,
        } => modify_options(w, ctx, &id, requester, accepter),
    }
}

fn blocks_of(w: &World, vpc_id: &str) -> Option<Blocks> {
    w.vpcs.get(vpc_id).map(|v| Blocks {
        v4: v.cidrs.iter().map(|c| c.cidr).collect(),
        v6: v.ipv6_cidrs.iter().map(|c| c.cidr).collect(),
    })
}

fn blocks_overlap(a: &Blocks, b: &Blocks) -> bool {
    a.v4.iter()
        .any(|x| b.v4.iter().any(|y| cidr::overlaps_v4(x, y)))
        || a.v6
            .iter()
            .any(|x| b.v6.iter().any(|y| cidr::overlaps_v6(x, y)))
}

fn create(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    peer_vpc_id: &str,
    peer_owner_id: Option<String>,
    peer_region: Option<String>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let vpc = crate::vpc::get(w, &scope, vpc_id)?;
    let requester_blocks = Blocks {
        v4: vpc.cidrs.iter().map(|c| c.cidr).collect(),
        v6: vpc.ipv6_cidrs.iter().map(|c| c.cidr).collect(),
    };
    let peer_owner = peer_owner_id.unwrap_or_else(|| ctx.account.clone());
    let peer_region = peer_region.unwrap_or_else(|| ctx.region.clone());
    if peer_owner == ctx.account && peer_region == ctx.region {
        crate::vpc::get(w, &scope, peer_vpc_id)?;
    }
    if peer_vpc_id == vpc_id {
        return Err(ApiError::invalid_value(
            "The requester VPC and the accepter VPC must be different.",
        ));
    }
    tags::check_specs(specs, "vpc-peering-connection")?;
    if let Some(existing) = w.peerings.of_vpc(vpc_id).find(|p| {
        p.status.is_live() && p.requester.vpc_id == vpc_id && p.accepter.vpc_id == peer_vpc_id
    }) {
        return Ok(Output::Id(existing.id.clone()));
    }
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::PEERING_OUTSTANDING_PER_ACCOUNT)
    {
        if w.peerings.outstanding(&ctx.account) >= limit as usize {
            return Err(ApiError::new(ErrorCode::OutstandingVpcPeeringConnectionLimitExceeded,
                format!(
                    "You have reached the limit of {limit} outstanding VPC peering connection requests."
                ),
            ));
        }
    }
    let id = w.ids.id(Kind::VpcPeeringConnection);
    let due = ctx.now + w.config.delays.transition;
    w.peerings.insert(Peering {
        id: id.clone(),
        requester: Side {
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            vpc_id: vpc_id.to_string(),
        },
        accepter: Side {
            account: peer_owner.clone(),
            region: peer_region,
            vpc_id: peer_vpc_id.to_string(),
        },
        status: Status::InitiatingRequest,
        message: format!("Initiating Request to {peer_owner}"),
        created: ctx.now,
        expiration: ctx.now + EXPIRY,
        step_due: due,
        accepted: None,
        requester_options: Options::default(),
        accepter_options: None,
        requester_blocks,
        accepter_blocks: Blocks::default(),
        requester_until: None,
        accepter_until: None,
        deleted_by: None,
    });
    w.schedule(due, TimerKind::Peering, &id);
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

/// Finds a connection in the caller's view.
fn find<'w>(w: &'w World, ctx: &Ctx, id: &str) -> Result<&'w Peering> {
    w.peerings
        .visible(&ctx.scope(), id, ctx.now)
        .ok_or_else(|| Kind::VpcPeeringConnection.not_found(id))
}

fn active_count(w: &World, vpc_id: &str) -> usize {
    w.peerings
        .of_vpc(vpc_id)
        .filter(|p| matches!(p.status, Status::Provisioning | Status::Active))
        .count()
}

fn accept(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    if ctx.account != p.accepter.account {
        return Err(ApiError::not_permitted(format!(
            "User {} cannot accept peering {id}",
            ctx.account
        )));
    }
    if ctx.region != p.accepter.region {
        return Err(ApiError::not_permitted(format!(
            "Incorrect region ({}) specified for this request. VPC peering connection {id} must be accepted in region {}",
            ctx.region, p.accepter.region
        )));
    }
    if p.status != Status::PendingAcceptance {
        return Err(state_transition(id, p.status, "provisioning"));
    }
    let (a, b) = (p.requester.clone(), p.accepter.clone());
    if let Some(dup) = w.peerings.of_vpc(&a.vpc_id).find(|q| {
        q.id != id
            && matches!(q.status, Status::Provisioning | Status::Active)
            && q.other_vpc(&a.vpc_id).is_some_and(|o| o.vpc_id == b.vpc_id)
    }) {
        return Err(ApiError::new(
            ErrorCode::VpcPeeringConnectionAlreadyExists,
            format!(
                "The vpc peering connection identified by {} already exists.",
                dup.id
            ),
        ));
    }
    for side in [&a, &b] {
        if let Some(limit) = w
            .config
            .quotas
            .limit(&side.account, quota::PEERING_ACTIVE_PER_VPC)
        {
            if active_count(w, &side.vpc_id) >= limit as usize {
                return Err(ApiError::new(ErrorCode::ActiveVpcPeeringConnectionPerVpcLimitExceeded,
                    format!(
                        "The VPC {} has reached the limit of {limit} active VPC peering connections.",
                        side.vpc_id
                    ),
                ));
            }
        }
    }
    let requester_blocks = blocks_of(w, &a.vpc_id);
    let accepter_blocks = blocks_of(w, &b.vpc_id);
    let due = ctx.now + w.config.delays.transition;
    let p = w.peerings.get_mut(id).expect("found");
    p.status = Status::Provisioning;
    p.message = "Provisioning".into();
    p.accepted = Some(ctx.now);
    p.step_due = due;
    p.accepter_options = Some(Options::default());
    if let Some(b) = requester_blocks {
        p.requester_blocks = b;
    }
    if let Some(b) = accepter_blocks {
        p.accepter_blocks = b;
    }
    w.schedule(due, TimerKind::Peering, id);
    Ok(Output::Id(id.to_string()))
}

fn reject(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    if ctx.account != p.accepter.account {
        return Err(ApiError::not_permitted(format!(
            "User {} cannot reject peering {id}",
            ctx.account
        )));
    }
    if ctx.region != p.accepter.region {
        return Err(ApiError::not_permitted(format!(
            "Incorrect region ({}) specified for this request. VPC peering connection {id} must be accepted or rejected in region {}",
            ctx.region, p.accepter.region
        )));
    }
    if p.status != Status::PendingAcceptance {
        return Err(state_transition(id, p.status, "rejected"));
    }
    let same_account = p.is_same_account();
    let p = w.peerings.get_mut(id).expect("found");
    p.status = Status::Rejected;
    p.message = format!("Rejected by {}", ctx.account);
    let requester_keep = if same_account { 2 * HOUR } else { 2 * DAY };
    end(w, id, ctx.now, requester_keep, 2 * HOUR);
    Ok(Output::Done)
}

fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let p = find(w, ctx, id)?;
    let scope = ctx.scope();
    let is_requester = p.requester.scope() == scope;
    match p.status {
        Status::Active | Status::Provisioning => {}
        Status::PendingAcceptance if is_requester => {}
        Status::PendingAcceptance => {
            return Err(ApiError::not_permitted(format!(
            "User {} cannot delete peering {id}: the accepter of a pending request must reject it",
            ctx.account
        )))
        }
        other => return Err(state_transition(id, other, "deleting")),
    }
    mark_deleted(w, id, &ctx.account, is_requester, ctx.now);
    Ok(Output::Done)
}

/// Deletes a live connection on behalf of `by` (the requester side when `by_requester`).
fn mark_deleted(w: &mut World, id: &str, by: &str, by_requester: bool, now: Millis) {
    let delay = w.config.delays.transition;
    let p = w.peerings.get_mut(id).expect("exists");
    p.deleted_by = Some(by.to_string());
    let (deleter, other) = if p.is_same_account() {
        (2 * HOUR, 2 * HOUR)
    } else {
        (2 * HOUR, 2 * DAY)
    };
    let (req_keep, acc_keep) = if by_requester {
        (deleter, other)
    } else {
        (other, deleter)
    };
    if p.is_inter_region() {
        p.status = Status::Deleting;
        p.message = "Deleting".into();
        p.step_due = now + delay;
        let due = p.step_due;
        // Visibility windows start once `deleted` is reached.
        p.requester_until = Some(due + req_keep);
        p.accepter_until = Some(due + acc_keep);
        w.schedule(due, TimerKind::Peering, id);
        let last = due + req_keep.max(acc_keep);
        w.schedule(last, TimerKind::Peering, id);
    } else {
        p.status = Status::Deleted;
        p.message = format!("Deleted by {by}");
        end(w, id, now, req_keep, acc_keep);
    }
}

/// Records the end of a connection at `at` and schedules its purge.
fn end(w: &mut World, id: &str, at: Millis, requester_keep: Millis, accepter_keep: Millis) {
    let p = w.peerings.get_mut(id).expect("exists");
    p.requester_until = Some(at + requester_keep);
    p.accepter_until = Some(at + accepter_keep);
    w.schedule(
        at + requester_keep.max(accepter_keep),
        TimerKind::Peering,
        id,
    );
}

fn modify_options(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    requester: Option<OptionsChange>,
    accepter: Option<OptionsChange>,
) -> Result<Output> {
    let p = find(w, ctx, id)?;
    let scope = ctx.scope();
    if p.status != Status::Active {
        return Err(ApiError::not_permitted(format!(
            "Peering {id} is not active. Peering options can be added only to active peerings."
        )));
    }
    if requester.is_none() && accepter.is_none() {
        return Err(ApiError::missing("RequesterPeeringConnectionOptions"));
    }
    if requester.is_some() && p.requester.scope() != scope {
        return Err(ApiError::not_permitted(format!(
            "User {} does not have permission to modify the requester side peering options",
            ctx.account
        )));
    }
    if accepter.is_some() && p.accepter.scope() != scope {
        return Err(ApiError::not_permitted(format!(
            "User {} does not have permission to modify the accepter side peering options",
            ctx.account
        )));
    }
    let wants_dns = [requester, accepter]
        .iter()
        .flatten()
        .any(|c| c.allow_dns_resolution_from_remote_vpc == Some(true));
    if wants_dns {
        for vpc_id in [&p.requester.vpc_id, &p.accepter.vpc_id] {
            let ok = w
                .vpcs
                .get(vpc_id)
                .is_some_and(|v| v.enable_dns_hostnames && v.enable_dns_support);
            if !ok {
                return Err(ApiError::new(ErrorCode::InvalidVpcPeeringConnectionStateDnsHostnamesDisabled,
                    format!(
                        "Remote DNS resolution requires that DNS hostnames and DNS support are enabled for both VPCs of {id} ({vpc_id} does not)."
                    ),
                ));
            }
        }
    }
    let p = w.peerings.get_mut(id).expect("found");
    if let Some(c) = requester {
        c.apply_to(&mut p.requester_options);
    }
    if let Some(c) = accepter {
        c.apply_to(p.accepter_options.get_or_insert_with(Options::default));
    }
    Ok(Output::Done)
}

/// Runs a connection's due step, acting as of `due`.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(p) = w.peerings.get(id) else {
        return;
    };
    match p.status {
        Status::InitiatingRequest if due >= p.step_due => {
            let requester = blocks_of(w, &p.requester.vpc_id).unwrap_or_default();
            let accepter = w
                .vpcs
                .get(&p.accepter.vpc_id)
                .filter(|v| v.scope == p.accepter.scope())
                .map(|_| blocks_of(w, &p.accepter.vpc_id).unwrap_or_default());
            let failed = accepter
                .as_ref()
                .is_none_or(|acc| blocks_overlap(&requester, acc));
            let expiration = p.expiration;
            let owner = p.accepter.account.clone();
            let p = w.peerings.get_mut(id).expect("exists");
            p.requester_blocks = requester;
            if failed {
                fail(w, id, due);
            } else {
                p.status = Status::PendingAcceptance;
                p.message = format!("Pending Acceptance by {owner}");
                p.accepter_blocks = accepter.unwrap_or_default();
                w.schedule(expiration, TimerKind::Peering, id);
            }
        }
        Status::PendingAcceptance if due >= p.expiration => {
            let at = p.expiration;
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Expired;
            p.message = "Expired".into();
            end(w, id, at, 2 * DAY, 2 * DAY);
        }
        Status::Provisioning if due >= p.step_due => {
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Active;
            p.message = "Active".into();
        }
        Status::Deleting if due >= p.step_due => {
            let p = w.peerings.get_mut(id).expect("exists");
            p.status = Status::Deleted;
            p.message = format!("Deleted by {}", p.deleted_by.as_deref().unwrap_or(""));
        }
        Status::Deleted | Status::Rejected | Status::Failed | Status::Expired => {
            let until = p.requester_until.max(p.accepter_until);
            if until.is_some_and(|u| due >= u) {
                w.peerings.remove(id);
                tags::forget(w, id);
            }
        }
        _ => {}
    }
}

fn fail(w: &mut World, id: &str, at: Millis) {
    let p = w.peerings.get_mut(id).expect("exists");
    p.status = Status::Failed;
    p.message = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range".into();
    end(w, id, at, 2 * HOUR, 0);
}

/// DeleteVpc is refused while another account's request to this VPC awaits acceptance.
pub fn check_vpc_deletable(w: &World, vpc_id: &str) -> Result<()> {
    let incoming = w.peerings.of_vpc(vpc_id).any(|p| {
        p.accepter.vpc_id == vpc_id && p.status == Status::PendingAcceptance && !p.is_same_account()
    });
    if incoming {
        return Err(ApiError::dependency(format!(
            "The vpc '{vpc_id}' has dependencies and cannot be deleted."
        )));
    }
    Ok(())
}

/// DeleteVpc marks the VPC's live connections `deleted` (by the VPC's owner).
pub fn on_vpc_deleted(w: &mut World, account: &str, vpc_id: &str, now: Millis) {
    let live: Vec<(String, bool)> = w
        .peerings
        .of_vpc(vpc_id)
        .filter(|p| p.status.is_live())
        .map(|p| (p.id.clone(), p.requester.vpc_id == vpc_id))
        .collect();
    for (id, by_requester) in live {
        mark_deleted(w, &id, account, by_requester, now);
    }
}

/// AssociateVpcCidrBlock rules while peered (§1.6). `cidr` is None for an Amazon IPv6 block.
pub fn check_cidr_association(w: &World, vpc_id: &str, cidr: Option<&Ipv4Net>) -> Result<()> {
    for p in w.peerings.of_vpc(vpc_id) {
        let pending = matches!(
            p.status,
            Status::InitiatingRequest | Status::PendingAcceptance
        );
        if pending && p.requester.vpc_id == vpc_id {
            return Err(ApiError::not_permitted(format!(
                "The VPC {vpc_id} has a pending VPC peering connection request ({}); a CIDR block cannot be added until the request is accepted, rejected or deleted.",
                p.id
            )));
        }
        if let (Some(cidr), Some(other)) = (cidr, p.other_vpc(vpc_id)) {
            if matches!(p.status, Status::Provisioning | Status::Active) {
                let peer_blocks = blocks_of(w, &other.vpc_id).unwrap_or_default();
                if peer_blocks.v4.iter().any(|b| cidr::overlaps_v4(b, cidr)) {
                    return Err(ApiError::invalid_value(format!(
                        "The CIDR '{cidr}' overlaps with a CIDR block of {} peered through {}.",
                        other.vpc_id, p.id
                    )));
                }
            }
        }
    }
    Ok(())
}

/// After a block was added: an overlapping accepter fails pending requests; live
/// connections refresh their displayed blocks.
pub fn on_cidr_added(w: &mut World, vpc_id: &str, cidr: &Ipv4Net, now: Millis) {
    let ids: Vec<String> = w.peerings.of_vpc(vpc_id).map(|p| p.id.clone()).collect();
    let blocks = blocks_of(w, vpc_id).unwrap_or_default();
    for id in ids {
        let p = w.peerings.get(&id).expect("indexed");
        let overlap = p
            .requester_blocks
            .v4
            .iter()
            .any(|b| cidr::overlaps_v4(b, cidr));
        if p.status == Status::PendingAcceptance && p.accepter.vpc_id == vpc_id && overlap {
            fail(w, &id, now);
            continue;
        }
        if p.status.is_live() {
            let p = w.peerings.get_mut(&id).expect("indexed");
            if p.requester.vpc_id == vpc_id {
                p.requester_blocks = blocks.clone();
            } else if p.accepted.is_some() {
                p.accepter_blocks = blocks.clone();
            }
        }
    }
}

/// Filters DescribeVpcPeeringConnections accepts.
pub const FILTERS: &[&str] = &[
    "accepter-vpc-info.cidr-block",
    "accepter-vpc-info.owner-id",
    "accepter-vpc-info.vpc-id",
    "expiration-time",
    "requester-vpc-info.cidr-block",
    "requester-vpc-info.owner-id",
    "requester-vpc-info.vpc-id",
    "status-code",
    "status-message",
    "vpc-peering-connection-id",
];

/// DescribeVpcPeeringConnections in the caller's view. Filters on a VPC id use the index.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Peering>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let by_vpc = filters.iter().find(|f| {
        matches!(
            f.name.as_str(),
            "requester-vpc-info.vpc-id" | "accepter-vpc-info.vpc-id"
        ) && f.values.iter().all(|v| !v.contains(['*', '?', '\\']))
    });
    let candidates: Vec<&Peering> = if !ids.is_empty() {
        ids.iter()
            .map(|id| find(w, ctx, id))
            .collect::<Result<_>>()?
    } else if let Some(f) = by_vpc {
        let mut set = BTreeSet::new();
        for v in &f.values {
            set.extend(w.peerings.of_vpc(v).map(|p| p.id.as_str()));
        }
        set.into_iter()
            .filter_map(|id| w.peerings.get(id))
            .filter(|p| p.visible_to(&scope, ctx.now))
            .collect()
    } else {
        w.peerings
            .in_scope(&scope)
            .filter(|p| p.visible_to(&scope, ctx.now))
            .collect()
    };
    Ok(candidates
        .into_iter()
        .filter(|p| filter::matches(filters, tags::of(w, &scope, &p.id), |name| field(p, name)))
        .collect())
}

/// Whether the accepter's CIDR blocks are disclosed (from acceptance on).
pub fn discloses_accepter_cidrs(p: &Peering) -> bool {
    p.accepted.is_some()
}

fn field(p: &Peering, name: &str) -> Vec<String> {
    match name {
        "accepter-vpc-info.cidr-block" if discloses_accepter_cidrs(p) => {
            p.accepter_blocks.v4.iter().map(|c| c.to_string()).collect()
        }
        "accepter-vpc-info.owner-id" => filter::s(&p.accepter.account),
        "accepter-vpc-info.vpc-id" => filter::s(&p.accepter.vpc_id),
        "requester-vpc-info.cidr-block" => p
            .requester_blocks
            .v4
            .iter()
            .map(|c| c.to_string())
            .collect(),
        "requester-vpc-info.owner-id" => filter::s(&p.requester.account),
        "requester-vpc-info.vpc-id" => filter::s(&p.requester.vpc_id),
        "status-code" => filter::s(p.status.as_str()),
        "status-message" => filter::s(&p.message),
        "vpc-peering-connection-id" => filter::s(&p.id),
        _ => Vec::new(),
    }
}
