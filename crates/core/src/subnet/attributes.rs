//! What changes on an existing subnet: ModifySubnetAttribute and its IPv6 block
//! (AssociateSubnetCidrBlock, DisassociateSubnetCidrBlock).

use ipnet::Ipv6Net;

use super::model::{Attribute, LaunchOption, Subnet, SubnetIpv6, HOSTNAME_TYPES};
use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::vpc::Vpc;
use crate::world::{Ctx, World};
use crate::Output;

/// ModifySubnetAttribute: one launch-time flag.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    attribute: Attribute,
    value: bool,
) -> Result<Output> {
    let subnet = super::get(w, ctx.scope(), subnet_id)?;
    if attribute == Attribute::AssignIpv6AddressOnCreation && value && subnet.ipv6_cidrs.is_empty()
    {
        return Err(ApiError::invalid_value(format!(
            "Invalid value 'true' for assign-ipv6-address-on-creation. Cannot set assign-ipv6-address-on-creation to true unless the subnet ({subnet_id}) has an IPv6 CIDR block associated with it."
        )));
    }
    ipv6_only_allows(subnet, attribute, value)?;
    if attribute == Attribute::MapCustomerOwnedIpOnLaunch && value {
        return Err(ApiError::invalid_value(format!(
            "Invalid value 'true' for map-customer-owned-ip-on-launch. The subnet ({subnet_id}) is not on an Outpost and has no customer-owned IPv4 pool."
        )));
    }
    let subnet = w.subnets.get_mut(subnet_id).expect("checked");
    let launch = &mut subnet.launch;
    match attribute {
        Attribute::MapPublicIpOnLaunch => subnet.map_public_ip_on_launch = value,
        Attribute::AssignIpv6AddressOnCreation => subnet.assign_ipv6_on_creation = value,
        Attribute::EnableDns64 => launch.enable_dns64 = value,
        Attribute::EnableResourceNameDnsARecordOnLaunch => {
            launch.resource_name_dns_a_record = value
        }
        Attribute::EnableResourceNameDnsAAAARecordOnLaunch => {
            launch.resource_name_dns_aaaa_record = value
        }
        Attribute::MapCustomerOwnedIpOnLaunch => {}
        Attribute::DisableLniAtDeviceIndex => {
            if value {
                launch.lni_at_device_index = None;
            }
        }
    }
    Ok(Output::Done)
}

/// What an IPv6-only subnet cannot be given: no IPv4 on launch (public addresses, A records),
/// and its instances always get an IPv6 address (the VPC guide's IPv6-only subnets).
fn ipv6_only_allows(s: &Subnet, attribute: Attribute, value: bool) -> Result<()> {
    let refused = match attribute {
        Attribute::MapPublicIpOnLaunch | Attribute::EnableResourceNameDnsARecordOnLaunch => value,
        Attribute::AssignIpv6AddressOnCreation => !value,
        _ => false,
    };
    if s.ipv6_native() && refused {
        return Err(ApiError::invalid_value(format!(
            "Invalid value '{value}' for {}. The subnet ({}) is an IPv6-only subnet.",
            attribute.wire_name(),
            s.id
        )));
    }
    Ok(())
}

/// ModifySubnetAttribute: the hostname type of instances launched here, or the device index
/// of local network interfaces (never 0: a local interface is never the primary one).
pub(super) fn modify_option(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    option: LaunchOption,
) -> Result<Output> {
    let subnet = super::get(w, ctx.scope(), subnet_id)?;
    let invalid = |name: &str, value: &dyn std::fmt::Display| {
        ApiError::invalid_value(format!("Value ({value}) for parameter {name} is invalid."))
    };
    match &option {
        // An IPv6-only subnet's instances are named by their id (the API reference).
        LaunchOption::HostnameType(t) if subnet.ipv6_native() && t != HOSTNAME_TYPES[1] => {
            return Err(ApiError::invalid_value(format!(
                "Value ({t}) for parameter PrivateDnsHostnameTypeOnLaunch is invalid. The subnet ({subnet_id}) is an IPv6-only subnet: its hostname type must be resource-name."
            )));
        }
        LaunchOption::HostnameType(t) if !HOSTNAME_TYPES.contains(&t.as_str()) => {
            return Err(invalid("PrivateDnsHostnameTypeOnLaunch", t));
        }
        LaunchOption::LniAtDeviceIndex(i) if !(1..=i64::from(u16::MAX)).contains(i) => {
            return Err(invalid("EnableLniAtDeviceIndex", i));
        }
        _ => {}
    }
    let launch = &mut w.subnets.get_mut(subnet_id).expect("checked").launch;
    match option {
        LaunchOption::HostnameType(t) => launch.hostname_type = t,
        LaunchOption::LniAtDeviceIndex(i) => launch.lni_at_device_index = Some(i as u32),
    }
    Ok(Output::Done)
}

/// AssociateSubnetCidrBlock: one /64 of the VPC's IPv6 blocks per subnet.
pub(super) fn associate_ipv6(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    ipv6_cidr_block: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet = super::get(w, scope, subnet_id)?;
    let vpc = crate::vpc::get(w, scope, &subnet.vpc_id)?;
    if !subnet.ipv6_cidrs.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "The subnet '{subnet_id}' already has an IPv6 CIDR block associated."
        )));
    }
    let cidr = check_ipv6_block(w, vpc, ipv6_cidr_block)?;
    let association_id = w.ids.id(Kind::SubnetCidrAssociation);
    w.subnets
        .get_mut(subnet_id)
        .expect("checked")
        .ipv6_cidrs
        .push(SubnetIpv6 {
            association_id: association_id.clone(),
            cidr,
        });
    Ok(Output::Id(association_id))
}

/// DisassociateSubnetCidrBlock.
pub(super) fn disassociate_ipv6(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let subnet = w
        .subnets
        .in_scope(ctx.scope())
        .find(|s| {
            s.ipv6_cidrs
                .iter()
                .any(|c| c.association_id == association_id)
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSubnetCidrBlockAssociationIDNotFound,
                format!(
                    "The subnet CIDR block with association ID '{association_id}' does not exist"
                ),
            )
        })?;
    if subnet.assign_ipv6_on_creation {
        return Err(ApiError::new(
            ErrorCode::InvalidCidrBlockInUse,
            format!("The subnet IPv6 CIDR block with association ID {association_id} may not be disassociated, because its subnet has assign-ipv6-address-on-creation set to true."),
        ));
    }
    let id = subnet.id.clone();
    w.subnets
        .get_mut(&id)
        .expect("found")
        .ipv6_cidrs
        .retain(|c| c.association_id != association_id);
    Ok(Output::Id(association_id.to_string()))
}

/// The prefix lengths a subnet's IPv6 block may have: /44 to /64 in steps of 4.
pub fn ipv6_prefix_allowed(len: u8) -> bool {
    (44..=64).contains(&len) && (64 - len).is_multiple_of(4)
}

/// A subnet's IPv6 block: /44–/64 in steps of 4 ([`ipv6_prefix_allowed`]), inside one of the
/// VPC's blocks, overlapping no other subnet's.
pub(super) fn check_ipv6_block(w: &World, vpc: &Vpc, raw: &str) -> Result<Ipv6Net> {
    let cidr = cidr::parse_v6(raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    if !ipv6_prefix_allowed(cidr.prefix_len())
        || !vpc.ipv6_cidrs.iter().any(|b| b.cidr.contains(&cidr))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnetRange,
            format!("The CIDR '{raw}' is invalid."),
        ));
    }
    if w.subnets.values().any(|s| {
        s.vpc_id == vpc.id
            && s.ipv6_cidrs
                .iter()
                .any(|c| cidr::overlaps_v6(&c.cidr, &cidr))
    }) {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnetConflict,
            format!("The CIDR '{raw}' conflicts with another subnet"),
        ));
    }
    Ok(cidr)
}
