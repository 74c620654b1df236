//! Internet gateways, egress-only internet gateways, Elastic IPs and NAT gateways.

use std::net::Ipv4Addr;

use openvpc_core::gateway::{
    self, Address, Cmd, EgressOnlyGateway, InternetGateway, NatGateway, NatState,
};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Bounds, Query, EC2};
use super::{check_ids, created_id, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateInternetGateway", create_internet_gateway),
    ("AttachInternetGateway", attach_internet_gateway),
    ("DetachInternetGateway", detach_internet_gateway),
    ("DeleteInternetGateway", delete_internet_gateway),
    ("DescribeInternetGateways", describe_internet_gateways),
    (
        "CreateEgressOnlyInternetGateway",
        create_egress_only_internet_gateway,
    ),
    (
        "DeleteEgressOnlyInternetGateway",
        delete_egress_only_internet_gateway,
    ),
    (
        "DescribeEgressOnlyInternetGateways",
        describe_egress_only_internet_gateways,
    ),
    ("AllocateAddress", allocate_address),
    ("ReleaseAddress", release_address),
    ("AssociateAddress", associate_address),
    ("DisassociateAddress", disassociate_address),
    ("DescribeAddresses", describe_addresses),
    ("DescribeAddressesAttribute", describe_addresses_attribute),
    ("ModifyAddressAttribute", modify_address_attribute),
    ("ResetAddressAttribute", reset_address_attribute),
    ("CreateNatGateway", create_nat_gateway),
    ("DeleteNatGateway", delete_nat_gateway),
    ("DescribeNatGateways", describe_nat_gateways),
];

fn igw_id(p: &View) -> Result<String> {
    let id = p.req("InternetGatewayId")?;
    Kind::InternetGateway.check(&id)?;
    Ok(id)
}

fn allocation_id(p: &View) -> Result<Option<String>> {
    let id = p.str("AllocationId").filter(|s| !s.is_empty());
    if let Some(id) = &id {
        Kind::Address.check(id)?;
    }
    Ok(id)
}

fn tag_set_of(x: &mut Xml, w: &World, scope: &Scope, id: &str) {
    x.tag_set(tags::of(w, scope, id));
}

// ---------------------------------------------------------------------------------------
// Internet gateways

fn create_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let cmd = Cmd::CreateInternetGateway {
        tags: cx.p().tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let igw = w
        .internet_gateways
        .get(&id)
        .ok_or_else(|| Kind::InternetGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.node("internetGateway", |x| render_igw(x, w, scope, igw));
    Ok(x)
}

fn attach_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let internet_gateway_id = igw_id(&p)?;
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Gateway(Cmd::AttachInternetGateway {
        internet_gateway_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

fn detach_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let internet_gateway_id = igw_id(&p)?;
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Gateway(Cmd::DetachInternetGateway {
        internet_gateway_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

fn delete_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let internet_gateway_id = igw_id(&cx.p())?;
    cx.mutate(Command::Gateway(Cmd::DeleteInternetGateway {
        internet_gateway_id,
    }))?;
    Ok(returned_true())
}

fn describe_internet_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "InternetGatewayId",
        |id| Kind::InternetGateway.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_igws(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |g| g.id.clone(),
        "internetGatewaySet",
        |x, g| render_igw(x, w, scope, g),
    ))
}

/// Renders one internet gateway's members.
pub fn render_igw(x: &mut Xml, w: &World, scope: &Scope, g: &InternetGateway) {
    x.list("attachmentSet", &g.attachment, |x, vpc_id| {
        x.leaf("vpcId", vpc_id).leaf("state", "available");
    })
    .leaf("internetGatewayId", &g.id)
    .leaf("ownerId", &g.scope.account);
    tag_set_of(x, w, scope, &g.id);
}

// ---------------------------------------------------------------------------------------
// Egress-only internet gateways

fn create_egress_only_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let client_token = p.str("ClientToken");
    let cmd = Cmd::CreateEgressOnlyInternetGateway {
        vpc_id,
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w
        .egress_only_gateways
        .get(&id)
        .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.opt("clientToken", client_token);
    x.node("egressOnlyInternetGateway", |x| render_eigw(x, w, scope, g));
    Ok(x)
}

fn delete_egress_only_internet_gateway(cx: &mut Call) -> Result<Xml> {
    let id = cx.p().req("EgressOnlyInternetGatewayId")?;
    Kind::EgressOnlyInternetGateway.check(&id)?;
    cx.mutate(Command::Gateway(Cmd::DeleteEgressOnlyInternetGateway {
        egress_only_internet_gateway_id: id,
    }))?;
    let mut x = Xml::new();
    x.leaf("returnCode", true);
    Ok(x)
}

fn describe_egress_only_internet_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "EgressOnlyInternetGatewayId",
        |id| Kind::EgressOnlyInternetGateway.check(id),
        Bounds::strict(5, 255),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_eigws(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |g| g.id.clone(),
        "egressOnlyInternetGatewaySet",
        |x, g| render_eigw(x, w, scope, g),
    ))
}

/// Renders one egress-only internet gateway's members.
pub fn render_eigw(x: &mut Xml, w: &World, scope: &Scope, g: &EgressOnlyGateway) {
    x.list("attachmentSet", [&g.vpc_id], |x, vpc_id| {
        x.leaf("state", "attached").leaf("vpcId", vpc_id);
    })
    .leaf("egressOnlyInternetGatewayId", &g.id);
    tag_set_of(x, w, scope, &g.id);
}

// ---------------------------------------------------------------------------------------
// Elastic IPs

fn unsupported(what: &str) -> ApiError {
    ApiError::invalid_parameter(format!("{what} is not supported by openvpc."))
}

fn allocate_address(cx: &mut Call) -> Result<Xml> {
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

fn release_address(cx: &mut Call) -> Result<Xml> {
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

fn associate_address(cx: &mut Call) -> Result<Xml> {
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

fn disassociate_address(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let association_id = p.str("AssociationId").filter(|s| !s.is_empty());
    let public_ip = p.ipv4("PublicIp")?;
    cx.mutate(Command::Gateway(Cmd::DisassociateAddress {
        association_id,
        public_ip,
    }))?;
    Ok(returned_true())
}

fn describe_addresses(cx: &mut Call) -> Result<Xml> {
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

// ---------------------------------------------------------------------------------------
// Reverse DNS of Elastic IPs (spec §15)

/// `Attribute`: `domain-name` is the only one.
fn domain_name_attribute(p: &View, required: bool) -> Result<()> {
    match p.str("Attribute") {
        None if !required => Ok(()),
        None => Err(ApiError::missing("Attribute")),
        Some(a) if a == "domain-name" => Ok(()),
        Some(a) => Err(ApiError::invalid_value(format!(
            "Value ({a}) for parameter Attribute is invalid. Valid values: domain-name"
        ))),
    }
}

fn describe_addresses_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let q = Query::decode(
        &p,
        "AllocationId",
        |id| Kind::Address.check(id),
        Bounds::strict(1, 1000),
    )?;
    domain_name_attribute(&p, false)?;
    cx.read()?;
    let found = gateway::describe_address_attributes(cx.world(), cx.ctx(), &q.ids)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "addressSet",
        |x, a| {
            x.leaf("publicIp", a.public_ip)
                .leaf("allocationId", &a.id)
                .opt("ptrRecord", a.domain_name.as_ref().map(|n| format!("{n}.")));
        },
    ))
}

/// The `address` member of Modify/ResetAddressAttribute: the name as it was, and the
/// update now pending (`value` the new name, if any).
fn address_attribute(before: &Address, new_name: Option<String>) -> Xml {
    let mut x = Xml::new();
    x.node("address", |x| {
        x.leaf("publicIp", before.public_ip)
            .leaf("allocationId", &before.id)
            .opt(
                "ptrRecord",
                before.domain_name.as_ref().map(|n| format!("{n}.")),
            )
            .node("ptrRecordUpdate", |x| {
                x.opt("value", new_name).leaf("status", "PENDING");
            });
    });
    x
}

fn address_before(cx: &Call, id: &str) -> Result<Address> {
    cx.world()
        .addresses
        .get_in(cx.ctx().scope(), id)
        .cloned()
        .ok_or_else(|| Kind::Address.not_found(id))
}

fn modify_address_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = p.req("AllocationId")?;
    Kind::Address.check(&allocation_id)?;
    let domain_name = p.req("DomainName")?;
    let before = address_before(cx, &allocation_id)?;
    cx.mutate(Command::Gateway(Cmd::ModifyAddressAttribute {
        allocation_id: allocation_id.clone(),
        domain_name,
    }))?;
    let after = address_before(cx, &allocation_id)?;
    Ok(address_attribute(
        &before,
        after.domain_name.map(|n| format!("{n}.")),
    ))
}

fn reset_address_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = p.req("AllocationId")?;
    Kind::Address.check(&allocation_id)?;
    domain_name_attribute(&p, true)?;
    let before = address_before(cx, &allocation_id)?;
    cx.mutate(Command::Gateway(Cmd::ResetAddressAttribute {
        allocation_id,
    }))?;
    Ok(address_attribute(&before, None))
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

// ---------------------------------------------------------------------------------------
// NAT gateways

fn create_nat_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    match p.str("AvailabilityMode").as_deref() {
        None | Some("zonal") => {}
        Some("regional") => return Err(unsupported("A regional NAT gateway")),
        Some(other) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({other}) for parameter AvailabilityMode is invalid."
            )))
        }
    }
    p.ignore("AvailabilityZoneAddress");
    if p.has("AvailabilityZoneAddress") || p.str("VpcId").is_some() {
        return Err(ApiError::invalid_combination(
            "VpcId and AvailabilityZoneAddress apply to regional NAT gateways only; specify SubnetId.",
        ));
    }
    p.ignore("SecondaryAllocationId");
    p.ignore("SecondaryPrivateIpAddress");
    p.ignore("SecondaryPrivateIpAddressCount");
    if p.has("SecondaryAllocationId")
        || p.has("SecondaryPrivateIpAddress")
        || p.has("SecondaryPrivateIpAddressCount")
    {
        return Err(unsupported("Secondary NAT gateway addresses"));
    }
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let public = match p.str("ConnectivityType").as_deref() {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({other}) for parameter ConnectivityType is invalid. Valid values: private, public."
            )))
        }
    };
    let client_token = p.str("ClientToken");
    let cmd = Cmd::CreateNatGateway {
        subnet_id,
        public,
        allocation_id: allocation_id(&p)?,
        private_ip: p.ipv4("PrivateIpAddress")?,
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let nat = w
        .nat_gateways
        .get(&id)
        .ok_or_else(|| Kind::NatGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.opt("clientToken", client_token);
    x.node("natGateway", |x| render_nat(x, w, scope, nat));
    Ok(x)
}

fn delete_nat_gateway(cx: &mut Call) -> Result<Xml> {
    let nat_gateway_id = cx.p().req("NatGatewayId")?;
    Kind::NatGateway.check(&nat_gateway_id)?;
    let id = created_id(cx.mutate(Command::Gateway(Cmd::DeleteNatGateway { nat_gateway_id }))?)?;
    let mut x = Xml::new();
    x.leaf("natGatewayId", id);
    Ok(x)
}

fn describe_nat_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "NatGatewayId",
        |id| Kind::NatGateway.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_nats(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |n| n.id.clone(),
        "natGatewaySet",
        |x, n| render_nat(x, w, scope, n),
    ))
}

/// Renders one NAT gateway's members.
pub fn render_nat(x: &mut Xml, w: &World, scope: &Scope, n: &NatGateway) {
    x.leaf("createTime", iso8601(n.created));
    x.opt("deleteTime", n.deleted.map(iso8601));
    let failure = n.failure.as_ref().filter(|_| n.state == NatState::Failed);
    if let Some((code, message)) = failure {
        x.leaf("failureCode", code).leaf("failureMessage", message);
    }
    let has_address = n.network_interface_id.is_some() || n.allocation_id.is_some();
    x.list("natGatewayAddressSet", has_address.then_some(n), |x, n| {
        x.opt("allocationId", n.allocation_id.as_ref())
            .opt("networkInterfaceId", n.network_interface_id.as_ref())
            .opt("privateIp", n.private_ip)
            .opt(
                "publicIp",
                n.public_ip.filter(|_| n.association_id.is_some()),
            )
            .opt("associationId", n.association_id.as_ref())
            .leaf("isPrimary", true)
            .leaf("status", gateway::nat_address_status(n));
        if let Some((_, message)) = failure {
            x.leaf("failureMessage", message);
        }
    });
    x.leaf("natGatewayId", &n.id)
        .leaf("state", n.state.as_str())
        .leaf("subnetId", &n.subnet_id)
        .leaf("vpcId", &n.vpc_id);
    tag_set_of(x, w, scope, &n.id);
    x.leaf(
        "connectivityType",
        if n.public { "public" } else { "private" },
    )
    .leaf("availabilityMode", "zonal");
}
