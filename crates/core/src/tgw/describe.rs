//! DescribeTransitGateways, DescribeTransitGatewayVpcAttachments,
//! DescribeTransitGatewayAttachments, DescribeTransitGatewayRouteTables,
//! SearchTransitGatewayRoutes and GetTransitGatewayRouteTableAssociations/Propagations
//! (filters and the values each matches).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::error::{ApiError, Result};
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, Scope, World};

use super::model::{TableRoute, TgwAttachment, TgwRouteTable, TransitGateway};
use super::routes::table_routes;
use super::rows::{row_from, AttachmentRow};

/// Filters DescribeTransitGateways accepts.
pub const FILTERS: &[&str] = &[
    "options.amazon-side-asn",
    "options.association-default-route-table-id",
    "options.auto-accept-shared-attachments",
    "options.default-route-table-association",
    "options.default-route-table-propagation",
    "options.dns-support",
    "options.propagation-default-route-table-id",
    "options.vpn-ecmp-support",
    "owner-id",
    "state",
    "transit-gateway-id",
];

fn enable(v: bool) -> Vec<String> {
    filter::s(if v { "enable" } else { "disable" })
}

/// DescribeTransitGateways: the caller's own, and those shared with the caller.
pub fn describe_transit_gateways<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w TransitGateway>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let seen = |g: &&TransitGateway| {
        g.scope.region == ctx.region()
            && (g.scope.account == ctx.account() || super::sharing::is_shared_with(w, g, ctx))
    };
    let candidates: Vec<&TransitGateway> = if ids.is_empty() {
        w.transit_gateways.values().filter(seen).collect()
    } else {
        let mut out: Vec<&TransitGateway> = Vec::new();
        for id in ids {
            let g = w
                .transit_gateways
                .get(id)
                .filter(seen)
                .ok_or_else(|| Kind::TransitGateway.not_found(id))?;
            if !out.iter().any(|o| o.id == g.id) {
                out.push(g);
            }
        }
        out
    };
    Ok(candidates
        .into_iter()
        .filter(|g| {
            let o = &g.options;
            filter::matches(filters, tags::of(w, scope, &g.id), |name| match name {
                "options.amazon-side-asn" => filter::s(o.amazon_side_asn.to_string()),
                "options.association-default-route-table-id" => {
                    filter::opt(o.association_default_route_table_id.clone())
                }
                "options.auto-accept-shared-attachments" => {
                    enable(o.auto_accept_shared_attachments)
                }
                "options.default-route-table-association" => {
                    enable(o.default_route_table_association)
                }
                "options.default-route-table-propagation" => {
                    enable(o.default_route_table_propagation)
                }
                "options.dns-support" => enable(o.dns_support),
                "options.propagation-default-route-table-id" => {
                    filter::opt(o.propagation_default_route_table_id.clone())
                }
                "options.vpn-ecmp-support" => enable(o.vpn_ecmp_support),
                "owner-id" => filter::s(&g.scope.account),
                "state" => filter::s(g.state.as_str()),
                "transit-gateway-id" => filter::s(&g.id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The attachments the caller sees: named ones must exist (while kept).
fn visible_attachments<'w>(
    w: &'w World,
    scope: &Scope,
    ids: &[String],
) -> Result<Vec<&'w TgwAttachment>> {
    if ids.is_empty() {
        return Ok(w
            .tgw_attachments
            .values()
            .filter(|a| a.visible_to(scope))
            .collect());
    }
    let mut out: Vec<&TgwAttachment> = Vec::new();
    for id in ids {
        let a = w
            .tgw_attachments
            .get(id)
            .filter(|a| a.visible_to(scope))
            .ok_or_else(|| Kind::TransitGatewayAttachment.not_found(id))?;
        if !out.iter().any(|o| o.id == a.id) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Filters DescribeTransitGatewayVpcAttachments accepts.
pub const VPC_ATTACHMENT_FILTERS: &[&str] = &[
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
    "vpc-id",
];

/// DescribeTransitGatewayVpcAttachments.
pub fn describe_vpc_attachments<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w TgwAttachment>> {
    filter::check_names(filters, VPC_ATTACHMENT_FILTERS)?;
    let scope = ctx.scope();
    let found = visible_attachments(w, scope, ids)?;
    if let Some(a) = found.iter().find(|a| !a.is_vpc() && ids.contains(&a.id)) {
        return Err(Kind::TransitGatewayAttachment.not_found(&a.id));
    }
    Ok(found
        .into_iter()
        .filter(|a| a.is_vpc())
        .filter(|a| {
            filter::matches(filters, tags::of(w, scope, &a.id), |name| match name {
                "state" => filter::s(a.state.as_str()),
                "transit-gateway-attachment-id" => filter::s(&a.id),
                "transit-gateway-id" => filter::s(&a.transit_gateway_id),
                "vpc-id" => filter::s(&a.vpc_id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeTransitGatewayAttachments accepts.
pub const ATTACHMENT_FILTERS: &[&str] = &[
    "association.state",
    "association.transit-gateway-route-table-id",
    "resource-id",
    "resource-owner-id",
    "resource-type",
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
    "transit-gateway-owner-id",
];

/// DescribeTransitGatewayAttachments: every kind of attachment the caller sees (VPC, VPN and
/// peering attachments), as rows.
pub fn describe_attachments(
    w: &World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<AttachmentRow>> {
    filter::check_names(filters, ATTACHMENT_FILTERS)?;
    let scope = ctx.scope();
    let mut rows = super::rows::visible(w, scope);
    if !ids.is_empty() {
        if let Some(missing) = ids.iter().find(|id| !rows.iter().any(|r| &r.id == *id)) {
            return Err(Kind::TransitGatewayAttachment.not_found(missing));
        }
        rows.retain(|r| ids.contains(&r.id));
    }
    Ok(rows
        .into_iter()
        .filter(|a| {
            filter::matches(filters, tags::of(w, scope, &a.id), |name| match name {
                "association.state" => a
                    .association
                    .as_ref()
                    .map_or(Vec::new(), |_| filter::s("associated")),
                "association.transit-gateway-route-table-id" => filter::opt(a.association.clone()),
                "resource-id" => filter::s(&a.resource_id),
                "resource-owner-id" => filter::s(&a.resource_owner),
                "resource-type" => filter::s(a.resource_type),
                "state" => filter::s(a.state),
                "transit-gateway-attachment-id" => filter::s(&a.id),
                "transit-gateway-id" => filter::s(&a.transit_gateway_id),
                "transit-gateway-owner-id" => filter::s(&a.transit_gateway_owner),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeTransitGatewayRouteTables accepts.
pub const ROUTE_TABLE_FILTERS: &[&str] = &[
    "default-association-route-table",
    "default-propagation-route-table",
    "state",
    "transit-gateway-id",
    "transit-gateway-route-table-id",
];

/// Whether `t` is its gateway's default association and propagation table.
pub fn default_flags(w: &World, t: &TgwRouteTable) -> (bool, bool) {
    let o = w
        .transit_gateways
        .get(&t.transit_gateway_id)
        .map(|g| &g.options);
    let is = |slot: Option<&Option<String>>| slot.and_then(|s| s.as_deref()) == Some(t.id.as_str());
    (
        is(o.map(|o| &o.association_default_route_table_id)),
        is(o.map(|o| &o.propagation_default_route_table_id)),
    )
}

/// DescribeTransitGatewayRouteTables.
pub fn describe_route_tables<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w TgwRouteTable>> {
    filter::check_names(filters, ROUTE_TABLE_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.tgw_route_tables.pick(scope, ids, |id| {
        w.tgw_route_tables
            .get_in(scope, id)
            .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|t| {
            let (assoc, prop) = default_flags(w, t);
            filter::matches(filters, tags::of(w, scope, &t.id), |name| match name {
                "default-association-route-table" => filter::b(assoc),
                "default-propagation-route-table" => filter::b(prop),
                "state" => filter::s(t.state.as_str()),
                "transit-gateway-id" => filter::s(&t.transit_gateway_id),
                "transit-gateway-route-table-id" => filter::s(&t.id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters SearchTransitGatewayRoutes accepts.
pub const SEARCH_FILTERS: &[&str] = &[
    "attachment.resource-id",
    "attachment.resource-type",
    "attachment.transit-gateway-attachment-id",
    "prefix-list-id",
    "route-search.exact-match",
    "route-search.longest-prefix-match",
    "route-search.subnet-of-match",
    "route-search.supernet-of-match",
    "state",
    "type",
];

/// A CIDR a route-search filter names.
fn search_cidr(v: &str) -> Result<IpNet> {
    v.parse::<IpNet>()
        .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
        .map(|n| n.trunc())
        .map_err(|_| ApiError::invalid_value(format!("The CIDR '{v}' is not valid.")))
}

/// Whether `r` passes a `route-search.*` filter (any of its values).
fn route_search(name: &str, values: &[IpNet], r: &TableRoute, all: &[TableRoute]) -> bool {
    let d = r.destination;
    values.iter().any(|v| match name {
        "route-search.exact-match" => d == *v,
        "route-search.subnet-of-match" => v.contains(&d),
        "route-search.supernet-of-match" => d.contains(v),
        _ => {
            d.contains(v)
                && all
                    .iter()
                    .filter(|o| o.destination.contains(v))
                    .all(|o| o.destination.prefix_len() <= d.prefix_len())
        }
    })
}

/// SearchTransitGatewayRoutes: the routes of one table that pass every filter (at least one
/// is required), and whether more than `max` matched.
pub fn search_routes(
    w: &World,
    ctx: &Ctx,
    rtb_id: &str,
    filters: &[Filter],
) -> Result<Vec<TableRoute>> {
    filter::check_names(filters, SEARCH_FILTERS)?;
    if filters.is_empty() {
        return Err(ApiError::missing("Filters"));
    }
    let t = w
        .tgw_route_tables
        .get_in(ctx.scope(), rtb_id)
        .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(rtb_id))?;
    let all = table_routes(w, t);
    let mut searches = Vec::new();
    for f in filters
        .iter()
        .filter(|f| f.name.starts_with("route-search."))
    {
        let cidrs = f
            .values
            .iter()
            .map(|v| search_cidr(v))
            .collect::<Result<Vec<_>>>()?;
        searches.push((f.name.as_str(), cidrs));
    }
    let rest: Vec<Filter> = filters
        .iter()
        .filter(|f| !f.name.starts_with("route-search."))
        .cloned()
        .collect();
    let none = Default::default();
    Ok(all
        .iter()
        .filter(|r| {
            searches
                .iter()
                .all(|(name, cidrs)| route_search(name, cidrs, r, &all))
        })
        .filter(|r| {
            let a = r
                .attachment
                .as_ref()
                .and_then(|id| row_from(w, id, &t.transit_gateway_id));
            filter::matches(&rest, &none, |name| match name {
                "attachment.resource-id" => filter::opt(a.as_ref().map(|a| a.resource_id.clone())),
                "attachment.resource-type" => filter::opt(a.as_ref().map(|a| a.resource_type)),
                "attachment.transit-gateway-attachment-id" => filter::opt(r.attachment.clone()),
                "prefix-list-id" => filter::opt(r.prefix_list_id.clone()),
                "state" => filter::s(r.state()),
                "type" => filter::s(r.route_type.as_str()),
                _ => Vec::new(),
            })
        })
        .cloned()
        .collect())
}

/// Filters GetTransitGatewayRouteTableAssociations and …Propagations accept.
pub const ASSOCIATION_FILTERS: &[&str] = &[
    "resource-id",
    "resource-type",
    "transit-gateway-attachment-id",
];

/// GetTransitGatewayRouteTableAssociations (`propagations` false) or
/// GetTransitGatewayRouteTablePropagations (true): the attachments of one table, as rows.
pub fn table_attachments(
    w: &World,
    ctx: &Ctx,
    rtb_id: &str,
    propagations: bool,
    filters: &[Filter],
) -> Result<Vec<AttachmentRow>> {
    filter::check_names(filters, ASSOCIATION_FILTERS)?;
    let t = w
        .tgw_route_tables
        .get_in(ctx.scope(), rtb_id)
        .ok_or_else(|| Kind::TransitGatewayRouteTable.not_found(rtb_id))?;
    let mut found: Vec<AttachmentRow> = if propagations {
        t.propagations
            .iter()
            .filter_map(|id| w.tgw_attachments.get(id))
            .map(AttachmentRow::of_vpc)
            .collect()
    } else {
        super::route_tables::associated(w, rtb_id)
            .map(AttachmentRow::of_vpc)
            .collect()
    };
    if !propagations {
        found.extend(
            super::peering::associated_with(w, rtb_id)
                .map(|(p, side)| AttachmentRow::of_peering(p, side)),
        );
    }
    let none = Default::default();
    Ok(found
        .into_iter()
        .filter(|a| {
            filter::matches(filters, &none, |name| match name {
                "resource-id" => filter::s(&a.resource_id),
                "resource-type" => filter::s(a.resource_type),
                "transit-gateway-attachment-id" => filter::s(&a.id),
                _ => Vec::new(),
            })
        })
        .collect())
}
