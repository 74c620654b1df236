//! Internet gateways: CreateInternetGateway, Attach/Detach/DeleteInternetGateway, the
//! default VPC's attached gateway, and which gateway a VPC has.

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

use super::InternetGateway;

/// The internet gateway attached to `vpc_id`, if any.
pub fn attached_igw<'w>(w: &'w World, vpc_id: &str) -> Option<&'w InternetGateway> {
    w.internet_gateways
        .values()
        .find(|g| g.attachment.as_deref() == Some(vpc_id))
}

/// Whether any public IPv4 address is mapped onto an interface of `vpc_id`.
pub fn vpc_has_mapped_public_ips(w: &World, vpc_id: &str) -> bool {
    let eni_in_vpc = |id: &str| {
        w.network_interfaces
            .get(id)
            .is_some_and(|e| e.vpc_id == vpc_id)
    };
    w.network_interfaces
        .values()
        .any(|e| e.vpc_id == vpc_id && e.public_ip.is_some())
        || w.addresses.values().any(|a| {
            a.association
                .as_ref()
                .is_some_and(|x| eni_in_vpc(&x.network_interface_id))
        })
}

pub(super) fn get_igw<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w InternetGateway> {
    w.internet_gateways
        .get_in(scope, id)
        .ok_or_else(|| Kind::InternetGateway.not_found(id))
}

/// CreateInternetGateway (a quota applies only when configured).
pub(super) fn create(w: &mut World, ctx: &Ctx, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    tags::check_specs(specs, "internet-gateway")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::INTERNET_GATEWAYS_PER_REGION)
    {
        if w.internet_gateways.count_in(scope) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::InternetGatewayLimitExceeded,
                "The maximum number of internet gateways has been reached.",
            ));
        }
    }
    let id = w.ids.id(Kind::InternetGateway);
    w.internet_gateways.insert(InternetGateway {
        id: id.clone(),
        scope: scope.clone(),
        attachment: None,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// AttachInternetGateway: one gateway per VPC, one VPC per gateway.
pub(super) fn attach(w: &mut World, ctx: &Ctx, igw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let igw = get_igw(w, scope, igw_id)?;
    vpc::get(w, scope, vpc_id)?;
    if let Some(attached) = &igw.attachment {
        return Err(ApiError::new(
            ErrorCode::ResourceAlreadyAssociated,
            format!("resource {igw_id} is already attached to network {attached}"),
        ));
    }
    if attached_igw(w, vpc_id).is_some() {
        return Err(ApiError::invalid_value(format!(
            "Network {vpc_id} already has an internet gateway attached"
        )));
    }
    w.internet_gateways
        .get_mut(igw_id)
        .expect("checked")
        .attachment = Some(vpc_id.to_string());
    Ok(Output::Done)
}

/// DetachInternetGateway: refused while public addresses of the VPC are mapped.
pub(super) fn detach(w: &mut World, ctx: &Ctx, igw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let igw = get_igw(w, scope, igw_id)?;
    vpc::get(w, scope, vpc_id)?;
    if igw.attachment.as_deref() != Some(vpc_id) {
        return Err(ApiError::new(
            ErrorCode::GatewayNotAttached,
            format!("resource {igw_id} is not attached to network {vpc_id}"),
        ));
    }
    if vpc_has_mapped_public_ips(w, vpc_id) {
        return Err(ApiError::dependency(format!(
            "Network {vpc_id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."
        )));
    }
    w.internet_gateways
        .get_mut(igw_id)
        .expect("checked")
        .attachment = None;
    Ok(Output::Done)
}

/// DeleteInternetGateway: detached gateways only.
pub(super) fn delete(w: &mut World, ctx: &Ctx, igw_id: &str) -> Result<Output> {
    let igw = get_igw(w, ctx.scope(), igw_id)?;
    if igw.attachment.is_some() {
        return Err(ApiError::dependency(format!(
            "The internetGateway '{igw_id}' has dependencies and cannot be deleted."
        )));
    }
    w.internet_gateways.remove(igw_id);
    tags::forget(w, igw_id);
    Ok(Output::Done)
}

/// Creates an internet gateway attached to `vpc_id` (default VPC).
pub fn create_attached_igw(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::InternetGateway);
    w.internet_gateways.insert(InternetGateway {
        id: id.clone(),
        scope: scope.clone(),
        attachment: Some(vpc_id.to_string()),
    });
    id
}
