//! Managed prefix lists (§3.7): the AWS-managed lists of the gateway-endpoint services
//! (computed from the configured Regions, never stored) and customer-managed lists with
//! versioned entries.
//!
//! AWS-managed lists: in every configured Region, `com.amazonaws.<region>.s3` and
//! `com.amazonaws.<region>.dynamodb`, owner `AWS`, legacy 8-hex ids, visible to every
//! account of the Region, read-only. Their CIDRs are synthetic but stable: each Region has
//! a slot `s` (0–7 for the default Regions in their fixed order, else 8 + a hash of the
//! name modulo 248) and the lists hold
//! - S3: the `s`-th /22 of `52.216.0.0/14` and the `s`-th /24 of `54.231.0.0/16`;
//! - DynamoDB: the `s`-th /22 of `52.92.0.0/14` and the `s`-th /24 of `52.119.0.0/16`.
//!
//! Every block is AWS public address space: none overlaps RFC 1918, shared or
//! documentation ranges, and S3 never overlaps DynamoDB.
//!
//! For other modules: [`exists_for`] (may a scope reference the id), [`cidrs`] (what a
//! prefix-list route or rule matches), [`max_entries`] (its weight against route and rule
//! quotas), [`address_family`], [`is_aws_managed`], and [`references`].

use crate::ids::Kind;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use serde::{Deserialize, Serialize};

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::region::RegionDef;
use crate::route::Destination;
use crate::sg::Peer;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

/// The owner id AWS-managed lists carry.
pub const AWS_OWNER: &str = "AWS";
/// The gateway-endpoint services that have an AWS-managed list in every Region.
pub const SERVICES: [&str; 2] = ["s3", "dynamodb"];
/// Most entries a list may be sized for (`MaxEntries`).
pub const MAX_ENTRIES: i64 = 1000;
/// Most entries one request may add (or remove).
pub const MAX_ENTRIES_PER_REQUEST: usize = 100;
/// Versions kept per list; older ones are dropped.
pub const MAX_VERSIONS: u64 = 1000;
/// Longest list name and entry description.
pub const MAX_TEXT: usize = 255;

/// A list's address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AddressFamily {
    IPv4,
    IPv6,
}

impl AddressFamily {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressFamily::IPv4 => "IPv4",
            AddressFamily::IPv6 => "IPv6",
        }
    }

    /// The family of a block.
    pub fn of(net: &IpNet) -> Self {
        match net {
            IpNet::V4(_) => AddressFamily::IPv4,
            IpNet::V6(_) => AddressFamily::IPv6,
        }
    }

    fn parse(raw: &str) -> Result<Self> {
        match raw {
            "IPv4" => Ok(AddressFamily::IPv4),
            "IPv6" => Ok(AddressFamily::IPv6),
            _ => Err(ApiError::invalid_value(format!(
                "Value ({raw}) for parameter addressFamily is invalid. Valid values: IPv4 | IPv6"
            ))),
        }
    }
}

/// A list's state (only the settled states: every change is synchronous).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    CreateComplete,
    ModifyComplete,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::CreateComplete => "create-complete",
            State::ModifyComplete => "modify-complete",
        }
    }
}

/// One entry: a block and its optional description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub cidr: IpNet,
    pub description: Option<String>,
}

/// An entry as a request gives it (`Entry.N` / `AddEntry.N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySpec {
    pub cidr: String,
    pub description: Option<String>,
}

/// A managed prefix list (customer-managed when stored; AWS-managed ones are computed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    /// The owner and Region; the account is [`AWS_OWNER`] for AWS-managed lists.
    pub scope: Scope,
    pub name: String,
    pub address_family: AddressFamily,
    pub max_entries: u32,
    pub version: u64,
    pub state: State,
    /// Entries of each retained version (the current one included), each sorted by block.
    pub versions: BTreeMap<u64, Vec<Entry>>,
    pub created: Millis,
}

impl Resource for PrefixList {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl PrefixList {
    /// The entries of the current version.
    pub fn entries(&self) -> &[Entry] {
        self.versions.get(&self.version).map_or(&[], Vec::as_slice)
    }

    /// Whether AWS owns the list.
    pub fn is_aws_managed(&self) -> bool {
        self.scope.account == AWS_OWNER
    }

    /// `ownerId`: the account, or `AWS`.
    pub fn owner_id(&self) -> &str {
        &self.scope.account
    }

    /// `arn:aws:ec2:<region>:<owner>:prefix-list/<id>` (owner `aws` for AWS-managed lists).
    pub fn arn(&self) -> String {
        let owner = if self.is_aws_managed() {
            "aws"
        } else {
            self.scope.account.as_str()
        };
        format!(
            "arn:aws:ec2:{}:{owner}:prefix-list/{}",
            self.scope.region, self.id
        )
    }
}

/// Prefix-list commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateManagedPrefixList.
    Create {
        name: String,
        entries: Vec<EntrySpec>,
        max_entries: i64,
        address_family: String,
        tags: Vec<TagSpec>,
        client_token: Option<String>,
    },
    /// ModifyManagedPrefixList.
    Modify {
        id: String,
        current_version: Option<i64>,
        name: Option<String>,
        add: Vec<EntrySpec>,
        remove: Vec<String>,
        max_entries: Option<i64>,
    },
    /// DeleteManagedPrefixList.
    Delete { id: String },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}

/// `InvalidPrefixListId.NotFound` (lower-case `d`) for the legacy DescribePrefixLists.
pub fn legacy_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidPrefixListIdNotFound,
        format!("The prefix list ID '{id}' does not exist"),
    )
}

fn aws_managed_refused(id: &str, what: &str) -> ApiError {
    ApiError::not_permitted(format!(
        "The prefix list {id} is managed by AWS and cannot be {what}."
    ))
}

fn modification(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidPrefixListModification, message)
}

// ---------------------------------------------------------------------------------------
// AWS-managed lists
// ---------------------------------------------------------------------------------------

fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// The id of a Region's AWS-managed list for `service` (legacy 8-hex shape).
pub fn aws_managed_id(region: &str, service: &str) -> String {
    match (region, service) {
        ("us-east-1", "s3") => "pl-63a5400a".into(),
        ("us-east-1", "dynamodb") => "pl-02cd2c6b".into(),
        _ => format!("pl-{:08x}", fnv32(format!("{region}/{service}").as_bytes())),
    }
}

/// The name of a Region's AWS-managed list for `service`.
pub fn aws_managed_name(region: &str, service: &str) -> String {
    format!("com.amazonaws.{region}.{service}")
}

/// The Region's slot in the synthetic address plan (see the module documentation).
fn region_slot(region: &str) -> u32 {
    match RegionDef::defaults().iter().position(|r| r.name == region) {
        Some(i) => i as u32,
        None => 8 + fnv32(region.as_bytes()) % 248,
    }
}

fn block(base: [u8; 4], len: u8, slot: u32) -> IpNet {
    let size = 1u32 << (32 - len);
    let addr = Ipv4Addr::from(u32::from(Ipv4Addr::from(base)) + slot * size);
    IpNet::V4(Ipv4Net::new(addr, len).expect("valid prefix length"))
}

/// The synthetic CIDRs of a Region's AWS-managed list for `service`.
pub fn aws_managed_cidrs(region: &str, service: &str) -> Vec<IpNet> {
    let s = region_slot(region);
    match service {
        "s3" => vec![block([52, 216, 0, 0], 22, s), block([54, 231, 0, 0], 24, s)],
        _ => vec![block([52, 92, 0, 0], 22, s), block([52, 119, 0, 0], 24, s)],
    }
}

fn aws_managed_list(region: &str, service: &str) -> PrefixList {
    let entries: Vec<Entry> = aws_managed_cidrs(region, service)
        .into_iter()
        .map(|cidr| Entry {
            cidr,
            description: None,
        })
        .collect();
    PrefixList {
        id: aws_managed_id(region, service),
        scope: Scope::new(AWS_OWNER, region),
        name: aws_managed_name(region, service),
        address_family: AddressFamily::IPv4,
        max_entries: entries.len() as u32,
        version: 1,
        state: State::CreateComplete,
        versions: BTreeMap::from([(1, entries)]),
        created: 0,
    }
}

/// The AWS-managed lists of `region` (none if the Region is not served), S3 first.
pub fn aws_managed(w: &World, region: &str) -> Vec<PrefixList> {
    if w.config.region(region).is_none() {
        return Vec::new();
    }
    SERVICES
        .iter()
        .map(|s| aws_managed_list(region, s))
        .collect()
}

fn aws_managed_by_id(w: &World, id: &str) -> Option<PrefixList> {
    w.config.regions.iter().find_map(|r| {
        SERVICES
            .iter()
            .find(|s| aws_managed_id(&r.name, s) == id)
            .map(|s| aws_managed_list(&r.name, s))
    })
}

// ---------------------------------------------------------------------------------------
// Lookups for other modules
// ---------------------------------------------------------------------------------------

/// The list `id` as `scope` sees it: the Region's AWS-managed lists or the scope's own.
pub fn lookup(w: &World, scope: &Scope, id: &str) -> Option<PrefixList> {
    if let Some(pl) = w.prefix_lists.get_in(scope, id) {
        return Some(pl.clone());
    }
    aws_managed_by_id(w, id).filter(|pl| pl.scope.region == scope.region)
}

/// Whether `scope` may reference the list `id` (AWS-managed lists of its Region are
/// visible to every account; customer lists only to their owner).
pub fn exists_for(w: &World, scope: &Scope, id: &str) -> bool {
    w.prefix_lists.get_in(scope, id).is_some()
        || aws_managed(w, &scope.region).iter().any(|pl| pl.id == id)
}

/// Whether `id` is an AWS-managed list (of any served Region).
pub fn is_aws_managed(w: &World, id: &str) -> bool {
    aws_managed_by_id(w, id).is_some()
}

/// The current blocks of the list `id` (empty when unknown).
pub fn cidrs(w: &World, id: &str) -> Vec<IpNet> {
    match w.prefix_lists.get(id) {
        Some(pl) => pl.entries().iter().map(|e| e.cidr).collect(),
        None => aws_managed_by_id(w, id)
            .map(|pl| pl.entries().iter().map(|e| e.cidr).collect())
            .unwrap_or_default(),
    }
}

/// `MaxEntries` of the list `id`: its weight against route and rule quotas (0 when unknown).
pub fn max_entries(w: &World, id: &str) -> u32 {
    match w.prefix_lists.get(id) {
        Some(pl) => pl.max_entries,
        None => aws_managed_by_id(w, id).map_or(0, |pl| pl.max_entries),
    }
}

/// The address family of the list `id`, if known.
pub fn address_family(w: &World, id: &str) -> Option<AddressFamily> {
    match w.prefix_lists.get(id) {
        Some(pl) => Some(pl.address_family),
        None => aws_managed_by_id(w, id).map(|pl| pl.address_family),
    }
}

/// Resources referencing the list `id`: (resource id, owner account) of route tables with a
/// route to it and security groups with a rule for it, in id order. `scope` restricts to
/// one owner's resources when given.
pub fn references(w: &World, id: &str, scope: Option<&Scope>) -> Vec<(String, String)> {
    let dest = Destination::PrefixList(id.to_string());
    let mut out: Vec<(String, String)> = Vec::new();
    let owned = |s: &Scope| scope.is_none_or(|want| want == s);
    for t in w.route_tables.values().filter(|t| owned(&t.scope)) {
        if t.routes.iter().any(|r| r.destination == dest) {
            out.push((t.id.clone(), t.scope.account.clone()));
        }
    }
    for g in w.security_groups.values().filter(|g| owned(&g.scope)) {
        let uses = |p: &Peer| matches!(p, Peer::PrefixList(p) if p == id);
        if g.ingress.iter().chain(&g.egress).any(|r| uses(&r.peer)) {
            out.push((g.id.clone(), g.scope.account.clone()));
        }
    }
    out.sort();
    out
}

/// A sortable key of a block, consistent with block order (for paging entries).
pub fn sort_key(net: &IpNet) -> String {
    match net {
        IpNet::V4(n) => format!("4:{:010}/{:02}", u32::from(n.network()), n.prefix_len()),
        IpNet::V6(n) => format!("6:{:039}/{:03}", u128::from(n.network()), n.prefix_len()),
    }
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid_value(format!(
            "The prefix list name must be between 1 and {MAX_TEXT} characters."
        )));
    }
    if name.starts_with("com.amazonaws") {
        return Err(ApiError::invalid_value(format!(
            "The prefix list name '{name}' is invalid: names starting with com.amazonaws are reserved."
        )));
    }
    Ok(())
}

fn check_max_entries(n: i64) -> Result<u32> {
    if !(1..=MAX_ENTRIES).contains(&n) {
        return Err(ApiError::invalid_value(format!(
            "Must specify a max size between 1 and {MAX_ENTRIES}"
        )));
    }
    Ok(n as u32)
}

fn check_per_request(n: usize) -> Result<()> {
    if n > MAX_ENTRIES_PER_REQUEST {
        return Err(ApiError::invalid_value(format!(
            "The number of entries per request cannot exceeds limit ({MAX_ENTRIES_PER_REQUEST})."
        )));
    }
    Ok(())
}

fn parse_cidr(raw: &str) -> Result<IpNet> {
    raw.trim().parse::<IpNet>().map(|n| n.trunc()).map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter cidr is invalid. This is not a valid CIDR block."
        ))
    })
}

fn parse_entry(spec: &EntrySpec, family: AddressFamily) -> Result<Entry> {
    let cidr = parse_cidr(&spec.cidr)?;
    if AddressFamily::of(&cidr) != family {
        return Err(ApiError::invalid_value(format!(
            "The CIDR ({}) does not match the address family ({}) of the prefix list.",
            spec.cidr,
            family.as_str()
        )));
    }
    if let Some(d) = &spec.description {
        if d.chars().count() > MAX_TEXT {
            return Err(ApiError::invalid_value(format!(
                "The description of an entry must be at most {MAX_TEXT} characters."
            )));
        }
    }
    Ok(Entry {
        cidr,
        description: spec.description.clone().filter(|d| !d.is_empty()),
    })
}

fn already_exists(e: &Entry) -> ApiError {
    modification(match &e.description {
        Some(d) => format!(
            "An entry with the CIDR ({}) and description ({d}) already exists.",
            e.cidr
        ),
        None => format!("An entry with the CIDR ({}) already exists.", e.cidr),
    })
}

/// Applies a prefix-list command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            name,
            entries,
            max_entries,
            address_family,
            tags: specs,
            client_token: _,
        } => create(
            w,
            ctx,
            &name,
            &entries,
            max_entries,
            &address_family,
            &specs,
        ),
        Cmd::Modify {
            id,
            current_version,
            name,
            add,
            remove,
            max_entries,
        } => modify(
            w,
            ctx,
            &id,
            current_version,
            name.as_deref(),
            &add,
            &remove,
            max_entries,
        ),
        Cmd::Delete { id } => delete(w, ctx, &id),
    }
}

fn create(
    w: &mut World,
    ctx: &Ctx,
    name: &str,
    specs: &[EntrySpec],
    max_entries: i64,
    address_family: &str,
    tag_specs: &[TagSpec],
) -> Result<Output> {
    check_name(name)?;
    let family = AddressFamily::parse(address_family)?;
    let max = check_max_entries(max_entries)?;
    check_per_request(specs.len())?;
    let mut entries: Vec<Entry> = Vec::with_capacity(specs.len());
    for spec in specs {
        let entry = parse_entry(spec, family)?;
        if let Some(dup) = entries.iter().find(|e| e.cidr == entry.cidr) {
            return Err(already_exists(dup));
        }
        entries.push(entry);
    }
    if entries.len() > max as usize {
        return Err(ApiError::invalid_value(format!(
            "The number of entries ({}) exceeds the maximum number of entries ({max}) of the prefix list.",
            entries.len()
        )));
    }
    tags::check_specs(tag_specs, "prefix-list")?;
    let scope = ctx.scope();
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::PREFIX_LISTS_PER_REGION)
    {
        if w.prefix_lists.count_in(&scope) >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::PrefixListLimitExceeded,
                "prefix lists",
                limit,
            ));
        }
    }
    entries.sort_by_key(|e| e.cidr);
    let id = w.ids.id(Kind::PrefixList);
    w.prefix_lists.insert(PrefixList {
        id: id.clone(),
        scope: scope.clone(),
        name: name.to_string(),
        address_family: family,
        max_entries: max,
        version: 1,
        state: State::CreateComplete,
        versions: BTreeMap::from([(1, entries)]),
        created: ctx.now,
    });
    tags::apply_specs(w, &scope, &id, tag_specs);
    Ok(Output::Id(id))
}

/// The caller's customer-managed list `id` for a change: AWS-managed lists are refused.
fn own_list<'w>(w: &'w World, scope: &Scope, id: &str, what: &str) -> Result<&'w PrefixList> {
    if let Some(pl) = w.prefix_lists.get_in(scope, id) {
        return Ok(pl);
    }
    if exists_for(w, scope, id) {
        return Err(aws_managed_refused(id, what));
    }
    Err(Kind::PrefixList.not_found(id))
}

#[allow(clippy::too_many_arguments)]
fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    current_version: Option<i64>,
    name: Option<&str>,
    add: &[EntrySpec],
    remove: &[String],
    max_entries: Option<i64>,
) -> Result<Output> {
    let scope = ctx.scope();
    let pl = own_list(w, &scope, id, "modified")?;
    if let Some(v) = current_version {
        if v < 1 {
            return Err(ApiError::invalid_value(format!(
                "The specified value for version is not valid. The value must be greater than or equal to (1): {v}."
            )));
        }
        if v as u64 != pl.version {
            return Err(ApiError::new(
                ErrorCode::PrefixListVersionMismatch,
                "The prefix list has the incorrect version number.",
            ));
        }
    }
    let changes_entries = !add.is_empty() || !remove.is_empty();
    if max_entries.is_some() && changes_entries {
        return Err(ApiError::invalid_combination(
            "You cannot modify the entries and the maximum entries for the prefix list in the same request.",
        ));
    }
    if let Some(n) = name {
        check_name(n)?;
    }
    check_per_request(add.len())?;
    check_per_request(remove.len())?;
    let current = pl.entries();
    let mut removed: Vec<IpNet> = Vec::with_capacity(remove.len());
    for raw in remove {
        let cidr = parse_cidr(raw)?;
        if !current.iter().any(|e| e.cidr == cidr) {
            return Err(modification(format!(
                "The CIDR ({raw}) does not exist in the prefix list {id}."
            )));
        }
        removed.push(cidr);
    }
    let mut entries: Vec<Entry> = current
        .iter()
        .filter(|e| !removed.contains(&e.cidr))
        .cloned()
        .collect();
    for spec in add {
        let entry = parse_entry(spec, pl.address_family)?;
        if removed.contains(&entry.cidr) {
            return Err(modification(format!(
                "The CIDR ({}) cannot be both added to and removed from the prefix list in the same request.",
                entry.cidr
            )));
        }
        if let Some(existing) = entries.iter().find(|e| e.cidr == entry.cidr) {
            return Err(already_exists(existing));
        }
        entries.push(entry);
    }
    let new_max = match max_entries {
        Some(n) => {
            let n = check_max_entries(n)?;
            if (n as usize) < current.len() {
                return Err(modification(format!(
                    "The prefix list {id} has {} entries, more than the requested maximum ({n}).",
                    current.len()
                )));
            }
            n
        }
        None => pl.max_entries,
    };
    if entries.len() > new_max as usize {
        return Err(modification(format!(
            "The prefix list {id} would have {} entries, more than its maximum number of entries ({new_max}).",
            entries.len()
        )));
    }
    entries.sort_by_key(|e| e.cidr);
    let pl = w.prefix_lists.get_mut(id).expect("checked");
    if let Some(n) = name {
        pl.name = n.to_string();
    }
    pl.max_entries = new_max;
    if changes_entries {
        pl.version += 1;
        pl.versions.insert(pl.version, entries);
        let oldest_kept = pl.version.saturating_sub(MAX_VERSIONS - 1);
        pl.versions.retain(|v, _| *v >= oldest_kept);
    }
    pl.state = State::ModifyComplete;
    Ok(Output::Id(id.to_string()))
}

fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let scope = ctx.scope();
    own_list(w, &scope, id, "deleted")?;
    if !references(w, id, None).is_empty() {
        return Err(ApiError::dependency(format!(
            "The prefix list '{id}' has dependencies and cannot be deleted."
        )));
    }
    w.prefix_lists.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

/// Filters DescribeManagedPrefixLists accepts.
pub const FILTERS: &[&str] = &["owner-id", "prefix-list-id", "prefix-list-name"];

/// Filters DescribePrefixLists accepts.
pub const LEGACY_FILTERS: &[&str] = &["prefix-list-id", "prefix-list-name"];

fn field(pl: &PrefixList, name: &str) -> Vec<String> {
    match name {
        "owner-id" => filter::s(pl.owner_id()),
        "prefix-list-id" => filter::s(&pl.id),
        "prefix-list-name" => filter::s(&pl.name),
        _ => Vec::new(),
    }
}

/// DescribeManagedPrefixLists: the Region's AWS-managed lists and the caller's own;
/// explicit ids must all be visible; then filters; id order.
pub fn describe(
    w: &World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<PrefixList>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<PrefixList> = if ids.is_empty() {
        let mut all = aws_managed(w, &ctx.region);
        all.extend(w.prefix_lists.in_scope(&scope).cloned());
        all
    } else {
        ids.iter()
            .map(|id| lookup(w, &scope, id).ok_or_else(|| Kind::PrefixList.not_found(id)))
            .collect::<Result<_>>()?
    };
    let mut found: Vec<PrefixList> = candidates
        .into_iter()
        .filter(|pl| filter::matches(filters, tags::of(w, &scope, &pl.id), |n| field(pl, n)))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// DescribePrefixLists (legacy): only the Region's gateway-endpoint service lists, in id
/// order.
pub fn describe_legacy(
    w: &World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<PrefixList>> {
    filter::check_names(filters, LEGACY_FILTERS)?;
    let all = aws_managed(w, &ctx.region);
    let candidates: Vec<PrefixList> = if ids.is_empty() {
        all
    } else {
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|pl| &pl.id == id)
                    .cloned()
                    .ok_or_else(|| legacy_not_found(id))
            })
            .collect::<Result<_>>()?
    };
    let no_tags = tags::TagSet::new();
    let mut found: Vec<PrefixList> = candidates
        .into_iter()
        .filter(|pl| filter::matches(filters, &no_tags, |n| field(pl, n)))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// GetManagedPrefixListEntries: the entries of the current or of `target_version`.
pub fn entries(w: &World, ctx: &Ctx, id: &str, target_version: Option<i64>) -> Result<Vec<Entry>> {
    let pl = lookup(w, &ctx.scope(), id).ok_or_else(|| Kind::PrefixList.not_found(id))?;
    let version = match target_version {
        None => pl.version,
        Some(v) if v >= 1 && (v as u64) <= pl.version => v as u64,
        Some(v) => {
            return Err(ApiError::invalid_value(format!(
                "The specified version ({v}) is not valid for prefix list {id}. The value must be between 1 and {}.",
                pl.version
            )))
        }
    };
    pl.versions.get(&version).cloned().ok_or_else(|| {
        ApiError::invalid_value(format!(
            "The version ({version}) of prefix list {id} is no longer available."
        ))
    })
}

/// GetManagedPrefixListAssociations: the caller's route tables and security groups that
/// reference the list, as (resource id, owner).
pub fn associations(w: &World, ctx: &Ctx, id: &str) -> Result<Vec<(String, String)>> {
    let scope = ctx.scope();
    if !exists_for(w, &scope, id) {
        return Err(Kind::PrefixList.not_found(id));
    }
    Ok(references(w, id, Some(&scope)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Quotas;
    use crate::route::{Origin, Route, Target};
    use crate::sg::Rule;
    use crate::{vpc, Command, Config};

    const A: &str = "111111111111";
    const B: &str = "222222222222";
    const EAST: &str = "us-east-1";
    const WEST: &str = "us-west-2";

    fn world(quotas: &[&str]) -> World {
        let mut q = Quotas::default();
        for a in quotas {
            q.set_from_arg(a).unwrap();
        }
        World::new(
            Config {
                quotas: q,
                ..Config::default()
            },
            1,
        )
    }

    fn ctx(account: &str, region: &str) -> Ctx {
        Ctx::new(account, region, 1_000)
    }

    fn run(w: &mut World, ctx: &Ctx, cmd: Cmd) -> std::result::Result<Output, String> {
        if !w.scope_ready(&ctx.scope()) {
            w.apply(ctx, Command::InitScope).unwrap();
        }
        w.apply(ctx, Command::PrefixList(cmd))
            .map_err(|e| format!("{}: {}", e.code, e.message))
    }

    /// Runs a command and checks its error code (`Ok(())` expects success); on error the
    /// world must be unchanged.
    fn check(w: &mut World, ctx: &Ctx, cmd: Cmd, expected: std::result::Result<(), &str>) {
        if !w.scope_ready(&ctx.scope()) {
            w.apply(ctx, Command::InitScope).unwrap();
        }
        let before = serde_json::to_string(&*w).unwrap();
        let got = run(w, ctx, cmd.clone());
        match (&got, expected) {
            (Ok(_), Ok(())) => {}
            (Err(e), Err(code)) => {
                assert!(e.starts_with(&format!("{code}: ")), "{cmd:?}: got {e}");
                let after = serde_json::to_string(&*w).unwrap();
                assert!(before == after, "{cmd:?} changed the world");
            }
            _ => panic!("{cmd:?}: expected {expected:?}, got {got:?}"),
        }
    }

    fn spec(cidr: &str, description: Option<&str>) -> EntrySpec {
        EntrySpec {
            cidr: cidr.into(),
            description: description.map(str::to_string),
        }
    }

    fn create_cmd(name: &str, family: &str, max: i64, cidrs: &[&str]) -> Cmd {
        Cmd::Create {
            name: name.into(),
            entries: cidrs.iter().map(|c| spec(c, None)).collect(),
            max_entries: max,
            address_family: family.into(),
            tags: vec![],
            client_token: None,
        }
    }

    fn create(w: &mut World, ctx: &Ctx, cidrs: &[&str]) -> String {
        match run(w, ctx, create_cmd("corp", "IPv4", 10, cidrs)).unwrap() {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    /// A ModifyManagedPrefixList under construction.
    #[derive(Default, Clone)]
    struct M {
        id: String,
        current_version: Option<i64>,
        name: Option<String>,
        add: Vec<EntrySpec>,
        remove: Vec<String>,
        max_entries: Option<i64>,
    }

    impl M {
        fn cmd(self) -> Cmd {
            Cmd::Modify {
                id: self.id,
                current_version: self.current_version,
                name: self.name,
                add: self.add,
                remove: self.remove,
                max_entries: self.max_entries,
            }
        }

        fn add(mut self, cidrs: &[&str]) -> Self {
            self.add = cidrs.iter().map(|c| spec(c, None)).collect();
            self
        }
    }

    fn m(id: &str) -> M {
        M {
            id: id.into(),
            ..M::default()
        }
    }

    fn modify(id: &str) -> Cmd {
        m(id).cmd()
    }

    fn cidr_strings(entries: &[Entry]) -> Vec<String> {
        entries.iter().map(|e| e.cidr.to_string()).collect()
    }

    #[test]
    fn aws_managed_lists_exist_in_every_region_for_every_account() {
        let w = world(&[]);
        let a = describe(&w, &ctx(A, EAST), &[], &[]).unwrap();
        let names: Vec<_> = a.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "com.amazonaws.us-east-1.dynamodb",
                "com.amazonaws.us-east-1.s3"
            ]
        );
        let a: Vec<PrefixList> = a.into_iter().rev().collect();
        assert_eq!(a[0].id, "pl-63a5400a");
        assert_eq!(a[1].id, "pl-02cd2c6b");
        assert_eq!(a[0].owner_id(), "AWS");
        assert_eq!(
            a[0].arn(),
            "arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a"
        );
        assert_eq!(a[0].max_entries as usize, a[0].entries().len());
        assert_eq!((a[0].version, a[0].state), (1, State::CreateComplete));
        assert_eq!(
            describe(&w, &ctx(A, EAST), &[], &[]).unwrap(),
            describe(&w, &ctx(B, EAST), &[], &[]).unwrap()
        );
        assert!(exists_for(&w, &Scope::new(B, EAST), "pl-63a5400a"));
        assert!(!exists_for(&w, &Scope::new(B, WEST), "pl-63a5400a"));
        // Ids and blocks are unique across the default Regions, never private, and stable.
        let mut ids = Vec::new();
        let mut blocks: Vec<IpNet> = Vec::new();
        for r in RegionDef::defaults() {
            for pl in aws_managed(&w, &r.name) {
                assert!(crate::ids::is_well_formed(&pl.id, "pl") && pl.id.len() == 11);
                ids.push(pl.id.clone());
                for c in cidrs(&w, &pl.id) {
                    let IpNet::V4(v4) = c else { panic!() };
                    assert!(!v4.network().is_private() && !v4.network().is_documentation());
                    assert!(blocks.iter().all(|b| !b.contains(&c) && !c.contains(b)));
                    blocks.push(c);
                }
            }
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 16);
        assert_eq!(
            aws_managed_cidrs(EAST, "s3"),
            vec![
                "52.216.0.0/22".parse::<IpNet>().unwrap(),
                "54.231.0.0/24".parse().unwrap()
            ]
        );
        assert_eq!(
            aws_managed_cidrs("eu-north-9", "dynamodb"),
            aws_managed_cidrs("eu-north-9", "dynamodb")
        );
        // Not served Regions have none.
        assert!(aws_managed(&w, "mars-1").is_empty());
    }

    #[test]
    fn aws_managed_lists_are_read_only() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        check(
            &mut w,
            &c,
            modify("pl-63a5400a"),
            Err("OperationNotPermitted"),
        );
        check(
            &mut w,
            &c,
            Cmd::Delete {
                id: "pl-02cd2c6b".into(),
            },
            Err("OperationNotPermitted"),
        );
        // Another Region's AWS-managed list is not found here.
        let west = aws_managed_id(WEST, "s3");
        check(
            &mut w,
            &c,
            modify(&west),
            Err("InvalidPrefixListID.NotFound"),
        );
    }

    #[test]
    fn create_validates_everything() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let cases: Vec<(Cmd, std::result::Result<(), &str>)> = vec![
            (create_cmd("", "IPv4", 5, &[]), Err("InvalidParameterValue")),
            (
                create_cmd(&"x".repeat(256), "IPv4", 5, &[]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("com.amazonaws.mine", "IPv4", 5, &[]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "ipv4", 5, &[]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 0, &[]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 1001, &[]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 5, &["nonsense"]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 5, &["2001:db8::/32"]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv6", 5, &["10.0.0.0/8"]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 1, &["10.0.0.0/8", "11.0.0.0/8"]),
                Err("InvalidParameterValue"),
            ),
            (
                create_cmd("n", "IPv4", 5, &["10.0.0.0/8", "10.0.0.1/8"]),
                Err("InvalidPrefixListModification"),
            ),
            (
                Cmd::Create {
                    name: "n".into(),
                    entries: (0..101)
                        .map(|i| spec(&format!("10.{i}.0.0/16"), None))
                        .collect(),
                    max_entries: 1000,
                    address_family: "IPv4".into(),
                    tags: vec![],
                    client_token: None,
                },
                Err("InvalidParameterValue"),
            ),
            (
                Cmd::Create {
                    name: "n".into(),
                    entries: vec![spec("10.0.0.0/8", Some(&"d".repeat(256)))],
                    max_entries: 5,
                    address_family: "IPv4".into(),
                    tags: vec![],
                    client_token: None,
                },
                Err("InvalidParameterValue"),
            ),
            (
                Cmd::Create {
                    name: "n".into(),
                    entries: vec![],
                    max_entries: 5,
                    address_family: "IPv4".into(),
                    tags: vec![TagSpec {
                        resource_type: "vpc".into(),
                        tags: vec![],
                    }],
                    client_token: None,
                },
                Err("InvalidParameterValue"),
            ),
            (create_cmd("n", "IPv4", 1, &["10.0.0.0/8"]), Ok(())),
            (create_cmd("n6", "IPv6", 2, &["2001:DB8::/32"]), Ok(())),
            (create_cmd("empty", "IPv4", 1000, &[]), Ok(())),
        ];
        for (cmd, expected) in cases {
            check(&mut w, &c, cmd, expected);
        }
        let mine = describe(&w, &c, &[], &[Filter::new("owner-id", &[A])]).unwrap();
        assert_eq!(mine.len(), 3);
        let v6 = mine.iter().find(|p| p.name == "n6").unwrap();
        assert_eq!(v6.address_family, AddressFamily::IPv6);
        assert_eq!(cidr_strings(v6.entries()), ["2001:db8::/32"]);
        assert!(v6.id.len() == 20 && crate::ids::is_well_formed(&v6.id, "pl"));
        assert_eq!(
            v6.arn(),
            format!("arn:aws:ec2:us-east-1:{A}:prefix-list/{}", v6.id)
        );
    }

    #[test]
    fn create_canonicalises_sorts_and_tags() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let out = run(
            &mut w,
            &c,
            Cmd::Create {
                name: "corp".into(),
                entries: vec![
                    spec("192.168.1.7/24", Some("b")),
                    spec("10.0.0.0/8", Some("")),
                ],
                max_entries: 5,
                address_family: "IPv4".into(),
                tags: vec![TagSpec {
                    resource_type: "prefix-list".into(),
                    tags: vec![("Name".into(), "corp".into())],
                }],
                client_token: None,
            },
        )
        .unwrap();
        let Output::Id(id) = out else { panic!() };
        let pl = w.prefix_lists.get(&id).unwrap();
        assert_eq!(cidr_strings(pl.entries()), ["10.0.0.0/8", "192.168.1.0/24"]);
        assert_eq!(pl.entries()[0].description, None);
        assert_eq!(pl.entries()[1].description.as_deref(), Some("b"));
        let tagged = describe(&w, &c, &[], &[Filter::new("tag:Name", &["corp"])]).unwrap();
        assert_eq!(tagged.len(), 1);
        assert_eq!(tagged[0].id, id);
    }

    #[test]
    fn client_token_makes_create_idempotent() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let cmd = |name: &str| Cmd::Create {
            name: name.into(),
            entries: vec![],
            max_entries: 5,
            address_family: "IPv4".into(),
            tags: vec![],
            client_token: Some("tok".into()),
        };
        let first = run(&mut w, &c, cmd("a")).unwrap();
        assert_eq!(run(&mut w, &c, cmd("a")).unwrap(), first);
        assert_eq!(w.prefix_lists.len(), 1);
        check(&mut w, &c, cmd("b"), Err("IdempotentParameterMismatch"));
    }

    #[test]
    fn quota_only_when_configured() {
        let mut w = world(&["prefix-lists-per-region=1"]);
        let c = ctx(A, EAST);
        create(&mut w, &c, &[]);
        check(
            &mut w,
            &c,
            create_cmd("two", "IPv4", 1, &[]),
            Err("PrefixListLimitExceeded"),
        );
        // Another Region and another account are counted apart.
        check(
            &mut w,
            &ctx(A, WEST),
            create_cmd("two", "IPv4", 1, &[]),
            Ok(()),
        );
        check(
            &mut w,
            &ctx(B, EAST),
            create_cmd("two", "IPv4", 1, &[]),
            Ok(()),
        );
        let mut w = world(&[]);
        for _ in 0..5 {
            create(&mut w, &c, &[]);
        }
    }

    #[test]
    fn modify_versions_entries_and_checks_current_version() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &["10.0.0.0/16", "10.1.0.0/16"]);
        // Renaming keeps the version.
        let rename = M {
            name: Some("renamed".into()),
            ..m(&id)
        }
        .cmd();
        check(&mut w, &c, rename, Ok(()));
        let pl = w.prefix_lists.get(&id).unwrap();
        assert_eq!((pl.name.as_str(), pl.version), ("renamed", 1));
        assert_eq!(pl.state, State::ModifyComplete);
        // Entries change: version 2.
        let change = M {
            current_version: Some(1),
            add: vec![spec("10.2.0.0/16", Some("new"))],
            remove: vec!["10.0.0.0/16".into()],
            ..m(&id)
        }
        .cmd();
        check(&mut w, &c, change.clone(), Ok(()));
        assert_eq!(w.prefix_lists.get(&id).unwrap().version, 2);
        // The same call again is stale now.
        check(&mut w, &c, change, Err("PrefixListVersionMismatch"));
        check(
            &mut w,
            &c,
            M {
                current_version: Some(0),
                ..m(&id)
            }
            .cmd(),
            Err("InvalidParameterValue"),
        );
        assert_eq!(
            cidr_strings(&entries(&w, &c, &id, None).unwrap()),
            ["10.1.0.0/16", "10.2.0.0/16"]
        );
        assert_eq!(
            cidr_strings(&entries(&w, &c, &id, Some(1)).unwrap()),
            ["10.0.0.0/16", "10.1.0.0/16"]
        );
        for bad in [0, 3] {
            assert_eq!(
                entries(&w, &c, &id, Some(bad)).unwrap_err().code,
                "InvalidParameterValue"
            );
        }
        let e = entries(&w, &c, &id, None).unwrap();
        assert_eq!(e[1].description.as_deref(), Some("new"));
    }

    #[test]
    fn modify_refuses_bad_changes() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &["10.0.0.0/16", "10.1.0.0/16"]);
        let cases: Vec<(Cmd, std::result::Result<(), &str>)> = vec![
            (
                modify("pl-0123456789abcdef0"),
                Err("InvalidPrefixListID.NotFound"),
            ),
            (
                M {
                    name: Some("com.amazonaws.x".into()),
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidParameterValue"),
            ),
            (
                M {
                    max_entries: Some(20),
                    ..m(&id).add(&["10.5.0.0/16"])
                }
                .cmd(),
                Err("InvalidParameterCombination"),
            ),
            (
                m(&id).add(&["10.0.0.0/16"]).cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                m(&id).add(&["10.7.0.0/16", "10.7.0.0/16"]).cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                m(&id).add(&["2001:db8::/32"]).cmd(),
                Err("InvalidParameterValue"),
            ),
            (m(&id).add(&["bogus"]).cmd(), Err("InvalidParameterValue")),
            (
                M {
                    remove: vec!["10.9.0.0/16".into()],
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                M {
                    remove: vec!["junk".into()],
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidParameterValue"),
            ),
            (
                M {
                    remove: vec!["10.0.0.0/16".into()],
                    ..m(&id).add(&["10.0.0.0/16"])
                }
                .cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                M {
                    add: (0..101)
                        .map(|i| spec(&format!("11.{i}.0.0/16"), None))
                        .collect(),
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidParameterValue"),
            ),
            (
                M {
                    max_entries: Some(1),
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                M {
                    max_entries: Some(1001),
                    ..m(&id)
                }
                .cmd(),
                Err("InvalidParameterValue"),
            ),
            (
                M {
                    max_entries: Some(2),
                    ..m(&id)
                }
                .cmd(),
                Ok(()),
            ),
            (
                m(&id).add(&["10.3.0.0/16"]).cmd(),
                Err("InvalidPrefixListModification"),
            ),
            (
                M {
                    max_entries: Some(3),
                    ..m(&id)
                }
                .cmd(),
                Ok(()),
            ),
            (m(&id).add(&["10.3.0.0/16"]).cmd(), Ok(())),
        ];
        for (cmd, expected) in cases {
            check(&mut w, &c, cmd, expected);
        }
        let pl = w.prefix_lists.get(&id).unwrap();
        assert_eq!((pl.max_entries, pl.version, pl.entries().len()), (3, 2, 3));
        // Another account cannot see or change it.
        check(
            &mut w,
            &ctx(B, EAST),
            modify(&id),
            Err("InvalidPrefixListID.NotFound"),
        );
        check(
            &mut w,
            &ctx(A, WEST),
            Cmd::Delete { id: id.clone() },
            Err("InvalidPrefixListID.NotFound"),
        );
    }

    #[test]
    fn old_versions_are_dropped_after_the_limit() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &[]);
        for i in 0..MAX_VERSIONS {
            let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
            let cmd = if i % 2 == 0 {
                m(&id).add(&[cidr.as_str()]).cmd()
            } else {
                let prev = format!("10.{}.{}.0/24", (i - 1) / 256, (i - 1) % 256);
                M {
                    remove: vec![prev],
                    ..m(&id)
                }
                .cmd()
            };
            run(&mut w, &c, cmd).unwrap();
        }
        let pl = w.prefix_lists.get(&id).unwrap();
        assert_eq!(pl.version, MAX_VERSIONS + 1);
        assert_eq!(pl.versions.len() as u64, MAX_VERSIONS);
        assert!(entries(&w, &c, &id, Some(1)).is_err());
        assert!(entries(&w, &c, &id, Some(2)).is_ok());
    }

    fn vpc_of(w: &mut World, c: &Ctx) -> String {
        match w
            .apply(
                c,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: "10.0.0.0/16".into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn delete_refuses_referenced_lists_and_associations_list_them() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &["10.9.0.0/16"]);
        let vpc = vpc_of(&mut w, &c);
        let v = w.vpcs.get(&vpc).unwrap().clone();
        let rtb = v.main_route_table_id.clone();
        let sg = v.default_security_group_id.clone();
        w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
            destination: Destination::PrefixList(id.clone()),
            target: Target::Gateway("igw-0123456789abcdef0".into()),
            origin: Origin::CreateRoute,
        });
        w.security_groups.get_mut(&sg).unwrap().egress.push(Rule {
            rule_id: "sgr-0123456789abcdef0".into(),
            protocol: crate::Protocol::All,
            from_port: None,
            to_port: None,
            peer: Peer::PrefixList(id.clone()),
            description: None,
        });
        // An S3 reference in the same table.
        w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
            destination: Destination::PrefixList("pl-63a5400a".into()),
            target: Target::GatewayEndpoint("vpce-0123456789abcdef0".into()),
            origin: Origin::CreateRoute,
        });
        let mut expected = vec![(rtb.clone(), A.to_string()), (sg.clone(), A.to_string())];
        expected.sort();
        assert_eq!(associations(&w, &c, &id).unwrap(), expected);
        assert_eq!(
            associations(&w, &c, "pl-63a5400a").unwrap(),
            vec![(rtb.clone(), A.to_string())]
        );
        assert!(associations(&w, &ctx(B, EAST), "pl-63a5400a")
            .unwrap()
            .is_empty());
        assert_eq!(
            associations(&w, &ctx(B, EAST), &id).unwrap_err().code,
            "InvalidPrefixListID.NotFound"
        );
        check(
            &mut w,
            &c,
            Cmd::Delete { id: id.clone() },
            Err("DependencyViolation"),
        );
        w.route_tables
            .get_mut(&rtb)
            .unwrap()
            .routes
            .retain(|r| r.destination != Destination::PrefixList(id.clone()));
        check(
            &mut w,
            &c,
            Cmd::Delete { id: id.clone() },
            Err("DependencyViolation"),
        );
        w.security_groups.get_mut(&sg).unwrap().egress.pop();
        check(&mut w, &c, Cmd::Delete { id: id.clone() }, Ok(()));
        assert!(w.prefix_lists.get(&id).is_none());
        check(
            &mut w,
            &c,
            Cmd::Delete { id: id.clone() },
            Err("InvalidPrefixListID.NotFound"),
        );
    }

    #[test]
    fn lookups_for_routes_and_rules() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &["10.9.0.0/16", "10.8.0.0/16"]);
        assert!(exists_for(&w, &c.scope(), &id));
        assert!(!exists_for(&w, &Scope::new(B, EAST), &id));
        assert!(!exists_for(&w, &Scope::new(A, WEST), &id));
        assert_eq!(
            cidrs(&w, &id),
            vec![
                "10.8.0.0/16".parse::<IpNet>().unwrap(),
                "10.9.0.0/16".parse().unwrap()
            ]
        );
        assert_eq!(max_entries(&w, &id), 10);
        assert_eq!(max_entries(&w, "pl-63a5400a"), 2);
        assert_eq!(max_entries(&w, "pl-0000000000000000f"), 0);
        assert!(cidrs(&w, "pl-0000000000000000f").is_empty());
        assert_eq!(
            cidrs(&w, "pl-02cd2c6b"),
            aws_managed_cidrs(EAST, "dynamodb")
        );
        assert_eq!(address_family(&w, &id), Some(AddressFamily::IPv4));
        assert_eq!(address_family(&w, "pl-02cd2c6b"), Some(AddressFamily::IPv4));
        assert!(is_aws_managed(&w, &aws_managed_id(WEST, "s3")));
        assert!(!is_aws_managed(&w, &id));
        assert!(
            sort_key(&"10.9.0.0/16".parse().unwrap()) > sort_key(&"9.0.0.0/8".parse().unwrap())
        );
    }

    #[test]
    fn describe_ids_filters_and_visibility() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &[]);
        let other = create(&mut w, &ctx(B, EAST), &[]);
        let ids = |v: Vec<PrefixList>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
        let mut all = vec!["pl-02cd2c6b", "pl-63a5400a", id.as_str()];
        all.sort();
        assert_eq!(ids(describe(&w, &c, &[], &[]).unwrap()), all);
        assert_eq!(
            ids(describe(&w, &c, &[], &[Filter::new("owner-id", &["AWS"])]).unwrap()),
            ["pl-02cd2c6b", "pl-63a5400a"]
        );
        assert_eq!(
            ids(describe(&w, &c, &[], &[Filter::new("prefix-list-name", &["*.s3"])]).unwrap()),
            ["pl-63a5400a"]
        );
        assert_eq!(
            ids(describe(&w, &c, &[], &[Filter::new("prefix-list-id", &[&id])]).unwrap()),
            [id.as_str()]
        );
        assert_eq!(
            ids(describe(&w, &c, &["pl-02cd2c6b".into()], &[]).unwrap()),
            ["pl-02cd2c6b"]
        );
        for bad in [other.as_str(), "pl-0123456789abcdef0"] {
            assert_eq!(
                describe(&w, &c, &[bad.to_string()], &[]).unwrap_err().code,
                "InvalidPrefixListID.NotFound"
            );
            assert_eq!(
                entries(&w, &c, bad, None).unwrap_err().code,
                "InvalidPrefixListID.NotFound"
            );
        }
        assert_eq!(
            describe(&w, &c, &[], &[Filter::new("vpc-id", &["x"])])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        // Another Region's lists.
        let west = ctx(A, WEST);
        assert_eq!(
            ids(describe(&w, &west, &[], &[]).unwrap()),
            [aws_managed_id(WEST, "s3"), aws_managed_id(WEST, "dynamodb")]
        );
        assert_eq!(
            describe(&w, &west, &["pl-63a5400a".into()], &[])
                .unwrap_err()
                .code,
            "InvalidPrefixListID.NotFound"
        );
    }

    #[test]
    fn legacy_describe_lists_only_service_lists() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &[]);
        let got = describe_legacy(&w, &c, &[], &[]).unwrap();
        assert_eq!(got.len(), 2);
        let got = describe_legacy(
            &w,
            &c,
            &[],
            &[Filter::new(
                "prefix-list-name",
                &["com.amazonaws.us-east-1.dynamodb"],
            )],
        )
        .unwrap();
        assert_eq!(got[0].id, "pl-02cd2c6b");
        assert_eq!(
            describe_legacy(&w, &c, &["pl-63a5400a".into()], &[]).unwrap()[0].name,
            "com.amazonaws.us-east-1.s3"
        );
        assert_eq!(
            describe_legacy(&w, &c, &[id], &[]).unwrap_err().code,
            "InvalidPrefixListId.NotFound"
        );
        assert_eq!(
            describe_legacy(&w, &c, &[], &[Filter::new("owner-id", &["AWS"])])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
    }

    #[test]
    fn entries_of_aws_managed_lists() {
        let w = world(&[]);
        let c = ctx(B, EAST);
        let e = entries(&w, &c, "pl-63a5400a", None).unwrap();
        assert_eq!(cidr_strings(&e), ["52.216.0.0/22", "54.231.0.0/24"]);
        assert!(e.iter().all(|e| e.description.is_none()));
        assert!(entries(&w, &c, "pl-63a5400a", Some(1)).is_ok());
        assert!(entries(&w, &c, "pl-63a5400a", Some(2)).is_err());
    }

    #[test]
    fn snapshots_round_trip() {
        let mut w = world(&[]);
        let c = ctx(A, EAST);
        let id = create(&mut w, &c, &["10.0.0.0/8"]);
        let text = serde_json::to_string(&w).unwrap();
        let mut back: World = serde_json::from_str(&text).unwrap();
        back.restore(Config::default());
        assert_eq!(
            back.prefix_lists.get_in(&c.scope(), &id),
            w.prefix_lists.get(&id)
        );
        assert_eq!(back.prefix_lists.count_in(&c.scope()), 1);
    }
}
