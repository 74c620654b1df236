//! Transit gateways, their VPC attachments, route tables and routes: the action table and
//! the helpers they share here, each part's actions in its file (as in the core's `tgw/`).

use ipnet::IpNet;
use openvpc_core::{ApiError, Kind, Result};

use super::Handler;
use crate::params::View;

mod attachments;
mod gateways;
mod route_tables;
mod routes;

use attachments::{
    accept_vpc_attachment, create_vpc_attachment, delete_vpc_attachment, describe_attachments,
    describe_vpc_attachments, modify_vpc_attachment, reject_vpc_attachment,
};
// What peering attachments (`tgw_peering`) share with VPC attachments.
pub(super) use attachments::{attachment_query, attachment_step, render_one};
use gateways::{
    create_transit_gateway, delete_transit_gateway, describe_transit_gateways,
    modify_transit_gateway,
};
use route_tables::{
    associate_route_table, create_route_table, delete_route_table, describe_route_tables,
    disable_propagation, disassociate_route_table, enable_propagation, get_associations,
    get_propagations,
};
use routes::{create_route, delete_route, replace_route, search_routes};

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateTransitGateway", create_transit_gateway),
    ("ModifyTransitGateway", modify_transit_gateway),
    ("DeleteTransitGateway", delete_transit_gateway),
    ("DescribeTransitGateways", describe_transit_gateways),
    ("CreateTransitGatewayVpcAttachment", create_vpc_attachment),
    ("ModifyTransitGatewayVpcAttachment", modify_vpc_attachment),
    ("DeleteTransitGatewayVpcAttachment", delete_vpc_attachment),
    ("AcceptTransitGatewayVpcAttachment", accept_vpc_attachment),
    ("RejectTransitGatewayVpcAttachment", reject_vpc_attachment),
    (
        "DescribeTransitGatewayVpcAttachments",
        describe_vpc_attachments,
    ),
    ("DescribeTransitGatewayAttachments", describe_attachments),
    ("CreateTransitGatewayRouteTable", create_route_table),
    ("DeleteTransitGatewayRouteTable", delete_route_table),
    ("DescribeTransitGatewayRouteTables", describe_route_tables),
    ("AssociateTransitGatewayRouteTable", associate_route_table),
    (
        "DisassociateTransitGatewayRouteTable",
        disassociate_route_table,
    ),
    (
        "EnableTransitGatewayRouteTablePropagation",
        enable_propagation,
    ),
    (
        "DisableTransitGatewayRouteTablePropagation",
        disable_propagation,
    ),
    ("CreateTransitGatewayRoute", create_route),
    ("DeleteTransitGatewayRoute", delete_route),
    ("ReplaceTransitGatewayRoute", replace_route),
    ("SearchTransitGatewayRoutes", search_routes),
    ("GetTransitGatewayRouteTableAssociations", get_associations),
    ("GetTransitGatewayRouteTablePropagations", get_propagations),
];

/// An `enable`/`disable` option.
fn toggle(p: &View, name: &str) -> Result<Option<bool>> {
    match p.str(name).as_deref() {
        None => Ok(None),
        Some("enable") => Ok(Some(true)),
        Some("disable") => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid_value(format!(
            "Value ({v}) for parameter {} is invalid. Valid values: enable, disable",
            p.name(name)
        ))),
    }
}

fn on_off(v: bool) -> &'static str {
    if v {
        "enable"
    } else {
        "disable"
    }
}

fn asn(p: &View) -> Result<Option<u64>> {
    match p.int("AmazonSideAsn")? {
        None => Ok(None),
        Some(n) if n >= 0 => Ok(Some(n as u64)),
        Some(n) => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter AmazonSideAsn is invalid."
        ))),
    }
}

fn cidr(raw: &str, name: &str) -> Result<IpNet> {
    raw.parse::<IpNet>().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter {name} is invalid. This is not a valid CIDR block."
        ))
    })
}

fn cidrs(p: &View, name: &str) -> Result<Vec<IpNet>> {
    p.list(name).iter().map(|c| cidr(c, name)).collect()
}

fn ids_checked(p: &View, name: &str, kind: Kind) -> Result<Vec<String>> {
    let ids = p.list(name);
    ids.iter().try_for_each(|id| kind.check(id))?;
    Ok(ids)
}
