//! DescribeNetworkInterfaces and DescribeInstances (filters and fields), and the DNS names
//! and public-address facts the wire renders.

use std::net::Ipv4Addr;

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::world::{Ctx, World};
use crate::Millis;

use super::instances::instances_named;
use super::{get, interfaces_of, primary_interface, Instance, NetworkInterface};

/// `ip-10-0-1-5.ec2.internal` in us-east-1, `ip-10-0-1-5.<region>.compute.internal` elsewhere.
pub fn private_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    if region == "us-east-1" {
        format!("ip-{a}-{b}-{c}-{d}.ec2.internal")
    } else {
        format!("ip-{a}-{b}-{c}-{d}.{region}.compute.internal")
    }
}

/// A resource-name hostname: `i-0abc.ec2.internal` in us-east-1,
/// `i-0abc.<region>.compute.internal` elsewhere (an IPv6-only instance's only kind).
pub fn resource_dns_name(region: &str, instance_id: &str) -> String {
    if region == "us-east-1" {
        format!("{instance_id}.ec2.internal")
    } else {
        format!("{instance_id}.{region}.compute.internal")
    }
}

/// An instance's private DNS name: from its primary private IPv4 address, or from its id
/// when it has none (IPv6-only); none without a primary interface.
pub fn instance_private_dns_name(w: &World, i: &Instance) -> Option<String> {
    let e = primary_interface(w, i)?;
    Some(match e.primary_ip() {
        Some(ip) => private_dns_name(&i.scope.region, ip),
        None => resource_dns_name(&i.scope.region, &i.id),
    })
}

/// `ec2-18-0-0-1.compute-1.amazonaws.com` in us-east-1, `ec2-….<region>.compute.amazonaws.com` elsewhere.
pub fn public_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    if region == "us-east-1" {
        format!("ec2-{a}-{b}-{c}-{d}.compute-1.amazonaws.com")
    } else {
        format!("ec2-{a}-{b}-{c}-{d}.{region}.compute.amazonaws.com")
    }
}

/// Whether the interface's VPC gives public DNS names (`enableDnsHostnames`).
pub fn has_public_dns(w: &World, e: &NetworkInterface) -> bool {
    w.vpcs
        .get(&e.vpc_id)
        .is_some_and(|v| v.enable_dns_hostnames)
}

/// Filters DescribeNetworkInterfaces accepts.
pub const FILTERS: &[&str] = &[
    "addresses.association.owner-id",
    "addresses.association.public-ip",
    "addresses.primary",
    "addresses.private-ip-address",
    "association.allocation-id",
    "association.association-id",
    "association.ip-owner-id",
    "association.public-dns-name",
    "association.public-ip",
    "attachment.attach-time",
    "attachment.attachment-id",
    "attachment.delete-on-termination",
    "attachment.device-index",
    "attachment.instance-id",
    "attachment.instance-owner-id",
    "attachment.nat-gateway-id",
    "attachment.status",
    "availability-zone",
    "availability-zone-id",
    "description",
    "group-id",
    "group-name",
    "interface-type",
    "ipv6-addresses.ipv6-address",
    "mac-address",
    "network-interface-id",
    "operator.managed",
    "operator.principal",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "requester-id",
    "requester-managed",
    "source-dest-check",
    "status",
    "subnet-id",
    "vpc-id",
];

/// DescribeNetworkInterfaces: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NetworkInterface>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .network_interfaces
        .pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |e, n| {
        field(w, e, n)
    }))
}

/// The Elastic IP association of an interface's primary address: (allocation, association).
pub fn eip_of(w: &World, e: &NetworkInterface) -> Option<(String, String)> {
    let alloc = e.public_ip_allocation_id.as_ref()?;
    let a = w.addresses.get(alloc)?;
    let assoc = a.association.as_ref()?;
    Some((alloc.clone(), assoc.association_id.clone()))
}

/// `ipOwnerId` of the interface's public address: the account for an Elastic IP, else `amazon`.
pub fn ip_owner(e: &NetworkInterface) -> String {
    if e.public_ip_allocation_id.is_some() {
        e.scope.account.clone()
    } else {
        "amazon".to_string()
    }
}

fn ts(ms: Millis) -> String {
    // Filter values compare as text; the wire's ISO-8601 form is not known here, so
    // attach-time filters match on milliseconds since the epoch.
    ms.to_string()
}

fn field(w: &World, e: &NetworkInterface, name: &str) -> Vec<String> {
    let a = e.attachment.as_ref();
    let public = |f: &dyn Fn(Ipv4Addr) -> String| e.public_ip.map(f).into_iter().collect();
    match name {
        "addresses.association.owner-id" | "association.ip-owner-id" => {
            e.public_ip.map(|_| ip_owner(e)).into_iter().collect()
        }
        "addresses.association.public-ip" | "association.public-ip" => public(&|ip| ip.to_string()),
        "addresses.primary" => {
            let mut v = vec!["true".to_string()];
            if e.private_ips.len() > 1 {
                v.push("false".into());
            }
            v
        }
        "addresses.private-ip-address" => e.private_ips.iter().map(|a| a.to_string()).collect(),
        "association.allocation-id" => eip_of(w, e).map(|(a, _)| a).into_iter().collect(),
        "association.association-id" => eip_of(w, e).map(|(_, a)| a).into_iter().collect(),
        "association.public-dns-name" => public(&|ip| public_dns_name(&e.scope.region, ip)),
        "attachment.attach-time" => filter::opt(a.map(|a| ts(a.attach_time))),
        "attachment.attachment-id" => filter::opt(a.map(|a| a.id.clone())),
        "attachment.delete-on-termination" => {
            filter::opt(a.map(|a| a.delete_on_termination.to_string()))
        }
        "attachment.device-index" => filter::opt(a.map(|a| a.device_index.to_string())),
        "attachment.instance-id" => filter::opt(a.and_then(|a| a.instance_id.clone())),
        "attachment.instance-owner-id" => filter::opt(a.map(|a| a.instance_owner_id.clone())),
        "attachment.nat-gateway-id" => w
            .nat_gateways
            .in_scope(&e.scope)
            .filter(|n| n.network_interface_id.as_deref() == Some(e.id.as_str()))
            .map(|n| n.id.clone())
            .collect(),
        "attachment.status" => filter::opt(a.map(|_| "attached")),
        "availability-zone" => filter::s(&e.availability_zone),
        "availability-zone-id" => filter::opt(
            w.subnets
                .get(&e.subnet_id)
                .map(|s| s.availability_zone_id.clone()),
        ),
        "description" => filter::s(&e.description),
        "group-id" => e.groups.clone(),
        "group-name" => e
            .groups
            .iter()
            .filter_map(|g| w.security_groups.get(g).map(|g| g.name.clone()))
            .collect(),
        "interface-type" => filter::s(&e.interface_type),
        "ipv6-addresses.ipv6-address" => e.ipv6_addresses.iter().map(|a| a.to_string()).collect(),
        "ipv4-prefixes.ipv4-prefix" => e.ipv4_prefixes.iter().map(|b| b.to_string()).collect(),
        "ipv6-prefixes.ipv6-prefix" => e.ipv6_prefixes.iter().map(|b| b.to_string()).collect(),
        "ipv6-native" => filter::b(e.private_ips.is_empty()),
        "mac-address" => filter::s(&e.mac_address),
        "network-interface-id" => filter::s(&e.id),
        // No interface here is managed by an AWS operator service.
        "operator.managed" => filter::b(false),
        "operator.principal" => Vec::new(),
        "owner-id" => filter::s(&e.scope.account),
        "private-dns-name" => e
            .private_ips
            .iter()
            .map(|ip| private_dns_name(&e.scope.region, *ip))
            .collect(),
        "private-ip-address" => e.private_ips.iter().map(|a| a.to_string()).collect(),
        "requester-id" => filter::opt(e.requester_id.clone()),
        "requester-managed" => filter::b(e.requester_managed),
        "source-dest-check" => filter::b(e.source_dest_check),
        "status" => filter::s(e.status()),
        "subnet-id" => filter::s(&e.subnet_id),
        "vpc-id" => filter::s(&e.vpc_id),
        _ => Vec::new(),
    }
}

/// Filters DescribeInstances accepts.
pub const INSTANCE_FILTERS: &[&str] = &[
    "architecture",
    "availability-zone",
    "availability-zone-id",
    "client-token",
    "dns-name",
    "image-id",
    "instance-id",
    "instance-state-code",
    "instance-state-name",
    "instance-type",
    "instance.group-id",
    "instance.group-name",
    "ip-address",
    "ipv6-address",
    "key-name",
    "launch-index",
    "network-interface.addresses.association.public-ip",
    "network-interface.addresses.primary",
    "network-interface.addresses.private-ip-address",
    "network-interface.association.public-ip",
    "network-interface.attachment.attachment-id",
    "network-interface.attachment.delete-on-termination",
    "network-interface.attachment.device-index",
    "network-interface.attachment.instance-id",
    "network-interface.attachment.status",
    "network-interface.availability-zone",
    "network-interface.description",
    "network-interface.group-id",
    "network-interface.group-name",
    "network-interface.ipv4-prefixes.ipv4-prefix",
    "network-interface.ipv6-address",
    "network-interface.ipv6-addresses.ipv6-address",
    "network-interface.ipv6-native",
    "network-interface.ipv6-prefixes.ipv6-prefix",
    "network-interface.mac-address",
    "network-interface.network-interface-id",
    "network-interface.owner-id",
    "network-interface.private-dns-name",
    "network-interface.private-ip-address",
    "network-interface.requester-managed",
    "network-interface.source-dest-check",
    "network-interface.status",
    "network-interface.subnet-id",
    "network-interface.vpc-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "reservation-id",
    "root-device-type",
    "source-dest-check",
    "subnet-id",
    "tenancy",
    "virtualization-type",
    "vpc-id",
];

/// DescribeInstances: explicit ids must all exist; then filters; id order.
pub fn describe_instances<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Instance>> {
    filter::check_names(filters, INSTANCE_FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&Instance> = if ids.is_empty() {
        w.instances.in_scope(scope).collect()
    } else {
        instances_named(w, scope, ids)?
            .iter()
            .map(|id| w.instances.get(id).expect("checked"))
            .collect()
    };
    Ok(filter::tagged(w, scope, candidates, filters, |i, n| {
        instance_field(w, i, n)
    }))
}

fn instance_field(w: &World, i: &Instance, name: &str) -> Vec<String> {
    let primary = primary_interface(w, i);
    if let Some(rest) = name.strip_prefix("network-interface.") {
        let rest = match rest {
            "ipv6-address" => "ipv6-addresses.ipv6-address",
            other => other,
        };
        return interfaces_of(w, &i.id)
            .into_iter()
            .flat_map(|e| field(w, e, rest))
            .collect();
    }
    match name {
        "architecture" => filter::s("x86_64"),
        "availability-zone" => filter::s(i.availability_zone(w)),
        "availability-zone-id" => filter::opt(
            w.subnets
                .get(&i.subnet_id)
                .map(|s| s.availability_zone_id.clone()),
        ),
        "client-token" => filter::opt(i.details.client_token.clone()),
        "dns-name" => primary
            .filter(|e| has_public_dns(w, e))
            .and_then(|e| e.public_ip.map(|ip| public_dns_name(&i.scope.region, ip)))
            .into_iter()
            .collect(),
        "image-id" => filter::s(&i.image_id),
        "instance-id" => filter::s(&i.id),
        "instance-state-code" => filter::s(i.state.wire().0.to_string()),
        "instance-state-name" => filter::s(i.state.wire().1),
        "instance-type" => filter::s(&i.instance_type),
        "instance.group-id" => primary.map(|e| e.groups.clone()).unwrap_or_default(),
        "instance.group-name" => primary
            .map(|e| field(w, e, "group-name"))
            .unwrap_or_default(),
        "ip-address" => primary
            .and_then(|e| e.public_ip)
            .map(|ip| ip.to_string())
            .into_iter()
            .collect(),
        "ipv6-address" => primary
            .map(|e| field(w, e, "ipv6-addresses.ipv6-address"))
            .unwrap_or_default(),
        "key-name" => filter::opt(i.details.key_name.clone()),
        "launch-index" => filter::s(i.details.launch_index.to_string()),
        "owner-id" => filter::s(&i.scope.account),
        "private-dns-name" => instance_private_dns_name(w, i).into_iter().collect(),
        "private-ip-address" => primary
            .and_then(|e| e.primary_ip())
            .map(|ip| ip.to_string())
            .into_iter()
            .collect(),
        "reservation-id" => filter::s(&i.reservation_id),
        "root-device-type" => filter::s("ebs"),
        "source-dest-check" => primary
            .map(|e| filter::b(e.source_dest_check))
            .unwrap_or_default(),
        "subnet-id" => filter::s(&i.subnet_id),
        "tenancy" => filter::s(i.tenancy()),
        "virtualization-type" => filter::s("hvm"),
        "vpc-id" => filter::s(&i.vpc_id),
        _ => Vec::new(),
    }
}
