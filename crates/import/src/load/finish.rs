//! What describe output leaves implicit, derived once every document is loaded: main
//! tables, default groups and ACLs, addresses in use, and the interfaces of endpoints and
//! load-balancer nodes that were not exported.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use openvpc_core::endpoint::{EndpointInterface, EndpointType};
use openvpc_core::eni::{self, NetworkInterface};
use openvpc_core::{cidr, subnet, Kind, Scope, World};

use crate::tgw;

/// Derives what describe output leaves implicit: main tables, default groups and ACLs,
/// addresses in use; returns how many interfaces it made up for endpoints and load-balancer
/// nodes that were not exported.
pub fn finish(w: &mut World) -> usize {
    let mains: Vec<(String, String)> = w
        .route_tables
        .values()
        .filter(|t| t.associations.iter().any(|a| a.main))
        .map(|t| (t.vpc_id.clone(), t.id.clone()))
        .collect();
    let default_groups: Vec<(String, String)> = w
        .security_groups
        .values()
        .filter(|g| g.name == "default")
        .map(|g| (g.vpc_id.clone(), g.id.clone()))
        .collect();
    let default_acls: Vec<(String, String)> = w
        .network_acls
        .values()
        .filter(|a| a.is_default)
        .map(|a| (a.vpc_id.clone(), a.id.clone()))
        .collect();
    for (vpc_id, rtb) in mains {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.main_route_table_id = rtb;
        }
    }
    for (vpc_id, sg) in default_groups {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.default_security_group_id = sg;
        }
    }
    for (vpc_id, acl) in default_acls {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.default_network_acl_id = acl;
        }
    }
    let used: Vec<(String, Ipv4Addr)> = w
        .network_interfaces
        .values()
        .flat_map(|e| e.private_ips.iter().map(|ip| (e.subnet_id.clone(), *ip)))
        .collect();
    for (subnet_id, ip) in used {
        if let Some(s) = w.subnets.get_mut(&subnet_id) {
            if let Some(off) = s.cidr.and_then(|c| cidr::offset_v4(&c, ip)) {
                s.used.insert(off);
            }
        }
    }
    let delegated: Vec<(String, Ipv4Net)> = w
        .network_interfaces
        .values()
        .flat_map(|e| e.ipv4_prefixes.iter().map(|b| (e.subnet_id.clone(), *b)))
        .collect();
    for (subnet_id, block) in delegated {
        if let Some(s) = w.subnets.get_mut(&subnet_id) {
            if let Some(first) = s.cidr.and_then(|c| cidr::offset_v4(&c, block.network())) {
                s.used.extend(first..first + cidr::size_v4(&block) as u32);
            }
        }
    }
    let before = w.network_interfaces.len();
    synthesise_endpoint_interfaces(w);
    synthesise_load_balancer_nodes(w);
    synthesise_attachment_interfaces(w);
    w.network_interfaces.len() - before
}

/// An address for a synthesised interface in `subnet_id`: `wanted` if given (marked in
/// use), else the subnet's next free one. None when the subnet is not imported or full.
fn node_address(w: &mut World, subnet_id: &str, wanted: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
    match wanted {
        Some(ip) => {
            let s = w.subnets.get_mut(subnet_id)?;
            if let Some(off) = s.cidr.and_then(|c| cidr::offset_v4(&c, ip)) {
                s.used.insert(off);
            }
            Some(ip)
        }
        None => subnet::allocate_ip(w, subnet_id, None).ok(),
    }
}

/// What a synthesised interface takes from the resource it stands in for.
struct Stand<'a> {
    id: String,
    scope: Scope,
    subnet_id: &'a str,
    ip: Ipv4Addr,
    public_ip: Option<Ipv4Addr>,
    groups: Vec<String>,
    interface_type: &'a str,
    requester_id: &'a str,
    description: String,
}

/// A requester-managed interface standing in for one AWS did not export.
fn synthetic_interface(w: &mut World, i: Stand) {
    let Some(subnet) = w.subnets.get(i.subnet_id) else {
        return;
    };
    let (vpc_id, availability_zone) = (subnet.vpc_id.clone(), subnet.availability_zone.clone());
    eni::insert_existing(
        w,
        NetworkInterface {
            id: i.id,
            scope: i.scope,
            vpc_id,
            subnet_id: i.subnet_id.to_string(),
            availability_zone,
            private_ips: vec![i.ip],
            ipv6_addresses: Vec::new(),
            ipv4_prefixes: Vec::new(),
            ipv6_prefixes: Vec::new(),
            groups: i.groups,
            source_dest_check: true,
            interface_type: i.interface_type.to_string(),
            requester_managed: true,
            requester_id: Some(i.requester_id.to_string()),
            description: i.description,
            mac_address: String::new(),
            attachment: None,
            public_ip: i.public_ip,
            public_ip_allocation_id: None,
            created: 0,
        },
    );
}

/// Endpoint interfaces listed in `NetworkInterfaceIds` but not imported: synthesised with
/// their real ids and the subnet's next free address, so the engine can reach them.
fn synthesise_endpoint_interfaces(w: &mut World) {
    let missing: Vec<(String, Scope, EndpointInterface, Vec<String>, bool)> = w
        .vpc_endpoints
        .values()
        .flat_map(|ep| {
            ep.interfaces.iter().map(move |i| {
                (
                    ep.id.clone(),
                    ep.scope.clone(),
                    i.clone(),
                    ep.groups.clone(),
                    ep.endpoint_type == EndpointType::GatewayLoadBalancer,
                )
            })
        })
        .filter(|(_, _, i, _, _)| w.network_interfaces.get(&i.network_interface_id).is_none())
        .collect();
    for (ep_id, scope, i, groups, gwlb) in missing {
        let Some(ip) = node_address(w, &i.subnet_id, None) else {
            continue;
        };
        let kind = if gwlb {
            "gateway_load_balancer_endpoint"
        } else {
            "vpc_endpoint"
        };
        let stand = Stand {
            id: i.network_interface_id,
            scope,
            subnet_id: &i.subnet_id,
            ip,
            public_ip: None,
            groups,
            interface_type: kind,
            requester_id: "amazon-aws", // as the core's endpoint interfaces
            description: format!("VPC Endpoint Interface {ep_id}"),
        };
        synthetic_interface(w, stand);
    }
}

/// Load-balancer nodes without an imported interface: one synthesised interface per
/// subnet, with the listed private address or the subnet's next free one.
fn synthesise_load_balancer_nodes(w: &mut World) {
    let arns: Vec<String> = w.load_balancers.values().map(|lb| lb.arn.clone()).collect();
    for arn in arns {
        let Some(lb) = w.load_balancers.get(&arn).cloned() else {
            continue;
        };
        let mut subnets = lb.subnets.clone();
        for s in subnets
            .iter_mut()
            .filter(|s| s.network_interface_id.is_empty())
        {
            let wanted = s.requested_ip.then_some(s.private_ip);
            let Some(ip) = node_address(w, &s.subnet_id, wanted) else {
                continue;
            };
            let id = w.ids.id(Kind::NetworkInterface);
            let stand = Stand {
                id: id.clone(),
                scope: lb.scope.clone(),
                subnet_id: &s.subnet_id,
                ip,
                public_ip: s.public_ip,
                groups: lb.security_groups.clone(),
                interface_type: lb.lb_type.interface_type(),
                requester_id: "amazon-elb",
                description: format!(
                    "ELB {}/{}/{}",
                    lb.lb_type.arn_segment(),
                    lb.name,
                    lb.short_id()
                ),
            };
            synthetic_interface(w, stand);
            s.network_interface_id = id;
            s.private_ip = ip;
        }
        if let Some(lb) = w.load_balancers.get_mut(&arn) {
            lb.subnets = subnets;
        }
    }
}

/// Transit-gateway attachment interfaces not imported: one synthesised interface per
/// subnet, with the subnet's next free address.
fn synthesise_attachment_interfaces(w: &mut World) {
    let ids: Vec<String> = w
        .tgw_attachments
        .values()
        .filter(|a| a.interfaces.iter().any(String::is_empty))
        .map(|a| a.id.clone())
        .collect();
    for id in ids {
        let Some(mut a) = w.tgw_attachments.get(&id).cloned() else {
            continue;
        };
        for (subnet_id, eni_id) in a.subnet_ids.iter().zip(a.interfaces.iter_mut()) {
            if !eni_id.is_empty() {
                continue;
            }
            let Some(ip) = node_address(w, subnet_id, None) else {
                continue;
            };
            let new_id = w.ids.id(Kind::NetworkInterface);
            let stand = Stand {
                id: new_id.clone(),
                scope: a.scope.clone(),
                subnet_id,
                ip,
                public_ip: None,
                groups: Vec::new(),
                interface_type: "transit_gateway",
                requester_id: openvpc_core::tgw::REQUESTER_ID,
                description: tgw::interface_description(&id),
            };
            synthetic_interface(w, stand);
            *eni_id = new_id;
        }
        w.tgw_attachments.insert(a);
    }
}
