//! The members of a route call (`RouteParams`) read as one destination and one target.

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};

use super::model::{Destination, RouteParams, Target};

/// The one destination of a route call.
pub(super) fn destination_of(p: &RouteParams) -> Result<Destination> {
    let given = [
        &p.destination_cidr_block,
        &p.destination_ipv6_cidr_block,
        &p.destination_prefix_list_id,
    ]
    .iter()
    .filter(|d| d.is_some())
    .count();
    if given == 0 {
        return Err(ApiError::new(
            ErrorCode::MissingParameter,
            "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock",
        ));
    }
    if given > 1 {
        return Err(ApiError::invalid_combination(
            "Only one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId may be specified.",
        ));
    }
    if let Some(raw) = &p.destination_cidr_block {
        return cidr::parse_v4(raw)
            .map(Destination::V4)
            .ok_or_else(|| invalid_cidr(raw, "destinationCidrBlock"));
    }
    if let Some(raw) = &p.destination_ipv6_cidr_block {
        return cidr::parse_v6(raw)
            .map(Destination::V6)
            .ok_or_else(|| invalid_cidr(raw, "destinationIpv6CidrBlock"));
    }
    Ok(Destination::PrefixList(
        p.destination_prefix_list_id.clone().unwrap_or_default(),
    ))
}

fn invalid_cidr(raw: &str, param: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Value ({raw}) for parameter {param} is invalid. This is not a valid CIDR block."
    ))
}

/// The one target of a route call (None when no target is given).
pub(super) fn target_of(p: &RouteParams) -> Result<Option<Target>> {
    let mut targets = Vec::new();
    if let Some(g) = &p.gateway_id {
        targets.push(Target::of_gateway_id(g.clone()));
    }
    type Make = fn(String) -> Target;
    let simple: [(&Option<String>, Make); 7] = [
        (
            &p.egress_only_internet_gateway_id,
            Target::EgressOnlyInternetGateway,
        ),
        (&p.nat_gateway_id, Target::NatGateway),
        (&p.network_interface_id, Target::NetworkInterface),
        (&p.instance_id, Target::Instance),
        (&p.vpc_peering_connection_id, Target::VpcPeeringConnection),
        (&p.transit_gateway_id, Target::TransitGateway),
        (&p.vpc_endpoint_id, Target::VpcEndpoint),
    ];
    for (value, make) in simple {
        if let Some(v) = value {
            targets.push(make(v.clone()));
        }
    }
    if p.local_target {
        targets.push(Target::Local);
    }
    match targets.len() {
        0 => Ok(None),
        1 => Ok(targets.pop()),
        _ => Err(ApiError::invalid_combination(
            "Only one route target may be specified.",
        )),
    }
}

/// The one target of a call that needs one.
pub(super) fn require_target(p: &RouteParams) -> Result<Target> {
    target_of(p)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingParameter,
            "The request must contain one of the parameters gatewayId, egressOnlyInternetGatewayId, natGatewayId, networkInterfaceId, instanceId, vpcPeeringConnectionId, transitGatewayId or vpcEndpointId",
        )
    })
}
