//! Virtual private gateways: CreateVpnGateway, Attach/Detach/DeleteVpnGateway.

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

use super::model::{State, VgwAttachment, VpnGateway, DEFAULT_AMAZON_ASN};
use super::propagation;

/// The caller's live virtual private gateway `id`, or `InvalidVpnGatewayID.NotFound`.
pub(super) fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w VpnGateway> {
    w.vpn_gateways
        .get_in(scope, id)
        .filter(|g| g.state == State::Available)
        .ok_or_else(|| Kind::VpnGateway.not_found(id))
}

/// Whether `asn` is a private ASN AWS accepts for its side: 64512–65534 (16-bit) or
/// 4200000000–4294967294 (32-bit).
fn amazon_asn_ok(asn: u64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

/// CreateVpnGateway: available at once (no asynchronous step to wait for).
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    availability_zone: Option<String>,
    amazon_side_asn: Option<u64>,
    specs: &[TagSpec],
) -> Result<Output> {
    tags::check_specs(specs, "vpn-gateway")?;
    let asn = amazon_side_asn.unwrap_or(DEFAULT_AMAZON_ASN);
    if !amazon_asn_ok(asn) {
        return Err(ApiError::invalid_value(format!(
            "The Amazon side ASN {asn} is not a valid private ASN: use 64512-65534 or 4200000000-4294967294."
        )));
    }
    if let Some(zone) = &availability_zone {
        if !w
            .config
            .zone_names(ctx.account(), ctx.region())
            .contains(zone)
        {
            return Err(ApiError::invalid_value(format!(
                "Invalid availability zone: [{zone}]"
            )));
        }
    }
    let scope = ctx.scope();
    let id = w.ids.id(Kind::VpnGateway);
    w.vpn_gateways.insert(VpnGateway {
        id: id.clone(),
        scope: scope.clone(),
        availability_zone,
        amazon_side_asn: asn,
        state: State::Available,
        attachments: Vec::new(),
        purge_at: None,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// AttachVpnGateway: one gateway per VPC, one VPC per gateway.
pub(super) fn attach(w: &mut World, ctx: &Ctx, vgw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let vgw = get(w, scope, vgw_id)?;
    vpc::get(w, scope, vpc_id)?;
    match vgw.attached_vpc() {
        Some(v) if v == vpc_id => return Ok(Output::Done),
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::VpnGatewayAttachmentLimitExceeded,
                format!("The virtual private gateway {vgw_id} is already attached to {other}; a virtual private gateway can be attached to one VPC at a time."),
            ))
        }
        None => {}
    }
    if w.vpn_gateways
        .values()
        .any(|g| g.attached_vpc() == Some(vpc_id))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidVpcState,
            format!("VPC {vpc_id} is currently attached to the Virtual Private Gateway."),
        ));
    }
    let g = w.vpn_gateways.get_mut(vgw_id).expect("checked");
    g.attachments.retain(|a| a.vpc_id != vpc_id);
    g.attachments.push(VgwAttachment {
        vpc_id: vpc_id.to_string(),
        attached: true,
    });
    propagation::sync(w, vgw_id);
    Ok(Output::Done)
}

/// DetachVpnGateway: the attachment stays listed as `detached`; the VPC's tables stop
/// propagating the gateway (its routes leave them).
pub(super) fn detach(w: &mut World, ctx: &Ctx, vgw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let vgw = get(w, scope, vgw_id)?;
    vpc::get(w, scope, vpc_id)?;
    if vgw.attached_vpc() != Some(vpc_id) {
        return Err(ApiError::new(
            ErrorCode::InvalidVpnGatewayAttachmentNotFound,
            format!(
                "The attachment with vpn gateway ID '{vgw_id}' and vpc ID '{vpc_id}' does not exist"
            ),
        ));
    }
    let g = w.vpn_gateways.get_mut(vgw_id).expect("checked");
    for a in g.attachments.iter_mut().filter(|a| a.vpc_id == vpc_id) {
        a.attached = false;
    }
    for t in w.route_tables.values_mut().filter(|t| t.vpc_id == vpc_id) {
        t.propagating_vgws.retain(|g| g != vgw_id);
    }
    propagation::sync(w, vgw_id);
    Ok(Output::Done)
}

/// DeleteVpnGateway: only a detached gateway without live VPN connections.
pub(super) fn delete(w: &mut World, ctx: &Ctx, vgw_id: &str) -> Result<Output> {
    let vgw = get(w, ctx.scope(), vgw_id)?;
    if let Some(vpc_id) = vgw.attached_vpc() {
        return Err(ApiError::new(
            ErrorCode::InvalidVpnGatewayState,
            format!(
                "The virtual private gateway {vgw_id} is attached to {vpc_id}; detach it first."
            ),
        ));
    }
    if let Some(c) = w
        .vpn_connections
        .values()
        .find(|c| c.vpn_gateway_id == vgw_id && c.state == State::Available)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidVpnGatewayState,
            format!(
                "The virtual private gateway {vgw_id} is used by VPN connection {}; delete it first.",
                c.id
            ),
        ));
    }
    let due = super::schedule_purge(w, ctx, vgw_id);
    let g = w.vpn_gateways.get_mut(vgw_id).expect("checked");
    g.state = State::Deleted;
    g.purge_at = Some(due);
    Ok(Output::Done)
}
