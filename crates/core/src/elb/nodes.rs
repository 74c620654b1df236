//! A load balancer's nodes: one requester-managed network interface in each of its subnets.
//!
//! Every node interface is made by [`create_node_interface`] and taken down by
//! [`destroy_node_interface`], so both can move to the ENI lifecycle in one place.

use std::net::Ipv4Addr;

use super::model::{LbSubnet, LoadBalancerType};
use crate::eni::{Attachment, NetworkInterface};
use crate::error::Result;
use crate::world::Ctx;
use crate::{subnet, tags, Kind, World};

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
    pub vpc_id: &'a str,
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
    let ip = subnet::allocate_ip(w, &at.subnet_id, at.requested)?;
    let public_ip = owner.internet_facing.then(|| w.counters.next_public_ip());
    let eni_id = w.ids.id(Kind::NetworkInterface);
    let interface = NetworkInterface {
        id: eni_id.clone(),
        scope: ctx.scope(),
        vpc_id: owner.vpc_id.to_string(),
        subnet_id: at.subnet_id.clone(),
        availability_zone: at.availability_zone.clone(),
        private_ips: vec![ip],
        ipv6_addresses: Vec::new(),
        groups: owner.security_groups.to_vec(),
        source_dest_check: true,
        interface_type: owner.lb_type.interface_type().to_string(),
        requester_managed: true,
        requester_id: Some("amazon-elb".to_string()),
        description: format!(
            "ELB {}/{}/{}",
            owner.lb_type.arn_segment(),
            owner.name,
            owner.hex
        ),
        mac_address: w.ids.mac(0x02),
        attachment: Some(Attachment {
            id: w.ids.id(Kind::ManagedAttachment),
            instance_id: None,
            instance_owner_id: "amazon-elb".to_string(),
            device_index: 1,
            delete_on_termination: false,
            attach_time: ctx.now,
        }),
        public_ip,
        public_ip_allocation_id: None,
        created: ctx.now,
    };
    w.network_interfaces.insert(interface);
    Ok(LbSubnet {
        subnet_id: at.subnet_id,
        availability_zone: at.availability_zone,
        availability_zone_id: at.availability_zone_id,
        network_interface_id: eni_id,
        private_ip: ip,
        requested_ip: at.requested.is_some(),
        public_ip,
    })
}

/// Takes down one node's network interface: the interface, its tags and its address.
// Elastic IP associations are not dropped here (issue 7): the ENI lifecycle's destroy will.
pub(super) fn destroy_node_interface(w: &mut World, node: &LbSubnet) {
    w.network_interfaces.remove(&node.network_interface_id);
    tags::forget(w, &node.network_interface_id);
    subnet::release_ip(w, &node.subnet_id, node.private_ip);
}
