//! VPCs: create/delete with their defaults, CIDR block associations, DNS attributes, and
//! the per-scope defaults (default VPC, DHCP options) made on an account's first call.

use crate::ids::Kind;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr::{self, Family};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

/// An IPv4 block associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrAssociation {
    pub association_id: String,
    pub cidr: Ipv4Net,
}

/// An Amazon-provided IPv6 block associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6Association {
    pub association_id: String,
    pub cidr: Ipv6Net,
    pub border_group: String,
}

/// A VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub scope: Scope,
    /// IPv4 blocks, primary first.
    pub cidrs: Vec<CidrAssociation>,
    pub ipv6_cidrs: Vec<Ipv6Association>,
    pub is_default: bool,
    pub instance_tenancy: String,
    pub dhcp_options_id: String,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub enable_network_address_usage_metrics: bool,
    pub main_route_table_id: String,
    pub default_security_group_id: String,
    pub default_network_acl_id: String,
    pub created: Millis,
}

impl Resource for Vpc {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Vpc {
    /// The primary IPv4 block.
    pub fn primary_cidr(&self) -> Ipv4Net {
        self.cidrs[0].cidr
    }

    /// Whether an IPv4 address lies in one of the VPC's blocks.
    pub fn contains_v4(&self, addr: std::net::Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.cidr.contains(&addr))
    }
}

/// A VPC attribute for ModifyVpcAttribute / DescribeVpcAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    EnableDnsSupport,
    EnableDnsHostnames,
    EnableNetworkAddressUsageMetrics,
}

/// VPC commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        cidr_block: String,
        amazon_ipv6: bool,
        instance_tenancy: Option<String>,
        tags: Vec<TagSpec>,
    },
    CreateDefault,
    Delete {
        vpc_id: String,
    },
    ModifyAttribute {
        vpc_id: String,
        attribute: Attribute,
        value: bool,
    },
    AssociateCidr {
        vpc_id: String,
        cidr_block: Option<String>,
        amazon_ipv6: bool,
    },
    DisassociateCidr {
        association_id: String,
    },
}

/// The caller's VPC `id`, or `InvalidVpcID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Vpc> {
    w.vpcs
        .get_in(scope, id)
        .ok_or_else(|| Kind::Vpc.not_found(id))
}

/// Applies a VPC command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            cidr_block,
            amazon_ipv6,
            instance_tenancy,
            tags: specs,
        } => {
            let cidr = cidr::check_vpc_block(&cidr_block)?;
            let tenancy = instance_tenancy.unwrap_or_else(|| "default".to_string());
            if !["default", "dedicated", "host"].contains(&tenancy.as_str()) {
                return Err(ApiError::invalid_value(format!(
                    "Value ({tenancy}) for parameter instanceTenancy is invalid."
                )));
            }
            tags::check_specs(&specs, "vpc")?;
            let scope = ctx.scope();
            if let Some(limit) = w.config.quotas.limit(&ctx.account, quota::VPCS_PER_REGION) {
                if w.vpcs.count_in(&scope) >= limit as usize {
                    return Err(ApiError::new(
                        ErrorCode::VpcLimitExceeded,
                        "The maximum number of VPCs has been reached.",
                    ));
                }
            }
            let id = create(w, ctx, cidr, amazon_ipv6, false, tenancy);
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::CreateDefault => {
            let scope = ctx.scope();
            if w.vpcs.in_scope(&scope).any(|v| v.is_default) {
                return Err(ApiError::new(
                    ErrorCode::DefaultVpcAlreadyExists,
                    "A Default VPC already exists for this account in this region.",
                ));
            }
            Ok(Output::Id(create_default_vpc(w, ctx)))
        }
        Cmd::Delete { vpc_id } => delete(w, ctx, &vpc_id).map(|_| Output::Done),
        Cmd::ModifyAttribute {
            vpc_id,
            attribute,
            value,
        } => {
            let scope = ctx.scope();
            let vpc = w
                .vpcs
                .get_mut_in(&scope, &vpc_id)
                .ok_or_else(|| Kind::Vpc.not_found(&vpc_id))?;
            match attribute {
                Attribute::EnableDnsSupport => vpc.enable_dns_support = value,
                Attribute::EnableDnsHostnames => vpc.enable_dns_hostnames = value,
                Attribute::EnableNetworkAddressUsageMetrics => {
                    vpc.enable_network_address_usage_metrics = value
                }
            }
            Ok(Output::Done)
        }
        Cmd::AssociateCidr {
            vpc_id,
            cidr_block,
            amazon_ipv6,
        } => associate_cidr(w, ctx, &vpc_id, cidr_block.as_deref(), amazon_ipv6),
        Cmd::DisassociateCidr { association_id } => disassociate_cidr(w, ctx, &association_id),
    }
}

/// Creates a VPC with its main route table, default security group and default ACL.
fn create(
    w: &mut World,
    ctx: &Ctx,
    cidr: Ipv4Net,
    amazon_ipv6: bool,
    is_default: bool,
    instance_tenancy: String,
) -> String {
    let scope = ctx.scope();
    let id = w.ids.id(Kind::Vpc);
    let cidrs = vec![CidrAssociation {
        association_id: w.ids.id(Kind::VpcCidrAssociation),
        cidr,
    }];
    let ipv6_cidrs = if amazon_ipv6 {
        vec![new_ipv6_block(w, &ctx.region)]
    } else {
        Vec::new()
    };
    let dhcp_options_id = w.default_dhcp_options(&scope);
    let vpc = Vpc {
        id: id.clone(),
        scope: scope.clone(),
        cidrs,
        ipv6_cidrs,
        is_default,
        instance_tenancy,
        dhcp_options_id,
        enable_dns_support: true,
        enable_dns_hostnames: is_default,
        enable_network_address_usage_metrics: false,
        main_route_table_id: String::new(),
        default_security_group_id: String::new(),
        default_network_acl_id: String::new(),
        created: ctx.now,
    };
    w.vpcs.insert(vpc);
    w.on_vpc_created(&scope, &id);
    id
}

fn new_ipv6_block(w: &mut World, region: &str) -> Ipv6Association {
    let n = w.counters.ipv6_blocks;
    w.counters.ipv6_blocks += 1;
    // Amazon's pool: /56 blocks carved from 2600:1f00::/24, one after the other.
    let base: u128 = 0x2600_1f00_u128 << 96;
    let network = base + (u128::from(n) << 72);
    Ipv6Association {
        association_id: w.ids.id(Kind::VpcCidrAssociation),
        cidr: Ipv6Net::new(network.into(), 56).expect("valid /56"),
        border_group: region.to_string(),
    }
}

/// Creates the scope's defaults on first use: DHCP options and the default VPC.
pub fn init_scope(w: &mut World, ctx: &Ctx) -> Result<()> {
    let scope = ctx.scope();
    w.check_region(&ctx.region)?;
    if w.scopes_ready.insert(scope.clone()) {
        w.default_dhcp_options(&scope);
        create_default_vpc(w, ctx);
    }
    Ok(())
}

/// The default VPC of §6: 172.31.0.0/16 (its gateway, route and subnets come from
/// [`World::on_default_vpc_created`]).
fn create_default_vpc(w: &mut World, ctx: &Ctx) -> String {
    let cidr = cidr::parse_v4("172.31.0.0/16").expect("constant");
    let id = create(w, ctx, cidr, false, true, "default".into());
    w.on_default_vpc_created(ctx, &id, cidr);
    id
}

fn delete(w: &mut World, ctx: &Ctx, vpc_id: &str) -> Result<()> {
    let vpc = get(w, &ctx.scope(), vpc_id)?.clone();
    w.check_vpc_deletable(&vpc)?;
    w.on_vpc_deleted(ctx, &vpc);
    w.vpcs.remove(vpc_id);
    tags::forget(w, vpc_id);
    Ok(())
}

fn associate_cidr(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    cidr_block: Option<&str>,
    amazon_ipv6: bool,
) -> Result<Output> {
    let scope = ctx.scope();
    let vpc = get(w, &scope, vpc_id)?;
    match (cidr_block, amazon_ipv6) {
        (Some(_), true) | (None, false) => Err(ApiError::invalid_combination(
            "Specify either CidrBlock or AmazonProvidedIpv6CidrBlock, but not both.",
        )),
        (None, true) => {
            let limit = w
                .config
                .quotas
                .limit(&ctx.account, quota::IPV6_CIDRS_PER_VPC);
            if limit.is_some_and(|l| vpc.ipv6_cidrs.len() >= l as usize) {
                return Err(ApiError::new(
                    ErrorCode::CidrLimitExceeded,
                    format!(
                        "This network '{vpc_id}' has met its maximum number of allowed CIDRs: {}",
                        limit.unwrap_or_default()
                    ),
                ));
            }
            w.check_vpc_block(vpc_id, None)?;
            let block = new_ipv6_block(w, &ctx.region);
            let association_id = block.association_id.clone();
            let cidr = block.cidr;
            w.vpcs
                .get_mut(vpc_id)
                .expect("checked")
                .ipv6_cidrs
                .push(block);
            w.on_vpc_block_added(ctx, vpc_id, IpNet::V6(cidr));
            Ok(Output::Id(association_id))
        }
        (Some(raw), false) => {
            let cidr = cidr::check_vpc_block(raw)?;
            let limit = w
                .config
                .quotas
                .limit(&ctx.account, quota::IPV4_CIDRS_PER_VPC);
            if limit.is_some_and(|l| vpc.cidrs.len() >= l as usize) {
                return Err(ApiError::new(
                    ErrorCode::CidrLimitExceeded,
                    format!(
                        "This network '{vpc_id}' has met its maximum number of allowed CIDRs: {}",
                        limit.unwrap_or_default()
                    ),
                ));
            }
            let primary = cidr::family(&vpc.primary_cidr());
            let family = cidr::family(&cidr);
            if family != Family::Other && family != primary {
                return Err(ApiError::new(ErrorCode::InvalidVpcRange,
                    format!(
                        "The CIDR '{raw}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR."
                    ),
                ));
            }
            if let Some(existing) = vpc.cidrs.iter().find(|c| cidr::overlaps_v4(&c.cidr, &cidr)) {
                return Err(ApiError::invalid_value(format!(
                    "The CIDR '{raw}' conflicts with another CIDR block ({}) of the VPC.",
                    existing.cidr
                )));
            }
            w.check_vpc_block(vpc_id, Some(&cidr))?;
            let association_id = w.ids.id(Kind::VpcCidrAssociation);
            w.vpcs
                .get_mut(vpc_id)
                .expect("checked")
                .cidrs
                .push(CidrAssociation {
                    association_id: association_id.clone(),
                    cidr,
                });
            w.on_vpc_block_added(ctx, vpc_id, IpNet::V4(cidr));
            Ok(Output::Id(association_id))
        }
    }
}

fn disassociate_cidr(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let vpc = w
        .vpcs
        .in_scope(&scope)
        .find(|v| {
            v.cidrs.iter().any(|c| c.association_id == association_id)
                || v.ipv6_cidrs
                    .iter()
                    .any(|c| c.association_id == association_id)
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidVpcCidrBlockAssociationIDNotFound,
                format!("The vpc CIDR block association ID '{association_id}' does not exist"),
            )
        })?
        .clone();
    if vpc.cidrs[0].association_id == association_id {
        return Err(ApiError::not_permitted(format!(
            "The vpc CIDR block with association ID {association_id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC"
        )));
    }
    if let Some(block) = vpc
        .cidrs
        .iter()
        .find(|c| c.association_id == association_id)
    {
        if w.subnets
            .values()
            .any(|s| s.vpc_id == vpc.id && cidr::overlaps_v4(&s.cidr, &block.cidr))
        {
            return Err(ApiError::dependency(format!(
                "The vpc CIDR block with association ID {association_id} has dependencies (subnets) and cannot be disassociated."
            )));
        }
        w.on_vpc_block_removed(&vpc.id, IpNet::V4(block.cidr));
    }
    if let Some(block) = vpc
        .ipv6_cidrs
        .iter()
        .find(|c| c.association_id == association_id)
    {
        if w.subnets
            .values()
            .any(|s| s.vpc_id == vpc.id && !s.ipv6_cidrs.is_empty())
        {
            return Err(ApiError::dependency(format!(
                "The vpc CIDR block with association ID {association_id} has dependencies (subnets) and cannot be disassociated."
            )));
        }
        w.on_vpc_block_removed(&vpc.id, IpNet::V6(block.cidr));
    }
    let vpc = w.vpcs.get_mut(&vpc.id).expect("found");
    vpc.cidrs.retain(|c| c.association_id != association_id);
    vpc.ipv6_cidrs
        .retain(|c| c.association_id != association_id);
    Ok(Output::Id(association_id.to_string()))
}

/// Filters DescribeVpcs accepts.
pub const FILTERS: &[&str] = &[
    "cidr",
    "cidr-block-association.cidr-block",
    "cidr-block-association.association-id",
    "cidr-block-association.state",
    "dhcp-options-id",
    "ipv6-cidr-block-association.ipv6-cidr-block",
    "ipv6-cidr-block-association.ipv6-pool",
    "ipv6-cidr-block-association.association-id",
    "ipv6-cidr-block-association.state",
    "is-default",
    "owner-id",
    "state",
    "vpc-id",
];

/// DescribeVpcs: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Vpc>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpcs.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|v| filter::matches(filters, tags::of(w, &scope, &v.id), |name| field(v, name)))
        .collect())
}

fn field(v: &Vpc, name: &str) -> Vec<String> {
    match name {
        "cidr" => filter::s(v.primary_cidr().to_string()),
        "cidr-block-association.cidr-block" => v.cidrs.iter().map(|c| c.cidr.to_string()).collect(),
        "cidr-block-association.association-id" => {
            v.cidrs.iter().map(|c| c.association_id.clone()).collect()
        }
        "cidr-block-association.state" => v.cidrs.iter().map(|_| "associated".into()).collect(),
        "dhcp-options-id" => filter::s(&v.dhcp_options_id),
        "ipv6-cidr-block-association.ipv6-cidr-block" => {
            v.ipv6_cidrs.iter().map(|c| c.cidr.to_string()).collect()
        }
        "ipv6-cidr-block-association.ipv6-pool" => {
            v.ipv6_cidrs.iter().map(|_| "Amazon".into()).collect()
        }
        "ipv6-cidr-block-association.association-id" => v
            .ipv6_cidrs
            .iter()
            .map(|c| c.association_id.clone())
            .collect(),
        "ipv6-cidr-block-association.state" => {
            v.ipv6_cidrs.iter().map(|_| "associated".into()).collect()
        }
        "is-default" => filter::b(v.is_default),
        "owner-id" => filter::s(&v.scope.account),
        "state" => filter::s("available"),
        "vpc-id" => filter::s(&v.id),
        _ => Vec::new(),
    }
}
