//! DescribeSecurityGroups and DescribeSecurityGroupRules: their filters and the values
//! each filter matches.

use std::collections::BTreeSet;

use super::groups::{by_name_in_default_vpc, get};
use super::model::{Peer, Rule, SecurityGroup};
use super::references::reference_info;
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::protocol::Protocol;
use crate::tags;
use crate::world::{Ctx, Scope, World};

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
        w.security_groups.in_scope(scope).collect()
    } else {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for id in ids {
            let g = get(w, scope, id)?;
            if seen.insert(g.id.clone()) {
                out.push(g);
            }
        }
        for name in names {
            let g = by_name_in_default_vpc(w, scope, name)?;
            if seen.insert(g.id.clone()) {
                out.push(g);
            }
        }
        out
    };
    Ok(filter::tagged(w, scope, candidates, filters, |g, name| {
        field(w, g, name)
    }))
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
        .in_scope(scope)
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
                tags::of(w, scope, &v.rule.rule_id),
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
