//! Which ACL each subnet is associated with: the VPC's default ACL at first, another of
//! the VPC's ACLs by ReplaceNetworkAclAssociation.

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, World};
use crate::Output;

use super::acls::get;
use super::model::{AclAssociation, NetworkAcl};

/// ReplaceNetworkAclAssociation: the subnet's association moves, with a new id, to another
/// ACL of the same VPC.
pub(super) fn replace(
    w: &mut World,
    ctx: &Ctx,
    association_id: &str,
    acl_id: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    let (old_acl, subnet_id) = w
        .network_acls
        .in_scope(scope)
        .find_map(|a| {
            a.associations
                .iter()
                .find(|s| s.id == association_id)
                .map(|s| (a.id.clone(), s.subnet_id.clone()))
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAssociationIDNotFound,
                format!("The association ID '{association_id}' does not exist"),
            )
        })?;
    let target = get(w, scope, acl_id)?;
    let old_vpc = &w.network_acls.get(&old_acl).expect("found").vpc_id;
    if &target.vpc_id != old_vpc {
        return Err(ApiError::invalid_value(format!(
            "Network ACL {acl_id} and subnet {subnet_id} belong to different networks"
        )));
    }
    let new_id = w.ids.id(Kind::NetworkAclAssociation);
    w.network_acls
        .get_mut(&old_acl)
        .expect("found")
        .associations
        .retain(|s| s.id != association_id);
    w.network_acls
        .get_mut(acl_id)
        .expect("checked")
        .associations
        .push(AclAssociation {
            id: new_id.clone(),
            subnet_id,
        });
    Ok(Output::Id(new_id))
}

/// Associates a new subnet with its VPC's default ACL.
pub fn associate_default(w: &mut World, vpc_id: &str, subnet_id: &str) {
    let assoc = w.ids.id(Kind::NetworkAclAssociation);
    if let Some(acl) = w
        .network_acls
        .values_mut()
        .find(|a| a.vpc_id == vpc_id && a.is_default)
    {
        acl.associations.push(AclAssociation {
            id: assoc,
            subnet_id: subnet_id.to_string(),
        });
    }
}

/// Drops the association of a deleted subnet.
pub fn on_subnet_deleted(w: &mut World, subnet_id: &str) {
    for acl in w.network_acls.values_mut() {
        acl.associations.retain(|a| a.subnet_id != subnet_id);
    }
}

/// The ACL associated with a subnet.
pub fn of_subnet<'w>(w: &'w World, subnet_id: &str) -> Option<&'w NetworkAcl> {
    w.network_acls
        .values()
        .find(|a| a.associations.iter().any(|s| s.subnet_id == subnet_id))
}
