//! Creating and deleting VPCs, the scope's defaults, and VPC attributes.

use ipnet::{Ipv4Net, Ipv6Net};

use super::model::{Attribute, CidrAssociation, Ipv6Association, Vpc};
use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, World};
use crate::Output;

/// CreateVpc: a block of /16–/28, a known tenancy, tags for `vpc`, within the VPC quota.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    cidr_block: &str,
    amazon_ipv6: bool,
    instance_tenancy: Option<String>,
    specs: &[TagSpec],
) -> Result<Output> {
    let cidr = cidr::check_vpc_block(cidr_block)?;
    let tenancy = instance_tenancy.unwrap_or_else(|| "default".to_string());
    if !["default", "dedicated", "host"].contains(&tenancy.as_str()) {
        return Err(ApiError::invalid_value(format!(
            "Value ({tenancy}) for parameter instanceTenancy is invalid."
        )));
    }
    tags::check_specs(specs, "vpc")?;
    let scope = ctx.scope();
    if let Some(limit) = w.config.quotas.limit(ctx.account(), quota::VPCS_PER_REGION) {
        if w.vpcs.count_in(scope) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::VpcLimitExceeded,
                "The maximum number of VPCs has been reached.",
            ));
        }
    }
    let id = insert(w, ctx, cidr, amazon_ipv6, false, tenancy);
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// CreateDefaultVpc: only while the scope has no default VPC.
pub(super) fn create_default(w: &mut World, ctx: &Ctx) -> Result<Output> {
    if w.vpcs.in_scope(ctx.scope()).any(|v| v.is_default) {
        return Err(ApiError::new(
            ErrorCode::DefaultVpcAlreadyExists,
            "A Default VPC already exists for this account in this region.",
        ));
    }
    Ok(Output::Id(create_default_vpc(w, ctx)))
}

/// Inserts a VPC; its main route table, default security group and default ACL come from
/// [`World::on_vpc_created`].
fn insert(
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
        vec![new_ipv6_block(w, ctx.region())]
    } else {
        Vec::new()
    };
    let dhcp_options_id = w.default_dhcp_options(scope);
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
    w.on_vpc_created(scope, &id);
    id
}

/// The next Amazon-provided /56, with a new association id.
pub(super) fn new_ipv6_block(w: &mut World, region: &str) -> Ipv6Association {
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
///
/// Their ids come from a generator seeded by the scope alone, not from the world's, and
/// they touch nothing outside the scope: the defaults are the same whenever and in
/// whatever order they are made. So a read from a new scope can make them in memory
/// without journaling anything, and a replay that makes them later makes the same ones.
pub fn init_scope(w: &mut World, ctx: &Ctx) -> Result<()> {
    let scope = ctx.scope();
    w.check_region(ctx.region())?;
    if w.scopes_ready.insert(scope.clone()) {
        let scope_ids = crate::ids::IdGen::new(scope_seed(scope));
        let world_ids = std::mem::replace(&mut w.ids, scope_ids);
        w.default_dhcp_options(scope);
        create_default_vpc(w, ctx);
        w.ids = world_ids;
    }
    Ok(())
}

/// FNV-1a of `account/region`: stable across versions and platforms.
fn scope_seed(scope: &crate::Scope) -> u64 {
    let text = format!("{}/{}", scope.account, scope.region);
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The default VPC of §6: 172.31.0.0/16 (its gateway, route and subnets come from
/// [`World::on_default_vpc_created`]).
fn create_default_vpc(w: &mut World, ctx: &Ctx) -> String {
    let cidr = cidr::parse_v4("172.31.0.0/16").expect("constant");
    let id = insert(w, ctx, cidr, false, true, "default".into());
    w.on_default_vpc_created(ctx, &id, cidr);
    id
}

/// DeleteVpc: once only its defaults remain (see [`World::check_vpc_deletable`]).
pub(super) fn delete(w: &mut World, ctx: &Ctx, vpc_id: &str) -> Result<()> {
    let vpc = super::get(w, ctx.scope(), vpc_id)?.clone();
    w.check_vpc_deletable(&vpc)?;
    w.on_vpc_deleted(ctx, &vpc);
    w.vpcs.remove(vpc_id);
    tags::forget(w, vpc_id);
    Ok(())
}

/// ModifyVpcAttribute: one DNS or metrics flag.
pub(super) fn modify_attribute(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    attribute: Attribute,
    value: bool,
) -> Result<Output> {
    let vpc = w
        .vpcs
        .get_mut_in(ctx.scope(), vpc_id)
        .ok_or_else(|| Kind::Vpc.not_found(vpc_id))?;
    match attribute {
        Attribute::EnableDnsSupport => vpc.enable_dns_support = value,
        Attribute::EnableDnsHostnames => vpc.enable_dns_hostnames = value,
        Attribute::EnableNetworkAddressUsageMetrics => {
            vpc.enable_network_address_usage_metrics = value
        }
    }
    Ok(Output::Done)
}

/// ModifyVpcTenancy: a `dedicated` VPC becomes `default` (AWS allows no other change);
/// instances already running keep their tenancy.
pub(super) fn modify_tenancy(
    w: &mut World,
    ctx: &Ctx,
    vpc_id: &str,
    instance_tenancy: &str,
) -> Result<Output> {
    super::get(w, ctx.scope(), vpc_id)?;
    if instance_tenancy != "default" {
        return Err(ApiError::invalid_value(format!(
            "Value ({instance_tenancy}) for parameter InstanceTenancy is invalid. The only supported value is 'default'."
        )));
    }
    let vpc = w.vpcs.get_mut(vpc_id).expect("found");
    vpc.instance_tenancy = "default".into();
    Ok(Output::Done)
}
