//! Associations of route tables with subnets and gateways, and the main association.

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};
use crate::{subnet, Output};

use super::model::{Association, RouteTable};
use super::tables::get;
use super::targets::{different_networks, gateway_not_found};

fn already_associated(rtb_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ResourceAlreadyAssociated,
        format!(
            "the specified association for route table {rtb_id} conflicts with an existing association"
        ),
    )
}

/// Whether any table holds an association `matches` picks.
fn associated_anywhere(w: &World, matches: impl Fn(&Association) -> bool) -> bool {
    w.route_tables
        .values()
        .any(|t| t.associations.iter().any(&matches))
}

/// AssociateRouteTable: exactly one of a subnet or an (internet) gateway.
pub(super) fn associate(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    subnet_id: Option<&str>,
    gateway_id: Option<&str>,
) -> Result<Output> {
    let scope = ctx.scope();
    match (subnet_id, gateway_id) {
        (None, None) => {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "The request must contain the parameter subnetId or gatewayId",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Specify either subnetId or gatewayId, but not both.",
            ))
        }
        _ => {}
    }
    let table = get(w, scope, rtb_id)?;
    if let Some(sid) = subnet_id {
        check_subnet(w, scope, table, sid)?;
    }
    if let Some(gid) = gateway_id {
        check_gateway(w, scope, table, gid)?;
    }
    let id = w.ids.id(Kind::RouteTableAssociation);
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .associations
        .push(Association {
            id: id.clone(),
            subnet_id: subnet_id.map(str::to_string),
            gateway_id: gateway_id.map(str::to_string),
            main: false,
        });
    Ok(Output::Id(id))
}

/// A subnet joins a table of its own VPC and has one explicit association at most.
fn check_subnet(w: &World, scope: &Scope, table: &RouteTable, sid: &str) -> Result<()> {
    let rtb_id = &table.id;
    let s = subnet::get(w, scope, sid)?;
    if s.vpc_id != table.vpc_id {
        return Err(ApiError::invalid_value(format!(
            "Route table {rtb_id} and subnet {sid} belong to different networks"
        )));
    }
    if associated_anywhere(w, |a| a.subnet_id.as_deref() == Some(sid)) {
        return Err(already_associated(rtb_id));
    }
    Ok(())
}

/// An edge association: an internet gateway attached to the table's VPC, associated once.
fn check_gateway(w: &World, scope: &Scope, table: &RouteTable, gid: &str) -> Result<()> {
    // Virtual private gateways are not modelled: only internet gateways exist.
    let igw = w
        .internet_gateways
        .get_in(scope, gid)
        .filter(|_| Kind::InternetGateway.names(gid))
        .ok_or_else(|| gateway_not_found(gid))?;
    if igw.attachment.as_deref() != Some(table.vpc_id.as_str()) {
        return Err(different_networks(&table.id, "network gateway", gid));
    }
    if associated_anywhere(w, |a| a.gateway_id.as_deref() == Some(gid)) {
        return Err(already_associated(&table.id));
    }
    Ok(())
}

/// The caller's table holding association `id`, and the association.
fn find<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<(&'w RouteTable, &'w Association)> {
    w.route_tables
        .in_scope(scope)
        .find_map(|t| t.associations.iter().find(|a| a.id == id).map(|a| (t, a)))
        .ok_or_else(|| Kind::RouteTableAssociation.not_found(id))
}

/// DisassociateRouteTable: any association but the main one.
pub(super) fn disassociate(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let (table, assoc) = find(w, ctx.scope(), association_id)?;
    if assoc.main {
        return Err(ApiError::invalid_value(format!(
            "cannot disassociate the main route table association {association_id}"
        )));
    }
    let rtb_id = table.id.clone();
    w.route_tables
        .get_mut(&rtb_id)
        .expect("found")
        .associations
        .retain(|a| a.id != association_id);
    Ok(Output::Done)
}

/// ReplaceRouteTableAssociation: the association moves (with a new id) to another table of
/// the same VPC; moving the main association makes that table main.
pub(super) fn replace(
    w: &mut World,
    ctx: &Ctx,
    association_id: &str,
    rtb_id: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    let (old, assoc) = find(w, scope, association_id)?;
    let new = get(w, scope, rtb_id)?;
    if new.vpc_id != old.vpc_id {
        return Err(ApiError::invalid_value(format!(
            "Route table {rtb_id} and association {association_id} belong to different networks"
        )));
    }
    let old_id = old.id.clone();
    let vpc_id = old.vpc_id.clone();
    let mut moved = assoc.clone();
    moved.id = w.ids.id(Kind::RouteTableAssociation);
    let new_id = moved.id.clone();
    let main = moved.main;
    w.route_tables
        .get_mut(&old_id)
        .expect("found")
        .associations
        .retain(|a| a.id != association_id);
    w.route_tables
        .get_mut(rtb_id)
        .expect("found")
        .associations
        .push(moved);
    if main {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.main_route_table_id = rtb_id.to_string();
        }
    }
    Ok(Output::Id(new_id))
}

/// Drops the explicit association of a deleted subnet.
pub fn on_subnet_deleted(w: &mut World, subnet_id: &str) {
    for t in w.route_tables.values_mut() {
        t.associations
            .retain(|a| a.subnet_id.as_deref() != Some(subnet_id));
    }
}
