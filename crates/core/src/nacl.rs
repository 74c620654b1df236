//! Network ACLs: stateless, numbered rules per direction, one ACL per subnet.

use crate::ids::Kind;
use std::net::IpAddr;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleAction {
    Allow,
    Deny,
}

impl RuleAction {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::Allow => "allow",
            RuleAction::Deny => "deny",
        }
    }
}

/// The block an entry matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryCidr {
    V4(Ipv4Net),
    V6(Ipv6Net),
}

/// One ACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub rule_number: u32,
    pub egress: bool,
    pub protocol: Protocol,
    pub action: RuleAction,
    pub cidr: EntryCidr,
    pub icmp: Option<(i32, i32)>,
    pub port_range: Option<(u16, u16)>,
}

/// Rule number of the implicit IPv4 deny-all (`*`).
pub const DEFAULT_RULE_V4: u32 = 32767;
/// Rule number of the implicit IPv6 deny-all (`*`).
pub const DEFAULT_RULE_V6: u32 = 32768;

/// An ACL's association with a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclAssociation {
    pub id: String,
    pub subnet_id: String,
}

/// A network ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub is_default: bool,
    pub entries: Vec<Entry>,
    pub associations: Vec<AclAssociation>,
}

impl Resource for NetworkAcl {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A requested entry (CreateNetworkAclEntry / ReplaceNetworkAclEntry), unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySpec {
    pub acl_id: String,
    pub rule_number: i64,
    pub protocol: String,
    pub action: String,
    pub egress: bool,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub icmp_type: Option<i64>,
    pub icmp_code: Option<i64>,
    pub port_from: Option<i64>,
    pub port_to: Option<i64>,
}

/// Network ACL commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        vpc_id: String,
        tags: Vec<TagSpec>,
    },
    Delete {
        acl_id: String,
    },
    CreateEntry(EntrySpec),
    ReplaceEntry(EntrySpec),
    DeleteEntry {
        acl_id: String,
        rule_number: i64,
        egress: bool,
    },
    /// Moves a subnet's association to another ACL; outputs the new association id.
    ReplaceAssociation {
        association_id: String,
        acl_id: String,
    },
}

/// The caller's ACL `id`, or `InvalidNetworkAclID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w NetworkAcl> {
    w.network_acls
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkAcl.not_found(id))
}

/// Applies a network ACL command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    let scope = ctx.scope();
    match cmd {
        Cmd::Create {
            vpc_id,
            tags: specs,
        } => {
            let vpc = crate::vpc::get(w, &scope, &vpc_id)?;
            let has_ipv6 = !vpc.ipv6_cidrs.is_empty();
            tags::check_specs(&specs, "network-acl")?;
            let id = w.ids.id(Kind::NetworkAcl);
            w.network_acls.insert(NetworkAcl {
                id: id.clone(),
                scope: scope.clone(),
                vpc_id,
                is_default: false,
                entries: custom_entries(has_ipv6),
                associations: Vec::new(),
            });
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::Delete { acl_id } => {
            let acl = get(w, &scope, &acl_id)?;
            if acl.is_default {
                return Err(ApiError::invalid_value(format!(
                    "cannot delete default network ACL {acl_id}"
                )));
            }
            if !acl.associations.is_empty() {
                return Err(ApiError::dependency(format!(
                    "The networkAcl '{acl_id}' has dependencies and cannot be deleted."
                )));
            }
            w.network_acls.remove(&acl_id);
            tags::forget(w, &acl_id);
            Ok(Output::Done)
        }
        Cmd::CreateEntry(spec) => {
            let acl = get(w, &scope, &spec.acl_id)?;
            let entry = validate_entry(&spec)?;
            if acl
                .entries
                .iter()
                .any(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
            {
                return Err(ApiError::new(
                    ErrorCode::NetworkAclEntryAlreadyExists,
                    format!(
                        "The network acl entry identified by {} already exists.",
                        entry.rule_number
                    ),
                ));
            }
            if let Some(limit) = w
                .config
                .quotas
                .limit(&ctx.account, quota::ENTRIES_PER_NETWORK_ACL)
            {
                let count = acl
                    .entries
                    .iter()
                    .filter(|e| e.egress == entry.egress && e.rule_number < DEFAULT_RULE_V4)
                    .count();
                if count >= limit as usize {
                    return Err(ApiError::new(ErrorCode::NetworkAclEntryLimitExceeded,
                        format!(
                            "The maximum number of entries for network ACL '{}' has been reached ({limit}).",
                            spec.acl_id
                        ),
                    ));
                }
            }
            let acl = w.network_acls.get_mut(&spec.acl_id).expect("checked");
            acl.entries.push(entry);
            sort_entries(&mut acl.entries);
            Ok(Output::Done)
        }
        Cmd::ReplaceEntry(spec) => {
            let acl = get(w, &scope, &spec.acl_id)?;
            let entry = validate_entry(&spec)?;
            let Some(pos) = acl
                .entries
                .iter()
                .position(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
            else {
                return Err(entry_not_found(entry.rule_number, entry.egress));
            };
            let acl = w.network_acls.get_mut(&spec.acl_id).expect("checked");
            acl.entries[pos] = entry;
            Ok(Output::Done)
        }
        Cmd::DeleteEntry {
            acl_id,
            rule_number,
            egress,
        } => {
            let acl = get(w, &scope, &acl_id)?;
            let number = check_rule_number(rule_number)?;
            let Some(pos) = acl
                .entries
                .iter()
                .position(|e| e.egress == egress && e.rule_number == number)
            else {
                return Err(entry_not_found(number, egress));
            };
            w.network_acls
                .get_mut(&acl_id)
                .expect("checked")
                .entries
                .remove(pos);
            Ok(Output::Done)
        }
        Cmd::ReplaceAssociation {
            association_id,
            acl_id,
        } => {
            let (old_acl, subnet_id) = w
                .network_acls
                .in_scope(&scope)
                .find_map(|a| {
                    a.associations
                        .iter()
                        .find(|s| s.id == association_id)
                        .map(|s| (a.id.clone(), s.subnet_id.clone()))
                })
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidAssociationIDNotFound,
                        format!("The association ID '{association_id}' does not exist"),
                    )
                })?;
            let target = get(w, &scope, &acl_id)?;
            let old_vpc = &w.network_acls.get(&old_acl).expect("found").vpc_id;
            if &target.vpc_id != old_vpc {
                return Err(ApiError::invalid_value(format!(
                    "Network ACL {acl_id} and subnet {subnet_id} belong to different networks"
                )));
            }
            let new_id = w.ids.id(Kind::NetworkAclAssociation);
            w.network_acls
                .get_mut(&old_acl)
                .expect("found")
                .associations
                .retain(|s| s.id != association_id);
            w.network_acls
                .get_mut(&acl_id)
                .expect("checked")
                .associations
                .push(AclAssociation {
                    id: new_id.clone(),
                    subnet_id,
                });
            Ok(Output::Id(new_id))
        }
    }
}

fn entry_not_found(rule_number: u32, egress: bool) -> ApiError {
    let direction = if egress { "egress" } else { "ingress" };
    ApiError::new(
        ErrorCode::InvalidNetworkAclEntryNotFound,
        format!("The network acl entry identified by {rule_number} ({direction}) does not exist."),
    )
}

fn check_rule_number(n: i64) -> Result<u32> {
    if !(1..=32766).contains(&n) {
        return Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter ruleNumber is invalid. Rule numbers must be between 1 and 32766."
        )));
    }
    Ok(n as u32)
}

/// Validates a requested entry.
fn validate_entry(spec: &EntrySpec) -> Result<Entry> {
    let rule_number = check_rule_number(spec.rule_number)?;
    let protocol = Protocol::parse(spec.protocol.trim()).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Invalid value '{}' for IP protocol. Unknown protocol.",
            spec.protocol
        ))
    })?;
    let action = match spec.action.to_ascii_lowercase().as_str() {
        "allow" => RuleAction::Allow,
        "deny" => RuleAction::Deny,
        _ => {
            return Err(ApiError::invalid_value(format!(
                "Value ({}) for parameter ruleAction is invalid. Valid values: allow, deny.",
                spec.action
            )))
        }
    };
    let cidr = match (&spec.cidr_block, &spec.ipv6_cidr_block) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Only one of cidrBlock or ipv6CidrBlock may be specified.",
            ))
        }
        (None, None) => return Err(ApiError::missing("CidrBlock")),
        (Some(raw), None) => EntryCidr::V4(cidr::parse_v4(raw).ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({raw}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
            ))
        })?),
        (None, Some(raw)) => EntryCidr::V6(cidr::parse_v6(raw).ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({raw}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."
            ))
        })?),
    };
    let mut port_range = None;
    let mut icmp = None;
    if protocol.has_ports() {
        let (Some(from), Some(to)) = (spec.port_from, spec.port_to) else {
            return Err(ApiError::invalid_value(
                "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange",
            ));
        };
        if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
            return Err(ApiError::invalid_value(format!(
                    "Invalid value '{from}-{to}' for portRange. Ports must be between 0 and 65535, from not greater than to."
                )));
        }
        port_range = Some((from as u16, to as u16));
    } else if protocol.is_icmp() {
        let required = protocol == Protocol::ICMP || matches!(cidr, EntryCidr::V6(_));
        match (spec.icmp_type, spec.icmp_code) {
            (Some(t), Some(c)) => {
                if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) {
                    return Err(ApiError::invalid_value(format!(
                            "Invalid value '{t}/{c}' for icmpTypeCode. Type and code must be between -1 and 255."
                        )));
                }
                icmp = Some((t as i32, c as i32));
            }
            _ if required => {
                return Err(ApiError::invalid_value(
                    "Invalid value 'Must specify both ICMP type and code.' for icmpTypeCode",
                ))
            }
            _ => {}
        }
    }
    Ok(Entry {
        rule_number,
        egress: spec.egress,
        protocol,
        action,
        cidr,
        icmp,
        port_range,
    })
}

/// AWS's display order: egress entries first, then ingress, each by rule number.
pub fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by_key(|e| (!e.egress, e.rule_number));
}

fn deny_all_v4(egress: bool) -> Entry {
    Entry {
        rule_number: DEFAULT_RULE_V4,
        egress,
        protocol: Protocol::All,
        action: RuleAction::Deny,
        cidr: EntryCidr::V4("0.0.0.0/0".parse().expect("constant")),
        icmp: None,
        port_range: None,
    }
}

fn ipv6_entries(allow: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for egress in [false, true] {
        if allow {
            out.push(Entry {
                rule_number: 101,
                egress,
                protocol: Protocol::All,
                action: RuleAction::Allow,
                cidr: EntryCidr::V6("::/0".parse().expect("constant")),
                icmp: None,
                port_range: None,
            });
        }
        out.push(Entry {
            rule_number: DEFAULT_RULE_V6,
            egress,
            protocol: Protocol::All,
            action: RuleAction::Deny,
            cidr: EntryCidr::V6("::/0".parse().expect("constant")),
            icmp: None,
            port_range: None,
        });
    }
    out
}

/// Creates the VPC's default ACL: allow all (rule 100, and 101 for IPv6), then deny.
pub fn create_default(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::NetworkAcl);
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(Entry {
            rule_number: 100,
            egress,
            protocol: Protocol::All,
            action: RuleAction::Allow,
            cidr: EntryCidr::V4("0.0.0.0/0".parse().expect("constant")),
            icmp: None,
            port_range: None,
        });
        entries.push(deny_all_v4(egress));
    }
    if has_ipv6 {
        entries.extend(ipv6_entries(true));
    }
    w.network_acls.insert(NetworkAcl {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        is_default: true,
        entries,
        associations: Vec::new(),
    });
    id
}

/// A custom ACL's initial entries: deny everything.
pub fn custom_entries(has_ipv6: bool) -> Vec<Entry> {
    let mut entries = vec![deny_all_v4(false), deny_all_v4(true)];
    if has_ipv6 {
        entries.extend(ipv6_entries(false));
    }
    entries
}

/// When a VPC gains IPv6, its default ACL gains the IPv6 allow and deny rules.
pub fn on_ipv6_added(w: &mut World, vpc_id: &str) {
    for acl in w.network_acls.values_mut().filter(|a| a.vpc_id == vpc_id) {
        if acl
            .entries
            .iter()
            .any(|e| matches!(e.cidr, EntryCidr::V6(_)))
        {
            continue;
        }
        acl.entries.extend(ipv6_entries(acl.is_default));
    }
}

/// Associates a new subnet with its VPC's default ACL.
pub fn associate_default(w: &mut World, vpc_id: &str, subnet_id: &str) {
    let assoc = w.ids.id(Kind::NetworkAclAssociation);
    if let Some(acl) = w
        .network_acls
        .values_mut()
        .find(|a| a.vpc_id == vpc_id && a.is_default)
    {
        acl.associations.push(AclAssociation {
            id: assoc,
            subnet_id: subnet_id.to_string(),
        });
    }
}

/// Drops the association of a deleted subnet.
pub fn on_subnet_deleted(w: &mut World, subnet_id: &str) {
    for acl in w.network_acls.values_mut() {
        acl.associations.retain(|a| a.subnet_id != subnet_id);
    }
}

/// The ACL associated with a subnet.
pub fn of_subnet<'w>(w: &'w World, subnet_id: &str) -> Option<&'w NetworkAcl> {
    w.network_acls
        .values()
        .find(|a| a.associations.iter().any(|s| s.subnet_id == subnet_id))
}

/// Entries in AWS's display order (egress first, each direction by rule number).
pub fn sorted_entries(acl: &NetworkAcl) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = acl.entries.iter().collect();
    v.sort_by_key(|e| (!e.egress, e.rule_number));
    v
}

/// Filters DescribeNetworkAcls accepts.
pub const FILTERS: &[&str] = &[
    "association.association-id",
    "association.network-acl-id",
    "association.subnet-id",
    "default",
    "entry.cidr",
    "entry.icmp.code",
    "entry.icmp.type",
    "entry.ipv6-cidr",
    "entry.port-range.from",
    "entry.port-range.to",
    "entry.protocol",
    "entry.rule-action",
    "entry.egress",
    "entry.rule-number",
    "network-acl-id",
    "owner-id",
    "vpc-id",
];

/// DescribeNetworkAcls.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NetworkAcl>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.network_acls.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|a| filter::matches(filters, tags::of(w, &scope, &a.id), |name| field(a, name)))
        .collect())
}

/// An entry's protocol as filters match it: its number and its name (`all` for every protocol).
fn protocol_names(protocol: Protocol) -> Vec<String> {
    let name = match protocol {
        Protocol::All => Some("all"),
        p => p.known_name(),
    };
    let mut v = vec![protocol.number_text()];
    v.extend(name.map(str::to_string));
    v
}

fn field(a: &NetworkAcl, name: &str) -> Vec<String> {
    let entries = a.entries.iter();
    match name {
        "association.association-id" => a.associations.iter().map(|s| s.id.clone()).collect(),
        "association.network-acl-id" => a.associations.iter().map(|_| a.id.clone()).collect(),
        "association.subnet-id" => a.associations.iter().map(|s| s.subnet_id.clone()).collect(),
        "default" => filter::b(a.is_default),
        "entry.cidr" => entries
            .filter_map(|e| match &e.cidr {
                EntryCidr::V4(n) => Some(n.to_string()),
                EntryCidr::V6(_) => None,
            })
            .collect(),
        "entry.ipv6-cidr" => entries
            .filter_map(|e| match &e.cidr {
                EntryCidr::V6(n) => Some(n.to_string()),
                EntryCidr::V4(_) => None,
            })
            .collect(),
        "entry.icmp.code" => entries
            .filter_map(|e| e.icmp.map(|(_, c)| c.to_string()))
            .collect(),
        "entry.icmp.type" => entries
            .filter_map(|e| e.icmp.map(|(t, _)| t.to_string()))
            .collect(),
        "entry.port-range.from" => entries
            .filter_map(|e| e.port_range.map(|(f, _)| f.to_string()))
            .collect(),
        "entry.port-range.to" => entries
            .filter_map(|e| e.port_range.map(|(_, t)| t.to_string()))
            .collect(),
        "entry.protocol" => entries.flat_map(|e| protocol_names(e.protocol)).collect(),
        "entry.rule-action" => entries.map(|e| e.action.as_str().to_string()).collect(),
        "entry.egress" => entries.map(|e| e.egress.to_string()).collect(),
        "entry.rule-number" => entries.map(|e| e.rule_number.to_string()).collect(),
        "network-acl-id" => filter::s(&a.id),
        "owner-id" => filter::s(&a.scope.account),
        "vpc-id" => filter::s(&a.vpc_id),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation for the reachability engine

/// Whether one entry matches a packet. For ICMP/ICMPv6, `port` carries the ICMP type;
/// `port` None matches only entries that do not restrict ports/types.
pub fn entry_matches(
    e: &Entry,
    egress: bool,
    protocol: u8,
    addr: IpAddr,
    port: Option<u16>,
) -> bool {
    if e.egress != egress {
        return false;
    }
    let in_block = match (&e.cidr, addr) {
        (EntryCidr::V4(n), IpAddr::V4(a)) => n.contains(&a),
        (EntryCidr::V6(n), IpAddr::V6(a)) => n.contains(&a),
        _ => false,
    };
    if !in_block {
        return false;
    }
    match e.protocol.number() {
        None => return true,
        Some(n) if n != protocol => return false,
        Some(_) => {}
    }
    if let Some((from, to)) = e.port_range {
        return port.is_some_and(|p| (from..=to).contains(&p));
    }
    if let Some((t, _)) = e.icmp {
        return t == -1 || port.is_some_and(|p| i32::from(p) == t);
    }
    true
}

/// Evaluates an ACL for one packet: entries of the direction in ascending rule number,
/// first match wins; nothing matching is the implicit `*` deny (32767 for IPv4,
/// 32768 for IPv6). `addr` is the remote end (source inbound, destination outbound).
pub fn evaluate(
    acl: &NetworkAcl,
    egress: bool,
    protocol: u8,
    addr: IpAddr,
    port: Option<u16>,
) -> (RuleAction, u32) {
    let mut candidates: Vec<&Entry> = acl
        .entries
        .iter()
        .filter(|e| entry_matches(e, egress, protocol, addr, port))
        .collect();
    candidates.sort_by_key(|e| e.rule_number);
    match candidates.first() {
        Some(e) => (e.action, e.rule_number),
        None => (
            RuleAction::Deny,
            if addr.is_ipv4() {
                DEFAULT_RULE_V4
            } else {
                DEFAULT_RULE_V6
            },
        ),
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // data-driven case tables
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::config::Config;
    use crate::{subnet, vpc, Command};
    use proptest::prelude::*;

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

    /// Applies `cmd`; with `expect = Some(code)` asserts that error and an unchanged world.
    fn check(w: &mut World, ctx: &Ctx, cmd: Cmd, expect: Option<&str>) -> Option<Output> {
        let before = format!("{w:?}");
        let got = w.apply(ctx, Command::Nacl(cmd.clone()));
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

    fn id_of(out: Option<Output>) -> String {
        match out {
            Some(Output::Id(id)) => id,
            other => panic!("{other:?}"),
        }
    }

    fn setup(quotas: &[&str], ipv6: bool) -> (World, Ctx, String) {
        let mut w = world(quotas);
        let a = ctx(A);
        w.apply(&a, Command::InitScope).unwrap();
        let vpc = match w
            .apply(
                &a,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: "10.0.0.0/16".into(),
                    amazon_ipv6: ipv6,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        };
        (w, a, vpc)
    }

    fn create(w: &mut World, a: &Ctx, vpc: &str) -> String {
        id_of(check(
            w,
            a,
            Cmd::Create {
                vpc_id: vpc.into(),
                tags: vec![],
            },
            None,
        ))
    }

    fn entry(acl: &str, n: i64, protocol: &str, egress: bool) -> EntrySpec {
        EntrySpec {
            acl_id: acl.into(),
            rule_number: n,
            protocol: protocol.into(),
            action: "allow".into(),
            egress,
            cidr_block: Some("0.0.0.0/0".into()),
            ..EntrySpec::default()
        }
    }

    #[test]
    fn create_and_delete_acls() {
        let (mut w, a, vpc) = setup(&[], false);
        let acl = create(&mut w, &a, &vpc);
        let got = w.network_acls.get(&acl).unwrap();
        assert!(!got.is_default && got.associations.is_empty());
        assert_eq!(got.entries, custom_entries(false));
        assert!(got.entries.iter().all(|e| e.action == RuleAction::Deny));
        let (mut w6, a6, vpc6) = setup(&[], true);
        let acl6 = create(&mut w6, &a6, &vpc6);
        assert_eq!(w6.network_acls.get(&acl6).unwrap().entries.len(), 4);

        check(
            &mut w,
            &a,
            Cmd::Create {
                vpc_id: "vpc-0123456789abcdef0".into(),
                tags: vec![],
            },
            Some("InvalidVpcID.NotFound"),
        );
        let wrong_tag = vec![TagSpec {
            resource_type: "vpc".into(),
            tags: vec![],
        }];
        check(
            &mut w,
            &a,
            Cmd::Create {
                vpc_id: vpc.clone(),
                tags: wrong_tag,
            },
            Some("InvalidParameterValue"),
        );
        let b = ctx(B);
        w.apply(&b, Command::InitScope).unwrap();
        check(
            &mut w,
            &b,
            Cmd::Create {
                vpc_id: vpc.clone(),
                tags: vec![],
            },
            Some("InvalidVpcID.NotFound"),
        );
        check(
            &mut w,
            &b,
            Cmd::Delete {
                acl_id: acl.clone(),
            },
            Some("InvalidNetworkAclID.NotFound"),
        );

        let default_acl = w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
        let e = w
            .apply(
                &a,
                Command::Nacl(Cmd::Delete {
                    acl_id: default_acl.clone(),
                }),
            )
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message),
            (
                "InvalidParameterValue",
                format!("cannot delete default network ACL {default_acl}")
            )
        );
        assert_eq!(
            check(
                &mut w,
                &a,
                Cmd::Delete {
                    acl_id: acl.clone()
                },
                None
            ),
            Some(Output::Done)
        );
        check(
            &mut w,
            &a,
            Cmd::Delete { acl_id: acl },
            Some("InvalidNetworkAclID.NotFound"),
        );
    }

    #[test]
    fn entries() {
        let (mut w, a, vpc) = setup(&[], false);
        let acl = create(&mut w, &a, &vpc);
        let with = |f: &dyn Fn(&mut EntrySpec)| {
            let mut e = entry(&acl, 100, "-1", false);
            f(&mut e);
            e
        };
        // Accepted, with the stored protocol, ports and icmp.
        let ok: &[(EntrySpec, &str, Option<(u16, u16)>, Option<(i32, i32)>)] = &[
            (with(&|_| {}), "-1", None, None),
            (
                with(&|e| {
                    e.rule_number = 110;
                    e.protocol = "tcp".into();
                    e.port_from = Some(22);
                    e.port_to = Some(22);
                }),
                "6",
                Some((22, 22)),
                None,
            ),
            (
                with(&|e| {
                    e.rule_number = 120;
                    e.protocol = "17".into();
                    e.port_from = Some(1024);
                    e.port_to = Some(65535);
                }),
                "17",
                Some((1024, 65535)),
                None,
            ),
            (
                with(&|e| {
                    e.rule_number = 130;
                    e.protocol = "1".into();
                    e.icmp_type = Some(8);
                    e.icmp_code = Some(-1);
                }),
                "1",
                None,
                Some((8, -1)),
            ),
            (
                with(&|e| {
                    e.rule_number = 140;
                    e.protocol = "58".into();
                }),
                "58",
                None,
                None,
            ),
            (
                with(&|e| {
                    e.rule_number = 150;
                    e.protocol = "47".into();
                    e.port_from = Some(1);
                    e.port_to = Some(2);
                }),
                "47",
                None,
                None,
            ),
            (
                with(&|e| {
                    e.rule_number = 32766;
                    e.action = "DENY".into();
                    e.cidr_block = None;
                    e.ipv6_cidr_block = Some("::/0".into());
                }),
                "-1",
                None,
                None,
            ),
            (
                with(&|e| {
                    e.egress = true;
                }),
                "-1",
                None,
                None,
            ),
        ];
        for (spec, protocol, ports, icmp) in ok {
            check(&mut w, &a, Cmd::CreateEntry(spec.clone()), None);
            let got = w
                .network_acls
                .get(&acl)
                .unwrap()
                .entries
                .iter()
                .find(|e| e.rule_number == spec.rule_number as u32 && e.egress == spec.egress)
                .unwrap()
                .clone();
            assert_eq!(
                (
                    got.protocol.number_text().as_str(),
                    got.port_range,
                    got.icmp
                ),
                (*protocol, *ports, *icmp),
                "{spec:?}"
            );
        }
        let deny = w
            .network_acls
            .get(&acl)
            .unwrap()
            .entries
            .iter()
            .find(|e| e.rule_number == 32766)
            .unwrap()
            .clone();
        assert_eq!(
            (deny.action, deny.cidr),
            (RuleAction::Deny, EntryCidr::V6("::/0".parse().unwrap()))
        );
        let bad: &[(EntrySpec, &str)] = &[
            (with(&|_| {}), "NetworkAclEntryAlreadyExists"),
            (with(&|e| e.rule_number = 0), "InvalidParameterValue"),
            (with(&|e| e.rule_number = 32767), "InvalidParameterValue"),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "gre".into();
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "6".into();
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "6".into();
                    e.port_from = Some(9);
                    e.port_to = Some(8);
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "6".into();
                    e.port_from = Some(0);
                    e.port_to = Some(70000);
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "icmp".into();
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "1".into();
                    e.icmp_type = Some(300);
                    e.icmp_code = Some(0);
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.protocol = "58".into();
                    e.cidr_block = None;
                    e.ipv6_cidr_block = Some("::/0".into());
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.action = "maybe".into();
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.ipv6_cidr_block = Some("::/0".into());
                }),
                "InvalidParameterCombination",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.cidr_block = None;
                }),
                "MissingParameter",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.cidr_block = Some("10.0.0.0/33".into());
                }),
                "InvalidParameterValue",
            ),
            (
                with(&|e| {
                    e.rule_number = 1;
                    e.acl_id = "acl-0123456789abcdef0".into();
                }),
                "InvalidNetworkAclID.NotFound",
            ),
        ];
        for (spec, code) in bad {
            check(&mut w, &a, Cmd::CreateEntry(spec.clone()), Some(code));
        }
        let e = w
            .apply(&a, Command::Nacl(Cmd::CreateEntry(with(&|_| {}))))
            .unwrap_err();
        assert_eq!(
            e.message,
            "The network acl entry identified by 100 already exists."
        );
        // Another account cannot add entries.
        let b = ctx(B);
        w.apply(&b, Command::InitScope).unwrap();
        check(
            &mut w,
            &b,
            Cmd::CreateEntry(with(&|e| e.rule_number = 1)),
            Some("InvalidNetworkAclID.NotFound"),
        );

        // Replace.
        check(
            &mut w,
            &a,
            Cmd::ReplaceEntry(with(&|e| e.action = "deny".into())),
            None,
        );
        let replaced = w
            .network_acls
            .get(&acl)
            .unwrap()
            .entries
            .iter()
            .find(|e| e.rule_number == 100 && !e.egress)
            .unwrap()
            .clone();
        assert_eq!(replaced.action, RuleAction::Deny);
        check(
            &mut w,
            &a,
            Cmd::ReplaceEntry(with(&|e| e.rule_number = 5)),
            Some("InvalidNetworkAclEntry.NotFound"),
        );
        check(
            &mut w,
            &a,
            Cmd::ReplaceEntry(with(&|e| e.protocol = "x".into())),
            Some("InvalidParameterValue"),
        );

        // Delete.
        let del = |n: i64, egress: bool| Cmd::DeleteEntry {
            acl_id: acl.clone(),
            rule_number: n,
            egress,
        };
        check(&mut w, &a, del(100, true), None);
        check(
            &mut w,
            &a,
            del(100, true),
            Some("InvalidNetworkAclEntry.NotFound"),
        );
        check(&mut w, &a, del(32767, false), Some("InvalidParameterValue"));
        assert!(w
            .network_acls
            .get(&acl)
            .unwrap()
            .entries
            .iter()
            .any(|e| e.rule_number == 100 && !e.egress));
    }

    #[test]
    fn entry_quota_per_direction() {
        let (mut w, a, vpc) = setup(&["entries-per-network-acl=1"], false);
        let acl = create(&mut w, &a, &vpc);
        check(
            &mut w,
            &a,
            Cmd::CreateEntry(entry(&acl, 100, "-1", false)),
            None,
        );
        check(
            &mut w,
            &a,
            Cmd::CreateEntry(entry(&acl, 100, "-1", true)),
            None,
        );
        check(
            &mut w,
            &a,
            Cmd::CreateEntry(entry(&acl, 200, "-1", false)),
            Some("NetworkAclEntryLimitExceeded"),
        );
        // Replacing is not adding.
        check(
            &mut w,
            &a,
            Cmd::ReplaceEntry(entry(&acl, 100, "6", false)),
            Some("InvalidParameterValue"),
        );
        let mut spec = entry(&acl, 100, "6", false);
        spec.port_from = Some(80);
        spec.port_to = Some(80);
        check(&mut w, &a, Cmd::ReplaceEntry(spec), None);
    }

    #[test]
    fn associations() {
        let (mut w, a, vpc) = setup(&[], false);
        let subnet = match w
            .apply(
                &a,
                Command::Subnet(subnet::Cmd::Create {
                    vpc_id: vpc.clone(),
                    cidr_block: "10.0.1.0/24".into(),
                    ipv6_cidr_block: None,
                    availability_zone: None,
                    availability_zone_id: None,
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        };
        let default_acl = w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
        let assoc = of_subnet(&w, &subnet).unwrap().associations[0].id.clone();
        assert_eq!(of_subnet(&w, &subnet).unwrap().id, default_acl);
        let acl = create(&mut w, &a, &vpc);
        let replace = |association_id: &str, acl_id: &str| Cmd::ReplaceAssociation {
            association_id: association_id.into(),
            acl_id: acl_id.into(),
        };
        let new_assoc = id_of(check(&mut w, &a, replace(&assoc, &acl), None));
        assert!(new_assoc.starts_with("aclassoc-") && new_assoc != assoc);
        assert_eq!(of_subnet(&w, &subnet).unwrap().id, acl);
        assert!(w
            .network_acls
            .get(&default_acl)
            .unwrap()
            .associations
            .is_empty());
        check(
            &mut w,
            &a,
            replace(&assoc, &acl),
            Some("InvalidAssociationID.NotFound"),
        );
        check(
            &mut w,
            &a,
            replace(&new_assoc, "acl-0123456789abcdef0"),
            Some("InvalidNetworkAclID.NotFound"),
        );
        let other_vpc = match w
            .apply(
                &a,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: "10.9.0.0/16".into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        };
        let foreign = create(&mut w, &a, &other_vpc);
        check(
            &mut w,
            &a,
            replace(&new_assoc, &foreign),
            Some("InvalidParameterValue"),
        );
        let e = w
            .apply(
                &a,
                Command::Nacl(Cmd::Delete {
                    acl_id: acl.clone(),
                }),
            )
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message),
            (
                "DependencyViolation",
                format!("The networkAcl '{acl}' has dependencies and cannot be deleted.")
            )
        );
        let b = ctx(B);
        w.apply(&b, Command::InitScope).unwrap();
        check(
            &mut w,
            &b,
            replace(&new_assoc, &acl),
            Some("InvalidAssociationID.NotFound"),
        );
        let back = id_of(check(&mut w, &a, replace(&new_assoc, &default_acl), None));
        assert_eq!(
            of_subnet(&w, &subnet)
                .unwrap()
                .associations
                .iter()
                .find(|s| s.subnet_id == subnet)
                .unwrap()
                .id,
            back
        );
        check(&mut w, &a, Cmd::Delete { acl_id: acl }, None);
    }

    #[test]
    fn describe_filters() {
        let (mut w, a, vpc) = setup(&[], false);
        let acl = create(&mut w, &a, &vpc);
        let mut spec = entry(&acl, 110, "tcp", false);
        spec.port_from = Some(443);
        spec.port_to = Some(443);
        check(&mut w, &a, Cmd::CreateEntry(spec), None);
        let default_acl = w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
        let find = |f: &[(&str, &[&str])]| -> Vec<String> {
            let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
            let mut v: Vec<String> = describe(&w, &a, &[], &filters)
                .unwrap()
                .into_iter()
                .map(|a| a.id.clone())
                .collect();
            v.sort();
            v
        };
        let cases: &[(&[(&str, &[&str])], Vec<String>)] = &[
            (
                &[("vpc-id", &[&vpc]), ("default", &["true"])],
                vec![default_acl.clone()],
            ),
            (
                &[("vpc-id", &[&vpc]), ("default", &["false"])],
                vec![acl.clone()],
            ),
            (&[("entry.protocol", &["tcp"])], vec![acl.clone()]),
            (&[("entry.protocol", &["6"])], vec![acl.clone()]),
            (&[("entry.port-range.from", &["443"])], vec![acl.clone()]),
            (
                &[
                    ("entry.rule-number", &["110"]),
                    ("entry.egress", &["false"]),
                ],
                vec![acl.clone()],
            ),
            (
                &[("entry.rule-action", &["allow"]), ("vpc-id", &[&vpc])],
                vec![acl.clone(), default_acl.clone()],
            ),
            (
                &[("network-acl-id", &[&acl]), ("owner-id", &[A])],
                vec![acl.clone()],
            ),
            (
                &[("entry.cidr", &["0.0.0.0/0"]), ("network-acl-id", &[&acl])],
                vec![acl.clone()],
            ),
            (&[("entry.ipv6-cidr", &["::/0"])], vec![]),
        ];
        for (f, expected) in cases {
            let mut want = expected.clone();
            want.sort();
            assert_eq!(find(f), want, "{f:?}");
        }
        assert_eq!(
            describe(&w, &a, &[], &[Filter::new("nope", &["x"])])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        assert_eq!(
            describe(&w, &a, &["acl-0123456789abcdef0".into()], &[])
                .unwrap_err()
                .code,
            "InvalidNetworkAclID.NotFound"
        );
        assert_eq!(
            describe(&w, &a, &[acl.clone(), acl.clone()], &[])
                .unwrap()
                .len(),
            1
        );
        // Display order: egress first, by rule number.
        let order: Vec<(bool, u32)> = sorted_entries(w.network_acls.get(&acl).unwrap())
            .iter()
            .map(|e| (e.egress, e.rule_number))
            .collect();
        assert_eq!(order, vec![(true, 32767), (false, 110), (false, 32767)]);
    }

    fn acl_with(entries: Vec<Entry>) -> NetworkAcl {
        NetworkAcl {
            id: "acl-1".into(),
            scope: Scope::new(A, "us-east-1"),
            vpc_id: "vpc-1".into(),
            is_default: false,
            entries,
            associations: vec![],
        }
    }

    fn e(
        n: u32,
        protocol: &str,
        action: RuleAction,
        cidr: &str,
        ports: Option<(u16, u16)>,
        icmp: Option<(i32, i32)>,
    ) -> Entry {
        Entry {
            rule_number: n,
            egress: false,
            protocol: Protocol::parse(protocol).expect("test protocol"),
            action,
            cidr: match cidr.parse::<Ipv4Net>() {
                Ok(n) => EntryCidr::V4(n),
                Err(_) => EntryCidr::V6(cidr.parse().unwrap()),
            },
            icmp,
            port_range: ports,
        }
    }

    #[test]
    fn evaluation() {
        use RuleAction::{Allow, Deny};
        let mut entries = vec![
            e(100, "6", Allow, "10.0.0.0/8", Some((22, 22)), None),
            e(90, "6", Deny, "10.9.0.0/16", Some((0, 65535)), None),
            e(200, "1", Allow, "0.0.0.0/0", None, Some((8, -1))),
            e(300, "-1", Allow, "2001:db8::/32", None, None),
        ];
        entries.extend(custom_entries(true));
        let acl = acl_with(entries);
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let cases: &[(bool, u8, &str, Option<u16>, (RuleAction, u32))] = &[
            (false, 6, "10.1.1.1", Some(22), (Allow, 100)),
            (false, 6, "10.9.1.1", Some(22), (Deny, 90)),
            (false, 6, "10.1.1.1", Some(23), (Deny, DEFAULT_RULE_V4)),
            (false, 6, "10.1.1.1", None, (Deny, DEFAULT_RULE_V4)),
            (false, 17, "10.1.1.1", Some(22), (Deny, DEFAULT_RULE_V4)),
            (false, 1, "8.8.8.8", Some(8), (Allow, 200)),
            (false, 1, "8.8.8.8", Some(0), (Deny, DEFAULT_RULE_V4)),
            (false, 6, "2001:db8::5", Some(80), (Allow, 300)),
            (false, 6, "2001:db9::5", Some(80), (Deny, DEFAULT_RULE_V6)),
            (true, 6, "10.1.1.1", Some(22), (Deny, DEFAULT_RULE_V4)),
        ];
        for (egress, proto, addr, port, expected) in cases {
            assert_eq!(
                evaluate(&acl, *egress, *proto, ip(addr), *port),
                *expected,
                "{egress} {proto} {addr} {port:?}"
            );
        }
        // An ACL without IPv6 entries still denies IPv6 with the `*` number.
        assert_eq!(
            evaluate(&acl_with(vec![]), false, 6, ip("::1"), Some(1)),
            (Deny, DEFAULT_RULE_V6)
        );
    }

    /// Oracle: walk every rule number upwards and take the first entry that matches.
    fn oracle(
        acl: &NetworkAcl,
        egress: bool,
        protocol: u8,
        addr: IpAddr,
        port: Option<u16>,
    ) -> (RuleAction, u32) {
        for n in 0..=DEFAULT_RULE_V6 {
            for e in acl
                .entries
                .iter()
                .filter(|e| e.rule_number == n && e.egress == egress)
            {
                let fam = matches!(
                    (&e.cidr, addr),
                    (EntryCidr::V4(_), IpAddr::V4(_)) | (EntryCidr::V6(_), IpAddr::V6(_))
                );
                let inside = match (&e.cidr, addr) {
                    (EntryCidr::V4(c), IpAddr::V4(a)) => {
                        let mask = if c.prefix_len() == 0 {
                            0
                        } else {
                            u32::MAX << (32 - c.prefix_len())
                        };
                        u32::from(a) & mask == u32::from(c.network())
                    }
                    _ => false,
                };
                let proto_ok = e.protocol.number_text() == "-1"
                    || (e.protocol.number_text() == protocol.to_string()
                        && match (e.port_range, e.icmp) {
                            (Some((f, t)), _) => port.is_some_and(|p| p >= f && p <= t),
                            (None, Some((ty, _))) => ty == -1 || port.map(i32::from) == Some(ty),
                            (None, None) => true,
                        });
                if fam && inside && proto_ok {
                    return (e.action, n);
                }
            }
        }
        (
            RuleAction::Deny,
            if addr.is_ipv4() {
                DEFAULT_RULE_V4
            } else {
                DEFAULT_RULE_V6
            },
        )
    }

    fn arb_entry() -> impl Strategy<Value = Entry> {
        (
            1u32..40,
            any::<bool>(),
            prop_oneof![Just("-1"), Just("6"), Just("17"), Just("1")],
            any::<bool>(),
            (0u8..4, 0u8..=32),
            (0u16..8, 0u16..8),
            -1i32..4,
        )
            .prop_map(
                |(n, egress, protocol, allow, (octet, len), (a, b), icmp_type)| {
                    let net = Ipv4Net::new(std::net::Ipv4Addr::new(10, octet, 0, 0), len)
                        .unwrap()
                        .trunc();
                    Entry {
                        rule_number: n,
                        egress,
                        protocol: Protocol::parse(protocol).expect("test protocol"),
                        action: if allow {
                            RuleAction::Allow
                        } else {
                            RuleAction::Deny
                        },
                        cidr: EntryCidr::V4(net),
                        icmp: (protocol == "1").then_some((icmp_type, -1)),
                        port_range: matches!(protocol, "6" | "17").then_some((a.min(b), a.max(b))),
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn evaluate_agrees_with_oracle(
            raw in proptest::collection::vec(arb_entry(), 0..12),
            egress in any::<bool>(),
            protocol in prop_oneof![Just(6u8), Just(17u8), Just(1u8), Just(47u8)],
            (o2, o3) in (0u8..4, 0u8..4),
            port in proptest::option::of(0u16..10),
        ) {
            // Rule numbers are unique per direction, as the API enforces.
            let mut seen = BTreeSet::new();
            let mut entries: Vec<Entry> = raw.into_iter().filter(|e| seen.insert((e.egress, e.rule_number))).collect();
            entries.extend(custom_entries(false));
            let acl = acl_with(entries);
            let addr = IpAddr::V4(std::net::Ipv4Addr::new(10, o2, o3, 1));
            prop_assert_eq!(evaluate(&acl, egress, protocol, addr, port), oracle(&acl, egress, protocol, addr, port));
        }
    }
}
