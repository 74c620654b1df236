//! Internet gateways, egress-only internet gateways, Elastic IPs and NAT gateways: the action
//! table and the helpers they share here, each kind's actions in its file (as in the core's
//! `gateway/`).

use openvpc_core::{tags, ApiError, Kind, Result, Scope, World};

use super::Handler;
use crate::params::View;
use crate::xml::Xml;

mod addresses;
mod egress_only;
mod internet;
mod nat;
mod reverse_dns;

use addresses::{
    allocate_address, associate_address, describe_addresses, disassociate_address, release_address,
};
use egress_only::{
    create_egress_only_internet_gateway, delete_egress_only_internet_gateway,
    describe_egress_only_internet_gateways,
};
use internet::{
    attach_internet_gateway, create_internet_gateway, delete_internet_gateway,
    describe_internet_gateways, detach_internet_gateway,
};
use nat::{create_nat_gateway, delete_nat_gateway, describe_nat_gateways};
use reverse_dns::{
    describe_addresses_attribute, modify_address_attribute, reset_address_attribute,
};

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

fn unsupported(what: &str) -> ApiError {
    ApiError::invalid_parameter(format!("{what} is not supported by openvpc."))
}
