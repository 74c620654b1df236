//! CreateLoadBalancer and DeleteLoadBalancer: the settings plan, the subnet, gateway,
//! security-group and quota checks, and the load balancer with its nodes.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use super::arns::{check_arn, invalid_config, validation};
use super::checks::{check_name, check_tags, random_hex, tag_set};
use super::model::{
    ArnKind, CreateLoadBalancer, LoadBalancer, LoadBalancerType, MAX_SECURITY_GROUPS,
    MIN_FREE_ADDRESSES,
};
use super::nodes::{self, NodeOwner, Placement};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::subnet::Subnet;
use crate::tags::TagSet;
use crate::world::{Ctx, Scope, World};
use crate::{cidr, Output};

/// What else uses load balancer `arn` and so blocks its deletion (an endpoint service), if
/// anything.
pub fn in_use_by(w: &World, arn: &str) -> Option<String> {
    w.service_of_load_balancer(arn)
}

/// The `CanonicalHostedZoneId` of network (and gateway) load balancers in `region`.
pub fn canonical_hosted_zone_id(region: &str) -> String {
    let known = match region {
        "us-east-1" => "Z26RNL4JYFTOTI",
        "us-east-2" => "ZLMOA37VPKANP",
        "us-west-1" => "Z24FKFUX50B4VW",
        "us-west-2" => "Z18D5FSROUN65G",
        "eu-west-1" => "Z2IFOLAFXWLO4F",
        "eu-central-1" => "Z3F0SRJ5LGBH90",
        "ap-southeast-1" => "ZKVM4W9LS7TM",
        "ap-northeast-1" => "Z31USIVHYNEOWT",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    // A configured Region AWS does not have: a stable made-up id of the same shape.
    let h = region.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("Z{:013X}", h & 0xf_ffff_ffff_ffff)
}

/// The settings of a load balancer create, resolved, for the same-settings comparison.
struct LbPlan {
    lb_type: LoadBalancerType,
    scheme: String,
    ip_address_type: String,
    /// (subnet id, requested address).
    placements: Vec<(String, Option<Ipv4Addr>)>,
    security_groups: Vec<String>,
}

impl LbPlan {
    fn matches(&self, lb: &LoadBalancer) -> bool {
        let wanted: BTreeSet<&str> = self.placements.iter().map(|(s, _)| s.as_str()).collect();
        let have: BTreeSet<&str> = lb.subnets.iter().map(|s| s.subnet_id.as_str()).collect();
        let groups: BTreeSet<&String> = self.security_groups.iter().collect();
        let lb_groups: BTreeSet<&String> = lb.security_groups.iter().collect();
        lb.lb_type == self.lb_type
            && lb.scheme == self.scheme
            && lb.ip_address_type == self.ip_address_type
            && wanted == have
            && groups == lb_groups
            && self.placements.iter().all(|(s, ip)| {
                ip.is_none_or(|ip| {
                    lb.subnets
                        .iter()
                        .any(|l| &l.subnet_id == s && l.private_ip == ip)
                })
            })
    }
}

/// Resolves and checks the request's own settings (nothing of the world yet).
fn plan(c: &CreateLoadBalancer) -> Result<LbPlan> {
    check_name(&c.name, "Load balancer")?;
    if c.name.starts_with("internal-") {
        return Err(validation(format!(
            "Load balancer name '{}' cannot begin with 'internal-'",
            c.name
        )));
    }
    let lb_type = lb_type_of(c.lb_type.as_deref())?;
    let scheme = scheme_of(c.scheme.as_deref(), lb_type)?;
    let ip_address_type = ip_address_type_of(c.ip_address_type.as_deref())?;
    let placements = placements_of(c)?;
    if placements.iter().any(|(_, ip)| ip.is_some()) {
        if lb_type == LoadBalancerType::Gateway {
            return Err(validation(
                "Private IPv4 addresses cannot be specified for Gateway Load Balancers",
            ));
        }
        if scheme != "internal" {
            return Err(invalid_config(
                "Private IPv4 addresses can only be specified for internal load balancers",
            ));
        }
    }
    let security_groups = security_groups_of(c, lb_type)?;
    Ok(LbPlan {
        lb_type,
        scheme: scheme.to_string(),
        ip_address_type: ip_address_type.to_string(),
        placements,
        security_groups,
    })
}

/// `Type`: `network` or `gateway`; `application` (also the default) is refused.
fn lb_type_of(given: Option<&str>) -> Result<LoadBalancerType> {
    match given {
        Some("network") => Ok(LoadBalancerType::Network),
        Some("gateway") => Ok(LoadBalancerType::Gateway),
        None | Some("application") => Err(validation(
            "Load balancers of type 'application' are not supported: specify Type 'network' or 'gateway'",
        )),
        Some(other) => Err(validation(format!(
            "Load balancer type '{other}' is not valid: it must be one of 'network', 'gateway'"
        ))),
    }
}

/// `Scheme`, defaulting by type; gateway load balancers are always `internal`.
fn scheme_of(given: Option<&str>, lb_type: LoadBalancerType) -> Result<&'static str> {
    match (given, lb_type) {
        (None, LoadBalancerType::Network) => Ok("internet-facing"),
        (None, LoadBalancerType::Gateway) => Ok("internal"),
        (Some("internal"), _) => Ok("internal"),
        (Some("internet-facing"), LoadBalancerType::Network) => Ok("internet-facing"),
        (Some("internet-facing"), LoadBalancerType::Gateway) => Err(ApiError::new(
            ErrorCode::InvalidScheme,
            "Gateway Load Balancers can only have the scheme 'internal'",
        )),
        (Some(other), _) => Err(validation(format!(
            "Scheme '{other}' is not valid: it must be one of 'internet-facing', 'internal'"
        ))),
    }
}

/// `IpAddressType`: `ipv4` (the default) or `dualstack`.
fn ip_address_type_of(given: Option<&str>) -> Result<&'static str> {
    match given {
        None | Some("ipv4") => Ok("ipv4"),
        Some("dualstack") => Ok("dualstack"),
        Some("dualstack-without-public-ipv4") => Err(validation(
            "IP address type 'dualstack-without-public-ipv4' is only supported by Application Load Balancers",
        )),
        Some(other) => Err(validation(format!(
            "IP address type '{other}' is not valid: it must be one of 'ipv4', 'dualstack'"
        ))),
    }
}

/// `Subnets` or `SubnetMappings` (not both, not neither) as (subnet id, requested address).
fn placements_of(c: &CreateLoadBalancer) -> Result<Vec<(String, Option<Ipv4Addr>)>> {
    match (c.subnets.is_empty(), c.subnet_mappings.is_empty()) {
        (false, false) => Err(validation(
            "You can specify subnets or subnet mappings, but not both",
        )),
        (true, true) => Err(validation("At least one subnet must be specified")),
        (false, true) => Ok(c.subnets.iter().map(|s| (s.clone(), None)).collect()),
        (true, false) => c
            .subnet_mappings
            .iter()
            .map(|m| {
                let ip = match &m.private_ipv4_address {
                    None => None,
                    Some(raw) => Some(raw.parse::<Ipv4Addr>().map_err(|_| {
                        validation(format!("The private IPv4 address '{raw}' is not valid"))
                    })?),
                };
                Ok((m.subnet_id.clone(), ip))
            })
            .collect(),
    }
}

/// `SecurityGroups`, deduplicated: none for gateway load balancers, at most five.
fn security_groups_of(c: &CreateLoadBalancer, lb_type: LoadBalancerType) -> Result<Vec<String>> {
    if lb_type == LoadBalancerType::Gateway && !c.security_groups.is_empty() {
        return Err(invalid_config(
            "Security groups are not supported for load balancers with type 'gateway'",
        ));
    }
    deduplicated(&c.security_groups)
}

/// Security group ids in the order given, each once; at most five.
pub(super) fn deduplicated(groups: &[String]) -> Result<Vec<String>> {
    let mut security_groups = Vec::new();
    for g in groups {
        if !security_groups.contains(g) {
            security_groups.push(g.clone());
        }
    }
    if security_groups.len() > MAX_SECURITY_GROUPS {
        return Err(validation(format!(
            "A load balancer can have at most {MAX_SECURITY_GROUPS} security groups"
        )));
    }
    Ok(security_groups)
}

/// CreateLoadBalancer: the same settings under an existing name return that load balancer.
pub(super) fn create(w: &mut World, ctx: &Ctx, c: CreateLoadBalancer) -> Result<Output> {
    let scope = ctx.scope();
    let plan = plan(&c)?;
    if let Some(arn) = existing(w, scope, &c.name, &plan)? {
        return Ok(Output::Id(arn));
    }
    let (vpc_id, placements) = check_subnets(w, scope, &plan)?;
    check_internet_gateway(w, &plan, &vpc_id)?;
    check_security_groups(w, scope, &plan.security_groups, &vpc_id)?;
    check_tags(&c.tags, &TagSet::new())?;
    check_quota(w, ctx)?;
    insert(w, ctx, &c, plan, vpc_id, placements)
}

/// The caller's load balancer named `name` if it has the planned settings;
/// `DuplicateLoadBalancerName` if it has others.
fn existing(w: &World, scope: &Scope, name: &str, plan: &LbPlan) -> Result<Option<String>> {
    let Some(existing) = w.load_balancers.in_scope(scope).find(|l| l.name == name) else {
        return Ok(None);
    };
    if plan.matches(existing) {
        return Ok(Some(existing.arn.clone()));
    }
    Err(ApiError::new(
        ErrorCode::DuplicateLoadBalancerName,
        format!("A load balancer with the same name '{name}' exists, but with different settings"),
    ))
}

/// The subnets: the caller's, one per zone, all in one VPC, each with room for a node (and
/// its requested address free). Returns the VPC and where each node goes.
fn check_subnets(w: &World, scope: &Scope, plan: &LbPlan) -> Result<(String, Vec<Placement>)> {
    let mut subnets = Vec::new();
    for (id, _) in &plan.placements {
        let s = w.subnets.get_in(scope, id).ok_or_else(|| {
            ApiError::new(
                ErrorCode::SubnetNotFound,
                format!("The subnet ID '{id}' is not valid"),
            )
        })?;
        subnets.push(s);
    }
    let vpc_id = subnets[0].vpc_id.clone();
    if subnets.iter().any(|s| s.vpc_id != vpc_id) {
        return Err(invalid_config(
            "The subnets of a load balancer must all belong to the same VPC",
        ));
    }
    let mut zones = BTreeSet::new();
    if !subnets.iter().all(|s| zones.insert(&s.availability_zone)) {
        return Err(invalid_config(
            "A load balancer cannot be attached to multiple subnets in the same Availability Zone",
        ));
    }
    for (s, (_, requested)) in subnets.iter().zip(&plan.placements) {
        check_room(s, &plan.ip_address_type, *requested)?;
    }
    let placements = subnets
        .iter()
        .zip(&plan.placements)
        .map(|(s, (_, requested))| Placement {
            subnet_id: s.id.clone(),
            availability_zone: s.availability_zone.clone(),
            availability_zone_id: s.availability_zone_id.clone(),
            requested: *requested,
        })
        .collect();
    Ok((vpc_id, placements))
}

/// One subnet can hold a node: IPv6 for `dualstack`, enough free addresses, and the
/// requested address usable and free.
fn check_room(s: &Subnet, ip_address_type: &str, requested: Option<Ipv4Addr>) -> Result<()> {
    crate::subnet::require_ipv4(s, "a load balancer")?;
    if ip_address_type == "dualstack" && s.ipv6_cidrs.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnet,
            format!(
                "Subnet '{}' has no IPv6 CIDR block, which a 'dualstack' load balancer requires",
                s.id
            ),
        ));
    }
    if s.available_ip_count() < MIN_FREE_ADDRESSES {
        return Err(ApiError::new(ErrorCode::InvalidSubnet,
            format!(
                "Not enough IP space available in {}. ELB requires at least {MIN_FREE_ADDRESSES} free IP addresses in each subnet.",
                s.id
            ),
        ));
    }
    let Some(ip) = requested else {
        return Ok(());
    };
    let block = crate::subnet::v4_block(s)?;
    let size = cidr::size_v4(&block) as u32;
    let offset = cidr::offset_v4(&block, ip).filter(|o| *o >= 4 && *o < size - 1);
    match offset {
        None => Err(invalid_config(format!(
            "The private IPv4 address '{ip}' is not in the usable address range of subnet '{}'",
            s.id
        ))),
        Some(o) if s.used.contains(&o) => Err(invalid_config(format!(
            "The private IPv4 address '{ip}' is already in use in subnet '{}'",
            s.id
        ))),
        Some(_) => Ok(()),
    }
}

/// An internet-facing load balancer needs an internet gateway attached to its VPC.
fn check_internet_gateway(w: &World, plan: &LbPlan, vpc_id: &str) -> Result<()> {
    let attached = w
        .internet_gateways
        .values()
        .any(|g| g.attachment.as_deref() == Some(vpc_id));
    if plan.scheme == "internet-facing" && !attached {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnet,
            format!("VPC {vpc_id} has no internet gateway"),
        ));
    }
    Ok(())
}

/// Every security group is the caller's and in the load balancer's VPC.
pub(super) fn check_security_groups(
    w: &World,
    scope: &Scope,
    groups: &[String],
    vpc_id: &str,
) -> Result<()> {
    for g in groups {
        let group = w.security_groups.get_in(scope, g).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSecurityGroup,
                format!("Security group '{g}' does not exist"),
            )
        })?;
        if group.vpc_id != vpc_id {
            return Err(ApiError::new(
                ErrorCode::InvalidSecurityGroup,
                format!("Security group '{g}' does not belong to VPC '{vpc_id}'"),
            ));
        }
    }
    Ok(())
}

/// The configured load balancers-per-Region quota, if any.
fn check_quota(w: &World, ctx: &Ctx) -> Result<()> {
    let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::LOAD_BALANCERS_PER_REGION)
    else {
        return Ok(());
    };
    if w.load_balancers.count_in(ctx.scope()) >= limit as usize {
        return Err(ApiError::new(
            ErrorCode::TooManyLoadBalancers,
            format!("The quota for the number of load balancers has been reached ({limit})"),
        ));
    }
    Ok(())
}

/// Everything is valid: the load balancer and one node per placement.
fn insert(
    w: &mut World,
    ctx: &Ctx,
    c: &CreateLoadBalancer,
    plan: LbPlan,
    vpc_id: String,
    placements: Vec<Placement>,
) -> Result<Output> {
    let hex = random_hex(w);
    let arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{}/{}/{hex}",
        ctx.region(),
        ctx.account(),
        plan.lb_type.arn_segment(),
        c.name
    );
    let owner = NodeOwner {
        name: &c.name,
        hex: &hex,
        lb_type: plan.lb_type,
        internet_facing: plan.scheme == "internet-facing",
        security_groups: &plan.security_groups,
    };
    let mut lb_subnets = Vec::new();
    for at in placements {
        lb_subnets.push(nodes::create_node_interface(w, ctx, &owner, at)?);
    }
    w.load_balancers.insert(LoadBalancer {
        arn: arn.clone(),
        scope: ctx.scope().clone(),
        name: c.name.clone(),
        lb_type: plan.lb_type,
        scheme: plan.scheme,
        vpc_id,
        subnets: lb_subnets,
        security_groups: plan.security_groups,
        enforce_inbound_on_privatelink: true,
        attributes: Default::default(),
        ip_address_type: plan.ip_address_type,
        dns_name: format!("{}-{hex}.elb.{}.amazonaws.com", c.name, ctx.region()),
        canonical_hosted_zone_id: canonical_hosted_zone_id(ctx.region()),
        created: ctx.now,
        active_at: ctx.now + w.config.delays.transition.max(0),
        tags: tag_set(&c.tags),
    });
    Ok(Output::Id(arn))
}

/// DeleteLoadBalancer: its listeners and nodes go with it. Deleting a load balancer that
/// does not exist (any more) succeeds, as AWS documents.
pub(super) fn delete(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    check_arn(arn, ArnKind::LoadBalancer)?;
    let Some(lb) = w.load_balancers.get_in(ctx.scope(), arn).cloned() else {
        return Ok(Output::Done);
    };
    if lb.deletion_protection() {
        return Err(ApiError::new(
            ErrorCode::OperationNotPermitted,
            format!(
                "Load balancer '{arn}' cannot be deleted because deletion protection is enabled"
            ),
        ));
    }
    if let Some(user) = in_use_by(w, arn) {
        return Err(ApiError::new(ErrorCode::ResourceInUse,
            format!(
                "Load balancer '{arn}' cannot be deleted because it is currently associated with another service ({user})"
            ),
        ));
    }
    let listeners: Vec<String> = w
        .listeners
        .values()
        .filter(|l| l.load_balancer_arn == arn)
        .map(|l| l.arn.clone())
        .collect();
    for l in listeners {
        w.listeners.remove(&l);
    }
    for node in &lb.subnets {
        nodes::destroy_node_interface(w, node);
    }
    w.load_balancers.remove(arn);
    Ok(Output::Done)
}
