//! Where an interface or Gateway Load Balancer endpoint puts its interfaces: the subnets
//! requested, their zones and fixed addresses, free room, and the IP address type.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::endpoint_service::{dedup, ServiceView};
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Scope, World};
use crate::{cidr, subnet};

use super::model::{EndpointType, SubnetChoice, SubnetConfig};

/// The subnets of `SubnetId.N` and `SubnetConfiguration.N` (a configuration sets the fixed
/// addresses of its subnet).
pub(super) fn parse_choices(ids: &[String], configs: &[SubnetConfig]) -> Result<Vec<SubnetChoice>> {
    let mut out: Vec<SubnetChoice> = dedup(ids)
        .into_iter()
        .map(|subnet_id| SubnetChoice {
            subnet_id,
            ipv4: None,
            ipv6: None,
        })
        .collect();
    for (i, c) in configs.iter().enumerate() {
        let subnet_id = c
            .subnet_id
            .clone()
            .ok_or_else(|| ApiError::missing(&format!("SubnetConfiguration.{}.SubnetId", i + 1)))?;
        let ipv4 = c.ipv4.as_deref().map(parse_ipv4).transpose()?;
        let ipv6 = c.ipv6.as_deref().map(parse_ipv6).transpose()?;
        match out.iter_mut().find(|s| s.subnet_id == subnet_id) {
            Some(s) => {
                s.ipv4 = ipv4;
                s.ipv6 = ipv6;
            }
            None => out.push(SubnetChoice {
                subnet_id,
                ipv4,
                ipv6,
            }),
        }
    }
    Ok(out)
}

fn parse_ipv4(v: &str) -> Result<Ipv4Addr> {
    v.parse().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({v}) for parameter SubnetConfiguration.Ipv4 is invalid. It is not a valid IPv4 address."
        ))
    })
}

fn parse_ipv6(v: &str) -> Result<Ipv6Addr> {
    v.parse().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({v}) for parameter SubnetConfiguration.Ipv6 is invalid. It is not a valid IPv6 address."
        ))
    })
}

/// `InvalidParameter` unless a Gateway Load Balancer endpoint ends up with one subnet.
pub(super) fn check_gwlb_subnet_count(ty: EndpointType, count: usize) -> Result<()> {
    if ty == EndpointType::GatewayLoadBalancer && count != 1 {
        return Err(ApiError::invalid_parameter(
            "A Gateway Load Balancer endpoint requires exactly one subnet.",
        ));
    }
    Ok(())
}

/// Checks subnets to add next to `kept` ones: the caller's, in the VPC, one per zone,
/// zones the service offers (skipped for a remote-Region service), valid fixed addresses.
pub(super) fn check_subnets(
    w: &World,
    scope: &Scope,
    vpc_id: &str,
    view: &ServiceView,
    new: &[SubnetChoice],
    kept: &[SubnetChoice],
) -> Result<()> {
    let mut zones: BTreeMap<String, String> = kept
        .iter()
        .filter_map(|c| w.subnets.get(&c.subnet_id))
        .map(|s| (s.availability_zone_id.clone(), s.id.clone()))
        .collect();
    let remote = view.region != scope.region;
    for c in new {
        let s = subnet::get(w, scope, &c.subnet_id)?;
        subnet::require_ipv4(s, "an interface endpoint")?;
        if s.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "The subnet {} does not belong to the VPC {vpc_id}.",
                s.id
            )));
        }
        if zones
            .insert(s.availability_zone_id.clone(), s.id.clone())
            .is_some()
        {
            return Err(ApiError::new(ErrorCode::DuplicateSubnetsInSameZone,
                format!(
                    "Found another VPC endpoint subnet in the availability zone of {}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.",
                    s.id
                ),
            ));
        }
        if !remote && !view.zones.iter().any(|z| z.id == s.availability_zone_id) {
            return Err(ApiError::invalid_parameter(format!(
                "The VPC endpoint service {} does not support the availability zone of the subnet: {}.",
                view.name, s.id
            )));
        }
        check_fixed_addresses(c, s)?;
    }
    Ok(())
}

/// A choice's fixed addresses lie in the subnet's usable range and IPv6 blocks.
fn check_fixed_addresses(c: &SubnetChoice, s: &subnet::Subnet) -> Result<()> {
    if let Some(ip) = c.ipv4 {
        let block = subnet::v4_block(s)?;
        let size = cidr::size_v4(&block) as u32;
        let usable = cidr::offset_v4(&block, ip).is_some_and(|o| o >= 4 && o < size - 1);
        if !usable {
            return Err(ApiError::invalid_parameter(format!(
                "Address {ip} does not fall within the subnet's address range"
            )));
        }
    }
    if let Some(ip) = c.ipv6 {
        if !s.ipv6_cidrs.iter().any(|b| b.cidr.contains(&ip)) {
            return Err(ApiError::invalid_parameter(format!(
                "Address {ip} does not fall within an IPv6 block of the subnet {}.",
                s.id
            )));
        }
    }
    Ok(())
}

/// Whether interfaces can be made for `choices` now: subnets exist, addresses are free.
pub(super) fn check_provision(w: &World, choices: &[SubnetChoice]) -> Result<()> {
    for c in choices {
        let s = w
            .subnets
            .get(&c.subnet_id)
            .ok_or_else(|| Kind::Subnet.not_found(&c.subnet_id))?;
        match c.ipv4 {
            Some(ip) => {
                let taken = s
                    .cidr
                    .and_then(|b| cidr::offset_v4(&b, ip))
                    .is_some_and(|o| s.used.contains(&o));
                if taken {
                    return Err(ApiError::new(ErrorCode::InvalidIPAddressInUse,
                        format!("Address {ip} is in use."),
                    ));
                }
            }
            None if crate::subnet::auto_assignable_count(w, s) < 1 => {
                return Err(ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
                    format!(
                        "There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.",
                        s.id
                    ),
                ))
            }
            None => {}
        }
    }
    Ok(())
}

/// `IpAddressType`: a known value the service supports; IPv6 types need IPv6 subnets.
pub(super) fn check_ip_address_type(
    w: &World,
    ty: EndpointType,
    view: &ServiceView,
    ip_type: &str,
    subnets: &[SubnetChoice],
) -> Result<()> {
    if !["ipv4", "dualstack", "ipv6"].contains(&ip_type) {
        return Err(ApiError::invalid_value(format!(
            "Value ({ip_type}) for parameter IpAddressType is invalid. Valid values: ipv4, dualstack, ipv6."
        )));
    }
    if ip_type == "ipv4" {
        return Ok(());
    }
    if !view.supported_ip_address_types.iter().any(|t| t == "ipv6") {
        return Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint service {} does not support the IP address type {ip_type}.",
            view.name
        )));
    }
    if ty != EndpointType::Gateway {
        if let Some(c) = subnets.iter().find(|c| {
            w.subnets
                .get(&c.subnet_id)
                .is_none_or(|s| s.ipv6_cidrs.is_empty())
        }) {
            return Err(ApiError::invalid_parameter(format!(
                "The subnet {} has no IPv6 CIDR block; the IP address type {ip_type} requires one.",
                c.subnet_id
            )));
        }
    }
    Ok(())
}
