//! Allowed principals of a service: `*`, or IAM ARNs of an account root, a user or a role.

use super::model::{Permission, PrincipalType};
use super::services::{dedup, get};
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, Scope, World};
use crate::{Kind, Output};

/// The kind of a principal ARN, or `UnknownPrincipalType.Unsupported`.
pub fn principal_type(principal: &str) -> Result<PrincipalType> {
    let unsupported = || {
        ApiError::new(ErrorCode::UnknownPrincipalTypeUnsupported,
            format!(
                "The principal '{principal}' is not supported. Use '*' or an IAM ARN of an account root, user or role without a path."
            ),
        )
    };
    if principal == "*" {
        return Ok(PrincipalType::All);
    }
    let rest = principal
        .strip_prefix("arn:aws:iam::")
        .ok_or_else(unsupported)?;
    let (account, resource) = rest.split_once(':').ok_or_else(unsupported)?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unsupported());
    }
    let named = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
    };
    match resource.split_once('/') {
        None if resource == "root" => Ok(PrincipalType::Account),
        Some(("user", n)) if named(n) => Ok(PrincipalType::User),
        Some(("role", n)) if named(n) => Ok(PrincipalType::Role),
        _ => Err(unsupported()),
    }
}

/// ModifyVpcEndpointServicePermissions. Output: the permission ids of the added principals,
/// in order (an already allowed principal keeps its id).
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    add: &[String],
    remove: &[String],
) -> Result<Output> {
    let svc = get(w, ctx.scope(), id)?;
    for p in add.iter().chain(remove) {
        principal_type(p)?;
    }
    let mut permissions = svc.permissions.clone();
    permissions.retain(|p| !remove.contains(&p.principal));
    let mut added = Vec::new();
    for principal in dedup(add) {
        match permissions.iter().find(|p| p.principal == principal) {
            Some(p) => added.push(p.id.clone()),
            None => {
                let perm_id = w.ids.id(Kind::VpcEndpointServicePermission);
                added.push(perm_id.clone());
                permissions.push(Permission {
                    id: perm_id,
                    principal,
                });
            }
        }
    }
    let s = w.endpoint_services.get_mut(id).expect("found");
    s.permissions = permissions;
    Ok(Output::Ids(added))
}

/// Whether `id` names a permission of one of `scope`'s services (for tagging).
pub fn permission_visible(w: &World, scope: &Scope, id: &str) -> bool {
    w.endpoint_services
        .in_scope(scope)
        .any(|s| s.permissions.iter().any(|p| p.id == id))
}
