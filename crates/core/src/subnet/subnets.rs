//! Creating and deleting subnets: placement in the VPC's blocks and in a zone, default
//! subnets (§6), and what a subnet needs before it can go.

use std::collections::BTreeSet;

use ipnet::{Ipv4Net, Ipv6Net};

use super::attributes::check_ipv6_block;
use super::model::{Subnet, SubnetIpv6};
use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::region::Zone;
use crate::tags::{self, TagSpec};
use crate::vpc::Vpc;
use crate::world::{Ctx, World};
use crate::{nacl, Output};

/// Where CreateSubnet puts the subnet, as the request gives it.
pub(super) struct Placement<'a> {
    pub vpc_id: &'a str,
    pub cidr_block: &'a str,
    pub ipv6_cidr_block: Option<&'a str>,
    pub ipv6_native: bool,
    pub availability_zone: Option<&'a str>,
    pub availability_zone_id: Option<&'a str>,
}

/// CreateSubnet: a /16–/28 inside one of the VPC's blocks, overlapping no other subnet,
/// in a known zone (by default the zones in turn), within the subnet quota. An IPv6-only
/// subnet (`Ipv6Native`) has an IPv6 block and no IPv4 one.
pub(super) fn create(w: &mut World, ctx: &Ctx, at: Placement, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    check_families(&at)?;
    let vpc = crate::vpc::get(w, scope, at.vpc_id)?;
    let cidr = if at.ipv6_native {
        None
    } else {
        Some(check_block(w, vpc, at.cidr_block)?)
    };
    let count = w
        .subnets
        .in_scope(scope)
        .filter(|s| s.vpc_id == at.vpc_id)
        .count();
    let ipv6 = at
        .ipv6_cidr_block
        .map(|raw| check_ipv6_block(w, vpc, raw))
        .transpose()?;
    let zone = zone_for(w, ctx, at.availability_zone, at.availability_zone_id, count)?;
    tags::check_specs(specs, "subnet")?;
    if let Some(limit) = w.config.quotas.limit(ctx.account(), quota::SUBNETS_PER_VPC) {
        if count >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::SubnetLimitExceeded,
                "The maximum number of subnets has been reached.",
            ));
        }
    }
    let id = w.ids.id(Kind::Subnet);
    let ipv6_cidrs = ipv6
        .map(|cidr| SubnetIpv6 {
            association_id: w.ids.id(Kind::SubnetCidrAssociation),
            cidr,
        })
        .into_iter()
        .collect();
    insert(w, ctx, &id, at.vpc_id, cidr, ipv6_cidrs, &zone, false);
    if at.ipv6_native {
        ipv6_only_launch_defaults(w, &id);
    }
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// The address families CreateSubnet asks for, in AWS's words (seen on the wire, moto's
/// AWS-verified tests): an IPv6-only subnet needs an IPv6 block and takes no IPv4 one; any
/// other subnet needs an IPv4 block.
fn check_families(at: &Placement) -> Result<()> {
    if at.ipv6_native && at.ipv6_cidr_block.is_none() {
        return Err(ApiError::new(
            ErrorCode::MissingParameter,
            "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided.",
        ));
    }
    if at.ipv6_native && !at.cidr_block.is_empty() {
        return Err(ApiError::invalid_combination(
            "When specifying ipv4 parameters, cidrBlock or ipv4IpamPoolId, you cannot set ipv6Native to true.",
        ));
    }
    if !at.ipv6_native && at.cidr_block.is_empty() {
        return Err(ApiError::new(
            ErrorCode::MissingParameter,
            "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.",
        ));
    }
    Ok(())
}

/// What an IPv6-only subnet gives its instances: an IPv6 address on creation and hostnames
/// from the instance id (`resource-name`), as AWS requires of IPv6-only subnets; no public
/// IPv4 address (a default subnet's usual one).
fn ipv6_only_launch_defaults(w: &mut World, id: &str) {
    if let Some(s) = w.subnets.get_mut(id) {
        s.assign_ipv6_on_creation = true;
        s.map_public_ip_on_launch = false;
        s.launch.hostname_type = super::model::HOSTNAME_TYPES[1].to_string();
    }
}

/// A subnet's IPv4 block: valid, /16–/28, inside one of the VPC's blocks, overlapping no
/// other subnet of the VPC.
fn check_block(w: &World, vpc: &Vpc, raw: &str) -> Result<Ipv4Net> {
    let cidr = cidr::parse_v4(raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    let range = || {
        ApiError::new(
            ErrorCode::InvalidSubnetRange,
            format!("The CIDR '{raw}' is invalid."),
        )
    };
    if !(16..=28).contains(&cidr.prefix_len()) {
        return Err(range());
    }
    if !vpc.cidrs.iter().any(|c| c.cidr.contains(&cidr)) {
        return Err(range());
    }
    if w.subnets
        .in_scope(&vpc.scope)
        .any(|s| s.vpc_id == vpc.id && s.cidr.is_some_and(|c| cidr::overlaps_v4(&c, &cidr)))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnetConflict,
            format!("The CIDR '{raw}' conflicts with another subnet"),
        ));
    }
    Ok(cidr)
}

/// The zone a subnet goes in: by name or by id (not both), else the zones in turn.
fn zone_for(
    w: &World,
    ctx: &Ctx,
    name: Option<&str>,
    id: Option<&str>,
    fallback_index: usize,
) -> Result<Zone> {
    let zones = w.config.zones(ctx.account(), ctx.region());
    let names = || {
        zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (name, id) {
        (Some(_), Some(_)) => Err(ApiError::invalid_combination(
            "Only one of AvailabilityZone or AvailabilityZoneId may be specified.",
        )),
        (Some(n), None) => zones.iter().find(|z| z.name == n).cloned().ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({n}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.",
                names()
            ))
        }),
        (None, Some(i)) => zones.iter().find(|z| z.id == i).cloned().ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({i}) for parameter availabilityZoneId is invalid."
            ))
        }),
        (None, None) => Ok(zones[fallback_index % zones.len()].clone()),
    }
}

/// CreateDefaultSubnet (§6): the next free /20 of the default VPC, in a zone that has no
/// default subnet yet; with `Ipv6Native`, an IPv6-only subnet on the next free /64 of the
/// default VPC's IPv6 block instead.
pub(super) fn create_default(
    w: &mut World,
    ctx: &Ctx,
    availability_zone: Option<&str>,
    availability_zone_id: Option<&str>,
    ipv6_native: bool,
) -> Result<Output> {
    if availability_zone.is_none() && availability_zone_id.is_none() {
        return Err(ApiError::missing("AvailabilityZone"));
    }
    let zone = zone_for(w, ctx, availability_zone, availability_zone_id, 0)?;
    let vpc = w
        .vpcs
        .in_scope(ctx.scope())
        .find(|v| v.is_default)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::DefaultVpcDoesNotExist,
                "No default VPC for this user",
            )
        })?;
    if let Some(s) = w
        .subnets
        .values()
        .find(|s| s.vpc_id == vpc.id && s.default_for_az && s.availability_zone == zone.name)
    {
        return Err(ApiError::new(
            ErrorCode::DefaultSubnetAlreadyExistsInAvailabilityZone,
            format!("'{}' is already the default subnet in {}.", s.id, zone.name),
        ));
    }
    let vpc_id = vpc.id.clone();
    if ipv6_native {
        let block = free_default_ipv6_block(w, vpc)?;
        let id = w.ids.id(Kind::Subnet);
        let ipv6 = vec![SubnetIpv6 {
            association_id: w.ids.id(Kind::SubnetCidrAssociation),
            cidr: block,
        }];
        insert(w, ctx, &id, &vpc_id, None, ipv6, &zone, true);
        ipv6_only_launch_defaults(w, &id);
        return Ok(Output::Id(id));
    }
    let block = free_default_block(w, vpc)?;
    Ok(Output::Id(insert_default_subnet(
        w, ctx, &vpc_id, block, &zone,
    )))
}

/// The first /64 of the default VPC's IPv6 blocks no subnet overlaps. Without an IPv6 block
/// there is none to take ([I]: AWS requires one first; the words are ours).
fn free_default_ipv6_block(w: &World, vpc: &Vpc) -> Result<Ipv6Net> {
    if vpc.ipv6_cidrs.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "The default VPC '{}' has no IPv6 CIDR block: associate one before creating an IPv6-only default subnet.",
            vpc.id
        )));
    }
    let taken = |b: &Ipv6Net| {
        w.subnets.values().any(|s| {
            s.vpc_id == vpc.id && s.ipv6_cidrs.iter().any(|c| cidr::overlaps_v6(&c.cidr, b))
        })
    };
    vpc.ipv6_cidrs
        .iter()
        .flat_map(|b| b.cidr.subnets(64).into_iter().flatten())
        .find(|b| !taken(b))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InsufficientFreeAddressesInSubnet,
                "There is no free /64 block left in the default VPC's IPv6 blocks.",
            )
        })
}

/// The first of the default VPC's sixteen /20 blocks no subnet overlaps.
fn free_default_block(w: &World, vpc: &Vpc) -> Result<Ipv4Net> {
    let primary = vpc.primary_cidr();
    (0..16u32)
        .map(|i| Ipv4Net::new(cidr::nth_v4(&primary, i << 12), 20).expect("valid /20"))
        .find(|b| {
            !w.subnets
                .values()
                .any(|s| s.vpc_id == vpc.id && s.cidr.is_some_and(|c| cidr::overlaps_v4(&c, b)))
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InsufficientFreeAddressesInSubnet,
                "There is no free /20 block left in the default VPC.",
            )
        })
}

/// DeleteSubnet: only once no interface uses it; its associations go along.
pub(super) fn delete(w: &mut World, ctx: &Ctx, subnet_id: &str) -> Result<Output> {
    let subnet = super::get(w, ctx.scope(), subnet_id)?;
    if !subnet.used.is_empty()
        || w.network_interfaces
            .values()
            .any(|e| e.subnet_id == subnet_id)
    {
        return Err(ApiError::dependency(format!(
            "The subnet '{subnet_id}' has dependencies and cannot be deleted."
        )));
    }
    w.on_subnet_deleted(subnet_id);
    super::reservations::forget_subnet(w, subnet_id);
    w.subnets.remove(subnet_id);
    tags::forget(w, subnet_id);
    Ok(Output::Done)
}

#[allow(clippy::too_many_arguments)]
fn insert(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    vpc_id: &str,
    cidr: Option<Ipv4Net>,
    ipv6_cidrs: Vec<SubnetIpv6>,
    zone: &Zone,
    default_for_az: bool,
) {
    w.subnets.insert(Subnet {
        id: id.to_string(),
        scope: ctx.scope().clone(),
        vpc_id: vpc_id.to_string(),
        cidr,
        ipv6_cidrs,
        availability_zone: zone.name.clone(),
        availability_zone_id: zone.id.clone(),
        default_for_az,
        map_public_ip_on_launch: default_for_az,
        assign_ipv6_on_creation: false,
        launch: Default::default(),
        used: BTreeSet::new(),
        created: ctx.now,
    });
    nacl::associate_default(w, vpc_id, id);
}

/// Inserts a default subnet (`defaultForAz`, public IPs on launch) for `zone`.
pub fn insert_default_subnet(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    block: Ipv4Net,
    zone: &Zone,
) -> String {
    let id = w.ids.id(Kind::Subnet);
    insert(w, ctx, &id, vpc_id, Some(block), Vec::new(), zone, true);
    id
}
