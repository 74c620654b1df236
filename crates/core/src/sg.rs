//! Security groups and their rules, including references to groups in peered VPCs (§1.8).
//!
//! A group holds one [`Rule`] per peer (each with its own `sgr-` id). Rules that reference
//! a group in another VPC need an `active` same-Region peering; when the peering goes away
//! (or the referenced group is deleted) the rule stays but is *stale*: it matches nothing
//! and is listed by DescribeStaleSecurityGroups.

use crate::ids::Kind;
use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::peering::Peering;
use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// What a rule matches on the other end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Peer {
    V4(Ipv4Net),
    V6(Ipv6Net),
    PrefixList(String),
    /// A security group, possibly in a peered VPC of another account.
    Group {
        group_id: String,
        user_id: String,
        vpc_id: Option<String>,
        vpc_peering_connection_id: Option<String>,
    },
}

impl Peer {
    /// The text AWS shows for the peer in `InvalidPermission.Duplicate`.
    fn display(&self) -> String {
        match self {
            Peer::V4(n) => n.to_string(),
            Peer::V6(n) => n.to_string(),
            Peer::PrefixList(id) => id.clone(),
            Peer::Group { group_id, .. } => group_id.clone(),
        }
    }

    /// Identity of the peer for duplicate detection and revocation.
    fn key(&self) -> String {
        match self {
            Peer::Group { group_id, .. } => group_id.clone(),
            other => other.display(),
        }
    }
}

/// One rule (one peer). Ports are -1 for "all" where AWS shows -1; for ICMP they hold
/// the type and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub rule_id: String,
    pub protocol: Protocol,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: Option<String>,
}

impl Rule {
    /// Whether two rules grant the same thing (descriptions and ids aside).
    pub fn same_grant(&self, other: &Rule) -> bool {
        self.protocol == other.protocol
            && self.from_port == other.from_port
            && self.to_port == other.to_port
            && self.peer.key() == other.peer.key()
    }

    /// The IANA protocol number, None for `-1` (all).
    pub fn protocol_number(&self) -> Option<u8> {
        self.protocol.number()
    }
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub name: String,
    pub description: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

impl Resource for SecurityGroup {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl SecurityGroup {
    /// The group ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:security-group/{}",
            self.scope.region, self.scope.account, self.id
        )
    }

    /// The ARN of one of its rules.
    pub fn rule_arn(&self, rule_id: &str) -> String {
        format!(
            "arn:aws:ec2:{}:{}:security-group-rule/{rule_id}",
            self.scope.region, self.scope.account
        )
    }

    /// The rules of one direction.
    pub fn rules(&self, egress: bool) -> &[Rule] {
        if egress {
            &self.egress
        } else {
            &self.ingress
        }
    }

    fn rules_mut(&mut self, egress: bool) -> &mut Vec<Rule> {
        if egress {
            &mut self.egress
        } else {
            &mut self.ingress
        }
    }

    /// A rule by id with its direction (`true` = egress).
    pub fn rule(&self, rule_id: &str) -> Option<(&Rule, bool)> {
        self.ingress
            .iter()
            .map(|r| (r, false))
            .chain(self.egress.iter().map(|r| (r, true)))
            .find(|(r, _)| r.rule_id == rule_id)
    }
}

/// How a command names its group: by id, or (default VPC only) by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupRef {
    Id(String),
    Name(String),
}

/// One peer of a requested permission, as given on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeerSpec {
    Cidr {
        cidr: String,
        description: Option<String>,
    },
    Cidr6 {
        cidr: String,
        description: Option<String>,
    },
    PrefixList {
        id: String,
        description: Option<String>,
    },
    Group {
        group_id: Option<String>,
        group_name: Option<String>,
        user_id: Option<String>,
        description: Option<String>,
    },
}

/// A requested `IpPermission`: protocol, ports and peers, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    pub protocol: Option<String>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub peers: Vec<PeerSpec>,
}

/// A requested replacement of a rule (ModifySecurityGroupRules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleUpdate {
    pub rule_id: String,
    pub protocol: Option<String>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ipv4: Option<String>,
    pub cidr_ipv6: Option<String>,
    pub prefix_list_id: Option<String>,
    pub referenced_group_id: Option<String>,
    pub description: Option<String>,
}

/// Security group commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        name: String,
        description: String,
        vpc_id: Option<String>,
        tags: Vec<TagSpec>,
    },
    Delete {
        group: GroupRef,
    },
    /// Adds rules; outputs the new rule ids.
    Authorize {
        group: GroupRef,
        egress: bool,
        permissions: Vec<Permission>,
        tags: Vec<TagSpec>,
    },
    /// Removes rules (by permission and/or by id); outputs the removed rule ids.
    Revoke {
        group: GroupRef,
        egress: bool,
        permissions: Vec<Permission>,
        rule_ids: Vec<String>,
    },
    ModifyRules {
        group_id: String,
        rules: Vec<RuleUpdate>,
    },
}

fn different_networks() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidGroupNotFound,
        "You have specified two resources that belong to different networks.",
    )
}

fn no_default_vpc() -> ApiError {
    ApiError::new(ErrorCode::VPCIdNotSpecified, "No default VPC for this user")
}

/// The caller's group `id`, or `InvalidGroup.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w SecurityGroup> {
    w.security_groups
        .get_in(scope, id)
        .ok_or_else(|| Kind::SecurityGroup.not_found(id))
}

/// The scope's default VPC id, or `VPCIdNotSpecified`.
fn default_vpc(w: &World, scope: &Scope) -> Result<String> {
    w.vpcs
        .in_scope(scope)
        .find(|v| v.is_default)
        .map(|v| v.id.clone())
        .ok_or_else(no_default_vpc)
}

/// A group by name in the scope's default VPC.
pub fn by_name_in_default_vpc<'w>(
    w: &'w World,
    scope: &Scope,
    name: &str,
) -> Result<&'w SecurityGroup> {
    let vpc_id = default_vpc(w, scope)?;
    w.security_groups
        .in_scope(scope)
        .find(|g| g.vpc_id == vpc_id && g.name == name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidGroupNotFound,
                format!("The security group '{name}' does not exist in default VPC '{vpc_id}'"),
            )
        })
}

fn resolve<'w>(w: &'w World, scope: &Scope, group: &GroupRef) -> Result<&'w SecurityGroup> {
    match group {
        GroupRef::Id(id) => get(w, scope, id),
        GroupRef::Name(name) => by_name_in_default_vpc(w, scope, name),
    }
}

/// Applies a security group command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            name,
            description,
            vpc_id,
            tags: specs,
        } => create(w, ctx, &name, &description, vpc_id, &specs),
        Cmd::Delete { group } => delete(w, ctx, &group),
        Cmd::Authorize {
            group,
            egress,
            permissions,
            tags: specs,
        } => authorize(w, ctx, &group, egress, &permissions, &specs),
        Cmd::Revoke {
            group,
            egress,
            permissions,
            rule_ids,
        } => revoke(w, ctx, &group, egress, &permissions, &rule_ids),
        Cmd::ModifyRules { group_id, rules } => modify_rules(w, ctx, &group_id, &rules),
    }
}

const NAME_CHARS: &str = "._-:/()#,@[]+=&;{}!$*";

fn check_text(param: &str, value: &str) -> Result<()> {
    if value.chars().count() > 255 {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Length exceeds maximum of 255 characters."
        )));
    }
    if !value.is_ascii() {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Character sets beyond ASCII are not supported."
        )));
    }
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || NAME_CHARS.contains(c));
    if !ok {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Valid characters are a-z, A-Z, 0-9, spaces, and {NAME_CHARS}"
        )));
    }
    Ok(())
}

fn check_rule_description(d: &Option<String>) -> Result<()> {
    let Some(d) = d else { return Ok(()) };
    let ok = d.chars().count() < 256
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || NAME_CHARS.contains(c));
    if !ok {
        return Err(ApiError::invalid_value(
            "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
        ));
    }
    Ok(())
}

fn create(
    w: &mut World,
    ctx: &Ctx,
    name: &str,
    description: &str,
    vpc_id: Option<String>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    if name.is_empty() {
        return Err(ApiError::missing("GroupName"));
    }
    if description.is_empty() {
        return Err(ApiError::missing("GroupDescription"));
    }
    check_text("GroupName", name)?;
    check_text("GroupDescription", description)?;
    if name.to_ascii_lowercase().starts_with("sg-") {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter GroupName is invalid. Group names may not be in the format sg-*."
        )));
    }
    if name == "default" {
        return Err(ApiError::new(
            ErrorCode::InvalidGroupReserved,
            "The security group 'default' is reserved",
        ));
    }
    let vpc_id = match vpc_id {
        Some(id) => crate::vpc::get(w, &scope, &id)?.id.clone(),
        None => default_vpc(w, &scope)?,
    };
    if w.security_groups
        .values()
        .any(|g| g.vpc_id == vpc_id && g.name == name)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidGroupDuplicate,
            format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
        ));
    }
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::SECURITY_GROUPS_PER_VPC)
    {
        let count = w
            .security_groups
            .values()
            .filter(|g| g.vpc_id == vpc_id)
            .count();
        if count >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::SecurityGroupLimitExceeded,
                format!(
                    "The maximum number of security groups for VPC '{vpc_id}' has been reached."
                ),
            ));
        }
    }
    tags::check_specs(specs, "security-group")?;
    let has_ipv6 = w
        .vpcs
        .get(&vpc_id)
        .is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let id = w.ids.id(Kind::SecurityGroup);
    let mut egress = vec![allow_all_egress_v4(w)];
    if has_ipv6 {
        egress.push(allow_all_egress_v6(w));
    }
    w.security_groups.insert(SecurityGroup {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id,
        name: name.to_string(),
        description: description.to_string(),
        ingress: Vec::new(),
        egress,
    });
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

/// Whether any group other than `id` itself references `id` through a rule that is not
/// stale; returns that group's id.
fn referenced_by(w: &World, id: &str) -> Option<String> {
    w.security_groups.values().find_map(|g| {
        if g.id == id {
            return None;
        }
        g.ingress
            .iter()
            .chain(g.egress.iter())
            .any(|r| {
                matches!(&r.peer, Peer::Group { group_id, .. } if group_id == id)
                    && !reference_is_stale(w, g, r)
            })
            .then(|| g.id.clone())
    })
}

fn delete(w: &mut World, ctx: &Ctx, group: &GroupRef) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, &scope, group)?;
    let id = g.id.clone();
    let is_default = w
        .vpcs
        .get(&g.vpc_id)
        .is_some_and(|v| v.default_security_group_id == id);
    if is_default {
        return Err(ApiError::new(
            ErrorCode::CannotDelete,
            format!(
                "the specified group: \"{id}\" name: \"{}\" cannot be deleted by a user",
                g.name
            ),
        ));
    }
    if let Some(other) = referenced_by(w, &id) {
        return Err(ApiError::new(
            ErrorCode::InvalidGroupInUse,
            format!("The security group '{id}' is referenced by security group '{other}'"),
        ));
    }
    if w.network_interfaces
        .values()
        .any(|e| e.groups.iter().any(|gid| gid == &id))
        || w.security_group_used_by_endpoint(&id)
    {
        return Err(ApiError::dependency(format!(
            "resource {id} has a dependent object"
        )));
    }
    let removed = w.security_groups.remove(&id).expect("resolved");
    for r in removed.ingress.iter().chain(removed.egress.iter()) {
        tags::forget(w, &r.rule_id);
    }
    tags::forget(w, &id);
    Ok(Output::Id(id))
}

/// Validates protocol and ports; returns (protocol, from, to) as stored.
fn protocol_and_ports(
    protocol: Option<&str>,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<(Protocol, Option<i32>, Option<i32>)> {
    let Some(raw) = protocol.filter(|p| !p.is_empty()) else {
        return Err(ApiError::invalid_value(
            "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
        ));
    };
    let protocol = Protocol::parse(raw.trim()).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Invalid value '{raw}' for IP protocol. Unknown protocol."
        ))
    })?;
    if protocol.has_ports() {
        {
            let (Some(from), Some(to)) = (from, to) else {
                return Err(ApiError::invalid_value(
                    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange",
                ));
            };
            if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                return Err(ApiError::new(
                    ErrorCode::InvalidPermissionMalformed,
                    format!("Invalid TCP/UDP port range {from}-{to}."),
                ));
            }
            Ok((protocol, Some(from as i32), Some(to as i32)))
        }
    } else if protocol.is_icmp() {
        {
            let (Some(t), Some(c)) = (from, to) else {
                let name = if protocol == Protocol::ICMP {
                    "ICMP"
                } else {
                    "ICMPv6"
                };
                return Err(ApiError::invalid_value(format!(
                    "Invalid value 'Must specify both from and to ports with {name}.' for portRange"
                )));
            };
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) || (t == -1 && c != -1) {
                return Err(ApiError::new(
                    ErrorCode::InvalidPermissionMalformed,
                    format!("Invalid ICMP type/code {t}/{c}."),
                ));
            }
            Ok((protocol, Some(t as i32), Some(c as i32)))
        }
    } else {
        Ok((protocol, None, None))
    }
}

/// The rule text of `InvalidPermission.Duplicate` / `.NotFound` messages.
fn describe_rule(r: &Rule) -> String {
    let name = r.protocol.name().to_ascii_uppercase();
    let proto = if r.protocol.has_ports() {
        format!(
            "{name}, from port: {}, to port: {}",
            r.from_port.unwrap_or(-1),
            r.to_port.unwrap_or(-1)
        )
    } else if r.protocol.is_icmp() {
        format!(
            "{name}, type: {}, code: {}",
            r.from_port.unwrap_or(-1),
            r.to_port.unwrap_or(-1)
        )
    } else if r.protocol == Protocol::All {
        "ALL".to_string()
    } else {
        format!("protocol: {}", r.protocol.name())
    };
    format!("peer: {}, {proto}, ALLOW", r.peer.display())
}

/// The active same-Region peering joining two VPCs, if any.
pub fn active_link<'w>(w: &'w World, vpc_a: &str, vpc_b: &str) -> Option<&'w Peering> {
    w.peerings.of_vpc(vpc_a).find(|p| {
        p.status.is_active()
            && !p.is_inter_region()
            && p.other_vpc(vpc_a).is_some_and(|o| o.vpc_id == vpc_b)
    })
}

/// Resolves a referenced group for a rule of `owner` (validating reachability).
/// `lenient` (revocation): ids are taken as given without existence checks.
fn resolve_group_peer(
    w: &World,
    scope: &Scope,
    owner: &SecurityGroup,
    group_id: Option<&str>,
    group_name: Option<&str>,
    user_id: Option<&str>,
    lenient: bool,
) -> Result<Peer> {
    let user = user_id
        .filter(|u| !u.is_empty())
        .unwrap_or(&scope.account)
        .to_string();
    let referenced = match (group_id.filter(|s| !s.is_empty()), group_name) {
        (Some(id), _) => match w
            .security_groups
            .get(id)
            .filter(|g| g.scope.account == user)
        {
            Some(g) => g,
            None if lenient => {
                return Ok(Peer::Group {
                    group_id: id.to_string(),
                    user_id: user,
                    vpc_id: None,
                    vpc_peering_connection_id: None,
                })
            }
            None => return Err(Kind::SecurityGroup.not_found(id)),
        },
        (None, Some(name)) if !name.is_empty() => w
            .security_groups
            .values()
            .find(|g| g.scope.account == user && g.vpc_id == owner.vpc_id && g.name == name)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidGroupNotFound,
                    format!(
                        "The security group '{name}' does not exist in VPC '{}'",
                        owner.vpc_id
                    ),
                )
            })?,
        _ => {
            return Err(ApiError::missing(
                "Groups.N.GroupId (or GroupName) of the user id group pair",
            ))
        }
    };
    if referenced.vpc_id == owner.vpc_id {
        return Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: None,
            vpc_peering_connection_id: None,
        });
    }
    if referenced.scope.region != owner.scope.region {
        return Err(different_networks());
    }
    match active_link(w, &owner.vpc_id, &referenced.vpc_id) {
        Some(p) => Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: Some(referenced.vpc_id.clone()),
            vpc_peering_connection_id: Some(p.id.clone()),
        }),
        None if lenient => Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: Some(referenced.vpc_id.clone()),
            vpc_peering_connection_id: None,
        }),
        None => Err(different_networks()),
    }
}

fn parse_v4(raw: &str) -> Result<Ipv4Net> {
    cidr::parse_v4(raw)
        .ok_or_else(|| ApiError::invalid_value(format!("CIDR block {raw} is malformed")))
}

fn parse_v6(raw: &str) -> Result<Ipv6Net> {
    cidr::parse_v6(raw)
        .ok_or_else(|| ApiError::invalid_value(format!("CIDR block {raw} is malformed")))
}

/// Validates permissions into rules without ids (rule_id empty).
fn drafts(
    w: &World,
    scope: &Scope,
    owner: &SecurityGroup,
    permissions: &[Permission],
    lenient: bool,
) -> Result<Vec<Rule>> {
    let mut out: Vec<Rule> = Vec::new();
    for p in permissions {
        let (protocol, from_port, to_port) =
            protocol_and_ports(p.protocol.as_deref(), p.from_port, p.to_port)?;
        if p.peers.is_empty() {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "Missing source specification: include source security group or CIDR information",
            ));
        }
        for spec in &p.peers {
            let (peer, description) = match spec {
                PeerSpec::Cidr { cidr, description } => (Peer::V4(parse_v4(cidr)?), description),
                PeerSpec::Cidr6 { cidr, description } => (Peer::V6(parse_v6(cidr)?), description),
                PeerSpec::PrefixList { id, description } => {
                    if !crate::prefix_list::exists_for(w, scope, id) {
                        return Err(Kind::PrefixList.not_found(id));
                    }
                    (Peer::PrefixList(id.clone()), description)
                }
                PeerSpec::Group {
                    group_id,
                    group_name,
                    user_id,
                    description,
                } => (
                    resolve_group_peer(
                        w,
                        scope,
                        owner,
                        group_id.as_deref(),
                        group_name.as_deref(),
                        user_id.as_deref(),
                        lenient,
                    )?,
                    description,
                ),
            };
            if !lenient {
                check_rule_description(description)?;
            }
            let rule = Rule {
                rule_id: String::new(),
                protocol,
                from_port,
                to_port,
                peer,
                description: description.clone().filter(|d| !d.is_empty()),
            };
            if out.iter().any(|r| r.same_grant(&rule)) {
                return Err(ApiError::invalid_value(
                    "The same permission must not appear multiple times",
                ));
            }
            out.push(rule);
        }
    }
    Ok(out)
}

fn authorize(
    w: &mut World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, &scope, group)?;
    if permissions.is_empty() {
        return Err(ApiError::missing("IpPermissions"));
    }
    let new = drafts(w, &scope, g, permissions, false)?;
    let existing = g.rules(egress);
    if let Some(dup) = new
        .iter()
        .find(|n| existing.iter().any(|e| e.same_grant(n)))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidPermissionDuplicate,
            format!(
                "the specified rule \"{}\" already exists",
                describe_rule(dup)
            ),
        ));
    }
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::RULES_PER_SECURITY_GROUP)
    {
        if existing.len() + new.len() > limit as usize {
            return Err(ApiError::new(
                ErrorCode::RulesPerSecurityGroupLimitExceeded,
                "The maximum number of rules per security group has been reached.",
            ));
        }
    }
    tags::check_specs(specs, "security-group-rule")?;
    let id = g.id.clone();
    let mut ids = Vec::new();
    let mut rules = Vec::new();
    for mut r in new {
        r.rule_id = w.ids.id(Kind::SecurityGroupRule);
        ids.push(r.rule_id.clone());
        rules.push(r);
    }
    w.security_groups
        .get_mut(&id)
        .expect("resolved")
        .rules_mut(egress)
        .extend(rules);
    for rule_id in &ids {
        tags::apply_specs(w, &scope, rule_id, specs);
    }
    Ok(Output::Ids(ids))
}

/// Permissions of a revocation that match no rule of the group (default-VPC groups report
/// these instead of failing). Empty when the group cannot be resolved.
pub fn unknown_permissions(
    w: &World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
) -> Vec<Rule> {
    let scope = ctx.scope();
    let Ok(g) = resolve(w, &scope, group) else {
        return Vec::new();
    };
    let Ok(wanted) = drafts(w, &scope, g, permissions, true) else {
        return Vec::new();
    };
    wanted
        .into_iter()
        .filter(|d| !g.rules(egress).iter().any(|r| r.same_grant(d)))
        .collect()
}

fn revoke(
    w: &mut World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
    rule_ids: &[String],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, &scope, group)?;
    if permissions.is_empty() && rule_ids.is_empty() {
        return Err(ApiError::missing("IpPermissions"));
    }
    let in_default_vpc = w.vpcs.get(&g.vpc_id).is_some_and(|v| v.is_default);
    let wanted = drafts(w, &scope, g, permissions, true)?;
    let mut remove: BTreeSet<String> = BTreeSet::new();
    for d in &wanted {
        match g.rules(egress).iter().find(|r| r.same_grant(d)) {
            Some(r) => {
                remove.insert(r.rule_id.clone());
            }
            None if in_default_vpc => {}
            None => {
                return Err(ApiError::new(
                    ErrorCode::InvalidPermissionNotFound,
                    format!(
                        "The specified rule \"{}\" does not exist in this security group.",
                        describe_rule(d)
                    ),
                ))
            }
        }
    }
    for rule_id in rule_ids {
        if !g.rules(egress).iter().any(|r| &r.rule_id == rule_id) {
            return Err(Kind::SecurityGroupRule.not_found(rule_id));
        }
        remove.insert(rule_id.clone());
    }
    let id = g.id.clone();
    let rules = w
        .security_groups
        .get_mut(&id)
        .expect("resolved")
        .rules_mut(egress);
    let removed: Vec<String> = rules
        .iter()
        .filter(|r| remove.contains(&r.rule_id))
        .map(|r| r.rule_id.clone())
        .collect();
    rules.retain(|r| !remove.contains(&r.rule_id));
    for rule_id in &removed {
        tags::forget(w, rule_id);
    }
    Ok(Output::Ids(removed))
}

fn modify_rules(
    w: &mut World,
    ctx: &Ctx,
    group_id: &str,
    updates: &[RuleUpdate],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = get(w, &scope, group_id)?;
    if updates.is_empty() {
        return Err(ApiError::missing("SecurityGroupRule"));
    }
    let mut replaced: Vec<(Rule, bool)> = Vec::new();
    for u in updates {
        let Some((old, egress)) = g.rule(&u.rule_id) else {
            return Err(Kind::SecurityGroupRule.not_found(&u.rule_id));
        };
        let peers: Vec<PeerSpec> = [
            u.cidr_ipv4.clone().map(|cidr| PeerSpec::Cidr {
                cidr,
                description: u.description.clone(),
            }),
            u.cidr_ipv6.clone().map(|cidr| PeerSpec::Cidr6 {
                cidr,
                description: u.description.clone(),
            }),
            u.prefix_list_id.clone().map(|id| PeerSpec::PrefixList {
                id,
                description: u.description.clone(),
            }),
            u.referenced_group_id.clone().map(|id| PeerSpec::Group {
                group_id: Some(id),
                group_name: None,
                user_id: None,
                description: u.description.clone(),
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        if peers.len() > 1 {
            return Err(ApiError::invalid_combination(
                "Only one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId may be specified.",
            ));
        }
        let permission = Permission {
            protocol: u.protocol.clone(),
            from_port: u.from_port,
            to_port: u.to_port,
            peers,
        };
        let mut draft = drafts(w, &scope, g, std::slice::from_ref(&permission), false)?
            .pop()
            .expect("one peer gives one rule");
        draft.rule_id = old.rule_id.clone();
        let clash = g
            .rules(egress)
            .iter()
            .filter(|r| r.rule_id != old.rule_id && !updates.iter().any(|u| u.rule_id == r.rule_id))
            .chain(
                replaced
                    .iter()
                    .filter(|(_, e)| *e == egress)
                    .map(|(r, _)| r),
            )
            .any(|r| r.same_grant(&draft));
        if clash {
            return Err(ApiError::new(
                ErrorCode::InvalidPermissionDuplicate,
                format!(
                    "the specified rule \"{}\" already exists",
                    describe_rule(&draft)
                ),
            ));
        }
        replaced.push((draft, egress));
    }
    let id = g.id.clone();
    let g = w.security_groups.get_mut(&id).expect("resolved");
    for (rule, egress) in replaced {
        if let Some(slot) = g
            .rules_mut(egress)
            .iter_mut()
            .find(|r| r.rule_id == rule.rule_id)
        {
            *slot = rule;
        }
    }
    Ok(Output::Done)
}

/// Creates the VPC's default group: inbound from itself, outbound to everywhere.
pub fn create_default(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::SecurityGroup);
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let ingress = vec![Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::Group {
            group_id: id.clone(),
            user_id: scope.account.clone(),
            vpc_id: None,
            vpc_peering_connection_id: None,
        },
        description: None,
    }];
    let mut egress = vec![allow_all_egress_v4(w)];
    if has_ipv6 {
        egress.push(allow_all_egress_v6(w));
    }
    w.security_groups.insert(SecurityGroup {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        name: "default".into(),
        description: "default VPC security group".into(),
        ingress,
        egress,
    });
    id
}

/// The egress rule every new group starts with: all traffic to 0.0.0.0/0.
pub fn allow_all_egress_v4(w: &mut World) -> Rule {
    Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::V4("0.0.0.0/0".parse().expect("constant")),
        description: None,
    }
}

/// The IPv6 egress rule a group of a VPC with IPv6 starts with: all traffic to ::/0.
pub fn allow_all_egress_v6(w: &mut World) -> Rule {
    Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::V6("::/0".parse().expect("constant")),
        description: None,
    }
}

// ---------------------------------------------------------------------------------------
// References and staleness

/// Whether a rule of `group` references a group it can no longer reach: the referenced
/// group is gone, or it lives in another VPC no longer joined by an active same-Region
/// peering. Non-group rules are never stale. Stale rules match nothing.
pub fn reference_is_stale(w: &World, group: &SecurityGroup, rule: &Rule) -> bool {
    let Peer::Group { group_id, .. } = &rule.peer else {
        return false;
    };
    let Some(referenced) = w.security_groups.get(group_id) else {
        return true;
    };
    if referenced.vpc_id == group.vpc_id {
        return false;
    }
    active_link(w, &group.vpc_id, &referenced.vpc_id).is_none()
}

/// How a group reference is shown (`groups` items, `referencedGroupInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceInfo {
    pub group_id: String,
    pub user_id: String,
    pub group_name: Option<String>,
    /// Set for a group in another VPC.
    pub vpc_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    /// `active`, `deleted`, … for a group in another VPC.
    pub peering_status: Option<String>,
}

/// The display of a group peer of a rule of `owner` (None for non-group peers).
pub fn reference_info(w: &World, owner: &SecurityGroup, peer: &Peer) -> Option<ReferenceInfo> {
    let Peer::Group {
        group_id,
        user_id,
        vpc_id,
        vpc_peering_connection_id,
    } = peer
    else {
        return None;
    };
    let referenced = w.security_groups.get(group_id);
    let ref_vpc = referenced.map(|g| g.vpc_id.clone()).or(vpc_id.clone());
    let cross = ref_vpc.as_ref().is_some_and(|v| v != &owner.vpc_id);
    let (pcx, status) = if cross {
        let ref_vpc = ref_vpc.clone().expect("cross implies known");
        match active_link(w, &owner.vpc_id, &ref_vpc) {
            Some(p) => (Some(p.id.clone()), Some("active".to_string())),
            None => {
                let status = vpc_peering_connection_id
                    .as_ref()
                    .and_then(|id| w.peerings.get(id))
                    .map(|p| p.status.as_str())
                    .filter(|s| *s != "active")
                    .unwrap_or("deleted");
                (vpc_peering_connection_id.clone(), Some(status.to_string()))
            }
        }
    } else {
        (None, None)
    };
    Some(ReferenceInfo {
        group_id: group_id.clone(),
        user_id: user_id.clone(),
        group_name: referenced
            .filter(|g| g.scope == owner.scope)
            .map(|g| g.name.clone()),
        vpc_id: if cross { ref_vpc } else { None },
        vpc_peering_connection_id: pcx,
        peering_status: status,
    })
}

/// A group of DescribeStaleSecurityGroups with its stale rules.
#[derive(Debug, Clone)]
pub struct StaleGroup<'w> {
    pub group: &'w SecurityGroup,
    pub ingress: Vec<&'w Rule>,
    pub egress: Vec<&'w Rule>,
}

/// DescribeStaleSecurityGroups: the caller's groups of `vpc_id` with stale references.
pub fn stale<'w>(w: &'w World, ctx: &Ctx, vpc_id: &str) -> Result<Vec<StaleGroup<'w>>> {
    let scope = ctx.scope();
    crate::vpc::get(w, &scope, vpc_id)?;
    Ok(w.security_groups
        .in_scope(&scope)
        .filter(|g| g.vpc_id == vpc_id)
        .filter_map(|g| {
            let pick = |rules: &'w [Rule]| -> Vec<&'w Rule> {
                rules
                    .iter()
                    .filter(|r| reference_is_stale(w, g, r))
                    .collect()
            };
            let s = StaleGroup {
                group: g,
                ingress: pick(&g.ingress),
                egress: pick(&g.egress),
            };
            (!s.ingress.is_empty() || !s.egress.is_empty()).then_some(s)
        })
        .collect())
}

/// One item of DescribeSecurityGroupReferences.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    pub group_id: String,
    pub referencing_vpc_id: String,
    pub vpc_peering_connection_id: String,
}

/// DescribeSecurityGroupReferences: other VPCs' groups referencing the caller's groups
/// through an active peering.
pub fn references(w: &World, ctx: &Ctx, group_ids: &[String]) -> Result<Vec<Reference>> {
    let scope = ctx.scope();
    if group_ids.is_empty() {
        return Err(ApiError::missing("GroupId"));
    }
    let mut out = BTreeSet::new();
    for id in group_ids {
        let target = get(w, &scope, id)?;
        for g in w.security_groups.values() {
            if g.vpc_id == target.vpc_id {
                continue;
            }
            let refers = g
                .ingress
                .iter()
                .chain(g.egress.iter())
                .any(|r| matches!(&r.peer, Peer::Group { group_id, .. } if group_id == id));
            if !refers {
                continue;
            }
            if let Some(p) = active_link(w, &g.vpc_id, &target.vpc_id) {
                out.insert(Reference {
                    group_id: id.clone(),
                    referencing_vpc_id: g.vpc_id.clone(),
                    vpc_peering_connection_id: p.id.clone(),
                });
            }
        }
    }
    Ok(out.into_iter().collect())
}

// ---------------------------------------------------------------------------------------
// Describe

/// Filters DescribeSecurityGroups accepts.
pub const FILTERS: &[&str] = &[
    "description",
    "egress.ip-permission.cidr",
    "egress.ip-permission.from-port",
    "egress.ip-permission.group-id",
    "egress.ip-permission.group-name",
    "egress.ip-permission.ipv6-cidr",
    "egress.ip-permission.prefix-list-id",
    "egress.ip-permission.protocol",
    "egress.ip-permission.to-port",
    "egress.ip-permission.user-id",
    "group-id",
    "group-name",
    "ip-permission.cidr",
    "ip-permission.from-port",
    "ip-permission.group-id",
    "ip-permission.group-name",
    "ip-permission.ipv6-cidr",
    "ip-permission.prefix-list-id",
    "ip-permission.protocol",
    "ip-permission.to-port",
    "ip-permission.user-id",
    "owner-id",
    "vpc-id",
];

/// DescribeSecurityGroups: by id, by name (default VPC), or all of the caller's.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    names: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w SecurityGroup>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&SecurityGroup> = if ids.is_empty() && names.is_empty() {
        w.security_groups.in_scope(&scope).collect()
    } else {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for id in ids {
            let g = get(w, &scope, id)?;
            if seen.insert(g.id.clone()) {
                out.push(g);
            }
        }
        for name in names {
            let g = by_name_in_default_vpc(w, &scope, name)?;
            if seen.insert(g.id.clone()) {
                out.push(g);
            }
        }
        out
    };
    Ok(candidates
        .into_iter()
        .filter(|g| {
            filter::matches(filters, tags::of(w, &scope, &g.id), |name| {
                field(w, g, name)
            })
        })
        .collect())
}

/// A rule's protocol as filters match it: the name it shows and its number.
fn protocol_values(protocol: Protocol) -> Vec<String> {
    let mut v = vec![protocol.name()];
    if protocol.known_name().is_some() {
        v.push(protocol.number_text());
    }
    v
}

fn rule_field(w: &World, g: &SecurityGroup, rules: &[Rule], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in rules {
        match name {
            "cidr" => {
                if let Peer::V4(n) = &r.peer {
                    out.push(n.to_string())
                }
            }
            "ipv6-cidr" => {
                if let Peer::V6(n) = &r.peer {
                    out.push(n.to_string())
                }
            }
            "prefix-list-id" => {
                if let Peer::PrefixList(id) = &r.peer {
                    out.push(id.clone())
                }
            }
            "from-port" => out.extend(r.from_port.map(|p| p.to_string())),
            "to-port" => out.extend(r.to_port.map(|p| p.to_string())),
            "protocol" => out.extend(protocol_values(r.protocol)),
            "group-id" | "group-name" | "user-id" => {
                if let Some(info) = reference_info(w, g, &r.peer) {
                    match name {
                        "group-id" => out.push(info.group_id),
                        "group-name" => out.extend(info.group_name),
                        _ => out.push(info.user_id),
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn field(w: &World, g: &SecurityGroup, name: &str) -> Vec<String> {
    if let Some(rest) = name.strip_prefix("egress.ip-permission.") {
        return rule_field(w, g, &g.egress, rest);
    }
    if let Some(rest) = name.strip_prefix("ip-permission.") {
        return rule_field(w, g, &g.ingress, rest);
    }
    match name {
        "description" => filter::s(&g.description),
        "group-id" => filter::s(&g.id),
        "group-name" => filter::s(&g.name),
        "owner-id" => filter::s(&g.scope.account),
        "vpc-id" => filter::s(&g.vpc_id),
        _ => Vec::new(),
    }
}

/// One rule with its group and direction (DescribeSecurityGroupRules).
#[derive(Debug, Clone, Copy)]
pub struct RuleView<'w> {
    pub group: &'w SecurityGroup,
    pub rule: &'w Rule,
    pub egress: bool,
}

/// Filters DescribeSecurityGroupRules accepts.
pub const RULE_FILTERS: &[&str] = &["group-id", "security-group-rule-id"];

/// DescribeSecurityGroupRules over the caller's groups.
pub fn describe_rules<'w>(
    w: &'w World,
    ctx: &Ctx,
    rule_ids: &[String],
    filters: &[Filter],
) -> Result<Vec<RuleView<'w>>> {
    filter::check_names(filters, RULE_FILTERS)?;
    let scope = ctx.scope();
    let all: Vec<RuleView> = w
        .security_groups
        .in_scope(&scope)
        .flat_map(|g| {
            g.ingress
                .iter()
                .map(move |r| RuleView {
                    group: g,
                    rule: r,
                    egress: false,
                })
                .chain(g.egress.iter().map(move |r| RuleView {
                    group: g,
                    rule: r,
                    egress: true,
                }))
        })
        .collect();
    let candidates: Vec<RuleView> = if rule_ids.is_empty() {
        all
    } else {
        rule_ids
            .iter()
            .map(|id| {
                all.iter()
                    .find(|v| &v.rule.rule_id == id)
                    .copied()
                    .ok_or_else(|| Kind::SecurityGroupRule.not_found(id))
            })
            .collect::<Result<_>>()?
    };
    Ok(candidates
        .into_iter()
        .filter(|v| {
            filter::matches(
                filters,
                tags::of(w, &scope, &v.rule.rule_id),
                |name| match name {
                    "group-id" => filter::s(&v.group.id),
                    "security-group-rule-id" => filter::s(&v.rule.rule_id),
                    _ => Vec::new(),
                },
            )
        })
        .collect())
}

/// Whether `scope` owns a rule `rule_id` (for tagging).
pub fn rule_visible(w: &World, scope: &Scope, rule_id: &str) -> bool {
    w.security_groups
        .in_scope(scope)
        .any(|g| g.rule(rule_id).is_some())
}

// ---------------------------------------------------------------------------------------
// Evaluation helpers for the reachability engine

/// Whether a rule's protocol and ports admit a packet of IANA `protocol` to `port`
/// (for ICMP/ICMPv6, `port` carries the ICMP type). `port` None matches only rules
/// that do not restrict ports.
pub fn protocol_matches(rule: &Rule, protocol: u8, port: Option<u16>) -> bool {
    let Some(want) = rule.protocol_number() else {
        return true;
    };
    if want != protocol {
        return false;
    }
    if rule.protocol.has_ports() {
        let (from, to) = (rule.from_port.unwrap_or(0), rule.to_port.unwrap_or(65535));
        match port {
            Some(p) => (from..=to).contains(&i32::from(p)),
            None => from == 0 && to == 65535,
        }
    } else if rule.protocol.is_icmp() {
        match rule.from_port.unwrap_or(-1) {
            -1 => true,
            t => port.is_some_and(|p| i32::from(p) == t),
        }
    } else {
        true
    }
}

/// Whether a rule of `group` matches a packet whose other end is `addr`, member of the
/// groups `peer_groups`. Stale group references and prefix lists (not modelled yet)
/// match nothing.
pub fn rule_matches(
    w: &World,
    group: &SecurityGroup,
    rule: &Rule,
    protocol: u8,
    port: Option<u16>,
    addr: IpAddr,
    peer_groups: &[String],
) -> bool {
    if !protocol_matches(rule, protocol, port) {
        return false;
    }
    match (&rule.peer, addr) {
        (Peer::V4(net), IpAddr::V4(a)) => net.contains(&a),
        (Peer::V6(net), IpAddr::V6(a)) => net.contains(&a),
        (Peer::Group { group_id, .. }, _) => {
            peer_groups.iter().any(|g| g == group_id) && !reference_is_stale(w, group, rule)
        }
        _ => false,
    }
}

/// Whether `group` allows the packet in the given direction (any matching rule).
pub fn allows(
    w: &World,
    group: &SecurityGroup,
    egress: bool,
    protocol: u8,
    port: Option<u16>,
    addr: IpAddr,
    peer_groups: &[String],
) -> bool {
    group
        .rules(egress)
        .iter()
        .any(|r| rule_matches(w, group, r, protocol, port, addr, peer_groups))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // data-driven case tables
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::{peering, vpc, Command};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn world(quotas: &[&str]) -> World {
        let mut config = Config::default();
        for q in quotas {
            config.quotas.set_from_arg(q).unwrap();
        }
        World::new(config, 1)
    }

    fn ctx(account: &str) -> Ctx {
        Ctx::new(account, "us-east-1", 0)
    }

    fn init(w: &mut World, ctx: &Ctx) {
        w.apply(ctx, Command::InitScope).unwrap();
    }

    /// Applies `cmd`; with `expect = Some(code)` asserts that error and an unchanged world.
    fn check(w: &mut World, ctx: &Ctx, cmd: Command, expect: Option<&str>) -> Option<Output> {
        let before = format!("{w:?}");
        let got = w.apply(ctx, cmd.clone());
        match (got, expect) {
            (Ok(out), None) => Some(out),
            (Err(e), Some(code)) => {
                assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
                assert_eq!(before, format!("{w:?}"), "{cmd:?} mutated");
                None
            }
            (got, expect) => panic!("{cmd:?}: got {got:?}, expected {expect:?}"),
        }
    }

    fn err(w: &mut World, ctx: &Ctx, cmd: Cmd) -> ApiError {
        w.apply(ctx, Command::Sg(cmd)).unwrap_err()
    }

    fn new_vpc(w: &mut World, ctx: &Ctx, cidr: &str, ipv6: bool) -> String {
        let out = w
            .apply(
                ctx,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: cidr.into(),
                    amazon_ipv6: ipv6,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap();
        match out {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    fn create(w: &mut World, ctx: &Ctx, name: &str, vpc_id: Option<&str>) -> String {
        let out = check(
            w,
            ctx,
            Command::Sg(Cmd::Create {
                name: name.into(),
                description: "d".into(),
                vpc_id: vpc_id.map(str::to_string),
                tags: vec![],
            }),
            None,
        );
        match out {
            Some(Output::Id(id)) => id,
            other => panic!("{other:?}"),
        }
    }

    fn tcp(port: i64, cidr: &str) -> Permission {
        Permission {
            protocol: Some("tcp".into()),
            from_port: Some(port),
            to_port: Some(port),
            peers: vec![PeerSpec::Cidr {
                cidr: cidr.into(),
                description: None,
            }],
        }
    }

    fn group_peer(protocol: &str, group_id: &str, user_id: Option<&str>) -> Permission {
        Permission {
            protocol: Some(protocol.into()),
            from_port: None,
            to_port: None,
            peers: vec![PeerSpec::Group {
                group_id: Some(group_id.into()),
                group_name: None,
                user_id: user_id.map(str::to_string),
                description: None,
            }],
        }
    }

    fn authorize(id: &str, egress: bool, permissions: Vec<Permission>) -> Command {
        Command::Sg(Cmd::Authorize {
            group: GroupRef::Id(id.into()),
            egress,
            permissions,
            tags: vec![],
        })
    }

    fn revoke(id: &str, permissions: Vec<Permission>, rule_ids: Vec<String>) -> Command {
        Command::Sg(Cmd::Revoke {
            group: GroupRef::Id(id.into()),
            egress: false,
            permissions,
            rule_ids,
        })
    }

    fn ids(out: Option<Output>) -> Vec<String> {
        match out {
            Some(Output::Ids(ids)) => ids,
            other => panic!("{other:?}"),
        }
    }

    /// A active same-Region peering between A's `vpc_a` and B's `vpc_b`.
    fn peer(w: &mut World, vpc_a: &str, vpc_b: &str, peer_region: Option<&str>) -> String {
        let a = ctx(A);
        let id = match w
            .apply(
                &a,
                Command::Peering(peering::Cmd::Create {
                    vpc_id: vpc_a.into(),
                    peer_vpc_id: vpc_b.into(),
                    peer_owner_id: Some(B.into()),
                    peer_region: peer_region.map(str::to_string),
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        };
        w.tick(0);
        let b = Ctx::new(B, peer_region.unwrap_or("us-east-1"), 0);
        w.apply(
            &b,
            Command::Peering(peering::Cmd::Accept { id: id.clone() }),
        )
        .unwrap();
        w.tick(0);
        assert!(w.peerings.get(&id).unwrap().status.is_active());
        id
    }

    #[test]
    fn create_group_rules() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let id = create(&mut w, &a, "web", Some(&vpc));
        let g = w.security_groups.get(&id).unwrap();
        assert_eq!((g.name.as_str(), g.vpc_id.as_str()), ("web", vpc.as_str()));
        assert!(g.ingress.is_empty());
        assert_eq!(g.egress.len(), 1);
        assert_eq!(g.egress[0].peer, Peer::V4("0.0.0.0/0".parse().unwrap()));
        assert!(g.egress[0].rule_id.starts_with("sgr-"));
        // Without VpcId: the default VPC.
        let d = create(&mut w, &a, "web", None);
        let default_vpc = w.vpcs.in_scope(&a.scope()).find(|v| v.is_default).unwrap();
        assert_eq!(w.security_groups.get(&d).unwrap().vpc_id, default_vpc.id);
        // IPv6 VPC: ::/0 egress as well.
        let v6 = new_vpc(&mut w, &a, "10.1.0.0/16", true);
        let g6 = create(&mut w, &a, "v6", Some(&v6));
        assert_eq!(w.security_groups.get(&g6).unwrap().egress.len(), 2);

        let bad = |name: &str, description: &str, vpc_id: Option<&str>| {
            Command::Sg(Cmd::Create {
                name: name.into(),
                description: description.into(),
                vpc_id: vpc_id.map(str::to_string),
                tags: vec![],
            })
        };
        let cases: &[(Command, &str)] = &[
            (bad("", "d", Some(&vpc)), "MissingParameter"),
            (bad("x", "", Some(&vpc)), "MissingParameter"),
            (bad("default", "d", Some(&vpc)), "InvalidGroup.Reserved"),
            (bad("sg-web", "d", Some(&vpc)), "InvalidParameterValue"),
            (bad("wéb", "d", Some(&vpc)), "InvalidParameterValue"),
            (bad("a|b", "d", Some(&vpc)), "InvalidParameterValue"),
            (
                bad(&"x".repeat(256), "d", Some(&vpc)),
                "InvalidParameterValue",
            ),
            (bad("web", "d", Some(&vpc)), "InvalidGroup.Duplicate"),
            (
                bad("x", "d", Some("vpc-0123456789abcdef0")),
                "InvalidVpcID.NotFound",
            ),
        ];
        for (cmd, code) in cases {
            check(&mut w, &a, cmd.clone(), Some(code));
        }
        let e = err(
            &mut w,
            &a,
            Cmd::Create {
                name: "web".into(),
                description: "d".into(),
                vpc_id: Some(vpc.clone()),
                tags: vec![],
            },
        );
        assert_eq!(
            e.message,
            format!("The security group 'web' already exists for VPC '{vpc}'")
        );
        // Another account's VPC is not found.
        let b = ctx(B);
        init(&mut w, &b);
        check(
            &mut w,
            &b,
            bad("x", "d", Some(&vpc)),
            Some("InvalidVpcID.NotFound"),
        );
        // Wrong tag resource type.
        check(
            &mut w,
            &a,
            Command::Sg(Cmd::Create {
                name: "tagged".into(),
                description: "d".into(),
                vpc_id: Some(vpc.clone()),
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![("k".into(), "v".into())],
                }],
            }),
            Some("InvalidParameterValue"),
        );
        let tagged = match w
            .apply(
                &a,
                Command::Sg(Cmd::Create {
                    name: "tagged".into(),
                    description: "d".into(),
                    vpc_id: Some(vpc.clone()),
                    tags: vec![TagSpec {
                        resource_type: "security-group".into(),
                        tags: vec![("k".into(), "v".into())],
                    }],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        };
        assert_eq!(tags::of(&w, &a.scope(), &tagged).get("k").unwrap(), "v");
    }

    #[test]
    fn create_without_default_vpc_and_quota() {
        let mut w = world(&["security-groups-per-vpc=2"]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        create(&mut w, &a, "one", Some(&vpc));
        let e = err(
            &mut w,
            &a,
            Cmd::Create {
                name: "two".into(),
                description: "d".into(),
                vpc_id: Some(vpc),
                tags: vec![],
            },
        );
        assert_eq!(e.code, "SecurityGroupLimitExceeded");
        let default_vpc = w
            .vpcs
            .in_scope(&a.scope())
            .find(|v| v.is_default)
            .unwrap()
            .id
            .clone();
        w.vpcs.get_mut(&default_vpc).unwrap().is_default = false;
        let e = err(
            &mut w,
            &a,
            Cmd::Create {
                name: "x".into(),
                description: "d".into(),
                vpc_id: None,
                tags: vec![],
            },
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("VPCIdNotSpecified", "No default VPC for this user")
        );
    }

    #[test]
    fn authorize_validates_and_normalises() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let other_vpc = new_vpc(&mut w, &a, "10.1.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let h = create(&mut w, &a, "app", Some(&vpc));
        let elsewhere = create(&mut w, &a, "far", Some(&other_vpc));
        let perm =
            |protocol: &str, from: Option<i64>, to: Option<i64>, peer: PeerSpec| Permission {
                protocol: Some(protocol.into()),
                from_port: from,
                to_port: to,
                peers: vec![peer],
            };
        let cidr = |c: &str| PeerSpec::Cidr {
            cidr: c.into(),
            description: None,
        };
        // Accepted, with the stored (protocol, from, to).
        let ok: &[(Permission, (&str, Option<i32>, Option<i32>))] = &[
            (
                perm("6", Some(22), Some(22), cidr("0.0.0.0/0")),
                ("tcp", Some(22), Some(22)),
            ),
            (
                perm("UDP", Some(53), Some(53), cidr("10.0.0.0/8")),
                ("udp", Some(53), Some(53)),
            ),
            (
                perm("all", None, None, cidr("10.1.2.0/24")),
                ("-1", None, None),
            ),
            (
                perm("-1", Some(5), Some(9), cidr("10.1.3.0/24")),
                ("-1", None, None),
            ),
            (
                perm("1", Some(8), Some(-1), cidr("0.0.0.0/0")),
                ("icmp", Some(8), Some(-1)),
            ),
            (
                perm(
                    "58",
                    Some(-1),
                    Some(-1),
                    PeerSpec::Cidr6 {
                        cidr: "::/0".into(),
                        description: None,
                    },
                ),
                ("icmpv6", Some(-1), Some(-1)),
            ),
            (
                perm("47", Some(1), Some(2), cidr("10.9.0.0/16")),
                ("47", None, None),
            ),
            (
                perm(
                    "tcp",
                    Some(0),
                    Some(65535),
                    PeerSpec::PrefixList {
                        id: "pl-63a5400a".into(),
                        description: Some("s3".into()),
                    },
                ),
                ("tcp", Some(0), Some(65535)),
            ),
            (
                perm(
                    "tcp",
                    Some(80),
                    Some(80),
                    PeerSpec::Group {
                        group_id: Some(h.clone()),
                        group_name: None,
                        user_id: None,
                        description: None,
                    },
                ),
                ("tcp", Some(80), Some(80)),
            ),
            (
                perm(
                    "tcp",
                    Some(81),
                    Some(81),
                    PeerSpec::Group {
                        group_id: None,
                        group_name: Some("app".into()),
                        user_id: None,
                        description: None,
                    },
                ),
                ("tcp", Some(81), Some(81)),
            ),
            (
                perm("tcp", Some(443), Some(443), cidr("192.168.1.7/24")),
                ("tcp", Some(443), Some(443)),
            ),
        ];
        for (p, (protocol, from, to)) in ok {
            let new = ids(check(
                &mut w,
                &a,
                authorize(&g, false, vec![p.clone()]),
                None,
            ));
            assert_eq!(new.len(), 1);
            let r = w
                .security_groups
                .get(&g)
                .unwrap()
                .rule(&new[0])
                .unwrap()
                .0
                .clone();
            assert_eq!(
                (r.protocol.name().as_str(), r.from_port, r.to_port),
                (*protocol, *from, *to)
            );
        }
        let stored = &w.security_groups.get(&g).unwrap().ingress;
        assert_eq!(
            stored.last().unwrap().peer,
            Peer::V4("192.168.1.0/24".parse().unwrap())
        );
        // Refused.
        let bad: &[(Permission, &str)] = &[
            (
                perm("tcp", Some(22), Some(22), cidr("0.0.0.0/0")),
                "InvalidPermission.Duplicate",
            ),
            (
                perm("bogus", None, None, cidr("0.0.0.0/0")),
                "InvalidParameterValue",
            ),
            (
                perm("256", None, None, cidr("0.0.0.0/0")),
                "InvalidParameterValue",
            ),
            (
                Permission {
                    protocol: None,
                    from_port: None,
                    to_port: None,
                    peers: vec![cidr("0.0.0.0/0")],
                },
                "InvalidParameterValue",
            ),
            (
                perm("tcp", Some(22), None, cidr("0.0.0.0/0")),
                "InvalidParameterValue",
            ),
            (
                perm("tcp", Some(90), Some(80), cidr("0.0.0.0/0")),
                "InvalidPermission.Malformed",
            ),
            (
                perm("tcp", Some(0), Some(65536), cidr("0.0.0.0/0")),
                "InvalidPermission.Malformed",
            ),
            (
                perm("icmp", None, None, cidr("0.0.0.0/0")),
                "InvalidParameterValue",
            ),
            (
                perm("icmp", Some(-1), Some(3), cidr("0.0.0.0/0")),
                "InvalidPermission.Malformed",
            ),
            (
                perm("icmp", Some(256), Some(0), cidr("0.0.0.0/0")),
                "InvalidPermission.Malformed",
            ),
            (
                perm("tcp", Some(1), Some(1), cidr("10.0.0.0/33")),
                "InvalidParameterValue",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Cidr6 {
                        cidr: "nope".into(),
                        description: None,
                    },
                ),
                "InvalidParameterValue",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Cidr {
                        cidr: "10.0.0.0/8".into(),
                        description: Some("bad|char".into()),
                    },
                ),
                "InvalidParameterValue",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Group {
                        group_id: Some("sg-0123456789abcdef0".into()),
                        group_name: None,
                        user_id: None,
                        description: None,
                    },
                ),
                "InvalidGroup.NotFound",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Group {
                        group_id: Some(elsewhere.clone()),
                        group_name: None,
                        user_id: None,
                        description: None,
                    },
                ),
                "InvalidGroup.NotFound",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Group {
                        group_id: None,
                        group_name: Some("nope".into()),
                        user_id: None,
                        description: None,
                    },
                ),
                "InvalidGroup.NotFound",
            ),
            (
                perm(
                    "tcp",
                    Some(1),
                    Some(1),
                    PeerSpec::Group {
                        group_id: None,
                        group_name: None,
                        user_id: None,
                        description: None,
                    },
                ),
                "MissingParameter",
            ),
            (
                Permission {
                    protocol: Some("tcp".into()),
                    from_port: Some(1),
                    to_port: Some(1),
                    peers: vec![],
                },
                "MissingParameter",
            ),
            (
                Permission {
                    protocol: Some("tcp".into()),
                    from_port: Some(1),
                    to_port: Some(1),
                    peers: vec![cidr("1.0.0.0/8"), cidr("1.0.0.0/8")],
                },
                "InvalidParameterValue",
            ),
        ];
        for (p, code) in bad {
            check(
                &mut w,
                &a,
                authorize(&g, false, vec![p.clone()]),
                Some(code),
            );
        }
        check(
            &mut w,
            &a,
            authorize(&g, false, vec![]),
            Some("MissingParameter"),
        );
        check(
            &mut w,
            &a,
            authorize("sg-0123456789abcdef0", false, vec![tcp(1, "1.0.0.0/8")]),
            Some("InvalidGroup.NotFound"),
        );
        // Messages.
        let e = w
            .apply(&a, authorize(&g, false, vec![tcp(22, "0.0.0.0/0")]))
            .unwrap_err();
        assert_eq!(
            e.message,
            "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" already exists"
        );
        let e = w
            .apply(
                &a,
                authorize(
                    &g,
                    false,
                    vec![group_peer("-1", &h, None), group_peer("-1", &h, None)],
                ),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "The same permission must not appear multiple times"
        );
        check(
            &mut w,
            &a,
            authorize(&g, false, vec![group_peer("-1", &h, None)]),
            None,
        );
        let e = w
            .apply(&a, authorize(&g, false, vec![group_peer("-1", &h, None)]))
            .unwrap_err();
        assert_eq!(
            e.message,
            format!("the specified rule \"peer: {h}, ALL, ALLOW\" already exists")
        );
        let e = w
            .apply(
                &a,
                authorize(&elsewhere, false, vec![group_peer("-1", &h, None)]),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "You have specified two resources that belong to different networks."
        );
        // Egress is its own direction: the same grant is new there, the default rule is not.
        check(
            &mut w,
            &a,
            authorize(&g, true, vec![tcp(22, "0.0.0.0/0")]),
            None,
        );
        let all_out = Permission {
            protocol: Some("-1".into()),
            from_port: None,
            to_port: None,
            peers: vec![cidr("0.0.0.0/0")],
        };
        check(
            &mut w,
            &a,
            authorize(&g, true, vec![all_out]),
            Some("InvalidPermission.Duplicate"),
        );
        // Another account cannot touch the group.
        let b = ctx(B);
        init(&mut w, &b);
        check(
            &mut w,
            &b,
            authorize(&g, false, vec![tcp(9, "1.0.0.0/8")]),
            Some("InvalidGroup.NotFound"),
        );
    }

    #[test]
    fn authorize_by_name_tags_and_quota() {
        let mut w = world(&["rules-per-security-group=2"]);
        let a = ctx(A);
        init(&mut w, &a);
        let id = create(&mut w, &a, "legacy", None);
        let cmd = |port: i64, specs: Vec<TagSpec>| {
            Command::Sg(Cmd::Authorize {
                group: GroupRef::Name("legacy".into()),
                egress: false,
                permissions: vec![tcp(port, "0.0.0.0/0")],
                tags: specs,
            })
        };
        let spec = |rt: &str| TagSpec {
            resource_type: rt.into(),
            tags: vec![("Name".into(), "ssh".into())],
        };
        check(
            &mut w,
            &a,
            cmd(22, vec![spec("security-group")]),
            Some("InvalidParameterValue"),
        );
        let new = ids(check(
            &mut w,
            &a,
            cmd(22, vec![spec("security-group-rule")]),
            None,
        ));
        assert_eq!(
            tags::of(&w, &a.scope(), &new[0]).get("Name").unwrap(),
            "ssh"
        );
        assert!(w.check_visible(&a.scope(), &new[0]).is_ok());
        check(&mut w, &a, cmd(23, vec![]), None);
        check(
            &mut w,
            &a,
            cmd(24, vec![]),
            Some("RulesPerSecurityGroupLimitExceeded"),
        );
        let e = w
            .apply(
                &a,
                Command::Sg(Cmd::Authorize {
                    group: GroupRef::Name("missing".into()),
                    egress: false,
                    permissions: vec![tcp(1, "0.0.0.0/0")],
                    tags: vec![],
                }),
            )
            .unwrap_err();
        assert_eq!(e.code, "InvalidGroup.NotFound");
        assert!(e.message.contains("does not exist in default VPC"));
        // Revoking forgets the rule's tags.
        check(&mut w, &a, revoke(&id, vec![], vec![new[0].clone()]), None);
        assert!(tags::of(&w, &a.scope(), &new[0]).is_empty());
        assert_eq!(
            w.check_visible(&a.scope(), &new[0]).unwrap_err().code,
            "InvalidSecurityGroupRuleId.NotFound"
        );
    }

    #[test]
    fn revoke_rules() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let r22 = ids(check(
            &mut w,
            &a,
            authorize(&g, false, vec![tcp(22, "0.0.0.0/0")]),
            None,
        ));
        let r80 = ids(check(
            &mut w,
            &a,
            authorize(&g, false, vec![tcp(80, "0.0.0.0/0")]),
            None,
        ));
        // Description does not matter; protocol number spelling does not either.
        let mut p = tcp(22, "0.0.0.0/0");
        p.protocol = Some("6".into());
        assert_eq!(
            ids(check(&mut w, &a, revoke(&g, vec![p], vec![]), None)),
            r22
        );
        let e = w
            .apply(&a, revoke(&g, vec![tcp(22, "0.0.0.0/0")], vec![]))
            .unwrap_err();
        assert_eq!(e.code, "InvalidPermission.NotFound");
        check(
            &mut w,
            &a,
            revoke(&g, vec![tcp(80, "0.0.0.0/0"), tcp(81, "0.0.0.0/0")], vec![]),
            Some("InvalidPermission.NotFound"),
        );
        check(
            &mut w,
            &a,
            revoke(&g, vec![], vec!["sgr-0123456789abcdef0".into()]),
            Some("InvalidSecurityGroupRuleId.NotFound"),
        );
        check(
            &mut w,
            &a,
            revoke(&g, vec![], vec![]),
            Some("MissingParameter"),
        );
        // An egress rule id is not found among ingress rules.
        let egress_id = w.security_groups.get(&g).unwrap().egress[0].rule_id.clone();
        check(
            &mut w,
            &a,
            revoke(&g, vec![], vec![egress_id.clone()]),
            Some("InvalidSecurityGroupRuleId.NotFound"),
        );
        assert_eq!(
            ids(check(&mut w, &a, revoke(&g, vec![], r80.clone()), None)),
            r80
        );
        let out = check(
            &mut w,
            &a,
            Command::Sg(Cmd::Revoke {
                group: GroupRef::Id(g.clone()),
                egress: true,
                permissions: vec![],
                rule_ids: vec![egress_id.clone()],
            }),
            None,
        );
        assert_eq!(ids(out), vec![egress_id]);
        let grp = w.security_groups.get(&g).unwrap();
        assert!(grp.ingress.is_empty() && grp.egress.is_empty());
        // Default VPC: unknown permissions are reported, not refused.
        let d = create(&mut w, &a, "legacy", None);
        ids(check(
            &mut w,
            &a,
            authorize(&d, false, vec![tcp(22, "0.0.0.0/0")]),
            None,
        ));
        let perms = vec![tcp(22, "0.0.0.0/0"), tcp(23, "0.0.0.0/0")];
        let unknown = unknown_permissions(&w, &a, &GroupRef::Id(d.clone()), false, &perms);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].from_port, Some(23));
        assert_eq!(
            ids(check(&mut w, &a, revoke(&d, perms, vec![]), None)).len(),
            1
        );
    }

    #[test]
    fn modify_rules() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let r22 = ids(check(
            &mut w,
            &a,
            authorize(&g, false, vec![tcp(22, "0.0.0.0/0")]),
            None,
        ));
        ids(check(
            &mut w,
            &a,
            authorize(&g, false, vec![tcp(80, "0.0.0.0/0")]),
            None,
        ));
        let update = |port: i64, cidr: Option<&str>, v6: Option<&str>| {
            Command::Sg(Cmd::ModifyRules {
                group_id: g.clone(),
                rules: vec![RuleUpdate {
                    rule_id: r22[0].clone(),
                    protocol: Some("tcp".into()),
                    from_port: Some(port),
                    to_port: Some(port),
                    cidr_ipv4: cidr.map(str::to_string),
                    cidr_ipv6: v6.map(str::to_string),
                    description: Some("ssh alt".into()),
                    ..RuleUpdate::default()
                }],
            })
        };
        check(&mut w, &a, update(2222, Some("10.0.0.0/8"), None), None);
        let (r, egress) = w
            .security_groups
            .get(&g)
            .unwrap()
            .rule(&r22[0])
            .map(|(r, e)| (r.clone(), e))
            .unwrap();
        assert!(!egress);
        assert_eq!(
            (r.from_port, r.peer.clone(), r.description.as_deref()),
            (
                Some(2222),
                Peer::V4("10.0.0.0/8".parse().unwrap()),
                Some("ssh alt")
            )
        );
        check(
            &mut w,
            &a,
            update(80, Some("0.0.0.0/0"), None),
            Some("InvalidPermission.Duplicate"),
        );
        check(
            &mut w,
            &a,
            update(1, Some("0.0.0.0/0"), Some("::/0")),
            Some("InvalidParameterCombination"),
        );
        check(&mut w, &a, update(1, None, None), Some("MissingParameter"));
        let unknown = Command::Sg(Cmd::ModifyRules {
            group_id: g.clone(),
            rules: vec![RuleUpdate {
                rule_id: "sgr-0123456789abcdef0".into(),
                ..RuleUpdate::default()
            }],
        });
        check(
            &mut w,
            &a,
            unknown,
            Some("InvalidSecurityGroupRuleId.NotFound"),
        );
    }

    #[test]
    fn delete_rules() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let h = create(&mut w, &a, "app", Some(&vpc));
        let default_sg = w.vpcs.get(&vpc).unwrap().default_security_group_id.clone();
        let del = |id: &str| {
            Command::Sg(Cmd::Delete {
                group: GroupRef::Id(id.into()),
            })
        };
        let e = w.apply(&a, del(&default_sg)).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message),
            ("CannotDelete", format!("the specified group: \"{default_sg}\" name: \"default\" cannot be deleted by a user"))
        );
        // A self-reference does not block; another group's reference does.
        check(
            &mut w,
            &a,
            authorize(&h, false, vec![group_peer("-1", &h, None)]),
            None,
        );
        check(
            &mut w,
            &a,
            authorize(&g, false, vec![group_peer("tcp", &h, None)]),
            Some("InvalidParameterValue"),
        );
        check(
            &mut w,
            &a,
            authorize(&g, false, vec![group_peer("-1", &h, None)]),
            None,
        );
        check(&mut w, &a, del(&h), Some("InvalidGroup.InUse"));
        // An interface using the group.
        w.network_interfaces.insert(crate::eni::NetworkInterface {
            id: "eni-0123456789abcdef0".into(),
            scope: a.scope(),
            vpc_id: vpc.clone(),
            subnet_id: "subnet-0123456789abcdef0".into(),
            availability_zone: "us-east-1a".into(),
            private_ips: vec!["10.0.0.10".parse().unwrap()],
            ipv6_addresses: vec![],
            groups: vec![g.clone()],
            source_dest_check: true,
            interface_type: "interface".into(),
            requester_managed: false,
            requester_id: None,
            description: String::new(),
            mac_address: "02:00:00:00:00:01".into(),
            attachment: None,
            public_ip: None,
            public_ip_allocation_id: None,
            created: 0,
        });
        let e = w.apply(&a, del(&g)).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message),
            (
                "DependencyViolation",
                format!("resource {g} has a dependent object")
            )
        );
        w.network_interfaces.remove("eni-0123456789abcdef0");
        assert_eq!(
            check(&mut w, &a, del(&g), None),
            Some(Output::Id(g.clone()))
        );
        check(&mut w, &a, del(&h), None);
        check(&mut w, &a, del(&g), Some("InvalidGroup.NotFound"));
        // By name, default VPC only.
        let legacy = create(&mut w, &a, "legacy", None);
        create(&mut w, &a, "legacy", Some(&vpc));
        let by_name = Command::Sg(Cmd::Delete {
            group: GroupRef::Name("legacy".into()),
        });
        assert_eq!(
            check(&mut w, &a, by_name.clone(), None),
            Some(Output::Id(legacy))
        );
        check(&mut w, &a, by_name, Some("InvalidGroup.NotFound"));
    }

    #[test]
    fn peered_references_and_staleness() {
        let mut w = world(&[]);
        let (a, b) = (ctx(A), ctx(B));
        init(&mut w, &a);
        init(&mut w, &b);
        let vpc_a = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let vpc_b = new_vpc(&mut w, &b, "10.1.0.0/16", false);
        let ga = create(&mut w, &a, "a-web", Some(&vpc_a));
        let gb = create(&mut w, &b, "b-app", Some(&vpc_b));
        // Not peered yet.
        let e = w
            .apply(
                &a,
                authorize(&ga, false, vec![group_peer("-1", &gb, Some(B))]),
            )
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "InvalidGroup.NotFound",
                "You have specified two resources that belong to different networks."
            )
        );
        let pcx = peer(&mut w, &vpc_a, &vpc_b, None);
        // Without UserId the group is looked up in the caller's account.
        check(
            &mut w,
            &a,
            authorize(&ga, false, vec![group_peer("-1", &gb, None)]),
            Some("InvalidGroup.NotFound"),
        );
        let rule = ids(check(
            &mut w,
            &a,
            authorize(
                &ga,
                false,
                vec![group_peer("tcp", &gb, Some(B)).tap_ports(443)],
            ),
            None,
        ));
        let g = w.security_groups.get(&ga).unwrap();
        let r = g.rule(&rule[0]).unwrap().0;
        assert_eq!(
            r.peer,
            Peer::Group {
                group_id: gb.clone(),
                user_id: B.into(),
                vpc_id: Some(vpc_b.clone()),
                vpc_peering_connection_id: Some(pcx.clone())
            }
        );
        assert!(!reference_is_stale(&w, g, r));
        let info = reference_info(&w, g, &r.peer).unwrap();
        assert_eq!(
            (info.peering_status.as_deref(), info.group_name.as_deref()),
            (Some("active"), None)
        );
        // B sees the reference and cannot delete its group.
        let refs = references(&w, &b, std::slice::from_ref(&gb)).unwrap();
        assert_eq!(
            refs,
            vec![Reference {
                group_id: gb.clone(),
                referencing_vpc_id: vpc_a.clone(),
                vpc_peering_connection_id: pcx.clone()
            }]
        );
        assert_eq!(
            references(&w, &a, std::slice::from_ref(&gb))
                .unwrap_err()
                .code,
            "InvalidGroup.NotFound"
        );
        assert!(references(&w, &a, std::slice::from_ref(&ga))
            .unwrap()
            .is_empty());
        check(
            &mut w,
            &b,
            Command::Sg(Cmd::Delete {
                group: GroupRef::Id(gb.clone()),
            }),
            Some("InvalidGroup.InUse"),
        );
        assert!(stale(&w, &a, &vpc_a).unwrap().is_empty());
        // The peering goes away: the rule stays, stale.
        w.apply(
            &b,
            Command::Peering(peering::Cmd::Delete { id: pcx.clone() }),
        )
        .unwrap();
        let g = w.security_groups.get(&ga).unwrap();
        let r = g.rule(&rule[0]).unwrap().0;
        assert!(reference_is_stale(&w, g, r));
        let info = reference_info(&w, g, &r.peer).unwrap();
        assert_eq!(
            (
                info.peering_status.as_deref(),
                info.vpc_peering_connection_id.as_deref()
            ),
            (Some("deleted"), Some(pcx.as_str()))
        );
        let s = stale(&w, &a, &vpc_a).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(
            (
                s[0].group.id.as_str(),
                s[0].ingress.len(),
                s[0].egress.len()
            ),
            (ga.as_str(), 1, 0)
        );
        assert!(references(&w, &b, std::slice::from_ref(&gb))
            .unwrap()
            .is_empty());
        assert_eq!(
            stale(&w, &b, &vpc_a).unwrap_err().code,
            "InvalidVpcID.NotFound"
        );
        // A new peering un-stales it.
        let pcx2 = peer(&mut w, &vpc_a, &vpc_b, None);
        let g = w.security_groups.get(&ga).unwrap();
        assert!(!reference_is_stale(&w, g, g.rule(&rule[0]).unwrap().0));
        assert_eq!(
            reference_info(&w, g, &g.rule(&rule[0]).unwrap().0.peer)
                .unwrap()
                .vpc_peering_connection_id,
            Some(pcx2.clone())
        );
        // Delete it again; now B may delete its group, and the reference stays stale.
        w.apply(&a, Command::Peering(peering::Cmd::Delete { id: pcx2 }))
            .unwrap();
        check(
            &mut w,
            &b,
            Command::Sg(Cmd::Delete {
                group: GroupRef::Id(gb.clone()),
            }),
            None,
        );
        assert_eq!(stale(&w, &a, &vpc_a).unwrap().len(), 1);
        // The stale rule can still be revoked by its peer.
        check(
            &mut w,
            &a,
            revoke(
                &ga,
                vec![group_peer("tcp", &gb, Some(B)).tap_ports(443)],
                vec![],
            ),
            None,
        );
        assert!(stale(&w, &a, &vpc_a).unwrap().is_empty());
    }

    #[test]
    fn inter_region_references_are_refused() {
        let mut w = world(&[]);
        let a = ctx(A);
        let b_west = Ctx::new(B, "us-west-2", 0);
        init(&mut w, &a);
        init(&mut w, &b_west);
        let vpc_a = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let vpc_b = new_vpc(&mut w, &b_west, "10.1.0.0/16", false);
        let ga = create(&mut w, &a, "a", Some(&vpc_a));
        let gb = create(&mut w, &b_west, "b", Some(&vpc_b));
        peer(&mut w, &vpc_a, &vpc_b, Some("us-west-2"));
        let e = w
            .apply(
                &a,
                authorize(&ga, false, vec![group_peer("-1", &gb, Some(B))]),
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "You have specified two resources that belong to different networks."
        );
    }

    #[test]
    fn describe_and_filters() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let h = create(&mut w, &a, "app", Some(&vpc));
        ids(check(
            &mut w,
            &a,
            authorize(
                &g,
                false,
                vec![tcp(22, "10.0.0.0/8"), group_peer("-1", &h, None)],
            ),
            None,
        ));
        let find = |w: &World, f: &[(&str, &[&str])]| -> Vec<String> {
            let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
            describe(w, &a, &[], &[], &filters)
                .unwrap()
                .into_iter()
                .map(|g| g.id.clone())
                .collect()
        };
        let cases: &[(&[(&str, &[&str])], Vec<String>)] = &[
            (&[("group-name", &["web"])], vec![g.clone()]),
            (
                &[("vpc-id", &[&vpc]), ("ip-permission.from-port", &["22"])],
                vec![g.clone()],
            ),
            (&[("ip-permission.protocol", &["6"])], vec![g.clone()]),
            (&[("ip-permission.protocol", &["tcp"])], vec![g.clone()]),
            (&[("ip-permission.cidr", &["10.0.0.0/8"])], vec![g.clone()]),
            (&[("ip-permission.group-id", &[&h])], vec![g.clone()]),
            (&[("ip-permission.group-name", &["app"])], vec![g.clone()]),
            (&[("ip-permission.user-id", &[A]), ("vpc-id", &[&vpc])], {
                // Each VPC's default group references itself.
                let mut v = vec![
                    g.clone(),
                    w.vpcs.get(&vpc).unwrap().default_security_group_id.clone(),
                ];
                v.sort();
                v
            }),
            (
                &[
                    ("egress.ip-permission.cidr", &["0.0.0.0/0"]),
                    ("group-name", &["app"]),
                ],
                vec![h.clone()],
            ),
            (
                &[
                    ("egress.ip-permission.protocol", &["-1"]),
                    ("group-id", &[&h]),
                ],
                vec![h.clone()],
            ),
            (&[("description", &["nope"])], vec![]),
        ];
        for (f, expected) in cases {
            let mut got = find(&w, f);
            got.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(got, want, "{f:?}");
        }
        assert_eq!(
            describe(&w, &a, &[], &[], &[Filter::new("bogus", &["x"])])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        assert_eq!(
            describe(&w, &a, &["sg-0123456789abcdef0".into()], &[], &[])
                .unwrap_err()
                .code,
            "InvalidGroup.NotFound"
        );
        // GroupName.N means the default VPC.
        assert_eq!(
            describe(&w, &a, &[], &["web".into()], &[])
                .unwrap_err()
                .code,
            "InvalidGroup.NotFound"
        );
        let d = describe(&w, &a, &[], &["default".into()], &[]).unwrap();
        assert_eq!(d.len(), 1);
        // Rules.
        let rules = describe_rules(&w, &a, &[], &[Filter::new("group-id", &[&g])]).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules.iter().filter(|r| r.egress).count(), 1);
        let one = rules[0].rule.rule_id.clone();
        let by_id = describe_rules(&w, &a, std::slice::from_ref(&one), &[]).unwrap();
        assert_eq!(by_id.len(), 1);
        assert_eq!(
            describe_rules(&w, &a, &["sgr-0123456789abcdef0".into()], &[])
                .unwrap_err()
                .code,
            "InvalidSecurityGroupRuleId.NotFound"
        );
        assert_eq!(
            describe_rules(&w, &a, &[], &[Filter::new("vpc-id", &["x"])])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        let b = ctx(B);
        assert_eq!(
            describe_rules(&w, &b, &[one], &[]).unwrap_err().code,
            "InvalidSecurityGroupRuleId.NotFound"
        );
    }

    #[test]
    fn rule_evaluation() {
        let mut w = world(&[]);
        let a = ctx(A);
        init(&mut w, &a);
        let vpc = new_vpc(&mut w, &a, "10.0.0.0/16", false);
        let g = create(&mut w, &a, "web", Some(&vpc));
        let h = create(&mut w, &a, "app", Some(&vpc));
        let icmp_echo = Permission {
            protocol: Some("icmp".into()),
            from_port: Some(8),
            to_port: Some(-1),
            peers: vec![PeerSpec::Cidr {
                cidr: "0.0.0.0/0".into(),
                description: None,
            }],
        };
        let ports = Permission {
            protocol: Some("udp".into()),
            from_port: Some(1000),
            to_port: Some(2000),
            peers: vec![PeerSpec::Cidr6 {
                cidr: "2001:db8::/32".into(),
                description: None,
            }],
        };
        ids(check(
            &mut w,
            &a,
            authorize(
                &g,
                false,
                vec![
                    tcp(22, "10.0.0.0/8"),
                    group_peer("-1", &h, None),
                    icmp_echo,
                    ports,
                ],
            ),
            None,
        ));
        let grp = w.security_groups.get(&g).unwrap().clone();
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let cases: &[(u8, Option<u16>, &str, &[&str], bool)] = &[
            (6, Some(22), "10.1.2.3", &[], true),
            (6, Some(23), "10.1.2.3", &[], false),
            (6, Some(22), "11.1.2.3", &[], false),
            (17, Some(22), "10.1.2.3", &[], false),
            (6, None, "10.1.2.3", &[], false),
            (6, Some(9999), "11.1.2.3", &[h.as_str()], true),
            (47, None, "11.1.2.3", &[h.as_str()], true),
            (1, Some(8), "8.8.8.8", &[], true),
            (1, Some(0), "8.8.8.8", &[], false),
            (17, Some(1500), "2001:db8::1", &[], true),
            (17, Some(2500), "2001:db8::1", &[], false),
            (17, Some(1500), "10.0.0.1", &[], false),
        ];
        for (proto, port, addr, groups, expected) in cases {
            let groups: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                allows(&w, &grp, false, *proto, *port, ip(addr), &groups),
                *expected,
                "{proto} {port:?} {addr} {groups:?}"
            );
        }
        // Default egress allows everything IPv4, nothing IPv6.
        assert!(allows(&w, &grp, true, 132, None, ip("1.2.3.4"), &[]));
        assert!(!allows(&w, &grp, true, 6, Some(1), ip("::1"), &[]));
        // A reference to a deleted group matches nothing.
        let mut ghost = grp.clone();
        ghost.ingress = vec![Rule {
            rule_id: "sgr-x".into(),
            protocol: Protocol::All,
            from_port: None,
            to_port: None,
            peer: Peer::Group {
                group_id: "sg-0123456789abcdef0".into(),
                user_id: A.into(),
                vpc_id: None,
                vpc_peering_connection_id: None,
            },
            description: None,
        }];
        assert!(!allows(
            &w,
            &ghost,
            false,
            6,
            Some(1),
            ip("10.0.0.1"),
            &["sg-0123456789abcdef0".into()]
        ));
        assert!(protocol_matches(&ghost.ingress[0], 99, None));
    }

    trait TapPorts {
        fn tap_ports(self, port: i64) -> Self;
    }

    impl TapPorts for Permission {
        fn tap_ports(mut self, port: i64) -> Self {
            self.from_port = Some(port);
            self.to_port = Some(port);
            self
        }
    }
}
