//! The requester-managed interfaces of interface and Gateway Load Balancer endpoints, made
//! and destroyed through the eni area's managed-interface lifecycle, and their security
//! groups.

use crate::eni::{self, ManagedIpv6};
use crate::error::{ApiError, Result};
use crate::world::{Scope, World};
use crate::{sg, Millis};

use super::model::{EndpointInterface, EndpointType, SubnetChoice, VpcEndpoint};

/// Who the endpoint interfaces are requested by.
const REQUESTER_ID: &str = "amazon-aws";

/// Creates the requester-managed interface of an endpoint in one subnet. The caller has
/// checked the subnet and its addresses (`subnets::check_provision`).
fn create_interface(
    w: &mut World,
    now: Millis,
    ep: &VpcEndpoint,
    choice: &SubnetChoice,
    dualstack: bool,
) -> Option<EndpointInterface> {
    let s = w.subnets.get(&choice.subnet_id)?.clone();
    let interface_type = match ep.endpoint_type {
        EndpointType::GatewayLoadBalancer => "gateway_load_balancer_endpoint",
        _ => "vpc_endpoint",
    };
    let ipv6 = match (choice.ipv6, dualstack) {
        (Some(v6), _) => ManagedIpv6::Given(v6),
        (None, true) => ManagedIpv6::Drawn,
        (None, false) => ManagedIpv6::None,
    };
    let managed = eni::ManagedInterface {
        subnet_id: s.id.clone(),
        interface_type: interface_type.into(),
        description: format!("VPC Endpoint Interface {}", ep.id),
        requester_id: REQUESTER_ID.into(),
        groups: ep.groups.clone(),
        // Gateway Load Balancer endpoints take no security groups.
        takes_groups: ep.endpoint_type != EndpointType::GatewayLoadBalancer,
        private_ip: choice.ipv4,
        ipv6,
        attached_to: Some(REQUESTER_ID.into()),
    };
    let id = eni::create_managed(w, &ep.scope, now, &managed).ok()?;
    Some(EndpointInterface {
        subnet_id: s.id,
        availability_zone: s.availability_zone,
        network_interface_id: id,
    })
}

/// Creates the interfaces an endpoint lacks for its subnets (checked beforehand).
pub(super) fn provision(w: &mut World, id: &str, now: Millis) {
    let Some(ep) = w.vpc_endpoints.get(id).cloned() else {
        return;
    };
    let dualstack = ep.ip_address_type != "ipv4";
    let mut made = Vec::new();
    for c in &ep.subnets {
        if ep.interfaces.iter().any(|i| i.subnet_id == c.subnet_id) {
            continue;
        }
        if let Some(i) = create_interface(w, now, &ep, c, dualstack) {
            made.push(i);
        }
    }
    if let Some(e) = w.vpc_endpoints.get_mut(id) {
        e.interfaces.extend(made);
    }
}

/// Removes every interface of an endpoint and returns their addresses to the subnets.
pub(super) fn release_interfaces(w: &mut World, id: &str) {
    let interfaces = w
        .vpc_endpoints
        .get_mut(id)
        .map(|e| std::mem::take(&mut e.interfaces))
        .unwrap_or_default();
    for i in interfaces {
        eni::destroy_interface(w, &i.network_interface_id);
    }
}

/// Removes the interfaces `dropped` (network interface ids) of an endpoint, gives the
/// others `groups`, and forgets the dropped ones.
pub(super) fn refit_interfaces(w: &mut World, id: &str, dropped: &[String], groups: &[String]) {
    for eni_id in dropped {
        eni::destroy_interface(w, eni_id);
    }
    let kept: Vec<String> = w
        .vpc_endpoints
        .get(id)
        .map(|e| {
            e.interfaces
                .iter()
                .map(|i| i.network_interface_id.clone())
                .filter(|n| !dropped.contains(n))
                .collect()
        })
        .unwrap_or_default();
    for eni_id in &kept {
        eni::set_groups(w, eni_id, groups);
    }
    if let Some(e) = w.vpc_endpoints.get_mut(id) {
        e.interfaces
            .retain(|i| !dropped.contains(&i.network_interface_id));
    }
}

/// The security groups `ids` exist for the caller and belong to the VPC.
pub(super) fn check_groups(w: &World, scope: &Scope, vpc_id: &str, ids: &[String]) -> Result<()> {
    sg::check_in_vpc(w, scope, ids, vpc_id, |id| {
        ApiError::invalid_parameter(format!(
            "The security group {id} does not belong to the VPC {vpc_id}."
        ))
    })
}

/// Whether a security group is used by a live interface endpoint.
pub fn uses_security_group(w: &World, group_id: &str) -> bool {
    w.vpc_endpoints
        .values()
        .any(|e| e.state.exists() && e.groups.iter().any(|g| g == group_id))
}
