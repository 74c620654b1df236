//! Elastic IPs: allocate, associate, disassociate, release, describe.

use std::net::Ipv4Addr;

use openvpc_core::gateway::{self, Address, Cmd};
use openvpc_core::{ApiError, Command, Kind, Result, Scope, World};

use super::{allocation_id, tag_set_of, unsupported};
use crate::actions::{check_ids, created_id, returned_true, Call};
use crate::xml::Xml;

pub(super) fn allocate_address(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let region = cx.ctx().region().to_string();
    match p.str("Domain").as_deref() {
        None | Some("vpc") => {}
        Some(other) => {
            return Err(ApiError::invalid_value(format!(
            "Value ({other}) for parameter domain is invalid. Only 'vpc' addresses are supported."
        )))
        }
    }
    if p.str("Address").is_some() {
        return Err(unsupported("Allocating a specific address (Address)"));
    }
    match p.str("PublicIpv4Pool").as_deref() {
        None | Some("amazon") => {}
        Some(_) => return Err(unsupported("PublicIpv4Pool other than 'amazon'")),
    }
    if let Some(group) = p.str("NetworkBorderGroup") {
        if group != region {
            return Err(ApiError::invalid_parameter(format!(
                "The network border group '{group}' is not valid in {region}."
            )));
        }
    }
    if p.str("CustomerOwnedIpv4Pool").is_some() {
        return Err(unsupported("CustomerOwnedIpv4Pool"));
    }
    if p.str("IpamPoolId").is_some() {
        return Err(unsupported("IpamPoolId"));
    }
    let cmd = Cmd::AllocateAddress {
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let a = cx
        .world()
        .addresses
        .get(&id)
        .ok_or_else(|| Kind::Address.not_found(&id))?;
    let mut x = Xml::new();
    x.leaf("publicIp", a.public_ip)
        .leaf("domain", "vpc")
        .leaf("allocationId", &a.id)
        .leaf("publicIpv4Pool", "amazon")
        .leaf("networkBorderGroup", &region);
    Ok(x)
}

pub(super) fn release_address(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = allocation_id(&p)?;
    let public_ip = p.ipv4("PublicIp")?;
    p.ignore("NetworkBorderGroup");
    cx.mutate(Command::Gateway(Cmd::ReleaseAddress {
        allocation_id,
        public_ip,
    }))?;
    Ok(returned_true())
}

pub(super) fn associate_address(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = allocation_id(&p)?;
    let public_ip = p.ipv4("PublicIp")?;
    let instance_id = p.str("InstanceId").filter(|s| !s.is_empty());
    if let Some(id) = &instance_id {
        Kind::Instance.check(id)?;
    }
    let network_interface_id = p.str("NetworkInterfaceId").filter(|s| !s.is_empty());
    if let Some(id) = &network_interface_id {
        Kind::NetworkInterface.check(id)?;
    }
    let cmd = Cmd::AssociateAddress {
        allocation_id,
        public_ip,
        instance_id,
        network_interface_id,
        private_ip: p.ipv4("PrivateIpAddress")?,
        allow_reassociation: p.flag("AllowReassociation")?,
    };
    let association_id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let mut x = Xml::new();
    x.leaf("return", "true")
        .leaf("associationId", association_id);
    Ok(x)
}

pub(super) fn disassociate_address(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let association_id = p.str("AssociationId").filter(|s| !s.is_empty());
    let public_ip = p.ipv4("PublicIp")?;
    cx.mutate(Command::Gateway(Cmd::DisassociateAddress {
        association_id,
        public_ip,
    }))?;
    Ok(returned_true())
}

pub(super) fn describe_addresses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_ids = p.list("AllocationId");
    check_ids(&allocation_ids, Kind::Address)?;
    let public_ips = p
        .list("PublicIp")
        .iter()
        .map(|ip| {
            ip.trim().parse::<Ipv4Addr>().map_err(|_| {
                ApiError::invalid_value(format!(
                    "Value ({ip}) for parameter PublicIp is invalid. It is not a valid IPv4 address."
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let filters = p.filters()?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let found =
        gateway::describe_addresses(cx.world(), cx.ctx(), &allocation_ids, &public_ips, &filters)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.list("addressesSet", found, |x, a| render_address(x, w, scope, a));
    Ok(x)
}

/// Renders one Elastic IP's members.
pub fn render_address(x: &mut Xml, w: &World, scope: &Scope, a: &Address) {
    x.leaf("publicIp", a.public_ip)
        .leaf("allocationId", &a.id)
        .leaf("domain", "vpc");
    x.opt("instanceId", gateway::address_instance(w, a));
    if let Some(assoc) = &a.association {
        x.leaf("associationId", &assoc.association_id)
            .leaf("networkInterfaceId", &assoc.network_interface_id)
            .leaf("networkInterfaceOwnerId", &a.scope.account)
            .leaf("privateIpAddress", assoc.private_ip);
    }
    tag_set_of(x, w, scope, &a.id);
    x.leaf("publicIpv4Pool", "amazon")
        .leaf("networkBorderGroup", &a.scope.region);
}
