//! Route targets: what CreateRoute/ReplaceRoute accept as a target, and the one rule of
//! whether a target can carry traffic ([`target_problem`]), which gives a route its `state`
//! and which the reachability engine follows.

use std::fmt;

use crate::endpoint::EndpointType;
use crate::endpoint::State as EndpointState;
use crate::eni::InstanceState;
use crate::error::{ApiError, ErrorCode, Result};
use crate::gateway::NatState;
use crate::ids::Kind;
use crate::peering::Status as PeeringStatus;
use crate::tgw::model::AttachmentState;
use crate::vpn::State as VgwState;
use crate::world::{Ctx, Scope, World};

use super::model::{Destination, Route, RouteTable, Target};

// ---------------------------------------------------------------------------------------
// Whether a target is usable (§1.7 `state`)

/// Why a route's target cannot carry traffic, which makes the route a `blackhole`.
/// Displayed as what follows the target's id ("igw-… is not attached to this VPC").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// The target does not exist (never did, or was deleted).
    Missing,
    /// A kind of target openvpc does not model.
    NotModelled,
    /// The transit gateway has no available attachment to the route table's VPC.
    NotAttached,
    /// The internet gateway is detached, or attached to another VPC.
    Detached,
    /// The gateway, interface or instance belongs to another VPC than the route table.
    OtherVpc,
    /// The peering connection does not connect the route table's VPC.
    NotConnecting,
    /// The peering connection is not active (yet, or any more).
    PeeringNotActive(PeeringStatus),
    /// The NAT gateway is not available (yet, or any more).
    NatNotAvailable(NatState),
    /// The instance is stopped or terminated.
    InstanceNotRunning(InstanceState),
    /// The VPC endpoint is not available (yet, or any more).
    EndpointNotAvailable(EndpointState),
    /// A gateway-endpoint route names an endpoint of another type.
    NotGatewayEndpoint,
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::Missing => f.write_str("does not exist"),
            Unusable::NotModelled => f.write_str("is not modelled"),
            Unusable::NotAttached => f.write_str("has no available attachment to this VPC"),
            Unusable::Detached => f.write_str("is not attached to this VPC"),
            Unusable::OtherVpc => f.write_str("is in another VPC"),
            Unusable::NotConnecting => f.write_str("does not connect this VPC"),
            Unusable::PeeringNotActive(s) => write!(f, "is {}, not active", s.as_str()),
            Unusable::NatNotAvailable(s) => write!(f, "is {}, not available", s.as_str()),
            Unusable::InstanceNotRunning(s) => write!(f, "is {}, not running", s.wire().1),
            Unusable::EndpointNotAvailable(s) => write!(f, "is {}, not available", s.as_str()),
            Unusable::NotGatewayEndpoint => f.write_str("is not a gateway endpoint"),
        }
    }
}

/// Why `target`, in a route table of `vpc_id`, cannot carry traffic; `None` when it can.
///
/// A target must exist and be in a usable state: an internet gateway attached, a NAT
/// gateway or VPC endpoint `available`, an instance `running`, a peering connection
/// `active`. With `vpc_id`, it must also belong to (or, for a peering, connect) that VPC;
/// without, only the target itself is judged.
pub fn target_problem(w: &World, vpc_id: Option<&str>, target: &Target) -> Option<Unusable> {
    let elsewhere = |owner: &str| {
        vpc_id
            .is_some_and(|v| v != owner)
            .then_some(Unusable::OtherVpc)
    };
    match target {
        Target::Local => None,
        Target::Gateway(id) => internet_gateway_problem(w, vpc_id, id),
        Target::GatewayEndpoint(id) => match w.vpc_endpoints.get(id) {
            Some(e) if e.endpoint_type != EndpointType::Gateway => {
                Some(Unusable::NotGatewayEndpoint)
            }
            _ => endpoint_problem(w, id),
        },
        Target::VpcEndpoint(id) => endpoint_problem(w, id),
        Target::EgressOnlyInternetGateway(id) => match w.egress_only_gateways.get(id) {
            None => Some(Unusable::Missing),
            Some(g) => elsewhere(&g.vpc_id),
        },
        Target::NatGateway(id) => match w.nat_gateways.get(id) {
            None => Some(Unusable::Missing),
            Some(n) if n.state != NatState::Available => Some(Unusable::NatNotAvailable(n.state)),
            Some(_) => None,
        },
        Target::NetworkInterface(id) => match w.network_interfaces.get(id) {
            None => Some(Unusable::Missing),
            Some(e) => elsewhere(&e.vpc_id),
        },
        Target::Instance(id) => match w.instances.get(id) {
            None => Some(Unusable::Missing),
            Some(i) if i.state != InstanceState::Running => {
                Some(Unusable::InstanceNotRunning(i.state))
            }
            Some(i) => elsewhere(&i.vpc_id),
        },
        Target::VpcPeeringConnection(id) => match w.peerings.get(id) {
            None => Some(Unusable::Missing),
            Some(p) if vpc_id.is_some_and(|v| p.other_vpc(v).is_none()) => {
                Some(Unusable::NotConnecting)
            }
            Some(p) if !p.status.is_active() => Some(Unusable::PeeringNotActive(p.status)),
            Some(_) => None,
        },
        Target::TransitGateway(id) => transit_gateway_problem(w, vpc_id, id),
    }
}

/// A transit gateway must be live and, for a table of `vpc_id`, have an `available`
/// attachment to that VPC (as AWS checks).
fn transit_gateway_problem(w: &World, vpc_id: Option<&str>, id: &str) -> Option<Unusable> {
    if !w
        .transit_gateways
        .get(id)
        .is_some_and(|g| g.state.is_live())
    {
        return Some(Unusable::Missing);
    }
    let vpc_id = vpc_id?;
    let attached = w.tgw_attachments.values().any(|a| {
        a.transit_gateway_id == id && a.vpc_id == vpc_id && a.state == AttachmentState::Available
    });
    (!attached).then_some(Unusable::NotAttached)
}

/// An internet or virtual private gateway must be attached (to `vpc_id`, when given).
fn internet_gateway_problem(w: &World, vpc_id: Option<&str>, id: &str) -> Option<Unusable> {
    let attachment = if Kind::InternetGateway.names(id) {
        let Some(igw) = w.internet_gateways.get(id) else {
            return Some(Unusable::Missing);
        };
        igw.attachment.as_deref()
    } else if Kind::VpnGateway.names(id) {
        let Some(vgw) = w
            .vpn_gateways
            .get(id)
            .filter(|g| g.state == VgwState::Available)
        else {
            return Some(Unusable::Missing);
        };
        vgw.attached_vpc()
    } else {
        return Some(Unusable::NotModelled);
    };
    match attachment {
        Some(attached) if vpc_id.is_none_or(|v| v == attached) => None,
        _ => Some(Unusable::Detached),
    }
}

/// A VPC endpoint target (gateway or GWLB endpoint) must be `available`.
fn endpoint_problem(w: &World, id: &str) -> Option<Unusable> {
    match w.vpc_endpoints.get(id) {
        None => Some(Unusable::Missing),
        Some(e) if e.state != EndpointState::Available => {
            Some(Unusable::EndpointNotAvailable(e.state))
        }
        Some(_) => None,
    }
}

/// Whether a route to endpoint `id` (gateway or GWLB endpoint target) is `active`.
pub fn endpoint_target_active(w: &World, id: &str) -> bool {
    endpoint_problem(w, id).is_none()
}

/// `active` or `blackhole`.
fn state(problem: Option<Unusable>) -> &'static str {
    if problem.is_none() {
        "active"
    } else {
        "blackhole"
    }
}

/// A route's state: `blackhole` when its target cannot carry traffic, else `active`.
///
/// Without the table, a target is judged by itself: an internet gateway counts as usable
/// when attached to any VPC; [`route_state_in`] also requires the table's VPC.
pub fn route_state(w: &World, route: &Route) -> &'static str {
    state(target_problem(w, None, &route.target))
}

/// A route's state within `table` (see [`target_problem`]).
pub fn route_state_in(w: &World, table: &RouteTable, route: &Route) -> &'static str {
    state(target_problem(w, Some(&table.vpc_id), &route.target))
}

// ---------------------------------------------------------------------------------------
// What a new route may target (CreateRoute, ReplaceRoute)

/// `InvalidGatewayID.NotFound` for `id` (route targets, edge associations).
pub fn gateway_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidGatewayIDNotFound,
        format!("The gateway ID '{id}' does not exist"),
    )
}

/// `InvalidParameterValue`: the table and `what` `id` are in different VPCs.
pub(super) fn different_networks(rtb_id: &str, what: &str, id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "route table {rtb_id} and {what} {id} belong to different networks"
    ))
}

/// A gateway endpoint's route changes only through the endpoint.
pub(super) fn endpoint_managed(dest: &Destination, rtb_id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "The route {dest} in route table {rtb_id} is managed by a VPC endpoint and can only be changed through the endpoint."
    ))
}

/// Checks a target (other than `local`) against the table: it exists in the caller's
/// account and belongs to the table's VPC.
pub(super) fn check_target(
    w: &World,
    ctx: &Ctx,
    table: &RouteTable,
    dest: &Destination,
    target: &Target,
) -> Result<()> {
    let scope = ctx.scope();
    match target {
        Target::Local => Err(ApiError::invalid_value(
            "The target 'local' can only be restored on the route of a VPC CIDR block with ReplaceRoute and LocalTarget.",
        )),
        Target::Gateway(id) => check_internet_gateway(w, scope, table, id),
        Target::GatewayEndpoint(_) => Err(endpoint_managed(dest, &table.id)),
        Target::EgressOnlyInternetGateway(id) => check_egress_only(w, scope, table, dest, id),
        Target::NatGateway(id) => check_nat(w, scope, table, id),
        Target::NetworkInterface(id) => check_interface(w, scope, table, id),
        Target::Instance(id) => check_instance(w, scope, table, id),
        Target::VpcPeeringConnection(id) => check_peering(w, ctx, table, id),
        Target::TransitGateway(id) => check_transit_gateway(w, table, id),
        Target::VpcEndpoint(id) => check_endpoint_target(w, scope, &table.vpc_id, id),
    }
}

/// An internet or virtual private gateway of the caller attached to the table's VPC.
fn check_internet_gateway(w: &World, scope: &Scope, table: &RouteTable, id: &str) -> Result<()> {
    let attachment = if Kind::InternetGateway.names(id) {
        let igw = w
            .internet_gateways
            .get_in(scope, id)
            .ok_or_else(|| gateway_not_found(id))?;
        igw.attachment.as_deref()
    } else if Kind::VpnGateway.names(id) {
        let vgw = w
            .vpn_gateways
            .get_in(scope, id)
            .filter(|g| g.state == VgwState::Available)
            .ok_or_else(|| gateway_not_found(id))?;
        vgw.attached_vpc()
    } else {
        return Err(gateway_not_found(id));
    };
    if attachment != Some(table.vpc_id.as_str()) {
        return Err(different_networks(&table.id, "network gateway", id));
    }
    Ok(())
}

/// An egress-only internet gateway of the table's VPC, for an IPv6 destination.
fn check_egress_only(
    w: &World,
    scope: &Scope,
    table: &RouteTable,
    dest: &Destination,
    id: &str,
) -> Result<()> {
    let gw = w
        .egress_only_gateways
        .get_in(scope, id)
        .ok_or_else(|| gateway_not_found(id))?;
    if !matches!(dest, Destination::V6(_)) {
        return Err(ApiError::invalid_value(format!(
            "The egress-only internet gateway {id} can only be the target of an IPv6 route."
        )));
    }
    if gw.vpc_id != table.vpc_id {
        return Err(different_networks(&table.id, "network gateway", id));
    }
    Ok(())
}

/// A NAT gateway of the table's VPC that has not failed or gone.
fn check_nat(w: &World, scope: &Scope, table: &RouteTable, id: &str) -> Result<()> {
    let nat = w
        .nat_gateways
        .get_in(scope, id)
        .filter(|n| {
            !matches!(
                n.state,
                NatState::Failed | NatState::Deleting | NatState::Deleted
            )
        })
        .ok_or_else(|| Kind::NatGateway.not_found(id))?;
    if nat.vpc_id != table.vpc_id {
        return Err(different_networks(&table.id, "network gateway", id));
    }
    Ok(())
}

/// A network interface of the table's VPC.
fn check_interface(w: &World, scope: &Scope, table: &RouteTable, id: &str) -> Result<()> {
    let eni = w
        .network_interfaces
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(id))?;
    if eni.vpc_id != table.vpc_id {
        return Err(different_networks(&table.id, "interface", id));
    }
    Ok(())
}

/// An instance of the table's VPC, not terminated, with a single interface.
fn check_instance(w: &World, scope: &Scope, table: &RouteTable, id: &str) -> Result<()> {
    let inst = w
        .instances
        .get_in(scope, id)
        .ok_or_else(|| Kind::Instance.not_found(id))?;
    if inst.state == InstanceState::Terminated {
        return Err(ApiError::new(
            ErrorCode::IncorrectInstanceState,
            format!("The instance '{id}' is not in a state from which it can be used as a route target."),
        ));
    }
    let interfaces = w
        .network_interfaces
        .values()
        .filter(|e| {
            e.attachment
                .as_ref()
                .is_some_and(|a| a.instance_id.as_deref() == Some(id))
        })
        .count();
    if interfaces > 1 {
        return Err(ApiError::new(
            ErrorCode::InvalidInstanceID,
            format!("There are multiple interfaces attached to instance '{id}'. Please specify an interface ID for the operation instead."),
        ));
    }
    if inst.vpc_id != table.vpc_id {
        return Err(different_networks(&table.id, "instance", id));
    }
    Ok(())
}

/// A transit gateway with an `available` attachment to the table's VPC; else, as AWS
/// answers while the attachment is not ready, `InvalidTransitGatewayID.NotFound`.
fn check_transit_gateway(w: &World, table: &RouteTable, id: &str) -> Result<()> {
    if transit_gateway_problem(w, Some(&table.vpc_id), id).is_some() {
        return Err(Kind::TransitGateway.not_found(id));
    }
    Ok(())
}

/// A live peering connection the caller sees that connects the table's VPC.
fn check_peering(w: &World, ctx: &Ctx, table: &RouteTable, id: &str) -> Result<()> {
    let pcx = w
        .peerings
        .visible(ctx.scope(), id, ctx.now)
        .filter(|p| p.status.is_live())
        .ok_or_else(|| Kind::VpcPeeringConnection.not_found(id))?;
    if pcx.other_vpc(&table.vpc_id).is_none() {
        return Err(different_networks(&table.id, "peering connection", id));
    }
    Ok(())
}

/// CreateRoute/ReplaceRoute with `VpcEndpointId`: the target must be a live Gateway Load
/// Balancer endpoint of the caller in the route table's VPC.
pub fn check_endpoint_target(w: &World, scope: &Scope, vpc_id: &str, id: &str) -> Result<()> {
    let ep = w
        .vpc_endpoints
        .get_in(scope, id)
        .filter(|e| e.state.exists())
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))?;
    if ep.endpoint_type != EndpointType::GatewayLoadBalancer {
        return Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint {id} is not a Gateway Load Balancer endpoint."
        )));
    }
    if ep.vpc_id != vpc_id {
        return Err(ApiError::invalid_value(format!(
            "The VPC endpoint {id} is not in the VPC {vpc_id}."
        )));
    }
    Ok(())
}
