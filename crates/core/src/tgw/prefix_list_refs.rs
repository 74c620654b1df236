//! Prefix-list references of transit-gateway route tables:
//! Create/Modify/DeleteTransitGatewayPrefixListReference and
//! GetTransitGatewayPrefixListReferences. Each entry of a referenced (customer-managed) list
//! is a route of the table to the reference's attachment, or a blackhole
//! ([`add_routes`], used by `table_routes`), below static routes and above propagated ones.

use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::prefix_list;
use crate::world::{Ctx, World};
use crate::Output;

use super::model::{PrefixListRef, RouteType, TableRoute, TgwRouteTable};
use super::{route_tables, routes};

/// Adds the routes of `t`'s prefix-list references to `out` (static routes, already in it,
/// and routes of earlier references keep their prefixes).
pub(super) fn add_routes(w: &World, t: &TgwRouteTable, out: &mut Vec<TableRoute>) {
    for r in &t.prefix_list_refs {
        for destination in prefix_list::cidrs(w, &r.prefix_list_id) {
            if out.iter().any(|o| o.destination == destination) {
                continue;
            }
            out.push(TableRoute {
                destination,
                attachment: r.target.attachment(),
                route_type: RouteType::Static,
                prefix_list_id: Some(r.prefix_list_id.clone()),
            });
        }
    }
}

/// The list a reference names: the caller's own customer-managed list (AWS-managed lists
/// are not referenced by transit-gateway route tables).
fn check_list(w: &World, ctx: &Ctx, id: &str) -> Result<()> {
    let scope = ctx.scope();
    if prefix_list::is_aws_managed(w, id) {
        return Err(ApiError::invalid_value(format!(
            "The prefix list {id} is AWS-managed: a transit gateway route table references customer-managed prefix lists only."
        )));
    }
    if !prefix_list::exists_for(w, scope, id) {
        return Err(Kind::PrefixList.not_found(id));
    }
    Ok(())
}

/// The index of `t`'s reference to `pl`, or `InvalidRoute.NotFound`.
fn position(t: &TgwRouteTable, pl: &str) -> Result<usize> {
    t.prefix_list_refs
        .iter()
        .position(|r| r.prefix_list_id == pl)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidRouteNotFound,
                format!(
                    "No prefix list reference to {pl} in Transit Gateway Route Table {}",
                    t.id
                ),
            )
        })
}

/// CreateTransitGatewayPrefixListReference: one per list and table; the list's maximum
/// entries count against the gateway's routes quota.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    pl: &str,
    attachment_id: Option<String>,
    blackhole: bool,
) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    check_list(w, ctx, pl)?;
    let target = routes::target_of(w, ctx, t, attachment_id, blackhole)?;
    if t.prefix_list_refs.iter().any(|r| r.prefix_list_id == pl) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!("A prefix list reference to {pl} already exists in Transit Gateway Route Table {rtb_id}."),
        ));
    }
    let weight = prefix_list::max_entries(w, pl) as usize;
    routes::check_route_quota(w, ctx, &t.transit_gateway_id, weight)?;
    let t = w.tgw_route_tables.get_mut(rtb_id).expect("checked");
    t.prefix_list_refs.push(PrefixListRef {
        prefix_list_id: pl.to_string(),
        target,
    });
    Ok(Output::Done)
}

/// ModifyTransitGatewayPrefixListReference: another attachment, or blackhole.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    pl: &str,
    attachment_id: Option<String>,
    blackhole: bool,
) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    let i = position(t, pl)?;
    let target = routes::target_of(w, ctx, t, attachment_id, blackhole)?;
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .prefix_list_refs[i]
        .target = target;
    Ok(Output::Done)
}

/// DeleteTransitGatewayPrefixListReference.
pub(super) fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str, pl: &str) -> Result<Output> {
    let t = route_tables::get(w, ctx.scope(), rtb_id)?;
    let i = position(t, pl)?;
    w.tgw_route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .prefix_list_refs
        .remove(i);
    Ok(Output::Done)
}

/// Filters GetTransitGatewayPrefixListReferences accepts.
pub const PREFIX_LIST_REFERENCE_FILTERS: &[&str] = &[
    "attachment.resource-id",
    "attachment.resource-type",
    "attachment.transit-gateway-attachment-id",
    "is-blackhole",
    "prefix-list-id",
    "prefix-list-owner-id",
    "state",
];

/// GetTransitGatewayPrefixListReferences: the references of one of the caller's tables that
/// pass `filters`.
pub fn get_references<'w>(
    w: &'w World,
    ctx: &Ctx,
    rtb_id: &str,
    filters: &[Filter],
) -> Result<Vec<&'w PrefixListRef>> {
    filter::check_names(filters, PREFIX_LIST_REFERENCE_FILTERS)?;
    let t = w
        .tgw_route_tables
        .get_in(ctx.scope(), rtb_id)
        .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(rtb_id))?;
    let none = Default::default();
    Ok(t.prefix_list_refs
        .iter()
        .filter(|r| {
            let a = r
                .target
                .attachment()
                .and_then(|id| w.tgw_attachments.get(&id));
            filter::matches(filters, &none, |name| match name {
                "attachment.resource-id" => filter::opt(a.map(|a| a.resource_id().to_string())),
                "attachment.resource-type" => filter::opt(a.map(|a| a.resource_type())),
                "attachment.transit-gateway-attachment-id" => filter::opt(r.target.attachment()),
                "is-blackhole" => filter::b(r.target.attachment().is_none()),
                "prefix-list-id" => filter::s(&r.prefix_list_id),
                "prefix-list-owner-id" => filter::opt(owner_of(w, &r.prefix_list_id)),
                "state" => filter::s("available"),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The account that owns the list `id`, if the world holds it.
pub fn owner_of(w: &World, id: &str) -> Option<String> {
    w.prefix_lists.get(id).map(|pl| pl.owner_id().to_string())
}
