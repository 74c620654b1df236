//! AddTags and RemoveTags on any ELBv2 resource, by ARN.

use super::arns::{arn_kind, get_listener, get_load_balancer, get_target_group, validation};
use super::checks::check_tags;
use super::model::{ArnKind, MAX_TAG_RESOURCES};
use crate::error::Result;
use crate::tags::TagSet;
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// The tags of the caller's ELBv2 resource `arn`, or the kind's NotFound error.
pub(super) fn tags_of<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w TagSet> {
    match arn_kind(arn) {
        Some(ArnKind::LoadBalancer) => Ok(&get_load_balancer(w, scope, arn)?.tags),
        Some(ArnKind::TargetGroup) => Ok(&get_target_group(w, scope, arn)?.tags),
        Some(ArnKind::Listener) => Ok(&get_listener(w, scope, arn)?.tags),
        None => Err(validation(format!("'{arn}' is not a valid resource ARN"))),
    }
}

fn tags_mut<'w>(w: &'w mut World, arn: &str) -> Option<&'w mut TagSet> {
    match arn_kind(arn)? {
        ArnKind::LoadBalancer => w.load_balancers.get_mut(arn).map(|r| &mut r.tags),
        ArnKind::TargetGroup => w.target_groups.get_mut(arn).map(|r| &mut r.tags),
        ArnKind::Listener => w.listeners.get_mut(arn).map(|r| &mut r.tags),
    }
}

/// `ResourceArns`: one to [`MAX_TAG_RESOURCES`].
pub(super) fn check_resource_arns(arns: &[String]) -> Result<()> {
    if arns.is_empty() {
        return Err(validation("At least one resource ARN must be specified"));
    }
    if arns.len() > MAX_TAG_RESOURCES {
        return Err(validation(format!(
            "At most {MAX_TAG_RESOURCES} resource ARNs can be specified"
        )));
    }
    Ok(())
}

/// AddTags: every resource is checked before any is tagged.
pub(super) fn add(
    w: &mut World,
    ctx: &Ctx,
    arns: &[String],
    tags: &[(String, String)],
) -> Result<Output> {
    check_resource_arns(arns)?;
    if tags.is_empty() {
        return Err(validation("At least one tag must be specified"));
    }
    let scope = ctx.scope();
    for arn in arns {
        check_tags(tags, tags_of(w, scope, arn)?)?;
    }
    for arn in arns {
        let set = tags_mut(w, arn).expect("checked");
        for (k, v) in tags {
            set.insert(k.clone(), v.clone());
        }
    }
    Ok(Output::Done)
}

/// RemoveTags: absent keys are ignored.
pub(super) fn remove(w: &mut World, ctx: &Ctx, arns: &[String], keys: &[String]) -> Result<Output> {
    check_resource_arns(arns)?;
    if keys.is_empty() {
        return Err(validation("At least one tag key must be specified"));
    }
    let scope = ctx.scope();
    for arn in arns {
        tags_of(w, scope, arn)?;
    }
    for arn in arns {
        let set = tags_mut(w, arn).expect("checked");
        for k in keys {
            set.remove(k);
        }
    }
    Ok(Output::Done)
}
