//! Security groups and their rules, including references to groups in peered VPCs (§1.8).

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
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

/// One rule (one peer). `protocol` is the wire value: `-1`, `tcp`, `udp`, `icmp`,
/// `icmpv6` or an IANA number as text. Ports are -1 for "all" where AWS shows -1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub rule_id: String,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: Option<String>,
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

/// Security group commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

/// `InvalidGroup.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidGroup.NotFound",
        format!("The security group '{id}' does not exist"),
    )
}

/// Applies a security group command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}

/// Creates the VPC's default group: inbound from itself, outbound to everywhere.
pub fn create_default(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id("sg");
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let ingress = vec![Rule {
        rule_id: w.ids.id("sgr"),
        protocol: "-1".into(),
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
        egress.push(Rule {
            rule_id: w.ids.id("sgr"),
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: Peer::V6("::/0".parse().expect("constant")),
            description: None,
        });
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
        rule_id: w.ids.id("sgr"),
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer: Peer::V4("0.0.0.0/0".parse().expect("constant")),
        description: None,
    }
}
