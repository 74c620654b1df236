//! Route tables: create (with the local routes of the VPC's blocks), delete, lookups.

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

use super::model::{Association, Destination, Route, RouteTable, Target};

/// The caller's route table `id`, or `InvalidRouteTableID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w RouteTable> {
    w.route_tables
        .get_in(scope, id)
        .ok_or_else(|| Kind::RouteTable.not_found(id))
}

/// CreateRouteTable: the VPC must be the caller's; the per-VPC quota when configured.
pub(super) fn create(w: &mut World, ctx: &Ctx, vpc_id: &str, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    vpc::get(w, scope, vpc_id)?;
    tags::check_specs(specs, "route-table")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::ROUTE_TABLES_PER_VPC)
    {
        let count = w
            .route_tables
            .in_scope(scope)
            .filter(|t| t.vpc_id == vpc_id)
            .count();
        if count >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::RouteTableLimitExceeded,
                "route tables for the VPC",
                limit,
            ));
        }
    }
    let id = create_table(w, scope, vpc_id, false);
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteRouteTable: only a table without associations (so never the main table).
pub(super) fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str) -> Result<Output> {
    let table = get(w, ctx.scope(), rtb_id)?;
    if !table.associations.is_empty() {
        return Err(ApiError::dependency(format!(
            "The routeTable '{rtb_id}' has dependencies and cannot be deleted."
        )));
    }
    delete_table_unchecked(w, rtb_id);
    Ok(Output::Done)
}

/// Creates a route table for `vpc_id` with its local routes; `main` marks it main.
pub fn create_table(w: &mut World, scope: &Scope, vpc_id: &str, main: bool) -> String {
    let id = w.ids.id(Kind::RouteTable);
    let vpc = w.vpcs.get(vpc_id).expect("vpc exists");
    let v4 = vpc.cidrs.iter().map(|c| Destination::V4(c.cidr));
    let v6 = vpc.ipv6_cidrs.iter().map(|c| Destination::V6(c.cidr));
    let routes = v4.chain(v6).map(Route::local).collect();
    let associations = if main {
        vec![Association {
            id: w.ids.id(Kind::RouteTableAssociation),
            subnet_id: None,
            gateway_id: None,
            main: true,
        }]
    } else {
        Vec::new()
    };
    w.route_tables.insert(RouteTable {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        routes,
        associations,
        propagating_vgws: Vec::new(),
    });
    id
}

/// Removes a table without checks (the VPC's main table when the VPC goes).
pub fn delete_table_unchecked(w: &mut World, rtb_id: &str) {
    w.on_route_table_deleted(rtb_id);
    w.route_tables.remove(rtb_id);
    tags::forget(w, rtb_id);
}

/// The table that routes a subnet: its explicit association, else its VPC's main table.
pub fn table_of_subnet<'w>(w: &'w World, subnet_id: &str) -> Option<&'w RouteTable> {
    let subnet = w.subnets.get(subnet_id)?;
    w.route_tables
        .values()
        .find(|t| {
            t.associations
                .iter()
                .any(|a| a.subnet_id.as_deref() == Some(subnet_id))
        })
        .or_else(|| main_table(w, &subnet.vpc_id))
}

/// The main route table of a VPC.
pub fn main_table<'w>(w: &'w World, vpc_id: &str) -> Option<&'w RouteTable> {
    let vpc = w.vpcs.get(vpc_id)?;
    w.route_tables.get(&vpc.main_route_table_id)
}

/// A table with a route to `target`, if any (a GWLB endpoint such a route uses stays).
pub fn table_routing_to<'w>(w: &'w World, target: &Target) -> Option<&'w RouteTable> {
    w.route_tables
        .values()
        .find(|t| t.routes.iter().any(|r| &r.target == target))
}
