//! DescribeLoadBalancers, DescribeTargetGroups, DescribeListeners and DescribeTags.

use std::collections::BTreeSet;

use super::arns::{
    check_arn, get_load_balancer, listener_not_found, load_balancer_not_found,
    target_group_not_found, validation,
};
use super::model::{ArnKind, Listener, LoadBalancer, TargetGroup};
use super::tagging::{check_resource_arns, tags_of};
use crate::error::{ApiError, Result};
use crate::table::{Resource, Table};
use crate::tags::TagSet;
use crate::world::{Ctx, Scope, World};

/// The caller's resources named by `arns`, each once, in the order asked: every ARN must be
/// of `kind`, and the missing ones are reported together by `not_found`.
fn by_arns<'w, T: Resource>(
    table: &'w Table<T>,
    scope: &Scope,
    arns: &[String],
    kind: ArnKind,
    not_found: fn(&str) -> ApiError,
) -> Result<Vec<&'w T>> {
    for a in arns {
        check_arn(a, kind)?;
    }
    let missing: Vec<&str> = arns
        .iter()
        .filter(|a| table.get_in(scope, a).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(not_found(&missing.join(", ")));
    }
    let mut out: Vec<&T> = Vec::new();
    for a in arns {
        let found = table.get(a).expect("checked");
        if !out.iter().any(|x| x.id() == found.id()) {
            out.push(found);
        }
    }
    Ok(out)
}

/// DescribeLoadBalancers: by ARNs, by names, or all of the caller's (ARN order).
pub fn describe_load_balancers<'w>(
    w: &'w World,
    ctx: &Ctx,
    arns: &[String],
    names: &[String],
) -> Result<Vec<&'w LoadBalancer>> {
    let scope = ctx.scope();
    if !arns.is_empty() && !names.is_empty() {
        return Err(validation(
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    if !arns.is_empty() {
        return by_arns(
            &w.load_balancers,
            scope,
            arns,
            ArnKind::LoadBalancer,
            load_balancer_not_found,
        );
    }
    let all: Vec<&LoadBalancer> = w.load_balancers.in_scope(scope).collect();
    if names.is_empty() {
        return Ok(all);
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !all.iter().any(|l| &l.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(load_balancer_not_found(&missing.join(", ")));
    }
    Ok(all
        .into_iter()
        .filter(|l| names.contains(&l.name))
        .collect())
}

/// DescribeTargetGroups: by load balancer, by ARNs, by names, or all (ARN order).
pub fn describe_target_groups<'w>(
    w: &'w World,
    ctx: &Ctx,
    load_balancer_arn: Option<&str>,
    arns: &[String],
    names: &[String],
) -> Result<Vec<&'w TargetGroup>> {
    let scope = ctx.scope();
    let given = usize::from(load_balancer_arn.is_some())
        + usize::from(!arns.is_empty())
        + usize::from(!names.is_empty());
    if given > 1 {
        return Err(validation(
            "Specify only one of the load balancer ARN, target group ARNs or target group names",
        ));
    }
    let all: Vec<&TargetGroup> = w.target_groups.in_scope(scope).collect();
    if let Some(lb_arn) = load_balancer_arn {
        get_load_balancer(w, scope, lb_arn)?;
        let used: BTreeSet<&str> = w
            .listeners
            .values()
            .filter(|l| l.load_balancer_arn == lb_arn)
            .map(|l| l.target_group_arn.as_str())
            .collect();
        return Ok(all
            .into_iter()
            .filter(|g| used.contains(g.arn.as_str()))
            .collect());
    }
    if !arns.is_empty() {
        return by_arns(
            &w.target_groups,
            scope,
            arns,
            ArnKind::TargetGroup,
            target_group_not_found,
        );
    }
    if names.is_empty() {
        return Ok(all);
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !all.iter().any(|g| &g.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(target_group_not_found(&missing.join(", ")));
    }
    Ok(all
        .into_iter()
        .filter(|g| names.contains(&g.name))
        .collect())
}

/// The load balancers whose listeners forward to target group `arn`, in ARN order.
pub fn target_group_load_balancers(w: &World, arn: &str) -> Vec<String> {
    w.listeners
        .values()
        .filter(|l| l.target_group_arn == arn)
        .map(|l| l.load_balancer_arn.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// DescribeListeners: a load balancer's listeners or the given ones.
pub fn describe_listeners<'w>(
    w: &'w World,
    ctx: &Ctx,
    load_balancer_arn: Option<&str>,
    arns: &[String],
) -> Result<Vec<&'w Listener>> {
    let scope = ctx.scope();
    match (load_balancer_arn, arns.is_empty()) {
        (Some(_), false) => Err(validation(
            "A load balancer ARN and listener ARNs cannot be specified at the same time",
        )),
        (None, true) => Err(validation(
            "You must specify either listener ARNs or a load balancer ARN",
        )),
        (Some(lb), true) => {
            get_load_balancer(w, scope, lb)?;
            Ok(w.listeners
                .in_scope(scope)
                .filter(|l| l.load_balancer_arn == lb)
                .collect())
        }
        (None, false) => by_arns(
            &w.listeners,
            scope,
            arns,
            ArnKind::Listener,
            listener_not_found,
        ),
    }
}

/// DescribeTags: each resource's tags, in the order asked.
pub fn describe_tags(w: &World, ctx: &Ctx, arns: &[String]) -> Result<Vec<(String, TagSet)>> {
    check_resource_arns(arns)?;
    let scope = ctx.scope();
    arns.iter()
        .map(|a| Ok((a.clone(), tags_of(w, scope, a)?.clone())))
        .collect()
}
