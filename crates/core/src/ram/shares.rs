//! CreateResourceShare, AssociateResourceShare, AcceptResourceShareInvitation, and the one
//! question the areas ask: is a resource shared with an account ([`is_shared_with`]).

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::model::{Invitation, InvitationStatus, ResourceShare, ShareStatus};

/// The ARN of transit gateway `id` of `scope` (the resources RAM shares here).
pub fn transit_gateway_arn(scope: &Scope, id: &str) -> String {
    format!(
        "arn:aws:ec2:{}:{}:transit-gateway/{id}",
        scope.region, scope.account
    )
}

/// Whether the resource `arn` of `owner` is shared with `account`: an active share of the
/// owner holds it and names the account, whose invitation is accepted.
pub fn is_shared_with(w: &World, owner: &Scope, arn: &str, account: &str) -> bool {
    w.resource_shares.in_scope(owner).any(|s| {
        s.status == ShareStatus::Active
            && s.resources.iter().any(|r| r == arn)
            && s.principals.iter().any(|p| p == account)
            && w.ram_invitations.values().any(|i| {
                i.share_arn == s.id
                    && i.scope.account == account
                    && i.status == InvitationStatus::Accepted
            })
    })
}

/// A resource ARN the caller may share: a live transit gateway of the caller here.
fn check_resource(w: &World, ctx: &Ctx, arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ["arn", "aws", service, region, account, resource] = parts.as_slice() else {
        return Err(ApiError::new(
            ErrorCode::MalformedArnException,
            format!("The specified ARN {arn} is not valid."),
        ));
    };
    let gateway = resource.strip_prefix("transit-gateway/");
    let known = *service == "ec2"
        && *region == ctx.region()
        && *account == ctx.account()
        && gateway.is_some_and(|id| {
            w.transit_gateways
                .get_in(ctx.scope(), id)
                .is_some_and(|g| g.state.is_live())
        });
    if !known {
        return Err(ApiError::new(
            ErrorCode::UnknownResourceException,
            format!("The resource {arn} could not be found or is not shareable by openvpc (transit gateways are)."),
        ));
    }
    Ok(())
}

/// A principal: a 12-digit account id other than the caller's.
fn check_principal(ctx: &Ctx, p: &str) -> Result<()> {
    if p.len() != 12 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterException,
            format!("The principal {p} is not valid: openvpc shares with AWS account ids."),
        ));
    }
    if p == ctx.account() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterException,
            "The resource share cannot be shared with its owner.",
        ));
    }
    Ok(())
}

/// Adds resources and principals to share `arn`; each new principal gets a pending
/// invitation (no AWS Organization: every principal is invited).
fn add(w: &mut World, ctx: &Ctx, arn: &str, resources: &[String], principals: &[String]) {
    let scope = ctx.scope();
    let mut invite = Vec::new();
    let s = w.resource_shares.get_mut(arn).expect("checked");
    for r in resources {
        if !s.resources.contains(r) {
            s.resources.push(r.clone());
        }
    }
    for p in principals {
        if !s.principals.contains(p) {
            s.principals.push(p.clone());
            invite.push(p.clone());
        }
    }
    s.updated = ctx.now;
    for p in invite {
        let id = format!(
            "arn:aws:ram:{}:{}:resource-share-invitation/{}",
            scope.region,
            scope.account,
            w.ids.uuid()
        );
        w.ram_invitations.insert(Invitation {
            id,
            scope: Scope::new(&p, &scope.region),
            share_arn: arn.to_string(),
            sender: scope.account.clone(),
            status: InvitationStatus::Pending,
            created: ctx.now,
        });
    }
}

fn check_request(w: &World, ctx: &Ctx, resources: &[String], principals: &[String]) -> Result<()> {
    resources
        .iter()
        .try_for_each(|r| check_resource(w, ctx, r))?;
    principals.iter().try_for_each(|p| check_principal(ctx, p))
}

/// CreateResourceShare.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    name: String,
    resources: &[String],
    principals: &[String],
    allow_external_principals: bool,
    tags: Vec<(String, String)>,
) -> Result<Output> {
    if name.is_empty() {
        return Err(ApiError::new(
            ErrorCode::MissingRequiredParameterException,
            "The request must contain the parameter name.",
        ));
    }
    check_request(w, ctx, resources, principals)?;
    let scope = ctx.scope();
    let id = format!(
        "arn:aws:ram:{}:{}:resource-share/{}",
        scope.region,
        scope.account,
        w.ids.uuid()
    );
    w.resource_shares.insert(ResourceShare {
        id: id.clone(),
        scope: scope.clone(),
        name,
        allow_external_principals,
        status: ShareStatus::Active,
        resources: Vec::new(),
        principals: Vec::new(),
        tags,
        created: ctx.now,
        updated: ctx.now,
    });
    add(w, ctx, &id, resources, principals);
    Ok(Output::Id(id))
}

/// AssociateResourceShare: more resources or principals for one of the caller's shares.
pub(super) fn associate(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    resources: &[String],
    principals: &[String],
) -> Result<Output> {
    if w.resource_shares.get_in(ctx.scope(), arn).is_none() {
        return Err(ApiError::new(
            ErrorCode::UnknownResourceException,
            format!("The resource share {arn} could not be found."),
        ));
    }
    check_request(w, ctx, resources, principals)?;
    add(w, ctx, arn, resources, principals);
    Ok(Output::Id(arn.to_string()))
}

/// AcceptResourceShareInvitation: the invited account accepts.
pub(super) fn accept(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    let i = w.ram_invitations.get_in(ctx.scope(), arn).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ResourceShareInvitationArnNotFoundException,
            format!("The resource share invitation {arn} could not be found."),
        )
    })?;
    if i.status == InvitationStatus::Accepted {
        return Err(ApiError::new(
            ErrorCode::ResourceShareInvitationAlreadyAcceptedException,
            format!("The resource share invitation {arn} has already been accepted."),
        ));
    }
    w.ram_invitations.get_mut(arn).expect("checked").status = InvitationStatus::Accepted;
    Ok(Output::Id(arn.to_string()))
}
