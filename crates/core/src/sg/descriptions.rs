//! UpdateSecurityGroupRuleDescriptionsIngress/Egress: a new description (or none) for
//! existing rules, named by their permissions or by their ids. Nothing else of a rule
//! changes, its id included.

use super::groups::resolve;
use super::model::{GroupRef, Permission, RuleDescription};
use super::permissions::{check_rule_description, drafts};
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, World};
use crate::Output;

/// Sets the descriptions; every named rule must exist in the group's `egress` direction.
pub(super) fn update(
    w: &mut World,
    ctx: &Ctx,
    group: &GroupRef,
    egress: bool,
    permissions: &[Permission],
    by_id: &[RuleDescription],
) -> Result<Output> {
    let scope = ctx.scope();
    let g = resolve(w, scope, group)?;
    let changes: Vec<(String, Option<String>)> = match (permissions.is_empty(), by_id.is_empty()) {
        (false, false) => {
            return Err(ApiError::invalid_combination(
                "The parameter 'ipPermissions' may not be used in combination with 'securityGroupRuleDescriptions'.",
            ))
        }
        (true, true) => return Err(ApiError::missing("IpPermissions")),
        (false, true) => {
            let mut out = Vec::new();
            for d in drafts(w, scope, g, permissions, true)? {
                let rule = g.rules(egress).iter().find(|r| r.same_grant(&d));
                let Some(rule) = rule else {
                    return Err(ApiError::new(
                        ErrorCode::InvalidPermissionNotFound,
                        "The specified rule does not exist in this security group.",
                    ));
                };
                out.push((rule.rule_id.clone(), d.description));
            }
            out
        }
        (true, false) => {
            let mut out = Vec::new();
            for d in by_id {
                if !g.rules(egress).iter().any(|r| r.rule_id == d.rule_id) {
                    return Err(Kind::SecurityGroupRule.not_found(&d.rule_id));
                }
                check_rule_description(&d.description)?;
                out.push((d.rule_id.clone(), d.description.clone()));
            }
            out
        }
    };
    let id = g.id.clone();
    let rules = w
        .security_groups
        .get_mut(&id)
        .expect("resolved")
        .rules_mut(egress);
    for (rule_id, description) in changes {
        if let Some(r) = rules.iter_mut().find(|r| r.rule_id == rule_id) {
            r.description = description.filter(|d| !d.is_empty());
        }
    }
    Ok(Output::Done)
}
