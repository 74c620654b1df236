//! A load balancer's nodes: one requester-managed network interface in each of its subnets,
//! made and destroyed by the eni area's lifecycle ([`eni::create_service`],
//! [`eni::destroy_interface`]), so a node's interface goes as any other does: its address
//! back to the subnet, its Elastic IP associations ended, its tags forgotten.

use std::net::Ipv4Addr;

use super::model::{LbSubnet, LoadBalancerType};
use crate::eni::{self, IdOrder, ServiceInterface};
use crate::error::Result;
use crate::world::Ctx;
use crate::World;

/// Who a node interface is requested by and attached to.
const REQUESTER_ID: &str = "amazon-elb";

/// Where a node goes: a checked subnet of the load balancer and the address asked for in
/// its subnet mapping, if any.
#[derive(Debug, Clone)]
pub(super) struct Placement {
    pub subnet_id: String,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub requested: Option<Ipv4Addr>,
}

/// What a node interface takes from its load balancer.
pub(super) struct NodeOwner<'a> {
    pub name: &'a str,
    /// The 16 hex digits that end the load balancer's ARN.
    pub hex: &'a str,
    pub lb_type: LoadBalancerType,
    pub internet_facing: bool,
    pub security_groups: &'a [String],
}

/// Makes one node's network interface in `at`'s subnet: the requested (or next free)
/// private address, a public address when internet-facing, requester-managed by
/// `amazon-elb` and attached by it. Returns the load balancer's record of the node.
pub(super) fn create_node_interface(
    w: &mut World,
    ctx: &Ctx,
    owner: &NodeOwner,
    at: Placement,
) -> Result<LbSubnet> {
    let interface = ServiceInterface {
        subnet_id: at.subnet_id.clone(),
        interface_type: owner.lb_type.interface_type().to_string(),
        description: format!(
            "ELB {}/{}/{}",
            owner.lb_type.arn_segment(),
            owner.name,
            owner.hex
        ),
        requester_id: REQUESTER_ID.to_string(),
        groups: owner.security_groups.to_vec(),
        source_dest_check: true,
        private_ip: at.requested,
        public_ip: owner.internet_facing,
        id_order: IdOrder::MacFirst,
    };
    let eni_id = eni::create_service(w, ctx.scope(), ctx.now, &interface)?;
    let made = w.network_interfaces.get(&eni_id).expect("created");
    let private_ip = made
        .primary_ip()
        .expect("a service interface has an IPv4 address");
    let public_ip = made.public_ip;
    Ok(LbSubnet {
        subnet_id: at.subnet_id,
        availability_zone: at.availability_zone,
        availability_zone_id: at.availability_zone_id,
        network_interface_id: eni_id,
        private_ip,
        requested_ip: at.requested.is_some(),
        public_ip,
    })
}

/// Takes down one node's network interface through the lifecycle.
pub(super) fn destroy_node_interface(w: &mut World, node: &LbSubnet) {
    eni::destroy_interface(w, &node.network_interface_id);
}

/// Gives the node interfaces `interfaces` the load balancer's new security groups, through
/// the lifecycle.
pub(super) fn set_node_groups(w: &mut World, interfaces: &[String], groups: &[String]) {
    for id in interfaces {
        eni::set_groups(w, id, groups);
    }
}
