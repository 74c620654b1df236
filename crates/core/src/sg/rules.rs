//! Changing a group's rules: AuthorizeSecurityGroupIngress/Egress, Revoke…, and
//! ModifySecurityGroupRules. Each rule is one peer with its own `sgr-` id.

use std::collections::BTreeSet;

use super::groups::{get, resolve};
use super::model::{GroupRef, PeerSpec, Permission, Rule, RuleUpdate, SecurityGroup};
use super::permissions::{describe_rule, drafts};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, World};
use crate::Output;

pub(super) fn authorize(
    w: &mut World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, scope, group)?;
    if permissions.is_empty() {
        return Err(ApiError::missing("IpPermissions"));
    }
    let new = drafts(w, scope, g, permissions, false)?;
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
        .limit(ctx.account(), quota::RULES_PER_SECURITY_GROUP)
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
        tags::apply_specs(w, scope, rule_id, specs);
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
    let Ok(g) = resolve(w, scope, group) else {
        return Vec::new();
    };
    let Ok(wanted) = drafts(w, scope, g, permissions, true) else {
        return Vec::new();
    };
    wanted
        .into_iter()
        .filter(|d| !g.rules(egress).iter().any(|r| r.same_grant(d)))
        .collect()
}

pub(super) fn revoke(
    w: &mut World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
    rule_ids: &[String],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, scope, group)?;
    if permissions.is_empty() && rule_ids.is_empty() {
        return Err(ApiError::missing("IpPermissions"));
    }
    let in_default_vpc = w.vpcs.get(&g.vpc_id).is_some_and(|v| v.is_default);
    let wanted = drafts(w, scope, g, permissions, true)?;
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

/// ModifySecurityGroupRules: each named rule is replaced in place (same id, same
/// direction) by the one its update describes; no two rules may grant the same.
pub(super) fn modify_rules(
    w: &mut World,
    ctx: &Ctx,
    group_id: &str,
    updates: &[RuleUpdate],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = get(w, scope, group_id)?;
    if updates.is_empty() {
        return Err(ApiError::missing("SecurityGroupRule"));
    }
    let mut replaced: Vec<(Rule, bool)> = Vec::new();
    for u in updates {
        let Some((old, egress)) = g.rule(&u.rule_id) else {
            return Err(Kind::SecurityGroupRule.not_found(&u.rule_id));
        };
        let permission = permission_of(u)?;
        let mut draft = drafts(w, scope, g, std::slice::from_ref(&permission), false)?
            .pop()
            .expect("one peer gives one rule");
        draft.rule_id = old.rule_id.clone();
        check_no_clash(g, updates, &replaced, &draft, egress)?;
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

/// The permission a rule update describes: at most one peer.
fn permission_of(u: &RuleUpdate) -> Result<Permission> {
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
    Ok(Permission {
        protocol: u.protocol.clone(),
        from_port: u.from_port,
        to_port: u.to_port,
        peers,
    })
}

/// `InvalidPermission.Duplicate` when `draft` grants what a rule of its direction keeps
/// (one not being updated) or what an earlier update of the same request now grants.
fn check_no_clash(
    g: &SecurityGroup,
    updates: &[RuleUpdate],
    replaced: &[(Rule, bool)],
    draft: &Rule,
    egress: bool,
) -> Result<()> {
    let clash = g
        .rules(egress)
        .iter()
        .filter(|r| r.rule_id != draft.rule_id && !updates.iter().any(|u| u.rule_id == r.rule_id))
        .chain(
            replaced
                .iter()
                .filter(|(_, e)| *e == egress)
                .map(|(r, _)| r),
        )
        .any(|r| r.same_grant(draft));
    if clash {
        return Err(ApiError::new(
            ErrorCode::InvalidPermissionDuplicate,
            format!(
                "the specified rule \"{}\" already exists",
                describe_rule(draft)
            ),
        ));
    }
    Ok(())
}
