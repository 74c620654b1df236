//! GetResourceShares and GetResourceShareInvitations.

use crate::world::{Ctx, World};

use super::model::{Invitation, InvitationStatus, ResourceShare};

/// GetResourceShares: the caller's own shares (`self_owned`), or those shared with it
/// (invitation accepted); optionally only the named ARNs or name.
pub fn get_shares<'w>(
    w: &'w World,
    ctx: &Ctx,
    self_owned: bool,
    arns: &[String],
    name: Option<&str>,
) -> Vec<&'w ResourceShare> {
    let scope = ctx.scope();
    w.resource_shares
        .values()
        .filter(|s| s.scope.region == ctx.region())
        .filter(|s| {
            if self_owned {
                s.scope == *scope
            } else {
                w.ram_invitations
                    .in_scope(scope)
                    .any(|i| i.share_arn == s.id && i.status == InvitationStatus::Accepted)
            }
        })
        .filter(|s| arns.is_empty() || arns.contains(&s.id))
        .filter(|s| name.is_none_or(|n| s.name == n))
        .collect()
}

/// GetResourceShareInvitations: the invitations the caller received, optionally only the
/// named ones or those of the named shares.
pub fn get_invitations<'w>(
    w: &'w World,
    ctx: &Ctx,
    arns: &[String],
    share_arns: &[String],
) -> Vec<&'w Invitation> {
    w.ram_invitations
        .in_scope(ctx.scope())
        .filter(|i| arns.is_empty() || arns.contains(&i.id))
        .filter(|i| share_arns.is_empty() || share_arns.contains(&i.share_arn))
        .collect()
}
