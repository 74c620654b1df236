//! DescribeVpnGateways, DescribeCustomerGateways and DescribeVpnConnections (filters and
//! fields).

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, World};

use super::model::{CustomerGateway, VpnConnection, VpnGateway, IPSEC_1};

/// Filters DescribeVpnGateways accepts.
pub const VGW_FILTERS: &[&str] = &[
    "amazon-side-asn",
    "attachment.state",
    "attachment.vpc-id",
    "availability-zone",
    "state",
    "type",
    "vpn-gateway-id",
];

/// DescribeVpnGateways: explicit ids must all exist (deleted ones too, while kept).
pub fn describe_vpn_gateways<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w VpnGateway>> {
    filter::check_names(filters, VGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpn_gateways.pick(scope, ids, |id| {
        w.vpn_gateways
            .get_in(scope, id)
            .ok_or_else(|| Kind::VpnGateway.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|g| {
            filter::matches(filters, tags::of(w, scope, &g.id), |name| match name {
                "amazon-side-asn" => filter::s(g.amazon_side_asn.to_string()),
                "attachment.state" => g.attachments.iter().map(|a| a.state().into()).collect(),
                "attachment.vpc-id" => g.attachments.iter().map(|a| a.vpc_id.clone()).collect(),
                "availability-zone" => filter::opt(g.availability_zone.clone()),
                "state" => filter::s(g.state.as_str()),
                "type" => filter::s(IPSEC_1),
                "vpn-gateway-id" => filter::s(&g.id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeCustomerGateways accepts.
pub const CGW_FILTERS: &[&str] = &[
    "bgp-asn",
    "customer-gateway-id",
    "ip-address",
    "state",
    "type",
];

/// DescribeCustomerGateways.
pub fn describe_customer_gateways<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w CustomerGateway>> {
    filter::check_names(filters, CGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.customer_gateways.pick(scope, ids, |id| {
        w.customer_gateways
            .get_in(scope, id)
            .ok_or_else(|| Kind::CustomerGateway.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|g| {
            filter::matches(filters, tags::of(w, scope, &g.id), |name| match name {
                "bgp-asn" => filter::s(g.bgp_asn.to_string()),
                "customer-gateway-id" => filter::s(&g.id),
                "ip-address" => filter::s(g.ip_address.to_string()),
                "state" => filter::s(g.state.as_str()),
                "type" => filter::s(IPSEC_1),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeVpnConnections accepts.
pub const VPN_FILTERS: &[&str] = &[
    "bgp-asn",
    "customer-gateway-configuration",
    "customer-gateway-id",
    "option.static-routes-only",
    "route.destination-cidr-block",
    "state",
    "transit-gateway-id",
    "type",
    "vpn-connection-id",
    "vpn-gateway-id",
];

/// DescribeVpnConnections.
pub fn describe_vpn_connections<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w VpnConnection>> {
    filter::check_names(filters, VPN_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpn_connections.pick(scope, ids, |id| {
        w.vpn_connections
            .get_in(scope, id)
            .ok_or_else(|| Kind::VpnConnection.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|c| {
            filter::matches(filters, tags::of(w, scope, &c.id), |name| match name {
                "bgp-asn" => filter::opt(
                    w.customer_gateways
                        .get(&c.customer_gateway_id)
                        .map(|g| g.bgp_asn.to_string()),
                ),
                "customer-gateway-id" => filter::s(&c.customer_gateway_id),
                "option.static-routes-only" => filter::b(c.static_routes_only),
                "route.destination-cidr-block" => {
                    c.routes.iter().map(|r| r.destination.to_string()).collect()
                }
                "state" => filter::s(c.state.as_str()),
                "type" => filter::s(IPSEC_1),
                "transit-gateway-id" => filter::opt(c.transit_gateway_id.clone()),
                "vpn-connection-id" => filter::s(&c.id),
                "vpn-gateway-id" => filter::s(&c.vpn_gateway_id),
                _ => Vec::new(),
            })
        })
        .collect())
}
