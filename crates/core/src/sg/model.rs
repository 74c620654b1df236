//! Security groups as data: groups, their rules and peers, requested permissions, and the
//! commands.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;

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
    pub(crate) fn display(&self) -> String {
        match self {
            Peer::V4(n) => n.to_string(),
            Peer::V6(n) => n.to_string(),
            Peer::PrefixList(id) => id.clone(),
            Peer::Group { group_id, .. } => group_id.clone(),
        }
    }

    /// Identity of the peer for duplicate detection and revocation.
    pub(crate) fn key(&self) -> String {
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

    /// The rules of one direction, for changing.
    pub(crate) fn rules_mut(&mut self, egress: bool) -> &mut Vec<Rule> {
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

/// A rule's new description, by rule id (UpdateSecurityGroupRuleDescriptions…).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDescription {
    pub rule_id: String,
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
    /// New descriptions for existing rules, by permission or by rule id.
    UpdateDescriptions {
        group: GroupRef,
        egress: bool,
        permissions: Vec<Permission>,
        rules: Vec<RuleDescription>,
    },
}
