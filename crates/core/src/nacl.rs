//! Network ACLs: stateless, numbered rules per direction, one ACL per subnet.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
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

/// One ACL entry. `protocol` is the wire value: `-1` (all) or an IANA number as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub rule_number: u32,
    pub egress: bool,
    pub protocol: String,
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

/// Network ACL commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

/// `InvalidNetworkAclID.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidNetworkAclID.NotFound",
        format!("The networkAcl ID '{id}' does not exist"),
    )
}

/// Applies a network ACL command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}

fn deny_all_v4(egress: bool) -> Entry {
    Entry {
        rule_number: DEFAULT_RULE_V4,
        egress,
        protocol: "-1".into(),
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
                protocol: "-1".into(),
                action: RuleAction::Allow,
                cidr: EntryCidr::V6("::/0".parse().expect("constant")),
                icmp: None,
                port_range: None,
            });
        }
        out.push(Entry {
            rule_number: DEFAULT_RULE_V6,
            egress,
            protocol: "-1".into(),
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
    let id = w.ids.id("acl");
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(Entry {
            rule_number: 100,
            egress,
            protocol: "-1".into(),
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
    let assoc = w.ids.id("aclassoc");
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
