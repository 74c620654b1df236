//! VPC attachments: Create/Modify/DeleteTransitGatewayVpcAttachment and, for attachments
//! from other accounts, Accept/Reject. Each subnet (one per Availability Zone) gets the
//! attachment's network interface through the ENI lifecycle.

use crate::config::quota;
use crate::eni::{self, IdOrder, ServiceInterface};
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::subnet;
use crate::tags::{self, TagSpec};
use crate::vpc;
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::Output;

use super::model::{
    AttachmentOptionChanges, AttachmentState, State, TgwAttachment, TransitGateway,
    VpcAttachmentOptions, REQUESTER_ID,
};

/// The attachments of transit gateway `tgw_id` (any state).
pub(super) fn of_gateway<'w>(
    w: &'w World,
    tgw_id: &'w str,
) -> impl Iterator<Item = &'w TgwAttachment> {
    w.tgw_attachments
        .values()
        .filter(move |a| a.transit_gateway_id == tgw_id)
}

/// A live VPC attachment the caller sees: the `…VpcAttachment` actions do not take a VPN
/// attachment (its connection's lifecycle is its own).
fn get_vpc_attachment<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w TgwAttachment> {
    Some(get_visible(w, scope, id)?)
        .filter(|a| a.is_vpc())
        .ok_or_else(|| Kind::TransitGatewayAttachment.not_found(id))
}

/// A live attachment the caller sees (as the VPC's or the transit gateway's owner).
pub(super) fn get_visible<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w TgwAttachment> {
    w.tgw_attachments
        .get(id)
        .filter(|a| a.visible_to(scope) && a.state.is_live())
        .ok_or_else(|| Kind::TransitGatewayAttachment.not_found(id))
}

/// The transit gateway an attachment request names: the caller's own, or one shared with
/// the caller through a resource share; it must be `available`.
fn gateway_for<'w>(w: &'w World, ctx: &Ctx, tgw_id: &str) -> Result<&'w TransitGateway> {
    let g = w
        .transit_gateways
        .get(tgw_id)
        .filter(|g| g.scope.region == ctx.region() && g.state.is_live())
        .filter(|g| g.scope.account == ctx.account() || super::sharing::is_shared_with(w, g, ctx))
        .ok_or_else(|| Kind::TransitGateway.not_found(tgw_id))?;
    if g.state != State::Available {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{tgw_id} is in invalid state: {}", g.state.as_str()),
        ));
    }
    Ok(g)
}

/// Subnets of `vpc_id`, at most one per Availability Zone, each with a free address.
fn check_subnets(w: &World, scope: &Scope, vpc_id: &str, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(ApiError::missing("SubnetIds"));
    }
    let mut zones = Vec::new();
    for id in ids {
        let s = subnet::get(w, scope, id)?;
        if s.vpc_id != vpc_id {
            return Err(ApiError::invalid_value(format!(
                "The subnet {id} does not belong to {vpc_id}."
            )));
        }
        if zones.contains(&&s.availability_zone) {
            return Err(ApiError::new(
                ErrorCode::DuplicateSubnetsInSameZone,
                format!(
                    "Duplicate Subnets for same AZ: more than one subnet in {} was given.",
                    s.availability_zone
                ),
            ));
        }
        zones.push(&s.availability_zone);
        if !subnet::fits(w, s, &[], 1) {
            return Err(ApiError::new(
                ErrorCode::InsufficientFreeAddressesInSubnet,
                format!(
                    "The subnet {id} has no free address for the attachment's network interface."
                ),
            ));
        }
    }
    Ok(())
}

/// The attachment's network interface in `subnet_id`.
fn make_interface(
    w: &mut World,
    ctx: &Ctx,
    attachment_id: &str,
    subnet_id: &str,
) -> Result<String> {
    let s = ServiceInterface {
        subnet_id: subnet_id.to_string(),
        interface_type: "transit_gateway".into(),
        description: format!("Network Interface for Transit Gateway Attachment {attachment_id}"),
        requester_id: REQUESTER_ID.into(),
        groups: Vec::new(),
        source_dest_check: false,
        private_ip: None,
        public_ip: false,
        id_order: IdOrder::AttachmentFirst,
    };
    eni::create_service(w, ctx.scope(), ctx.now, &s)
}

fn options_of(c: &AttachmentOptionChanges, base: &VpcAttachmentOptions) -> VpcAttachmentOptions {
    VpcAttachmentOptions {
        dns_support: c.dns_support.unwrap_or(base.dns_support),
        ipv6_support: c.ipv6_support.unwrap_or(base.ipv6_support),
        appliance_mode_support: c
            .appliance_mode_support
            .unwrap_or(base.appliance_mode_support),
        security_group_referencing_support: c
            .security_group_referencing_support
            .unwrap_or(base.security_group_referencing_support),
    }
}

/// Refuses a sixth transit gateway for one VPC and a 5,001st attachment for one gateway.
fn check_quotas(w: &World, ctx: &Ctx, g: &TransitGateway, vpc_id: &str) -> Result<()> {
    let q = &w.config.quotas;
    if let Some(limit) = q.limit(ctx.account(), quota::TGW_ATTACHMENTS_PER_VPC) {
        let n = w
            .tgw_attachments
            .values()
            .filter(|a| a.state.is_live())
            .filter(|a| a.vpc_id == vpc_id)
            .count();
        if n >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TransitGatewayAttachmentLimitExceeded,
                format!("{vpc_id} is attached to {limit} transit gateways, the most a VPC may be."),
            ));
        }
    }
    check_gateway_quota(w, g)
}

/// Refuses a 5,001st attachment (of any kind) for one gateway.
pub(super) fn check_gateway_quota(w: &World, g: &TransitGateway) -> Result<()> {
    let q = &w.config.quotas;
    if let Some(limit) = q.limit(&g.scope.account, quota::ATTACHMENTS_PER_TGW) {
        if of_gateway(w, &g.id).filter(|a| a.state.is_live()).count() >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TransitGatewayAttachmentLimitExceeded,
                format!("{} has reached the limit of {limit} attachments.", g.id),
            ));
        }
    }
    Ok(())
}

/// CreateTransitGatewayVpcAttachment: `pending` (then `available` once the transition delay
/// has passed) when the caller owns the gateway or it accepts shared attachments
/// automatically, else `pendingAcceptance` until its owner accepts.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    tgw_id: &str,
    vpc_id: &str,
    subnet_ids: &[String],
    requested: &AttachmentOptionChanges,
    specs: &[TagSpec],
) -> Result<Output> {
    tags::check_specs(specs, "transit-gateway-attachment")?;
    let scope = ctx.scope();
    let g = gateway_for(w, ctx, tgw_id)?;
    vpc::get(w, scope, vpc_id)?;
    check_subnets(w, scope, vpc_id, subnet_ids)?;
    if of_gateway(w, tgw_id).any(|a| a.state.is_live() && a.vpc_id == vpc_id) {
        return Err(ApiError::new(
            ErrorCode::DuplicateTransitGatewayAttachment,
            format!("{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID."),
        ));
    }
    check_quotas(w, ctx, g, vpc_id)?;
    let defaults = VpcAttachmentOptions {
        dns_support: true,
        ipv6_support: false,
        appliance_mode_support: false,
        security_group_referencing_support: g.options.security_group_referencing_support,
    };
    let options = options_of(requested, &defaults);
    let owner = g.scope.account.clone();
    let accepted = owner == ctx.account() || g.options.auto_accept_shared_attachments;
    let id = w.ids.id(Kind::TransitGatewayAttachment);
    let mut interfaces = Vec::new();
    for s in subnet_ids {
        interfaces.push(make_interface(w, ctx, &id, s)?);
    }
    w.tgw_attachments.insert(TgwAttachment {
        id: id.clone(),
        scope: scope.clone(),
        transit_gateway_id: tgw_id.to_string(),
        transit_gateway_owner: owner,
        vpc_id: vpc_id.to_string(),
        subnet_ids: subnet_ids.to_vec(),
        interfaces,
        options,
        state: AttachmentState::PendingAcceptance,
        association: None,
        created: ctx.now,
        purge_at: None,
        vpn_connection_id: None,
    });
    if accepted {
        start(w, ctx, &id);
    }
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// An accepted attachment: `pending` until the transition delay has passed, associated
/// with and propagating to the gateway's default tables when its options say so.
pub(super) fn start(w: &mut World, ctx: &Ctx, id: &str) {
    let a = w.tgw_attachments.get_mut(id).expect("exists");
    a.state = AttachmentState::Pending;
    let tgw_id = a.transit_gateway_id.clone();
    let Some(o) = w.transit_gateways.get(&tgw_id).map(|g| g.options.clone()) else {
        return;
    };
    if o.default_route_table_association {
        if let Some(rtb) = &o.association_default_route_table_id {
            w.tgw_attachments.get_mut(id).expect("exists").association = Some(rtb.clone());
        }
    }
    if o.default_route_table_propagation {
        if let Some(t) = o
            .propagation_default_route_table_id
            .as_deref()
            .and_then(|rtb| w.tgw_route_tables.get_mut(rtb))
        {
            t.propagations.push(id.to_string());
        }
    }
    w.schedule(
        ctx.now + w.config.delays.transition,
        TimerKind::TransitGateway,
        id,
    );
}

/// ModifyTransitGatewayVpcAttachment: subnets added and removed (one per zone, at least
/// one left), options changed.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    add: &[String],
    remove: &[String],
    requested: &AttachmentOptionChanges,
) -> Result<Output> {
    let scope = ctx.scope();
    let a = get_vpc_attachment(w, scope, id)?;
    if a.scope != *scope {
        return Err(ApiError::new(
            ErrorCode::OperationNotPermitted,
            format!("Only the owner of {} can modify {id}.", a.vpc_id),
        ));
    }
    if let Some(s) = remove.iter().find(|s| !a.subnet_ids.contains(s)) {
        return Err(ApiError::invalid_value(format!(
            "The subnet {s} is not part of {id}."
        )));
    }
    let mut subnets: Vec<String> = a
        .subnet_ids
        .iter()
        .filter(|s| !remove.contains(s))
        .cloned()
        .collect();
    let new: Vec<String> = add
        .iter()
        .filter(|s| !subnets.contains(s))
        .cloned()
        .collect();
    subnets.extend(new.iter().cloned());
    if subnets.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "{id} must keep at least one subnet."
        )));
    }
    check_subnets(w, scope, &a.vpc_id.clone(), &subnets)?;
    let options = options_of(requested, &a.options);
    let old: Vec<(String, String)> = a
        .subnet_ids
        .iter()
        .cloned()
        .zip(a.interfaces.iter().cloned())
        .collect();
    let mut interfaces = Vec::new();
    for s in &subnets {
        match old.iter().find(|(sub, _)| sub == s) {
            Some((_, eni_id)) => interfaces.push(eni_id.clone()),
            None => interfaces.push(make_interface(w, ctx, id, s)?),
        }
    }
    for (s, eni_id) in &old {
        if remove.contains(s) {
            eni::destroy_interface(w, eni_id);
        }
    }
    let a = w.tgw_attachments.get_mut(id).expect("checked");
    a.subnet_ids = subnets;
    a.interfaces = interfaces;
    a.options = options;
    Ok(Output::Done)
}

/// DeleteTransitGatewayVpcAttachment (by either owner): `deleting`, then `deleted` once
/// the transition delay has passed.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    get_vpc_attachment(w, ctx.scope(), id)?;
    w.tgw_attachments.get_mut(id).expect("checked").state = AttachmentState::Deleting;
    w.schedule(
        ctx.now + w.config.delays.transition,
        TimerKind::TransitGateway,
        id,
    );
    Ok(Output::Done)
}

/// The attachment `id` awaiting acceptance by the caller, the transit gateway's owner.
fn awaiting<'w>(w: &'w World, ctx: &Ctx, id: &str) -> Result<&'w TgwAttachment> {
    let a = get_vpc_attachment(w, ctx.scope(), id)?;
    if a.transit_gateway_owner != ctx.account() {
        return Err(ApiError::new(
            ErrorCode::OperationNotPermitted,
            format!(
                "Only the owner of {} can accept or reject {id}.",
                a.transit_gateway_id
            ),
        ));
    }
    if a.state != AttachmentState::PendingAcceptance {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{id} is in invalid state: {}", a.state.as_str()),
        ));
    }
    Ok(a)
}

/// AcceptTransitGatewayVpcAttachment.
pub(super) fn accept(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    awaiting(w, ctx, id)?;
    start(w, ctx, id);
    Ok(Output::Done)
}

/// RejectTransitGatewayVpcAttachment: `rejected`, its interfaces gone.
pub(super) fn reject(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    awaiting(w, ctx, id)?;
    finish(w, id, AttachmentState::Rejected);
    let due = super::schedule_purge(w, ctx, id);
    w.tgw_attachments.get_mut(id).expect("checked").purge_at = Some(due);
    Ok(Output::Done)
}

/// Ends an attachment (`deleted` or `rejected`): its interfaces are destroyed, and it leaves
/// its association, the propagations and the static routes that named it.
pub(super) fn finish(w: &mut World, id: &str, state: AttachmentState) {
    let Some(a) = w.tgw_attachments.get_mut(id) else {
        return;
    };
    a.state = state;
    a.association = None;
    let interfaces = std::mem::take(&mut a.interfaces);
    for eni_id in &interfaces {
        eni::destroy_interface(w, eni_id);
    }
    forget_routes(w, id);
}

/// Attachment `id` leaves every table: its propagations and the static routes naming it.
pub(super) fn forget_routes(w: &mut World, id: &str) {
    for t in w.tgw_route_tables.values_mut() {
        t.propagations.retain(|p| p != id);
        t.routes
            .retain(|r| !matches!(&r.target, super::model::RouteTarget::Attachment(x) if x == id));
        t.prefix_list_refs
            .retain(|r| !matches!(&r.target, super::model::RouteTarget::Attachment(x) if x == id));
    }
}
