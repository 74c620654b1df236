//! Transit-gateway route tables: Create/DeleteTransitGatewayRouteTable, their associations
//! (one table per attachment) and propagations (any number of tables per attachment).

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::model::{State, TgwAttachment, TgwRouteTable};
use super::peering_model::Side;
use super::{attachments, gateways, peering};

/// A live transit-gateway route table of the caller, or `InvalidRouteTableID.NotFound`.
pub(super) fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w TgwRouteTable> {
    w.tgw_route_tables
        .get_in(scope, id)
        .filter(|t| t.state.is_live())
        .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(id))
}

/// Makes an available route table of `tgw_id` (CreateTransitGatewayRouteTable, and the
/// default table of a new transit gateway).
pub(super) fn insert(w: &mut World, ctx: &Ctx, tgw_id: &str) -> String {
    let id = w.ids.id(Kind::TransitGatewayRouteTable);
    w.tgw_route_tables.insert(TgwRouteTable {
        id: id.clone(),
        scope: ctx.scope().clone(),
        transit_gateway_id: tgw_id.to_string(),
        state: State::Available,
        propagations: Vec::new(),
        routes: Vec::new(),
        created: ctx.now,
        purge_at: None,
        prefix_list_refs: Vec::new(),
    });
    id
}

/// CreateTransitGatewayRouteTable: at most 20 per transit gateway (quota).
pub(super) fn create(w: &mut World, ctx: &Ctx, tgw_id: &str, specs: &[TagSpec]) -> Result<Output> {
    tags::check_specs(specs, "transit-gateway-route-table")?;
    let scope = ctx.scope();
    let g = gateways::get_owned(w, scope, tgw_id)?;
    if g.state != State::Available {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{tgw_id} is in invalid state: {}", g.state.as_str()),
        ));
    }
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::ROUTE_TABLES_PER_TGW)
    {
        let live = w
            .tgw_route_tables
            .in_scope(scope)
            .filter(|t| t.transit_gateway_id == tgw_id && t.state.is_live())
            .count();
        if live >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TransitGatewayRouteTableLimitExceeded,
                format!("{tgw_id} has reached the limit of {limit} route tables."),
            ));
        }
    }
    let id = insert(w, ctx, tgw_id);
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteTransitGatewayRouteTable: only without associations; a gateway whose default
/// table it was has none afterwards.
pub(super) fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str) -> Result<Output> {
    let rtb = get(w, ctx.scope(), rtb_id)?;
    let first = associated(w, rtb_id)
        .map(|a| a.id.as_str())
        .chain(super::peering::associated_with(w, rtb_id).map(|(p, _)| p.id.as_str()))
        .next();
    if let Some(a) = first {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!("{rtb_id} has associated attachments: disassociate {a} first."),
        ));
    }
    let tgw_id = rtb.transit_gateway_id.clone();
    if let Some(g) = w.transit_gateways.get_mut(&tgw_id) {
        for slot in [
            &mut g.options.association_default_route_table_id,
            &mut g.options.propagation_default_route_table_id,
        ] {
            if slot.as_deref() == Some(rtb_id) {
                *slot = None;
            }
        }
    }
    let due = super::schedule_purge(w, ctx, rtb_id);
    let t = w.tgw_route_tables.get_mut(rtb_id).expect("checked");
    t.state = State::Deleted;
    t.propagations.clear();
    t.routes.clear();
    t.prefix_list_refs.clear();
    t.purge_at = Some(due);
    Ok(Output::Done)
}

/// The attachments associated with `rtb_id`.
pub fn associated<'w>(w: &'w World, rtb_id: &'w str) -> impl Iterator<Item = &'w TgwAttachment> {
    w.tgw_attachments
        .values()
        .filter(move |a| a.state.is_live() && a.association.as_deref() == Some(rtb_id))
}

/// The table and attachment of an association or propagation request: both the caller's
/// to see, the attachment live and on the table's transit gateway.
fn table_and_attachment<'w>(
    w: &'w World,
    ctx: &Ctx,
    rtb_id: &str,
    attachment_id: &str,
) -> Result<(&'w TgwRouteTable, &'w TgwAttachment)> {
    let scope = ctx.scope();
    let rtb = get(w, scope, rtb_id)?;
    let a = attachments::get_visible(w, scope, attachment_id)?;
    if a.transit_gateway_id != rtb.transit_gateway_id {
        return Err(ApiError::invalid_value(format!(
            "{attachment_id} and {rtb_id} belong to different transit gateways."
        )));
    }
    Ok((rtb, a))
}

/// The side of peering attachment `attachment_id` that table `rtb_id` is on (`None`: not
/// a peering attachment).
fn peering_side(w: &World, ctx: &Ctx, rtb_id: &str, attachment_id: &str) -> Result<Option<Side>> {
    let rtb = get(w, ctx.scope(), rtb_id)?;
    peering::table_side(w, ctx, rtb, attachment_id)
}

/// AssociateTransitGatewayRouteTable: an attachment has at most one table (a peering
/// attachment one per side).
pub(super) fn associate(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    attachment_id: &str,
) -> Result<Output> {
    if let Some(side) = peering_side(w, ctx, rtb_id, attachment_id)? {
        return peering::associate(w, attachment_id, side, rtb_id);
    }
    let (_, a) = table_and_attachment(w, ctx, rtb_id, attachment_id)?;
    if a.association.is_some() {
        return Err(ApiError::new(
            ErrorCode::ResourceAlreadyAssociated,
            format!("Transit Gateway Attachment {attachment_id} is already associated to a route table."),
        ));
    }
    w.tgw_attachments
        .get_mut(attachment_id)
        .expect("checked")
        .association = Some(rtb_id.to_string());
    Ok(Output::Done)
}

/// DisassociateTransitGatewayRouteTable.
pub(super) fn disassociate(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    attachment_id: &str,
) -> Result<Output> {
    if let Some(side) = peering_side(w, ctx, rtb_id, attachment_id)? {
        return peering::disassociate(w, attachment_id, side, rtb_id);
    }
    let (_, a) = table_and_attachment(w, ctx, rtb_id, attachment_id)?;
    if a.association.as_deref() != Some(rtb_id) {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteTableAssociationNotFound,
            format!("Transit Gateway Attachment {attachment_id} is not associated with {rtb_id}."),
        ));
    }
    w.tgw_attachments
        .get_mut(attachment_id)
        .expect("checked")
        .association = None;
    Ok(Output::Done)
}

/// EnableTransitGatewayRouteTablePropagation (not for peering attachments).
pub(super) fn enable_propagation(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    attachment_id: &str,
) -> Result<Output> {
    if peering_side(w, ctx, rtb_id, attachment_id)?.is_some() {
        return Err(peering::refuse_propagation(attachment_id));
    }
    let (rtb, _) = table_and_attachment(w, ctx, rtb_id, attachment_id)?;
    if rtb.propagations.iter().any(|p| p == attachment_id) {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteTablePropagationDuplicate,
            format!("Propagation {attachment_id} is already enabled for {rtb_id}."),
        ));
    }
    super::routes::check_route_quota(w, ctx, &rtb.transit_gateway_id, 1)?;
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .propagations
        .push(attachment_id.to_string());
    Ok(Output::Done)
}

/// DisableTransitGatewayRouteTablePropagation.
pub(super) fn disable_propagation(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    attachment_id: &str,
) -> Result<Output> {
    if peering_side(w, ctx, rtb_id, attachment_id)?.is_some() {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteTablePropagationNotFound,
            format!("Propagation {attachment_id} is not enabled for {rtb_id}."),
        ));
    }
    let (rtb, _) = table_and_attachment(w, ctx, rtb_id, attachment_id)?;
    if !rtb.propagations.iter().any(|p| p == attachment_id) {
        return Err(ApiError::new(
            ErrorCode::TransitGatewayRouteTablePropagationNotFound,
            format!("Propagation {attachment_id} is not enabled for {rtb_id}."),
        ));
    }
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .propagations
        .retain(|p| p != attachment_id);
    Ok(Output::Done)
}
