//! Network ACLs as data: ACLs, entries, associations and the ACL commands.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;

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

/// AWS's display order of entries: egress first, then ingress, each by rule number.
fn display_order(e: &Entry) -> (bool, u32) {
    (!e.egress, e.rule_number)
}

/// Sorts entries in AWS's display order.
pub fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by_key(display_order);
}

/// Entries in AWS's display order (egress first, each direction by rule number).
pub fn sorted_entries(acl: &NetworkAcl) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = acl.entries.iter().collect();
    v.sort_by_key(|e| display_order(e));
    v
}
