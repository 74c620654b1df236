//! Subnets: placement inside the VPC's blocks, sizes, reserved addresses, address
//! allocation for interfaces, and default subnets.

use crate::ids::Kind;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::region::Zone;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{nacl, vpc, Millis, Output};

/// Addresses AWS reserves in every subnet: the first four and the last.
pub const RESERVED: u64 = 5;

/// An IPv6 block associated with a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetIpv6 {
    pub association_id: String,
    pub cidr: Ipv6Net,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub cidr: Ipv4Net,
    pub ipv6_cidrs: Vec<SubnetIpv6>,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_on_creation: bool,
    /// Offsets (from the network address) of addresses in use by interfaces.
    pub used: BTreeSet<u32>,
    pub created: Millis,
}

impl Resource for Subnet {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Subnet {
    /// `availableIpAddressCount`: size minus the five reserved minus those in use.
    pub fn available_ip_count(&self) -> u64 {
        cidr::size_v4(&self.cidr) - RESERVED - self.used.len() as u64
    }

    /// The subnet ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            self.scope.region, self.scope.account, self.id
        )
    }
}

/// A subnet attribute for ModifySubnetAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    MapPublicIpOnLaunch,
    AssignIpv6AddressOnCreation,
}

/// Subnet commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        vpc_id: String,
        cidr_block: String,
        ipv6_cidr_block: Option<String>,
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
        tags: Vec<TagSpec>,
    },
    CreateDefault {
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
    },
    Delete {
        subnet_id: String,
    },
    ModifyAttribute {
        subnet_id: String,
        attribute: Attribute,
        value: bool,
    },
    AssociateIpv6 {
        subnet_id: String,
        ipv6_cidr_block: String,
    },
    DisassociateIpv6 {
        association_id: String,
    },
}

/// The caller's subnet `id`, or `InvalidSubnetID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Subnet> {
    w.subnets
        .get_in(scope, id)
        .ok_or_else(|| Kind::Subnet.not_found(id))
}

fn zone_for(
    w: &World,
    ctx: &Ctx,
    name: Option<&str>,
    id: Option<&str>,
    fallback_index: usize,
) -> Result<Zone> {
    let zones = w.config.zones(&ctx.account, &ctx.region);
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

/// Applies a subnet command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    let scope = ctx.scope();
    match cmd {
        Cmd::Create {
            vpc_id,
            cidr_block,
            ipv6_cidr_block,
            availability_zone,
            availability_zone_id,
            tags: specs,
        } => {
            let vpc = vpc::get(w, &scope, &vpc_id)?;
            let cidr = cidr::parse_v4(&cidr_block).ok_or_else(|| {
                ApiError::invalid_value(format!(
                    "Value ({cidr_block}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
                ))
            })?;
            let range = || {
                ApiError::new(
                    ErrorCode::InvalidSubnetRange,
                    format!("The CIDR '{cidr_block}' is invalid."),
                )
            };
            if !(16..=28).contains(&cidr.prefix_len()) {
                return Err(range());
            }
            if !vpc.cidrs.iter().any(|c| c.cidr.contains(&cidr)) {
                return Err(range());
            }
            let count = w
                .subnets
                .in_scope(&scope)
                .filter(|s| s.vpc_id == vpc_id)
                .count();
            if w.subnets
                .in_scope(&scope)
                .any(|s| s.vpc_id == vpc_id && cidr::overlaps_v4(&s.cidr, &cidr))
            {
                return Err(ApiError::new(
                    ErrorCode::InvalidSubnetConflict,
                    format!("The CIDR '{cidr_block}' conflicts with another subnet"),
                ));
            }
            let ipv6 = match &ipv6_cidr_block {
                None => None,
                Some(raw) => Some(check_subnet_ipv6(w, vpc, raw)?),
            };
            let zone = zone_for(
                w,
                ctx,
                availability_zone.as_deref(),
                availability_zone_id.as_deref(),
                count,
            )?;
            tags::check_specs(&specs, "subnet")?;
            if let Some(limit) = w.config.quotas.limit(&ctx.account, quota::SUBNETS_PER_VPC) {
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
            insert(w, ctx, &id, &vpc_id, cidr, ipv6_cidrs, &zone, false);
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::CreateDefault {
            availability_zone,
            availability_zone_id,
        } => {
            if availability_zone.is_none() && availability_zone_id.is_none() {
                return Err(ApiError::missing("AvailabilityZone"));
            }
            let zone = zone_for(
                w,
                ctx,
                availability_zone.as_deref(),
                availability_zone_id.as_deref(),
                0,
            )?;
            let vpc = w
                .vpcs
                .in_scope(&scope)
                .find(|v| v.is_default)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::DefaultVpcDoesNotExist,
                        "No default VPC for this user",
                    )
                })?;
            let vpc_id = vpc.id.clone();
            let primary = vpc.primary_cidr();
            if let Some(s) = w.subnets.values().find(|s| {
                s.vpc_id == vpc_id && s.default_for_az && s.availability_zone == zone.name
            }) {
                return Err(ApiError::new(
                    ErrorCode::DefaultSubnetAlreadyExistsInAvailabilityZone,
                    format!("'{}' is already the default subnet in {}.", s.id, zone.name),
                ));
            }
            let block = (0..16u32)
                .map(|i| Ipv4Net::new(cidr::nth_v4(&primary, i << 12), 20).expect("valid /20"))
                .find(|b| {
                    !w.subnets
                        .values()
                        .any(|s| s.vpc_id == vpc_id && cidr::overlaps_v4(&s.cidr, b))
                })
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InsufficientFreeAddressesInSubnet,
                        "There is no free /20 block left in the default VPC.",
                    )
                })?;
            Ok(Output::Id(insert_default_subnet(
                w, ctx, &vpc_id, block, &zone,
            )))
        }
        Cmd::Delete { subnet_id } => {
            let subnet = get(w, &scope, &subnet_id)?;
            if !subnet.used.is_empty()
                || w.network_interfaces
                    .values()
                    .any(|e| e.subnet_id == subnet_id)
            {
                return Err(ApiError::dependency(format!(
                    "The subnet '{subnet_id}' has dependencies and cannot be deleted."
                )));
            }
            w.on_subnet_deleted(&subnet_id);
            w.subnets.remove(&subnet_id);
            tags::forget(w, &subnet_id);
            Ok(Output::Done)
        }
        Cmd::ModifyAttribute {
            subnet_id,
            attribute,
            value,
        } => {
            let subnet = w
                .subnets
                .get_mut_in(&scope, &subnet_id)
                .ok_or_else(|| Kind::Subnet.not_found(&subnet_id))?;
            match attribute {
                Attribute::MapPublicIpOnLaunch => subnet.map_public_ip_on_launch = value,
                Attribute::AssignIpv6AddressOnCreation => subnet.assign_ipv6_on_creation = value,
            }
            Ok(Output::Done)
        }
        Cmd::AssociateIpv6 {
            subnet_id,
            ipv6_cidr_block,
        } => {
            let subnet = get(w, &scope, &subnet_id)?;
            let vpc = vpc::get(w, &scope, &subnet.vpc_id)?;
            if !subnet.ipv6_cidrs.is_empty() {
                return Err(ApiError::invalid_value(format!(
                    "The subnet '{subnet_id}' already has an IPv6 CIDR block associated."
                )));
            }
            let cidr = check_subnet_ipv6(w, vpc, &ipv6_cidr_block)?;
            let association_id = w.ids.id(Kind::SubnetCidrAssociation);
            w.subnets
                .get_mut(&subnet_id)
                .expect("checked")
                .ipv6_cidrs
                .push(SubnetIpv6 {
                    association_id: association_id.clone(),
                    cidr,
                });
            Ok(Output::Id(association_id))
        }
        Cmd::DisassociateIpv6 { association_id } => {
            let subnet = w
                .subnets
                .in_scope(&scope)
                .find(|s| s.ipv6_cidrs.iter().any(|c| c.association_id == association_id))
                .ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidSubnetCidrBlockAssociationIDNotFound,
                        format!("The subnet CIDR block with association ID '{association_id}' does not exist"),
                    )
                })?;
            let id = subnet.id.clone();
            w.subnets
                .get_mut(&id)
                .expect("found")
                .ipv6_cidrs
                .retain(|c| c.association_id != association_id);
            Ok(Output::Id(association_id))
        }
    }
}

fn check_subnet_ipv6(w: &World, vpc: &vpc::Vpc, raw: &str) -> Result<Ipv6Net> {
    let cidr = cidr::parse_v6(raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    if cidr.prefix_len() != 64 || !vpc.ipv6_cidrs.iter().any(|b| b.cidr.contains(&cidr)) {
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

#[allow(clippy::too_many_arguments)]
fn insert(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    vpc_id: &str,
    cidr: Ipv4Net,
    ipv6_cidrs: Vec<SubnetIpv6>,
    zone: &Zone,
    default_for_az: bool,
) {
    w.subnets.insert(Subnet {
        id: id.to_string(),
        scope: ctx.scope(),
        vpc_id: vpc_id.to_string(),
        cidr,
        ipv6_cidrs,
        availability_zone: zone.name.clone(),
        availability_zone_id: zone.id.clone(),
        default_for_az,
        map_public_ip_on_launch: default_for_az,
        assign_ipv6_on_creation: false,
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
    insert(w, ctx, &id, vpc_id, block, Vec::new(), zone, true);
    id
}

/// Allocates a private address in the subnet: the requested one if free and usable,
/// else the lowest free one.
pub fn allocate_ip(
    w: &mut World,
    subnet_id: &str,
    requested: Option<Ipv4Addr>,
) -> Result<Ipv4Addr> {
    let subnet = w
        .subnets
        .get(subnet_id)
        .ok_or_else(|| Kind::Subnet.not_found(subnet_id))?;
    let size = cidr::size_v4(&subnet.cidr) as u32;
    let offset = match requested {
        Some(addr) => {
            let off = cidr::offset_v4(&subnet.cidr, addr)
                .filter(|o| *o >= 4 && *o < size - 1)
                .ok_or_else(|| {
                    ApiError::invalid_parameter(format!(
                        "Address {addr} does not fall within the subnet's address range"
                    ))
                })?;
            if subnet.used.contains(&off) {
                return Err(ApiError::new(ErrorCode::InvalidIPAddressInUse,
                    format!("Address {addr} is in use."),
                ));
            }
            off
        }
        None => (4..size - 1).find(|o| !subnet.used.contains(o)).ok_or_else(|| {
            ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
                format!("There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of instances."),
            )
        })?,
    };
    let subnet = w.subnets.get_mut(subnet_id).expect("checked");
    subnet.used.insert(offset);
    Ok(cidr::nth_v4(&subnet.cidr, offset))
}

/// Returns an address to the subnet's pool.
pub fn release_ip(w: &mut World, subnet_id: &str, addr: Ipv4Addr) {
    if let Some(subnet) = w.subnets.get_mut(subnet_id) {
        if let Some(off) = cidr::offset_v4(&subnet.cidr, addr) {
            subnet.used.remove(&off);
        }
    }
}

/// Filters DescribeSubnets accepts.
pub const FILTERS: &[&str] = &[
    "availability-zone",
    "availability-zone-id",
    "available-ip-address-count",
    "cidr",
    "cidr-block",
    "cidrBlock",
    "default-for-az",
    "defaultForAz",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
    "map-public-ip-on-launch",
    "owner-id",
    "state",
    "subnet-arn",
    "subnet-id",
    "vpc-id",
];

/// DescribeSubnets.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Subnet>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.subnets.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|s| filter::matches(filters, tags::of(w, &scope, &s.id), |name| field(s, name)))
        .collect())
}

fn field(s: &Subnet, name: &str) -> Vec<String> {
    match name {
        "availability-zone" => filter::s(&s.availability_zone),
        "availability-zone-id" => filter::s(&s.availability_zone_id),
        "available-ip-address-count" => filter::s(s.available_ip_count().to_string()),
        "cidr" | "cidr-block" | "cidrBlock" => filter::s(s.cidr.to_string()),
        "default-for-az" | "defaultForAz" => filter::b(s.default_for_az),
        "ipv6-cidr-block-association.ipv6-cidr-block" => {
            s.ipv6_cidrs.iter().map(|c| c.cidr.to_string()).collect()
        }
        "ipv6-cidr-block-association.association-id" => s
            .ipv6_cidrs
            .iter()
            .map(|c| c.association_id.clone())
            .collect(),
        "ipv6-cidr-block-association.state" => {
            s.ipv6_cidrs.iter().map(|_| "associated".into()).collect()
        }
        "map-public-ip-on-launch" => filter::b(s.map_public_ip_on_launch),
        "owner-id" => filter::s(&s.scope.account),
        "state" => filter::s("available"),
        "subnet-arn" => filter::s(s.arn()),
        "subnet-id" => filter::s(&s.id),
        "vpc-id" => filter::s(&s.vpc_id),
        _ => Vec::new(),
    }
}
