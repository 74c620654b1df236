//! Elastic Load Balancing v2 resources PrivateLink stands on: network and gateway load
//! balancers, target groups, listeners. Resources are keyed by ARN.
//!
//! Rules (spec §2.1 and the ELBv2 API reference; `[I]` marks openvpc's own choices):
//! - only `network` and `gateway` load balancers; `application` (also the API's default
//!   type) is refused with `ValidationError`;
//! - a load balancer sits in one subnet per Availability Zone, all in one VPC, and holds one
//!   requester-managed network interface per subnet;
//! - a create with the settings of an existing resource of the same name returns it; other
//!   settings give `DuplicateLoadBalancerName` / `DuplicateTargetGroupName` /
//!   `DuplicateListener`;
//! - `provisioning` until `delays.transition` has passed since creation, then `active` [I];
//! - target health is `healthy` while a listener of an active load balancer forwards to the
//!   group and the target is in one of its zones, else `unused` [I] (no health checks run).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::config::quota;
use crate::eni::{Attachment, InstanceState, NetworkInterface};
use crate::error::{ApiError, ErrorCode, Result};
use crate::table::Resource;
use crate::tags::TagSet;
use crate::world::{Ctx, Scope, World};
use crate::{cidr, subnet, tags, Kind, Millis, Output};

/// Most tags an ELBv2 resource may carry.
pub const MAX_TAGS: usize = 50;
/// Most ARNs AddTags, RemoveTags and DescribeTags accept.
pub const MAX_TAG_RESOURCES: usize = 20;
/// Most security groups a network load balancer may have.
pub const MAX_SECURITY_GROUPS: usize = 5;
/// Free addresses a subnet needs for a load balancer node (the ELB rule).
pub const MIN_FREE_ADDRESSES: u64 = 8;
/// The default SSL policy of TLS listeners.
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-2016-08";

/// `network` or `gateway` (application load balancers are out of scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoadBalancerType {
    Network,
    Gateway,
}

impl LoadBalancerType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadBalancerType::Network => "network",
            LoadBalancerType::Gateway => "gateway",
        }
    }

    /// The ARN path segment: `net` or `gwy`.
    pub fn arn_segment(self) -> &'static str {
        match self {
            LoadBalancerType::Network => "net",
            LoadBalancerType::Gateway => "gwy",
        }
    }

    /// The `interfaceType` of the load balancer's network interfaces.
    pub fn interface_type(self) -> &'static str {
        match self {
            LoadBalancerType::Network => "network_load_balancer",
            LoadBalancerType::Gateway => "gateway_load_balancer",
        }
    }
}

/// A load balancer's presence in one subnet: one requester-managed interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LbSubnet {
    pub subnet_id: String,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub network_interface_id: String,
    pub private_ip: Ipv4Addr,
    /// Whether the private address was asked for in a subnet mapping.
    pub requested_ip: bool,
    /// The public address of an internet-facing load balancer's node.
    pub public_ip: Option<Ipv4Addr>,
}

/// A load balancer (`id` is its ARN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub scope: Scope,
    pub name: String,
    pub lb_type: LoadBalancerType,
    /// `internal` or `internet-facing`.
    pub scheme: String,
    pub vpc_id: String,
    pub subnets: Vec<LbSubnet>,
    pub security_groups: Vec<String>,
    pub ip_address_type: String,
    pub dns_name: String,
    pub canonical_hosted_zone_id: String,
    pub created: Millis,
    /// When the load balancer leaves `provisioning` for `active`.
    pub active_at: Millis,
    pub tags: TagSet,
}

impl Resource for LoadBalancer {
    fn id(&self) -> &str {
        &self.arn
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl LoadBalancer {
    /// `State.Code` as of `now`.
    pub fn state(&self, now: Millis) -> &'static str {
        if self.is_active(now) {
            "active"
        } else {
            "provisioning"
        }
    }

    /// Whether the load balancer is `active` at `now`.
    pub fn is_active(&self, now: Millis) -> bool {
        now >= self.active_at
    }

    /// The 16-hex id that ends the ARN.
    pub fn short_id(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or("")
    }
}

/// A registered target: an instance id or an IP address, with its port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    /// The target's port (the group's port unless overridden); always set once registered.
    pub port: Option<u16>,
    pub availability_zone: Option<String>,
}

/// A target group's health-check settings (accepted and shown; no checks run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub enabled: bool,
    pub protocol: String,
    /// `traffic-port` or a port number.
    pub port: String,
    pub path: Option<String>,
    pub interval_seconds: u32,
    pub timeout_seconds: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    pub matcher: Option<String>,
}

/// A target group (`id` is its ARN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub arn: String,
    pub scope: Scope,
    pub name: String,
    /// `TCP`, `UDP`, `TCP_UDP`, `TLS`, `GENEVE`.
    pub protocol: String,
    pub port: u16,
    pub vpc_id: String,
    /// `instance` or `ip`.
    pub target_type: String,
    pub ip_address_type: String,
    pub health_check: HealthCheck,
    pub targets: Vec<Target>,
    pub created: Millis,
    pub tags: TagSet,
}

impl Resource for TargetGroup {
    fn id(&self) -> &str {
        &self.arn
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A listener forwarding to one target group (`id` is its ARN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    pub scope: Scope,
    pub load_balancer_arn: String,
    /// None for a gateway load balancer's listener, which has no protocol or port.
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub target_group_arn: String,
    pub ssl_policy: Option<String>,
    pub certificates: Vec<String>,
    pub tags: TagSet,
}

impl Resource for Listener {
    fn id(&self) -> &str {
        &self.arn
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A `SubnetMappings.member.N` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetMapping {
    pub subnet_id: String,
    pub private_ipv4_address: Option<String>,
}

/// CreateLoadBalancer's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateLoadBalancer {
    pub name: String,
    pub lb_type: Option<String>,
    pub scheme: Option<String>,
    pub subnets: Vec<String>,
    pub subnet_mappings: Vec<SubnetMapping>,
    pub security_groups: Vec<String>,
    pub ip_address_type: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Health-check parameters of CreateTargetGroup, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheckInput {
    pub enabled: Option<bool>,
    pub protocol: Option<String>,
    pub port: Option<String>,
    pub path: Option<String>,
    pub interval_seconds: Option<i64>,
    pub timeout_seconds: Option<i64>,
    pub healthy_threshold: Option<i64>,
    pub unhealthy_threshold: Option<i64>,
    pub matcher: Option<String>,
}

/// CreateTargetGroup's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTargetGroup {
    pub name: String,
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub vpc_id: Option<String>,
    pub target_type: Option<String>,
    pub ip_address_type: Option<String>,
    pub health_check: HealthCheckInput,
    pub tags: Vec<(String, String)>,
}

/// A `Targets.member.N` entry, as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSpec {
    pub id: String,
    pub port: Option<i64>,
    pub availability_zone: Option<String>,
}

/// A `DefaultActions.member.N` entry, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSpec {
    pub action_type: String,
    pub target_group_arn: Option<String>,
    /// `ForwardConfig.TargetGroups.member.N.TargetGroupArn`.
    pub forward_target_groups: Vec<String>,
}

/// CreateListener's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateListener {
    pub load_balancer_arn: String,
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub default_actions: Vec<ActionSpec>,
    pub ssl_policy: Option<String>,
    pub certificates: Vec<String>,
    pub tags: Vec<(String, String)>,
}

/// ELBv2 commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateLoadBalancer(CreateLoadBalancer),
    DeleteLoadBalancer {
        arn: String,
    },
    CreateTargetGroup(CreateTargetGroup),
    DeleteTargetGroup {
        arn: String,
    },
    RegisterTargets {
        arn: String,
        targets: Vec<TargetSpec>,
    },
    DeregisterTargets {
        arn: String,
        targets: Vec<TargetSpec>,
    },
    CreateListener(CreateListener),
    DeleteListener {
        arn: String,
    },
    AddTags {
        arns: Vec<String>,
        tags: Vec<(String, String)>,
    },
    RemoveTags {
        arns: Vec<String>,
        keys: Vec<String>,
    },
}

// ---------------------------------------------------------------------------------------
// Errors

/// `ValidationError` with `message`.
pub fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ValidationError, message)
}

fn invalid_config(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidConfigurationRequest, message)
}

/// `LoadBalancerNotFound` for a name or ARN (or a comma-separated list of them).
pub fn load_balancer_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::LoadBalancerNotFound,
        format!("Load balancers '[{what}]' not found"),
    )
}

/// `TargetGroupNotFound` for a name or ARN (or a comma-separated list of them).
pub fn target_group_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::TargetGroupNotFound,
        format!("Target groups '{what}' not found"),
    )
}

/// `ListenerNotFound`.
pub fn listener_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ListenerNotFound,
        format!("Listeners '[{what}]' not found"),
    )
}

// ---------------------------------------------------------------------------------------
// ARNs and lookups

/// Which ELBv2 resource an ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnKind {
    LoadBalancer,
    TargetGroup,
    Listener,
}

impl ArnKind {
    fn noun(self) -> &'static str {
        match self {
            ArnKind::LoadBalancer => "load balancer",
            ArnKind::TargetGroup => "target group",
            ArnKind::Listener => "listener",
        }
    }
}

/// The kind of a well-formed ELBv2 ARN
/// (`arn:aws:elasticloadbalancing:<region>:<account>:<kind>/…`).
pub fn arn_kind(arn: &str) -> Option<ArnKind> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return None;
    };
    if *prefix != "arn"
        || partition.is_empty()
        || *service != "elasticloadbalancing"
        || region.is_empty()
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let segments: Vec<&str> = resource.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let lb_type = |s: &str| matches!(s, "net" | "gwy" | "app");
    match segments.as_slice() {
        ["loadbalancer", t, _, _] if lb_type(t) => Some(ArnKind::LoadBalancer),
        ["targetgroup", _, _] => Some(ArnKind::TargetGroup),
        ["listener", t, _, _, _] if lb_type(t) => Some(ArnKind::Listener),
        _ => None,
    }
}

/// `ValidationError` unless `arn` is a well-formed ARN of `kind`.
pub fn check_arn(arn: &str, kind: ArnKind) -> Result<()> {
    if arn_kind(arn) == Some(kind) {
        return Ok(());
    }
    Err(validation(format!(
        "'{arn}' is not a valid {} ARN",
        kind.noun()
    )))
}

/// The caller's load balancer `arn`, or `LoadBalancerNotFound`.
pub fn get_load_balancer<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w LoadBalancer> {
    check_arn(arn, ArnKind::LoadBalancer)?;
    w.load_balancers
        .get_in(scope, arn)
        .ok_or_else(|| load_balancer_not_found(arn))
}

/// The caller's target group `arn`, or `TargetGroupNotFound`.
pub fn get_target_group<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w TargetGroup> {
    check_arn(arn, ArnKind::TargetGroup)?;
    w.target_groups
        .get_in(scope, arn)
        .ok_or_else(|| target_group_not_found(arn))
}

/// The caller's listener `arn`, or `ListenerNotFound`.
pub fn get_listener<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w Listener> {
    check_arn(arn, ArnKind::Listener)?;
    w.listeners
        .get_in(scope, arn)
        .ok_or_else(|| listener_not_found(arn))
}

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

// ---------------------------------------------------------------------------------------
// Validation helpers

fn check_name(name: &str, what: &str) -> Result<()> {
    if name.is_empty() {
        return Err(validation(format!("{what} name cannot be empty")));
    }
    if name.chars().count() > 32 {
        return Err(validation(format!(
            "{what} name '{name}' cannot be longer than '32' characters"
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(validation(format!(
            "{what} name '{name}' can only contain characters that are alphanumeric characters or hyphens(-)"
        )));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(validation(format!(
            "{what} name '{name}' cannot begin or end with '-'"
        )));
    }
    Ok(())
}

fn tag_char_ok(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Validates tags to add to a resource that has `existing` tags.
fn check_tags(new: &[(String, String)], existing: &TagSet) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (k, v) in new {
        if !seen.insert(k.as_str()) {
            return Err(ApiError::new(
                ErrorCode::DuplicateTagKeys,
                format!("Tag key '{k}' is specified more than once"),
            ));
        }
        if k.is_empty() || k.chars().count() > 128 || !k.chars().all(tag_char_ok) {
            return Err(validation(format!(
                "Tag key '{k}' is not valid: 1 to 128 letters, digits, spaces or _.:/=+-@"
            )));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(validation(format!(
                "Tag key '{k}' is not valid: the 'aws:' prefix is reserved"
            )));
        }
        if v.chars().count() > 256 || !v.chars().all(tag_char_ok) {
            return Err(validation(format!(
                "Tag value '{v}' is not valid: up to 256 letters, digits, spaces or _.:/=+-@"
            )));
        }
    }
    let total = existing.len() + seen.iter().filter(|k| !existing.contains_key(**k)).count();
    if total > MAX_TAGS {
        return Err(ApiError::new(ErrorCode::TooManyTags,
            format!("The quota for the number of tags that can be assigned to a resource has been reached ({MAX_TAGS})"),
        ));
    }
    Ok(())
}

fn tag_set(tags: &[(String, String)]) -> TagSet {
    tags.iter().cloned().collect()
}

fn port_of(value: i64, what: &str) -> Result<u16> {
    u16::try_from(value)
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| {
            validation(format!(
                "{what} '{value}' is not valid: it must be between 1 and 65535"
            ))
        })
}

fn in_range(value: Option<i64>, default: u32, min: u32, max: u32, what: &str) -> Result<u32> {
    match value {
        None => Ok(default),
        Some(v) if v >= i64::from(min) && v <= i64::from(max) => Ok(v as u32),
        Some(v) => Err(validation(format!(
            "{what} '{v}' is not valid: it must be between {min} and {max}"
        ))),
    }
}

fn random_hex(w: &mut World) -> String {
    format!("{:016x}", w.ids.next_u64())
}

// ---------------------------------------------------------------------------------------
// Apply

/// Applies an ELBv2 command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateLoadBalancer(c) => create_load_balancer(w, ctx, c),
        Cmd::DeleteLoadBalancer { arn } => delete_load_balancer(w, ctx, &arn),
        Cmd::CreateTargetGroup(c) => create_target_group(w, ctx, c),
        Cmd::DeleteTargetGroup { arn } => delete_target_group(w, ctx, &arn),
        Cmd::RegisterTargets { arn, targets } => register_targets(w, ctx, &arn, &targets),
        Cmd::DeregisterTargets { arn, targets } => deregister_targets(w, ctx, &arn, &targets),
        Cmd::CreateListener(c) => create_listener(w, ctx, c),
        Cmd::DeleteListener { arn } => {
            get_listener(w, &ctx.scope(), &arn)?;
            w.listeners.remove(&arn);
            Ok(Output::Done)
        }
        Cmd::AddTags { arns, tags } => add_tags(w, ctx, &arns, &tags),
        Cmd::RemoveTags { arns, keys } => remove_tags(w, ctx, &arns, &keys),
    }
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

fn plan_load_balancer(c: &CreateLoadBalancer) -> Result<LbPlan> {
    check_name(&c.name, "Load balancer")?;
    if c.name.starts_with("internal-") {
        return Err(validation(format!(
            "Load balancer name '{}' cannot begin with 'internal-'",
            c.name
        )));
    }
    let lb_type = match c.lb_type.as_deref() {
        Some("network") => LoadBalancerType::Network,
        Some("gateway") => LoadBalancerType::Gateway,
        None | Some("application") => {
            return Err(validation(
                "Load balancers of type 'application' are not supported: specify Type 'network' or 'gateway'",
            ))
        }
        Some(other) => {
            return Err(validation(format!(
                "Load balancer type '{other}' is not valid: it must be one of 'network', 'gateway'"
            )))
        }
    };
    let scheme = match (c.scheme.as_deref(), lb_type) {
        (None, LoadBalancerType::Network) => "internet-facing",
        (None, LoadBalancerType::Gateway) => "internal",
        (Some("internal"), _) => "internal",
        (Some("internet-facing"), LoadBalancerType::Network) => "internet-facing",
        (Some("internet-facing"), LoadBalancerType::Gateway) => {
            return Err(ApiError::new(
                ErrorCode::InvalidScheme,
                "Gateway Load Balancers can only have the scheme 'internal'",
            ))
        }
        (Some(other), _) => {
            return Err(validation(format!(
                "Scheme '{other}' is not valid: it must be one of 'internet-facing', 'internal'"
            )))
        }
    };
    let ip_address_type = match c.ip_address_type.as_deref() {
        None | Some("ipv4") => "ipv4",
        Some("dualstack") => "dualstack",
        Some("dualstack-without-public-ipv4") => {
            return Err(validation(
                "IP address type 'dualstack-without-public-ipv4' is only supported by Application Load Balancers",
            ))
        }
        Some(other) => {
            return Err(validation(format!(
                "IP address type '{other}' is not valid: it must be one of 'ipv4', 'dualstack'"
            )))
        }
    };
    let placements: Vec<(String, Option<Ipv4Addr>)> =
        match (c.subnets.is_empty(), c.subnet_mappings.is_empty()) {
            (false, false) => {
                return Err(validation(
                    "You can specify subnets or subnet mappings, but not both",
                ))
            }
            (true, true) => return Err(validation("At least one subnet must be specified")),
            (false, true) => c.subnets.iter().map(|s| (s.clone(), None)).collect(),
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
                .collect::<Result<_>>()?,
        };
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
    if lb_type == LoadBalancerType::Gateway && !c.security_groups.is_empty() {
        return Err(invalid_config(
            "Security groups are not supported for load balancers with type 'gateway'",
        ));
    }
    let mut security_groups = Vec::new();
    for g in &c.security_groups {
        if !security_groups.contains(g) {
            security_groups.push(g.clone());
        }
    }
    if security_groups.len() > MAX_SECURITY_GROUPS {
        return Err(validation(format!(
            "A load balancer can have at most {MAX_SECURITY_GROUPS} security groups"
        )));
    }
    Ok(LbPlan {
        lb_type,
        scheme: scheme.to_string(),
        ip_address_type: ip_address_type.to_string(),
        placements,
        security_groups,
    })
}

fn create_load_balancer(w: &mut World, ctx: &Ctx, c: CreateLoadBalancer) -> Result<Output> {
    let scope = ctx.scope();
    let plan = plan_load_balancer(&c)?;
    if let Some(existing) = w.load_balancers.in_scope(&scope).find(|l| l.name == c.name) {
        if plan.matches(existing) {
            return Ok(Output::Id(existing.arn.clone()));
        }
        return Err(ApiError::new(
            ErrorCode::DuplicateLoadBalancerName,
            format!(
                "A load balancer with the same name '{}' exists, but with different settings",
                c.name
            ),
        ));
    }
    // Subnets: the caller's, one per AZ, one VPC, room for a node.
    let mut subnets = Vec::new();
    for (id, _) in &plan.placements {
        let s = w.subnets.get_in(&scope, id).ok_or_else(|| {
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
        if plan.ip_address_type == "dualstack" && s.ipv6_cidrs.is_empty() {
            return Err(ApiError::new(ErrorCode::InvalidSubnet,
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
        if let Some(ip) = requested {
            let size = cidr::size_v4(&s.cidr) as u32;
            let offset = cidr::offset_v4(&s.cidr, *ip).filter(|o| *o >= 4 && *o < size - 1);
            match offset {
                None => {
                    return Err(invalid_config(format!(
                        "The private IPv4 address '{ip}' is not in the usable address range of subnet '{}'",
                        s.id
                    )))
                }
                Some(o) if s.used.contains(&o) => {
                    return Err(invalid_config(format!(
                        "The private IPv4 address '{ip}' is already in use in subnet '{}'",
                        s.id
                    )))
                }
                Some(_) => {}
            }
        }
    }
    if plan.scheme == "internet-facing"
        && !w
            .internet_gateways
            .values()
            .any(|g| g.attachment.as_deref() == Some(vpc_id.as_str()))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidSubnet,
            format!("VPC {vpc_id} has no internet gateway"),
        ));
    }
    for g in &plan.security_groups {
        let group = w.security_groups.get_in(&scope, g).ok_or_else(|| {
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
    check_tags(&c.tags, &TagSet::new())?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::LOAD_BALANCERS_PER_REGION)
    {
        if w.load_balancers.count_in(&scope) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TooManyLoadBalancers,
                format!("The quota for the number of load balancers has been reached ({limit})"),
            ));
        }
    }
    let zone_of: Vec<(String, String, String)> = subnets
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                s.availability_zone.clone(),
                s.availability_zone_id.clone(),
            )
        })
        .collect();

    // Everything is valid: create.
    let hex = random_hex(w);
    let arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{}/{}/{hex}",
        ctx.region,
        ctx.account,
        plan.lb_type.arn_segment(),
        c.name
    );
    let mut lb_subnets = Vec::new();
    for ((subnet_id, zone, zone_id), (_, requested)) in zone_of.into_iter().zip(&plan.placements) {
        let ip = subnet::allocate_ip(w, &subnet_id, *requested)?;
        let public_ip = (plan.scheme == "internet-facing").then(|| w.counters.next_public_ip());
        let eni_id = w.ids.id(Kind::NetworkInterface);
        let interface = NetworkInterface {
            id: eni_id.clone(),
            scope: scope.clone(),
            vpc_id: vpc_id.clone(),
            subnet_id: subnet_id.clone(),
            availability_zone: zone.clone(),
            private_ips: vec![ip],
            ipv6_addresses: Vec::new(),
            groups: plan.security_groups.clone(),
            source_dest_check: true,
            interface_type: plan.lb_type.interface_type().to_string(),
            requester_managed: true,
            requester_id: Some("amazon-elb".to_string()),
            description: format!("ELB {}/{}/{hex}", plan.lb_type.arn_segment(), c.name),
            mac_address: w.ids.mac(0x02),
            attachment: Some(Attachment {
                id: w.ids.id(Kind::ManagedAttachment),
                instance_id: None,
                instance_owner_id: "amazon-elb".to_string(),
                device_index: 1,
                delete_on_termination: false,
                attach_time: ctx.now,
            }),
            public_ip,
            public_ip_allocation_id: None,
            created: ctx.now,
        };
        w.network_interfaces.insert(interface);
        lb_subnets.push(LbSubnet {
            subnet_id,
            availability_zone: zone,
            availability_zone_id: zone_id,
            network_interface_id: eni_id,
            private_ip: ip,
            requested_ip: requested.is_some(),
            public_ip,
        });
    }
    w.load_balancers.insert(LoadBalancer {
        arn: arn.clone(),
        scope,
        name: c.name.clone(),
        lb_type: plan.lb_type,
        scheme: plan.scheme,
        vpc_id,
        subnets: lb_subnets,
        security_groups: plan.security_groups,
        ip_address_type: plan.ip_address_type,
        dns_name: format!("{}-{hex}.elb.{}.amazonaws.com", c.name, ctx.region),
        canonical_hosted_zone_id: canonical_hosted_zone_id(&ctx.region),
        created: ctx.now,
        active_at: ctx.now + w.config.delays.transition.max(0),
        tags: tag_set(&c.tags),
    });
    Ok(Output::Id(arn))
}

fn delete_load_balancer(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    check_arn(arn, ArnKind::LoadBalancer)?;
    // Deleting a load balancer that does not exist (any more) succeeds, as AWS documents.
    let Some(lb) = w.load_balancers.get_in(&ctx.scope(), arn).cloned() else {
        return Ok(Output::Done);
    };
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
    for s in &lb.subnets {
        w.network_interfaces.remove(&s.network_interface_id);
        tags::forget(w, &s.network_interface_id);
        subnet::release_ip(w, &s.subnet_id, s.private_ip);
    }
    w.load_balancers.remove(arn);
    Ok(Output::Done)
}

const TG_PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS", "GENEVE"];

fn plan_target_group(
    w: &World,
    ctx: &Ctx,
    c: &CreateTargetGroup,
) -> Result<(TargetGroup, Option<String>)> {
    check_name(&c.name, "Target group")?;
    let target_type = match c.target_type.as_deref() {
        None | Some("instance") => "instance",
        Some("ip") => "ip",
        Some(t @ ("lambda" | "alb")) => {
            return Err(validation(format!(
                "Target type '{t}' is not supported: use 'instance' or 'ip'"
            )))
        }
        Some(other) => {
            return Err(validation(format!(
                "Target type '{other}' is not valid: it must be one of 'instance', 'ip'"
            )))
        }
    };
    let protocol = c
        .protocol
        .as_deref()
        .ok_or_else(|| validation("A protocol must be specified"))?;
    if !TG_PROTOCOLS.contains(&protocol) {
        return Err(validation(format!(
            "Target group protocol '{protocol}' is not supported: it must be one of {}",
            TG_PROTOCOLS.join(", ")
        )));
    }
    let port = port_of(
        c.port
            .ok_or_else(|| validation("A port must be specified"))?,
        "Port",
    )?;
    if protocol == "GENEVE" && port != 6081 {
        return Err(validation(
            "Target groups with the GENEVE protocol must use port 6081",
        ));
    }
    let vpc_id = c
        .vpc_id
        .clone()
        .ok_or_else(|| validation("A VPC ID must be specified"))?;
    if w.vpcs.get_in(&ctx.scope(), &vpc_id).is_none() {
        return Err(validation(format!("The VPC ID '{vpc_id}' is not found")));
    }
    let ip_address_type = match c.ip_address_type.as_deref() {
        None | Some("ipv4") => "ipv4",
        Some("ipv6") if target_type == "ip" => "ipv6",
        Some("ipv6") => return Err(validation(
            "The IP address type 'ipv6' is only supported for target groups of target type 'ip'",
        )),
        Some(other) => {
            return Err(validation(format!(
                "IP address type '{other}' is not valid: it must be one of 'ipv4', 'ipv6'"
            )))
        }
    };
    let h = &c.health_check;
    let hc_protocol = h.protocol.clone().unwrap_or_else(|| "TCP".to_string());
    if !["TCP", "HTTP", "HTTPS"].contains(&hc_protocol.as_str()) {
        return Err(validation(format!(
            "Health check protocol '{hc_protocol}' is not valid: it must be one of 'TCP', 'HTTP', 'HTTPS'"
        )));
    }
    let http = hc_protocol != "TCP";
    let hc_port = match h.port.as_deref() {
        None if protocol == "GENEVE" => "80".to_string(),
        None | Some("traffic-port") => "traffic-port".to_string(),
        Some(raw) => {
            let n: i64 = raw.parse().map_err(|_| {
                validation(format!(
                    "Health check port '{raw}' is not valid: it must be 'traffic-port' or a port number"
                ))
            })?;
            port_of(n, "Health check port")?.to_string()
        }
    };
    if !http && (h.path.is_some() || h.matcher.is_some()) {
        return Err(validation(
            "A health check path or matcher can only be specified for HTTP or HTTPS health checks",
        ));
    }
    let interval = in_range(h.interval_seconds, 30, 5, 300, "Health check interval")?;
    let timeout = in_range(
        h.timeout_seconds,
        if http { 6 } else { 10 },
        2,
        120,
        "Health check timeout",
    )?;
    if timeout >= interval {
        return Err(validation(
            "Health check timeout must be smaller than the health check interval",
        ));
    }
    let healthy = in_range(h.healthy_threshold, 5, 2, 10, "Healthy threshold count")?;
    let unhealthy = in_range(h.unhealthy_threshold, 2, 2, 10, "Unhealthy threshold count")?;
    let health_check = HealthCheck {
        enabled: h.enabled.unwrap_or(true),
        protocol: hc_protocol,
        port: hc_port,
        path: if http {
            Some(h.path.clone().unwrap_or_else(|| "/".to_string()))
        } else {
            None
        },
        interval_seconds: interval,
        timeout_seconds: timeout,
        healthy_threshold: healthy,
        unhealthy_threshold: unhealthy,
        matcher: if http {
            Some(h.matcher.clone().unwrap_or_else(|| "200-399".to_string()))
        } else {
            None
        },
    };
    let group = TargetGroup {
        arn: String::new(),
        scope: ctx.scope(),
        name: c.name.clone(),
        protocol: protocol.to_string(),
        port,
        vpc_id,
        target_type: target_type.to_string(),
        ip_address_type: ip_address_type.to_string(),
        health_check,
        targets: Vec::new(),
        created: ctx.now,
        tags: tag_set(&c.tags),
    };
    let existing = w
        .target_groups
        .in_scope(&ctx.scope())
        .find(|g| g.name == c.name)
        .map(|g| g.arn.clone());
    Ok((group, existing))
}

fn create_target_group(w: &mut World, ctx: &Ctx, c: CreateTargetGroup) -> Result<Output> {
    let (mut group, existing) = plan_target_group(w, ctx, &c)?;
    if let Some(arn) = existing {
        let old = w.target_groups.get(&arn).expect("listed");
        let same = old.protocol == group.protocol
            && old.port == group.port
            && old.vpc_id == group.vpc_id
            && old.target_type == group.target_type
            && old.ip_address_type == group.ip_address_type
            && old.health_check == group.health_check;
        if same {
            return Ok(Output::Id(arn));
        }
        return Err(ApiError::new(
            ErrorCode::DuplicateTargetGroupName,
            format!(
                "A target group with the same name '{}' exists, but with different settings",
                c.name
            ),
        ));
    }
    check_tags(&c.tags, &TagSet::new())?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::TARGET_GROUPS_PER_REGION)
    {
        if w.target_groups.count_in(&ctx.scope()) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TooManyTargetGroups,
                format!("The quota for the number of target groups has been reached ({limit})"),
            ));
        }
    }
    let hex = random_hex(w);
    group.arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{}/{hex}",
        ctx.region, ctx.account, c.name
    );
    let arn = group.arn.clone();
    w.target_groups.insert(group);
    Ok(Output::Id(arn))
}

fn delete_target_group(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    check_arn(arn, ArnKind::TargetGroup)?;
    // Like DeleteLoadBalancer, deleting a group that does not exist succeeds [I].
    if w.target_groups.get_in(&ctx.scope(), arn).is_none() {
        return Ok(Output::Done);
    }
    if w.listeners.values().any(|l| l.target_group_arn == arn) {
        return Err(ApiError::new(
            ErrorCode::ResourceInUse,
            format!("Target group '{arn}' is currently in use by a listener or a rule"),
        ));
    }
    w.target_groups.remove(arn);
    Ok(Output::Done)
}

fn invalid_target(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidTarget, message)
}

/// Resolves given targets against a group: the registered form of each.
fn resolve_targets(
    w: &World,
    ctx: &Ctx,
    group: &TargetGroup,
    specs: &[TargetSpec],
    registering: bool,
) -> Result<Vec<Target>> {
    if specs.is_empty() {
        return Err(validation("At least one target must be specified"));
    }
    let scope = ctx.scope();
    let zones = w.config.zone_names(&ctx.account, &ctx.region);
    let mut out = Vec::new();
    for spec in specs {
        let port = match spec.port {
            None => group.port,
            Some(p) => port_of(p, "Target port")?,
        };
        let id = spec.id.clone();
        if group.target_type == "instance" {
            if !crate::ids::is_well_formed(&id, "i") {
                return Err(validation(format!("Instance ID '{id}' is not valid")));
            }
            if spec.availability_zone.is_some() {
                return Err(validation(
                    "An Availability Zone cannot be specified for targets of type 'instance'",
                ));
            }
            if registering {
                let instance = w.instances.get_in(&scope, &id).ok_or_else(|| {
                    invalid_target(format!(
                        "The following targets are not valid instances: '{id}'"
                    ))
                })?;
                if instance.vpc_id != group.vpc_id {
                    return Err(invalid_target(format!(
                        "The following targets are not in the target group VPC '{}': '{id}'",
                        group.vpc_id
                    )));
                }
                if instance.state != InstanceState::Running {
                    return Err(invalid_target(format!(
                        "The following targets are not in a running state and cannot be registered: '{id}'"
                    )));
                }
            }
            out.push(Target {
                id,
                port: Some(port),
                availability_zone: None,
            });
            continue;
        }
        let ip: Ipv4Addr = id.parse().map_err(|_| {
            invalid_target(format!(
                "The following targets are not valid IPv4 addresses: '{id}'"
            ))
        })?;
        let zone = spec.availability_zone.clone();
        if let Some(z) = &zone {
            if z != "all" && !zones.contains(z) {
                return Err(validation(format!(
                    "Availability Zone '{z}' is not valid: it must be 'all' or a zone of {}",
                    ctx.region
                )));
            }
        }
        if registering {
            let vpc = w.vpcs.get(&group.vpc_id);
            let in_vpc = vpc.is_some_and(|v| v.contains_v4(ip));
            let private = cidr::is_rfc1918(ip)
                || cidr::parse_v4("100.64.0.0/10").is_some_and(|n| n.contains(&ip));
            if !in_vpc && zone.as_deref() != Some("all") {
                return Err(invalid_target(format!(
                    "The following targets are not in the target group VPC '{}': '{id}'; an address outside the VPC needs the Availability Zone 'all'",
                    group.vpc_id
                )));
            }
            if !in_vpc && !private {
                return Err(invalid_target(format!(
                    "The following targets are not private IPv4 addresses: '{id}'"
                )));
            }
        }
        out.push(Target {
            id,
            port: Some(port),
            availability_zone: zone,
        });
    }
    Ok(out)
}

fn same_target(a: &Target, b: &Target) -> bool {
    a.id == b.id && a.port == b.port
}

fn register_targets(w: &mut World, ctx: &Ctx, arn: &str, specs: &[TargetSpec]) -> Result<Output> {
    let group = get_target_group(w, &ctx.scope(), arn)?;
    let targets = resolve_targets(w, ctx, group, specs, true)?;
    let group = w.target_groups.get_mut(arn).expect("checked");
    for t in targets {
        match group.targets.iter_mut().find(|x| same_target(x, &t)) {
            Some(existing) => existing.availability_zone = t.availability_zone,
            None => group.targets.push(t),
        }
    }
    Ok(Output::Done)
}

fn deregister_targets(w: &mut World, ctx: &Ctx, arn: &str, specs: &[TargetSpec]) -> Result<Output> {
    let group = get_target_group(w, &ctx.scope(), arn)?;
    let targets = resolve_targets(w, ctx, group, specs, false)?;
    let missing: Vec<&str> = targets
        .iter()
        .filter(|t| !group.targets.iter().any(|x| same_target(x, t)))
        .map(|t| t.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(invalid_target(format!(
            "The following targets are not registered in target group '{}': '{}'",
            group.name,
            missing.join("', '")
        )));
    }
    let group = w.target_groups.get_mut(arn).expect("checked");
    group
        .targets
        .retain(|x| !targets.iter().any(|t| same_target(x, t)));
    Ok(Output::Done)
}

const LISTENER_PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS"];

/// Whether a network listener of `listener` protocol may forward to a `group` protocol.
fn compatible(listener: &str, group: &str) -> bool {
    matches!(
        (listener, group),
        ("TCP", "TCP" | "TCP_UDP")
            | ("UDP", "UDP" | "TCP_UDP")
            | ("TCP_UDP", "TCP_UDP")
            | ("TLS", "TCP" | "TLS")
    )
}

fn create_listener(w: &mut World, ctx: &Ctx, c: CreateListener) -> Result<Output> {
    let scope = ctx.scope();
    let lb = get_load_balancer(w, &scope, &c.load_balancer_arn)?;
    let (protocol, port) = match lb.lb_type {
        LoadBalancerType::Gateway => {
            if c.protocol.is_some() || c.port.is_some() {
                return Err(validation(
                    "A protocol and port cannot be specified for a Gateway Load Balancer listener",
                ));
            }
            (None, None)
        }
        LoadBalancerType::Network => {
            let protocol = c
                .protocol
                .clone()
                .ok_or_else(|| validation("A listener protocol must be specified"))?;
            if !LISTENER_PROTOCOLS.contains(&protocol.as_str()) {
                return Err(validation(format!(
                    "Listener protocol '{protocol}' must be one of '{}'",
                    LISTENER_PROTOCOLS.join(", ")
                )));
            }
            let port = port_of(
                c.port
                    .ok_or_else(|| validation("A listener port must be specified"))?,
                "Port",
            )?;
            (Some(protocol), Some(port))
        }
    };
    let tls = protocol.as_deref() == Some("TLS");
    if tls && c.certificates.is_empty() {
        return Err(validation(
            "A certificate must be specified for TLS listeners",
        ));
    }
    if !tls && (!c.certificates.is_empty() || c.ssl_policy.is_some()) {
        return Err(validation(
            "Certificates and an SSL policy can only be specified for TLS listeners",
        ));
    }
    if let Some(bad) = c.certificates.iter().find(|a| !a.starts_with("arn:")) {
        return Err(ApiError::new(
            ErrorCode::CertificateNotFound,
            format!("Certificate '{bad}' not found"),
        ));
    }
    let [action] = c.default_actions.as_slice() else {
        return Err(if c.default_actions.is_empty() {
            validation("A default action must be specified")
        } else {
            ApiError::new(
                ErrorCode::TooManyActions,
                "Network and Gateway Load Balancer listeners take exactly one default action",
            )
        });
    };
    if action.action_type != "forward" {
        return Err(ApiError::new(ErrorCode::InvalidLoadBalancerAction,
            format!(
                "Action type '{}' is not supported by network and gateway load balancers: use 'forward'",
                action.action_type
            ),
        ));
    }
    let mut arns: Vec<&String> = action.target_group_arn.iter().collect();
    for a in &action.forward_target_groups {
        if !arns.contains(&a) {
            arns.push(a);
        }
    }
    let tg_arn = match arns.as_slice() {
        [one] => (*one).clone(),
        [] => return Err(validation("A forward action must specify a target group")),
        _ => return Err(ApiError::new(
            ErrorCode::InvalidLoadBalancerAction,
            "A forward action of a network or gateway load balancer takes exactly one target group",
        )),
    };
    let group = get_target_group(w, &scope, &tg_arn)?;
    if group.vpc_id != lb.vpc_id {
        return Err(invalid_config(format!(
            "The target group '{tg_arn}' is not in the load balancer's VPC '{}'",
            lb.vpc_id
        )));
    }
    let fits = match (&protocol, lb.lb_type) {
        (None, _) => group.protocol == "GENEVE",
        (Some(p), _) => compatible(p, &group.protocol),
    };
    if !fits {
        return Err(ApiError::new(
            ErrorCode::IncompatibleProtocols,
            format!(
                "Listener protocol '{}' is not compatible with the target group protocol '{}'",
                protocol.as_deref().unwrap_or("(none)"),
                group.protocol
            ),
        ));
    }
    if w.listeners
        .values()
        .any(|l| l.target_group_arn == tg_arn && l.load_balancer_arn != lb.arn)
    {
        return Err(ApiError::new(ErrorCode::TargetGroupAssociationLimit,
            format!(
                "The following target groups cannot be associated with more than one load balancer: '{tg_arn}'"
            ),
        ));
    }
    let ssl_policy = tls.then(|| {
        c.ssl_policy
            .clone()
            .unwrap_or_else(|| DEFAULT_SSL_POLICY.to_string())
    });
    if let Some(existing) = w
        .listeners
        .values()
        .find(|l| l.load_balancer_arn == lb.arn && l.port == port)
    {
        let same = existing.protocol == protocol
            && existing.target_group_arn == tg_arn
            && existing.certificates == c.certificates
            && existing.ssl_policy == ssl_policy;
        if same {
            return Ok(Output::Id(existing.arn.clone()));
        }
        return Err(ApiError::new(
            ErrorCode::DuplicateListener,
            format!(
                "A listener already exists on this port for this load balancer '{}'",
                lb.arn
            ),
        ));
    }
    check_tags(&c.tags, &TagSet::new())?;
    let prefix = format!(
        "arn:aws:elasticloadbalancing:{}:{}:listener/{}/{}/{}",
        ctx.region,
        ctx.account,
        lb.lb_type.arn_segment(),
        lb.name,
        lb.short_id()
    );
    let lb_arn = lb.arn.clone();
    let hex = random_hex(w);
    let arn = format!("{prefix}/{hex}");
    w.listeners.insert(Listener {
        arn: arn.clone(),
        scope,
        load_balancer_arn: lb_arn,
        protocol,
        port,
        target_group_arn: tg_arn,
        ssl_policy,
        certificates: c.certificates,
        tags: tag_set(&c.tags),
    });
    Ok(Output::Id(arn))
}

/// The tags of the caller's ELBv2 resource `arn`, or the kind's NotFound error.
fn tags_of<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w TagSet> {
    match arn_kind(arn) {
        Some(ArnKind::LoadBalancer) => Ok(&get_load_balancer(w, scope, arn)?.tags),
        Some(ArnKind::TargetGroup) => Ok(&get_target_group(w, scope, arn)?.tags),
        Some(ArnKind::Listener) => Ok(&get_listener(w, scope, arn)?.tags),
        None => Err(validation(format!("'{arn}' is not a valid resource ARN"))),
    }
}

fn tags_mut<'w>(w: &'w mut World, arn: &str) -> Option<&'w mut TagSet> {
    match arn_kind(arn)? {
        ArnKind::LoadBalancer => w.load_balancers.get_mut(arn).map(|r| &mut r.tags),
        ArnKind::TargetGroup => w.target_groups.get_mut(arn).map(|r| &mut r.tags),
        ArnKind::Listener => w.listeners.get_mut(arn).map(|r| &mut r.tags),
    }
}

fn check_resource_arns(arns: &[String]) -> Result<()> {
    if arns.is_empty() {
        return Err(validation("At least one resource ARN must be specified"));
    }
    if arns.len() > MAX_TAG_RESOURCES {
        return Err(validation(format!(
            "At most {MAX_TAG_RESOURCES} resource ARNs can be specified"
        )));
    }
    Ok(())
}

fn add_tags(
    w: &mut World,
    ctx: &Ctx,
    arns: &[String],
    tags: &[(String, String)],
) -> Result<Output> {
    check_resource_arns(arns)?;
    if tags.is_empty() {
        return Err(validation("At least one tag must be specified"));
    }
    let scope = ctx.scope();
    for arn in arns {
        check_tags(tags, tags_of(w, &scope, arn)?)?;
    }
    for arn in arns {
        let set = tags_mut(w, arn).expect("checked");
        for (k, v) in tags {
            set.insert(k.clone(), v.clone());
        }
    }
    Ok(Output::Done)
}

fn remove_tags(w: &mut World, ctx: &Ctx, arns: &[String], keys: &[String]) -> Result<Output> {
    check_resource_arns(arns)?;
    if keys.is_empty() {
        return Err(validation("At least one tag key must be specified"));
    }
    let scope = ctx.scope();
    for arn in arns {
        tags_of(w, &scope, arn)?;
    }
    for arn in arns {
        let set = tags_mut(w, arn).expect("checked");
        for k in keys {
            set.remove(k);
        }
    }
    Ok(Output::Done)
}

// ---------------------------------------------------------------------------------------
// Reads

/// DescribeLoadBalancers: by ARNs, by names, or all of the caller's (ARN order).
pub fn describe_load_balancers<'w>(
    w: &'w World,
    ctx: &Ctx,
    arns: &[String],
    names: &[String],
) -> Result<Vec<&'w LoadBalancer>> {
    let scope = ctx.scope();
    if !arns.is_empty() && !names.is_empty() {
        return Err(validation(
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    if !arns.is_empty() {
        for a in arns {
            check_arn(a, ArnKind::LoadBalancer)?;
        }
        let missing: Vec<&str> = arns
            .iter()
            .filter(|a| w.load_balancers.get_in(&scope, a).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(load_balancer_not_found(&missing.join(", ")));
        }
        let mut out: Vec<&LoadBalancer> = Vec::new();
        for a in arns {
            let lb = w.load_balancers.get(a).expect("checked");
            if !out.iter().any(|l| l.arn == lb.arn) {
                out.push(lb);
            }
        }
        return Ok(out);
    }
    let all: Vec<&LoadBalancer> = w.load_balancers.in_scope(&scope).collect();
    if names.is_empty() {
        return Ok(all);
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !all.iter().any(|l| &l.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(load_balancer_not_found(&missing.join(", ")));
    }
    Ok(all
        .into_iter()
        .filter(|l| names.contains(&l.name))
        .collect())
}

/// DescribeTargetGroups: by load balancer, by ARNs, by names, or all (ARN order).
pub fn describe_target_groups<'w>(
    w: &'w World,
    ctx: &Ctx,
    load_balancer_arn: Option<&str>,
    arns: &[String],
    names: &[String],
) -> Result<Vec<&'w TargetGroup>> {
    let scope = ctx.scope();
    let given = usize::from(load_balancer_arn.is_some())
        + usize::from(!arns.is_empty())
        + usize::from(!names.is_empty());
    if given > 1 {
        return Err(validation(
            "Specify only one of the load balancer ARN, target group ARNs or target group names",
        ));
    }
    let all: Vec<&TargetGroup> = w.target_groups.in_scope(&scope).collect();
    if let Some(lb_arn) = load_balancer_arn {
        get_load_balancer(w, &scope, lb_arn)?;
        let used: BTreeSet<&str> = w
            .listeners
            .values()
            .filter(|l| l.load_balancer_arn == lb_arn)
            .map(|l| l.target_group_arn.as_str())
            .collect();
        return Ok(all
            .into_iter()
            .filter(|g| used.contains(g.arn.as_str()))
            .collect());
    }
    if !arns.is_empty() {
        for a in arns {
            check_arn(a, ArnKind::TargetGroup)?;
        }
        let missing: Vec<&str> = arns
            .iter()
            .filter(|a| w.target_groups.get_in(&scope, a).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(target_group_not_found(&missing.join(", ")));
        }
        let mut out: Vec<&TargetGroup> = Vec::new();
        for a in arns {
            let g = w.target_groups.get(a).expect("checked");
            if !out.iter().any(|x| x.arn == g.arn) {
                out.push(g);
            }
        }
        return Ok(out);
    }
    if names.is_empty() {
        return Ok(all);
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !all.iter().any(|g| &g.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(target_group_not_found(&missing.join(", ")));
    }
    Ok(all
        .into_iter()
        .filter(|g| names.contains(&g.name))
        .collect())
}

/// The load balancers whose listeners forward to target group `arn`, in ARN order.
pub fn target_group_load_balancers(w: &World, arn: &str) -> Vec<String> {
    w.listeners
        .values()
        .filter(|l| l.target_group_arn == arn)
        .map(|l| l.load_balancer_arn.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// DescribeListeners: a load balancer's listeners or the given ones.
pub fn describe_listeners<'w>(
    w: &'w World,
    ctx: &Ctx,
    load_balancer_arn: Option<&str>,
    arns: &[String],
) -> Result<Vec<&'w Listener>> {
    let scope = ctx.scope();
    match (load_balancer_arn, arns.is_empty()) {
        (Some(_), false) => Err(validation(
            "A load balancer ARN and listener ARNs cannot be specified at the same time",
        )),
        (None, true) => Err(validation(
            "You must specify either listener ARNs or a load balancer ARN",
        )),
        (Some(lb), true) => {
            get_load_balancer(w, &scope, lb)?;
            Ok(w.listeners
                .in_scope(&scope)
                .filter(|l| l.load_balancer_arn == lb)
                .collect())
        }
        (None, false) => {
            for a in arns {
                check_arn(a, ArnKind::Listener)?;
            }
            let missing: Vec<&str> = arns
                .iter()
                .filter(|a| w.listeners.get_in(&scope, a).is_none())
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                return Err(listener_not_found(&missing.join(", ")));
            }
            let mut out: Vec<&Listener> = Vec::new();
            for a in arns {
                let l = w.listeners.get(a).expect("checked");
                if !out.iter().any(|x| x.arn == l.arn) {
                    out.push(l);
                }
            }
            Ok(out)
        }
    }
}

/// One row of DescribeTargetHealth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealthRow {
    pub target: Target,
    pub health_check_port: String,
    pub state: &'static str,
    pub reason: Option<&'static str>,
    pub description: Option<&'static str>,
}

/// The Availability Zone a registered target sits in, if known (`all` for any zone).
fn target_zone(w: &World, group: &TargetGroup, t: &Target) -> Option<String> {
    if let Some(z) = &t.availability_zone {
        return Some(z.clone());
    }
    if group.target_type == "instance" {
        let instance = w.instances.get(&t.id)?;
        return w
            .subnets
            .get(&instance.subnet_id)
            .map(|s| s.availability_zone.clone());
    }
    let ip: Ipv4Addr = t.id.parse().ok()?;
    w.subnets
        .values()
        .find(|s| s.vpc_id == group.vpc_id && s.cidr.contains(&ip))
        .map(|s| s.availability_zone.clone())
}

fn health_of(w: &World, ctx: &Ctx, group: &TargetGroup, t: &Target) -> TargetHealthRow {
    let port = t.port.unwrap_or(group.port);
    let row = |state, reason, description| TargetHealthRow {
        target: t.clone(),
        health_check_port: if group.health_check.port == "traffic-port" {
            port.to_string()
        } else {
            group.health_check.port.clone()
        },
        state,
        reason,
        description,
    };
    if group.target_type == "instance" {
        let running = w
            .instances
            .get(&t.id)
            .is_some_and(|i| i.state == InstanceState::Running);
        if !running {
            return row(
                "unused",
                Some("Target.InvalidState"),
                Some("Target is in the stopped state"),
            );
        }
    }
    let serving: Vec<&LoadBalancer> = w
        .listeners
        .values()
        .filter(|l| l.target_group_arn == group.arn)
        .filter_map(|l| w.load_balancers.get(&l.load_balancer_arn))
        .filter(|lb| lb.is_active(ctx.now))
        .collect();
    if serving.is_empty() {
        return row(
            "unused",
            Some("Target.NotInUse"),
            Some("Target group is not configured to receive traffic from the load balancer"),
        );
    }
    let zone = target_zone(w, group, t);
    let in_zone = match zone.as_deref() {
        Some("all") => true,
        Some(z) => serving
            .iter()
            .any(|lb| lb.subnets.iter().any(|s| s.availability_zone == z)),
        None => false,
    };
    if !in_zone {
        return row(
            "unused",
            Some("Target.NotInUse"),
            Some("Target is in an Availability Zone that is not enabled for the load balancer"),
        );
    }
    row("healthy", None, None)
}

/// DescribeTargetHealth: every registered target, or the given ones (unregistered ones
/// reported `unused` / `Target.NotRegistered`).
pub fn describe_target_health(
    w: &World,
    ctx: &Ctx,
    arn: &str,
    targets: &[TargetSpec],
) -> Result<Vec<TargetHealthRow>> {
    let group = get_target_group(w, &ctx.scope(), arn)?;
    if targets.is_empty() {
        return Ok(group
            .targets
            .iter()
            .map(|t| health_of(w, ctx, group, t))
            .collect());
    }
    let mut rows = Vec::new();
    for spec in targets {
        let port = match spec.port {
            None => None,
            Some(p) => Some(port_of(p, "Target port")?),
        };
        let registered: Vec<&Target> = group
            .targets
            .iter()
            .filter(|t| t.id == spec.id && (port.is_none() || t.port == port))
            .collect();
        if registered.is_empty() {
            rows.push(TargetHealthRow {
                target: Target {
                    id: spec.id.clone(),
                    port: Some(port.unwrap_or(group.port)),
                    availability_zone: spec.availability_zone.clone(),
                },
                health_check_port: String::new(),
                state: "unused",
                reason: Some("Target.NotRegistered"),
                description: Some("Target is not registered to the target group"),
            });
        }
        for t in registered {
            rows.push(health_of(w, ctx, group, t));
        }
    }
    Ok(rows)
}

/// DescribeTags: each resource's tags, in the order asked.
pub fn describe_tags(w: &World, ctx: &Ctx, arns: &[String]) -> Result<Vec<(String, TagSet)>> {
    check_resource_arns(arns)?;
    let scope = ctx.scope();
    arns.iter()
        .map(|a| Ok((a.clone(), tags_of(w, &scope, a)?.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Delays};
    use crate::eni::Instance;
    use crate::{vpc, Command};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    struct Env {
        w: World,
        ctx: Ctx,
        vpc: String,
        /// 10.0.0.0/24 in us-east-1a, 10.0.1.0/24 in us-east-1b, 10.0.2.0/24 in us-east-1a.
        subnets: Vec<String>,
    }

    fn created(out: Output) -> String {
        match out {
            Output::Id(id) => id,
            other => panic!("unexpected output {other:?}"),
        }
    }

    fn env_with(config: Config) -> Env {
        let mut w = World::new(config, 1);
        let ctx = Ctx::new(A, "us-east-1", 0);
        w.apply(&ctx, Command::InitScope).unwrap();
        let vpc = created(
            w.apply(
                &ctx,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: "10.0.0.0/16".into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap(),
        );
        let mut e = Env {
            w,
            ctx,
            vpc,
            subnets: vec![],
        };
        for (cidr, az) in [
            ("10.0.0.0/24", "us-east-1a"),
            ("10.0.1.0/24", "us-east-1b"),
            ("10.0.2.0/24", "us-east-1a"),
        ] {
            let s = e.subnet(&e.vpc.clone(), cidr, az);
            e.subnets.push(s);
        }
        e
    }

    fn env() -> Env {
        env_with(Config::default())
    }

    impl Env {
        fn subnet(&mut self, vpc: &str, cidr: &str, az: &str) -> String {
            created(
                self.w
                    .apply(
                        &self.ctx,
                        Command::Subnet(subnet::Cmd::Create {
                            vpc_id: vpc.into(),
                            cidr_block: cidr.into(),
                            ipv6_cidr_block: None,
                            availability_zone: Some(az.into()),
                            availability_zone_id: None,
                            tags: vec![],
                        }),
                    )
                    .unwrap(),
            )
        }

        fn other_vpc(&mut self) -> String {
            created(
                self.w
                    .apply(
                        &self.ctx,
                        Command::Vpc(vpc::Cmd::Create {
                            cidr_block: "10.9.0.0/16".into(),
                            amazon_ipv6: false,
                            instance_tenancy: None,
                            tags: vec![],
                        }),
                    )
                    .unwrap(),
            )
        }

        /// Runs `cmd`; on an expected error checks the code and that nothing changed.
        fn check(&mut self, cmd: Cmd, expected: std::result::Result<(), &str>) -> Option<String> {
            let before = serde_json::to_string(&self.w).unwrap();
            let got = self.w.apply(&self.ctx, Command::Elb(cmd.clone()));
            match (got, expected) {
                (Ok(out), Ok(())) => match out {
                    Output::Id(id) => Some(id),
                    _ => None,
                },
                (Err(e), Err(code)) => {
                    assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
                    assert_eq!(
                        serde_json::to_string(&self.w).unwrap(),
                        before,
                        "{cmd:?} changed the world"
                    );
                    None
                }
                (got, expected) => panic!("{cmd:?}: got {got:?}, expected {expected:?}"),
            }
        }

        fn ok(&mut self, cmd: Cmd) -> Option<String> {
            self.check(cmd, Ok(()))
        }

        fn nlb(&mut self, name: &str, subnets: &[usize]) -> String {
            self.ok(Cmd::CreateLoadBalancer(self.nlb_spec(name, subnets)))
                .unwrap()
        }

        fn nlb_spec(&self, name: &str, subnets: &[usize]) -> CreateLoadBalancer {
            CreateLoadBalancer {
                name: name.into(),
                lb_type: Some("network".into()),
                scheme: Some("internal".into()),
                subnets: subnets.iter().map(|i| self.subnets[*i].clone()).collect(),
                ..Default::default()
            }
        }

        fn tg_spec(&self, name: &str, protocol: &str, target_type: &str) -> CreateTargetGroup {
            CreateTargetGroup {
                name: name.into(),
                protocol: Some(protocol.into()),
                port: Some(if protocol == "GENEVE" { 6081 } else { 80 }),
                vpc_id: Some(self.vpc.clone()),
                target_type: Some(target_type.into()),
                ..Default::default()
            }
        }

        fn tg(&mut self, name: &str) -> String {
            self.ok(Cmd::CreateTargetGroup(self.tg_spec(name, "TCP", "ip")))
                .unwrap()
        }

        fn listener_spec(&self, lb: &str, tg: &str, port: i64) -> CreateListener {
            CreateListener {
                load_balancer_arn: lb.into(),
                protocol: Some("TCP".into()),
                port: Some(port),
                default_actions: vec![forward(tg)],
                ..Default::default()
            }
        }

        fn listener(&mut self, lb: &str, tg: &str, port: i64) -> String {
            self.ok(Cmd::CreateListener(self.listener_spec(lb, tg, port)))
                .unwrap()
        }

        fn instance(&mut self, subnet: usize, state: InstanceState) -> String {
            let id = self.w.ids.id(Kind::Instance);
            let s = self.w.subnets.get(&self.subnets[subnet]).unwrap().clone();
            self.w.instances.insert(Instance {
                id: id.clone(),
                scope: self.ctx.scope(),
                reservation_id: "r-0".into(),
                vpc_id: s.vpc_id,
                subnet_id: s.id,
                network_interface_id: "eni-0".into(),
                image_id: "ami-0".into(),
                instance_type: "t3.micro".into(),
                state,
                launch_time: 0,
                terminated: None,
                details: Default::default(),
            });
            id
        }

        fn lb(&self, arn: &str) -> &LoadBalancer {
            self.w.load_balancers.get(arn).unwrap()
        }

        fn as_account(&mut self, account: &str) {
            self.ctx = Ctx::new(account, "us-east-1", self.ctx.now);
            if !self.w.scope_ready(&self.ctx.scope()) {
                self.w.apply(&self.ctx, Command::InitScope).unwrap();
            }
        }
    }

    fn forward(tg: &str) -> ActionSpec {
        ActionSpec {
            action_type: "forward".into(),
            target_group_arn: Some(tg.into()),
            forward_target_groups: vec![],
        }
    }

    fn ip(id: &str) -> TargetSpec {
        TargetSpec {
            id: id.into(),
            port: None,
            availability_zone: None,
        }
    }

    fn tags(n: usize) -> Vec<(String, String)> {
        (0..n).map(|i| (format!("k{i}"), format!("v{i}"))).collect()
    }

    #[test]
    fn arns_are_recognised_by_shape() {
        let cases = [
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/a/0123456789abcdef", Some(ArnKind::LoadBalancer)),
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/a/0123456789abcdef", Some(ArnKind::LoadBalancer)),
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/a/0123456789abcdef", Some(ArnKind::TargetGroup)),
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/a/0123/4567", Some(ArnKind::Listener)),
            ("arn:aws:elasticloadbalancing:us-east-1:1111:loadbalancer/net/a/0123", None),
            ("arn:aws:ec2:us-east-1:111111111111:loadbalancer/net/a/0123", None),
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/xyz/a/0123", None),
            ("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup//0123", None),
            ("my-lb", None),
        ];
        for (arn, kind) in cases {
            assert_eq!(arn_kind(arn), kind, "{arn}");
        }
        assert_eq!(
            check_arn("x", ArnKind::TargetGroup).unwrap_err().message,
            "'x' is not a valid target group ARN"
        );
    }

    #[test]
    fn create_network_load_balancer_with_one_interface_per_subnet() {
        let mut e = env();
        let arn = e.nlb("my-nlb", &[0, 1]);
        let lb = e.lb(&arn).clone();
        let hex = lb.short_id().to_string();
        assert_eq!(hex.len(), 16);
        assert_eq!(
            arn,
            format!("arn:aws:elasticloadbalancing:us-east-1:{A}:loadbalancer/net/my-nlb/{hex}")
        );
        assert_eq!(
            lb.dns_name,
            format!("my-nlb-{hex}.elb.us-east-1.amazonaws.com")
        );
        assert_eq!(lb.canonical_hosted_zone_id, "Z26RNL4JYFTOTI");
        assert_eq!(lb.vpc_id, e.vpc);
        assert_eq!(lb.scheme, "internal");
        assert_eq!(lb.ip_address_type, "ipv4");
        assert_eq!(lb.state(0), "active");
        let zones: Vec<_> = lb
            .subnets
            .iter()
            .map(|s| s.availability_zone.as_str())
            .collect();
        assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
        for (s, first) in lb.subnets.iter().zip(["10.0.0.4", "10.0.1.4"]) {
            assert_eq!(s.private_ip.to_string(), first);
            assert_eq!(s.public_ip, None);
            let eni = e.w.network_interfaces.get(&s.network_interface_id).unwrap();
            assert_eq!(eni.interface_type, "network_load_balancer");
            assert_eq!(eni.description, format!("ELB net/my-nlb/{hex}"));
            assert!(eni.requester_managed);
            assert_eq!(eni.requester_id.as_deref(), Some("amazon-elb"));
            assert_eq!(eni.subnet_id, s.subnet_id);
            assert_eq!(eni.private_ips, vec![s.private_ip]);
            assert_eq!(eni.scope, e.ctx.scope());
            assert!(e.w.subnets.get(&s.subnet_id).unwrap().used.contains(&4));
        }
        // The interfaces block the subnet's deletion.
        let err =
            e.w.apply(
                &e.ctx,
                Command::Subnet(subnet::Cmd::Delete {
                    subnet_id: e.subnets[0].clone(),
                }),
            )
            .unwrap_err();
        assert_eq!(err.code, "DependencyViolation");
    }

    #[test]
    fn provisioning_until_the_transition_delay_has_passed() {
        let mut e = env_with(Config {
            delays: Delays { transition: 5000 },
            ..Config::default()
        });
        let arn = e.nlb("slow", &[0]);
        assert_eq!(e.lb(&arn).state(0), "provisioning");
        assert_eq!(e.lb(&arn).state(4999), "provisioning");
        assert_eq!(e.lb(&arn).state(5000), "active");
    }

    #[test]
    fn gateway_load_balancer_shape() {
        let mut e = env();
        let mut spec = e.nlb_spec("gw", &[0]);
        spec.lb_type = Some("gateway".into());
        spec.scheme = None;
        let arn = e.ok(Cmd::CreateLoadBalancer(spec)).unwrap();
        assert!(arn.contains(":loadbalancer/gwy/gw/"));
        let lb = e.lb(&arn).clone();
        assert_eq!(lb.scheme, "internal");
        let eni =
            e.w.network_interfaces
                .get(&lb.subnets[0].network_interface_id)
                .unwrap();
        assert_eq!(eni.interface_type, "gateway_load_balancer");
        assert!(eni.description.starts_with("ELB gwy/gw/"));
    }

    #[test]
    fn subnet_mappings_choose_the_address() {
        let mut e = env();
        let mut spec = e.nlb_spec("mapped", &[]);
        spec.subnet_mappings = vec![SubnetMapping {
            subnet_id: e.subnets[1].clone(),
            private_ipv4_address: Some("10.0.1.50".into()),
        }];
        let arn = e.ok(Cmd::CreateLoadBalancer(spec.clone())).unwrap();
        assert_eq!(e.lb(&arn).subnets[0].private_ip.to_string(), "10.0.1.50");
        assert!(e.lb(&arn).subnets[0].requested_ip);
        // Same settings again: the same load balancer.
        assert_eq!(e.ok(Cmd::CreateLoadBalancer(spec.clone())), Some(arn));
        // The address is taken now.
        spec.name = "other".into();
        e.check(
            Cmd::CreateLoadBalancer(spec.clone()),
            Err("InvalidConfigurationRequest"),
        );
        spec.subnet_mappings[0].private_ipv4_address = Some("10.0.1.255".into());
        e.check(
            Cmd::CreateLoadBalancer(spec.clone()),
            Err("InvalidConfigurationRequest"),
        );
        spec.subnet_mappings[0].private_ipv4_address = Some("10.0.7.9".into());
        e.check(
            Cmd::CreateLoadBalancer(spec.clone()),
            Err("InvalidConfigurationRequest"),
        );
        spec.subnet_mappings[0].private_ipv4_address = Some("not-an-ip".into());
        e.check(
            Cmd::CreateLoadBalancer(spec.clone()),
            Err("ValidationError"),
        );
        spec.subnet_mappings[0].private_ipv4_address = Some("10.0.1.60".into());
        spec.scheme = Some("internet-facing".into());
        e.check(
            Cmd::CreateLoadBalancer(spec.clone()),
            Err("InvalidConfigurationRequest"),
        );
        spec.scheme = None;
        spec.lb_type = Some("gateway".into());
        e.check(Cmd::CreateLoadBalancer(spec), Err("ValidationError"));
    }

    #[test]
    fn same_settings_return_the_existing_load_balancer() {
        let mut e = env();
        let arn = e.nlb("dup", &[0, 1]);
        let enis = e.w.network_interfaces.len();
        let mut spec = e.nlb_spec("dup", &[1, 0]);
        assert_eq!(e.ok(Cmd::CreateLoadBalancer(spec.clone())), Some(arn));
        assert_eq!(e.w.network_interfaces.len(), enis);
        spec.subnets.pop();
        e.check(
            Cmd::CreateLoadBalancer(spec),
            Err("DuplicateLoadBalancerName"),
        );
        let mut spec = e.nlb_spec("dup", &[0, 1]);
        spec.scheme = Some("internet-facing".into());
        let err =
            e.w.apply(&e.ctx, Command::Elb(Cmd::CreateLoadBalancer(spec)))
                .unwrap_err();
        assert_eq!(
            err.message,
            "A load balancer with the same name 'dup' exists, but with different settings"
        );
    }

    #[test]
    fn create_load_balancer_refusals() {
        let mut e = env();
        let default_subnet =
            e.w.subnets
                .values()
                .find(|s| s.default_for_az)
                .unwrap()
                .id
                .clone();
        let other_vpc = e.other_vpc();
        let foreign_subnet = e.subnet(&other_vpc, "10.9.0.0/24", "us-east-1b");
        let tiny = e.subnet(&e.vpc.clone(), "10.0.3.0/28", "us-east-1c");
        // 11 usable addresses, 4 in use: fewer than the 8 free a load balancer needs.
        e.w.subnets.get_mut(&tiny).unwrap().used.extend(4..8);
        let other_vpc_sg =
            e.w.vpcs
                .get(&other_vpc)
                .unwrap()
                .default_security_group_id
                .clone();
        type Edit = Box<dyn Fn(&mut CreateLoadBalancer)>;
        let s0 = e.subnets[0].clone();
        let s2 = e.subnets[2].clone();
        let cases: Vec<(Edit, &str)> = vec![
            (Box::new(|c| c.lb_type = None), "ValidationError"),
            (
                Box::new(|c| c.lb_type = Some("application".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.lb_type = Some("classic".into())),
                "ValidationError",
            ),
            (Box::new(|c| c.name = "x".repeat(33)), "ValidationError"),
            (Box::new(|c| c.name = "bad_name".into()), "ValidationError"),
            (Box::new(|c| c.name = "-lead".into()), "ValidationError"),
            (Box::new(|c| c.name = "trail-".into()), "ValidationError"),
            (
                Box::new(|c| c.name = "internal-x".into()),
                "ValidationError",
            ),
            (Box::new(|c| c.name = String::new()), "ValidationError"),
            (
                Box::new(|c| c.scheme = Some("public".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| {
                    c.lb_type = Some("gateway".into());
                    c.scheme = Some("internet-facing".into());
                }),
                "InvalidScheme",
            ),
            (
                Box::new(|c| c.ip_address_type = Some("dualstack-without-public-ipv4".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.ip_address_type = Some("ipv5".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.ip_address_type = Some("dualstack".into())),
                "InvalidSubnet",
            ),
            (Box::new(|c| c.subnets.clear()), "ValidationError"),
            (
                Box::new(move |c| {
                    c.subnet_mappings = vec![SubnetMapping {
                        subnet_id: s0.clone(),
                        private_ipv4_address: None,
                    }]
                }),
                "ValidationError",
            ),
            (
                Box::new(|c| c.subnets = vec!["subnet-0123456789abcdef0".into()]),
                "SubnetNotFound",
            ),
            (
                Box::new(move |c| c.subnets.push(s2.clone())),
                "InvalidConfigurationRequest",
            ),
            (
                Box::new(move |c| c.subnets.push(foreign_subnet.clone())),
                "InvalidConfigurationRequest",
            ),
            (
                Box::new(move |c| c.subnets = vec![tiny.clone()]),
                "InvalidSubnet",
            ),
            (
                Box::new(|c| c.scheme = Some("internet-facing".into())),
                "InvalidSubnet",
            ),
            (
                Box::new(|c| c.security_groups = vec!["sg-0123456789abcdef0".into()]),
                "InvalidSecurityGroup",
            ),
            (
                Box::new(move |c| c.security_groups = vec![other_vpc_sg.clone()]),
                "InvalidSecurityGroup",
            ),
            (
                Box::new(|c| c.security_groups = (0..6).map(|i| format!("sg-{i:017x}")).collect()),
                "ValidationError",
            ),
            (
                Box::new(|c| {
                    c.lb_type = Some("gateway".into());
                    c.security_groups = vec!["sg-0123456789abcdef0".into()];
                }),
                "InvalidConfigurationRequest",
            ),
            (
                Box::new(|c| c.tags = vec![("a".into(), "1".into()), ("a".into(), "2".into())]),
                "DuplicateTagKeys",
            ),
            (
                Box::new(|c| c.tags = vec![("aws:x".into(), "1".into())]),
                "ValidationError",
            ),
            (
                Box::new(|c| c.tags = vec![("bad#key".into(), "1".into())]),
                "ValidationError",
            ),
            (
                Box::new(|c| c.tags = vec![("k".into(), "v".repeat(257))]),
                "ValidationError",
            ),
            (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
        ];
        for (edit, code) in cases {
            let mut spec = e.nlb_spec("refused", &[0]);
            edit(&mut spec);
            e.check(Cmd::CreateLoadBalancer(spec), Err(code));
        }
        // Internet-facing works in a VPC with an internet gateway (the default VPC).
        let mut spec = e.nlb_spec("public", &[]);
        spec.subnets = vec![default_subnet];
        spec.scheme = None;
        spec.tags = tags(50);
        let arn = e.ok(Cmd::CreateLoadBalancer(spec)).unwrap();
        let lb = e.lb(&arn).clone();
        assert_eq!(lb.scheme, "internet-facing");
        assert_eq!(lb.tags.len(), 50);
        let public = lb.subnets[0].public_ip.unwrap();
        assert_eq!(
            e.w.network_interfaces
                .get(&lb.subnets[0].network_interface_id)
                .unwrap()
                .public_ip,
            Some(public)
        );
        // Security groups of the load balancer's VPC are accepted (and deduplicated).
        let sg =
            e.w.vpcs
                .get(&e.vpc)
                .unwrap()
                .default_security_group_id
                .clone();
        let mut spec = e.nlb_spec("with-sg", &[0]);
        spec.security_groups = vec![sg.clone(), sg.clone()];
        let arn = e.ok(Cmd::CreateLoadBalancer(spec)).unwrap();
        assert_eq!(e.lb(&arn).security_groups, vec![sg.clone()]);
        let eni = &e.lb(&arn).subnets[0].network_interface_id;
        assert_eq!(e.w.network_interfaces.get(eni).unwrap().groups, vec![sg]);
    }

    #[test]
    fn load_balancer_quota_is_enforced_only_when_configured() {
        let mut config = Config::default();
        config
            .quotas
            .set_from_arg("load-balancers-per-region=1")
            .unwrap();
        let mut e = env_with(config);
        e.nlb("one", &[0]);
        let spec = e.nlb_spec("two", &[1]);
        e.check(Cmd::CreateLoadBalancer(spec), Err("TooManyLoadBalancers"));
        let mut e = env();
        for i in 0..3 {
            e.nlb(&format!("lb{i}"), &[1]);
        }
    }

    #[test]
    fn delete_load_balancer_releases_interfaces_and_listeners() {
        let mut e = env();
        let arn = e.nlb("gone", &[0, 1]);
        let tg = e.tg("tg");
        let listener = e.listener(&arn, &tg, 80);
        let enis: Vec<String> = e
            .lb(&arn)
            .subnets
            .iter()
            .map(|s| s.network_interface_id.clone())
            .collect();
        e.ok(Cmd::DeleteLoadBalancer { arn: arn.clone() });
        assert!(e.w.load_balancers.get(&arn).is_none());
        assert!(e.w.listeners.get(&listener).is_none());
        assert!(enis
            .iter()
            .all(|id| e.w.network_interfaces.get(id).is_none()));
        assert!(e
            .subnets
            .iter()
            .all(|s| e.w.subnets.get(s).unwrap().used.is_empty()));
        assert!(e.w.target_groups.get(&tg).is_some());
        // Deleting again (or an unknown one) succeeds; a malformed ARN does not.
        e.ok(Cmd::DeleteLoadBalancer { arn: arn.clone() });
        e.check(
            Cmd::DeleteLoadBalancer { arn: "gone".into() },
            Err("ValidationError"),
        );
        // The subnets can go now.
        e.w.apply(
            &e.ctx,
            Command::Subnet(subnet::Cmd::Delete {
                subnet_id: e.subnets[0].clone(),
            }),
        )
        .unwrap();
    }

    #[test]
    fn accounts_are_isolated() {
        let mut e = env();
        let lb = e.nlb("mine", &[0]);
        let tg = e.tg("mine");
        let listener = e.listener(&lb, &tg, 80);
        let subnet = e.subnets[0].clone();
        e.as_account(B);
        e.check(
            Cmd::RegisterTargets {
                arn: tg.clone(),
                targets: vec![ip("10.0.0.9")],
            },
            Err("TargetGroupNotFound"),
        );
        e.check(
            Cmd::DeleteListener {
                arn: listener.clone(),
            },
            Err("ListenerNotFound"),
        );
        e.check(
            Cmd::AddTags {
                arns: vec![lb.clone()],
                tags: tags(1),
            },
            Err("LoadBalancerNotFound"),
        );
        let spec = CreateListener {
            load_balancer_arn: lb.clone(),
            protocol: Some("TCP".into()),
            port: Some(81),
            default_actions: vec![forward(&tg)],
            ..Default::default()
        };
        e.check(Cmd::CreateListener(spec), Err("LoadBalancerNotFound"));
        let spec = CreateLoadBalancer {
            name: "theirs".into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: vec![subnet],
            ..Default::default()
        };
        e.check(Cmd::CreateLoadBalancer(spec), Err("SubnetNotFound"));
        // Deleting someone else's load balancer or group is a no-op.
        e.ok(Cmd::DeleteLoadBalancer { arn: lb.clone() });
        e.ok(Cmd::DeleteTargetGroup { arn: tg.clone() });
        assert!(e.w.load_balancers.get(&lb).is_some() && e.w.target_groups.get(&tg).is_some());
        let err =
            describe_load_balancers(&e.w, &e.ctx, std::slice::from_ref(&lb), &[]).unwrap_err();
        assert_eq!(err.code, "LoadBalancerNotFound");
        assert!(describe_load_balancers(&e.w, &e.ctx, &[], &[])
            .unwrap()
            .is_empty());
        // The same name is free in another account.
        let s =
            e.w.subnets
                .in_scope(&e.ctx.scope())
                .next()
                .unwrap()
                .id
                .clone();
        let spec = CreateLoadBalancer {
            name: "mine".into(),
            lb_type: Some("network".into()),
            subnets: vec![s],
            ..Default::default()
        };
        e.ok(Cmd::CreateLoadBalancer(spec));
    }

    #[test]
    fn create_target_group_defaults_and_refusals() {
        let mut e = env();
        let arn = e.tg("web");
        let g = e.w.target_groups.get(&arn).unwrap().clone();
        assert!(arn.starts_with(&format!(
            "arn:aws:elasticloadbalancing:us-east-1:{A}:targetgroup/web/"
        )));
        assert_eq!(arn.rsplit('/').next().unwrap().len(), 16);
        assert_eq!(
            (g.protocol.as_str(), g.port, g.target_type.as_str()),
            ("TCP", 80, "ip")
        );
        let hc = &g.health_check;
        assert!(hc.enabled);
        assert_eq!(
            (hc.protocol.as_str(), hc.port.as_str()),
            ("TCP", "traffic-port")
        );
        assert_eq!(
            (
                hc.interval_seconds,
                hc.timeout_seconds,
                hc.healthy_threshold,
                hc.unhealthy_threshold
            ),
            (30, 10, 5, 2)
        );
        assert_eq!((hc.path.as_deref(), hc.matcher.as_deref()), (None, None));
        // HTTP health checks get a path and matcher.
        let mut spec = e.tg_spec("http-hc", "TCP", "instance");
        spec.health_check.protocol = Some("HTTP".into());
        spec.health_check.port = Some("8080".into());
        let h = e.ok(Cmd::CreateTargetGroup(spec)).unwrap();
        let hc = e.w.target_groups.get(&h).unwrap().health_check.clone();
        assert_eq!(
            (
                hc.path.as_deref(),
                hc.matcher.as_deref(),
                hc.port.as_str(),
                hc.timeout_seconds
            ),
            (Some("/"), Some("200-399"), "8080", 6)
        );
        // Same settings: same group; other settings: refused.
        assert_eq!(
            e.ok(Cmd::CreateTargetGroup(e.tg_spec("web", "TCP", "ip"))),
            Some(arn)
        );
        e.check(
            Cmd::CreateTargetGroup(e.tg_spec("web", "UDP", "ip")),
            Err("DuplicateTargetGroupName"),
        );
        type Edit = Box<dyn Fn(&mut CreateTargetGroup)>;
        let cases: Vec<(Edit, &str)> = vec![
            (Box::new(|c| c.name = "x".repeat(33)), "ValidationError"),
            (Box::new(|c| c.name = "a.b".into()), "ValidationError"),
            (Box::new(|c| c.protocol = None), "ValidationError"),
            (
                Box::new(|c| c.protocol = Some("HTTP".into())),
                "ValidationError",
            ),
            (Box::new(|c| c.port = None), "ValidationError"),
            (Box::new(|c| c.port = Some(0)), "ValidationError"),
            (Box::new(|c| c.port = Some(65536)), "ValidationError"),
            (
                Box::new(|c| c.protocol = Some("GENEVE".into())),
                "ValidationError",
            ),
            (Box::new(|c| c.vpc_id = None), "ValidationError"),
            (
                Box::new(|c| c.vpc_id = Some("vpc-0123456789abcdef0".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.target_type = Some("lambda".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.target_type = Some("pod".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.ip_address_type = Some("ipv6".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.ip_address_type = Some("ipx".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.protocol = Some("UDP".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.port = Some("http".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.port = Some("70000".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.path = Some("/x".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.interval_seconds = Some(4)),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.timeout_seconds = Some(121)),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.timeout_seconds = Some(30)),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.healthy_threshold = Some(11)),
                "ValidationError",
            ),
            (
                Box::new(|c| c.health_check.unhealthy_threshold = Some(1)),
                "ValidationError",
            ),
            (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
        ];
        for (edit, code) in cases {
            let mut spec = e.tg_spec("refused", "TCP", "instance");
            edit(&mut spec);
            e.check(Cmd::CreateTargetGroup(spec), Err(code));
        }
        let g = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("geneve", "GENEVE", "ip")))
            .unwrap();
        assert_eq!(e.w.target_groups.get(&g).unwrap().health_check.port, "80");
        let mut v6 = e.tg_spec("v6", "TCP", "ip");
        v6.ip_address_type = Some("ipv6".into());
        e.ok(Cmd::CreateTargetGroup(v6));
    }

    #[test]
    fn target_group_quota() {
        let mut config = Config::default();
        config
            .quotas
            .set_from_arg(&format!("{A}:target-groups-per-region=1"))
            .unwrap();
        let mut e = env_with(config);
        e.tg("one");
        e.check(
            Cmd::CreateTargetGroup(e.tg_spec("two", "TCP", "ip")),
            Err("TooManyTargetGroups"),
        );
    }

    #[test]
    fn delete_target_group_in_use_is_refused() {
        let mut e = env();
        let lb = e.nlb("lb", &[0]);
        let tg = e.tg("tg");
        let listener = e.listener(&lb, &tg, 80);
        e.check(
            Cmd::DeleteTargetGroup { arn: tg.clone() },
            Err("ResourceInUse"),
        );
        e.ok(Cmd::DeleteListener {
            arn: listener.clone(),
        });
        e.check(
            Cmd::DeleteListener { arn: listener },
            Err("ListenerNotFound"),
        );
        e.check(
            Cmd::DeleteListener { arn: "nope".into() },
            Err("ValidationError"),
        );
        e.ok(Cmd::DeleteTargetGroup { arn: tg.clone() });
        assert!(e.w.target_groups.get(&tg).is_none());
        e.ok(Cmd::DeleteTargetGroup { arn: tg });
        e.check(
            Cmd::DeleteTargetGroup { arn: "nope".into() },
            Err("ValidationError"),
        );
    }

    #[test]
    fn register_ip_targets() {
        let mut e = env();
        let tg = e.tg("ips");
        let reg = |targets: Vec<TargetSpec>| Cmd::RegisterTargets {
            arn: tg.clone(),
            targets,
        };
        e.ok(reg(vec![
            ip("10.0.0.10"),
            TargetSpec {
                port: Some(8080),
                ..ip("10.0.1.10")
            },
        ]));
        // Registering again is a no-op; the same address on another port is another target.
        e.ok(reg(vec![
            ip("10.0.0.10"),
            TargetSpec {
                port: Some(81),
                ..ip("10.0.0.10")
            },
        ]));
        let targets = e.w.target_groups.get(&tg).unwrap().targets.clone();
        let got: Vec<(String, Option<u16>)> =
            targets.iter().map(|t| (t.id.clone(), t.port)).collect();
        assert_eq!(
            got,
            vec![
                ("10.0.0.10".into(), Some(80)),
                ("10.0.1.10".into(), Some(8080)),
                ("10.0.0.10".into(), Some(81))
            ]
        );
        // Outside the VPC: only private addresses with the zone `all`.
        e.check(reg(vec![ip("192.168.1.1")]), Err("InvalidTarget"));
        e.ok(reg(vec![TargetSpec {
            availability_zone: Some("all".into()),
            ..ip("192.168.1.1")
        }]));
        e.ok(reg(vec![TargetSpec {
            availability_zone: Some("all".into()),
            ..ip("100.64.0.7")
        }]));
        e.check(
            reg(vec![TargetSpec {
                availability_zone: Some("all".into()),
                ..ip("8.8.8.8")
            }]),
            Err("InvalidTarget"),
        );
        e.ok(reg(vec![TargetSpec {
            availability_zone: Some("us-east-1b".into()),
            ..ip("10.0.1.11")
        }]));
        e.check(
            reg(vec![TargetSpec {
                availability_zone: Some("mars-1a".into()),
                ..ip("10.0.1.12")
            }]),
            Err("ValidationError"),
        );
        e.check(reg(vec![ip("i-0123456789abcdef0")]), Err("InvalidTarget"));
        e.check(
            reg(vec![TargetSpec {
                port: Some(0),
                ..ip("10.0.0.11")
            }]),
            Err("ValidationError"),
        );
        e.check(reg(vec![]), Err("ValidationError"));
        // All or nothing: one bad target leaves the group unchanged.
        e.check(
            reg(vec![ip("10.0.0.12"), ip("8.8.8.8")]),
            Err("InvalidTarget"),
        );
        e.check(
            Cmd::RegisterTargets {
                arn: tg.replace("/ips/", "/nope/"),
                targets: vec![ip("10.0.0.10")],
            },
            Err("TargetGroupNotFound"),
        );
        e.check(
            Cmd::RegisterTargets {
                arn: "ips".into(),
                targets: vec![ip("10.0.0.10")],
            },
            Err("ValidationError"),
        );
    }

    #[test]
    fn register_instance_targets() {
        let mut e = env();
        let tg = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("inst", "TCP", "instance")))
            .unwrap();
        let running = e.instance(0, InstanceState::Running);
        let stopped = e.instance(1, InstanceState::Terminated);
        let other_vpc = e.other_vpc();
        let far = e.subnet(&other_vpc, "10.9.0.0/24", "us-east-1a");
        e.subnets.push(far);
        let elsewhere = e.instance(3, InstanceState::Running);
        let reg = |targets: Vec<TargetSpec>| Cmd::RegisterTargets {
            arn: tg.clone(),
            targets,
        };
        e.ok(reg(vec![ip(&running)]));
        e.check(reg(vec![ip(&stopped)]), Err("InvalidTarget"));
        e.check(reg(vec![ip(&elsewhere)]), Err("InvalidTarget"));
        e.check(reg(vec![ip("i-0123456789abcdef0")]), Err("InvalidTarget"));
        e.check(reg(vec![ip("10.0.0.5")]), Err("ValidationError"));
        e.check(
            reg(vec![TargetSpec {
                availability_zone: Some("us-east-1a".into()),
                ..ip(&running)
            }]),
            Err("ValidationError"),
        );
        e.as_account(B);
        e.check(reg(vec![ip(&running)]), Err("TargetGroupNotFound"));
    }

    #[test]
    fn deregister_targets() {
        let mut e = env();
        let tg = e.tg("ips");
        e.ok(Cmd::RegisterTargets {
            arn: tg.clone(),
            targets: vec![ip("10.0.0.10"), ip("10.0.0.11")],
        });
        let dereg = |targets: Vec<TargetSpec>| Cmd::DeregisterTargets {
            arn: tg.clone(),
            targets,
        };
        e.check(dereg(vec![ip("10.0.0.12")]), Err("InvalidTarget"));
        e.check(
            dereg(vec![TargetSpec {
                port: Some(81),
                ..ip("10.0.0.10")
            }]),
            Err("InvalidTarget"),
        );
        e.check(
            dereg(vec![ip("10.0.0.10"), ip("10.0.0.99")]),
            Err("InvalidTarget"),
        );
        e.check(dereg(vec![]), Err("ValidationError"));
        e.ok(dereg(vec![ip("10.0.0.10")]));
        let left: Vec<String> =
            e.w.target_groups
                .get(&tg)
                .unwrap()
                .targets
                .iter()
                .map(|t| t.id.clone())
                .collect();
        assert_eq!(left, ["10.0.0.11"]);
    }

    #[test]
    fn create_listener_rules() {
        let mut e = env();
        let lb = e.nlb("lb", &[0]);
        let lb2 = e.nlb("lb2", &[1]);
        let tg = e.tg("tg");
        let udp = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("udp", "UDP", "ip")))
            .unwrap();
        let both = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("both", "TCP_UDP", "ip")))
            .unwrap();
        let other_vpc = e.other_vpc();
        let mut far_spec = e.tg_spec("far", "TCP", "ip");
        far_spec.vpc_id = Some(other_vpc);
        let far = e.ok(Cmd::CreateTargetGroup(far_spec)).unwrap();
        let arn = e.listener(&lb, &tg, 80);
        let lb_hex = e.lb(&lb).short_id().to_string();
        assert!(arn.starts_with(&format!(
            "arn:aws:elasticloadbalancing:us-east-1:{A}:listener/net/lb/{lb_hex}/"
        )));
        assert_eq!(arn.rsplit('/').next().unwrap().len(), 16);
        // Same settings: the same listener. Another listener may share the group.
        assert_eq!(
            e.ok(Cmd::CreateListener(e.listener_spec(&lb, &tg, 80))),
            Some(arn.clone())
        );
        e.listener(&lb, &tg, 81);
        e.check(
            Cmd::CreateListener(e.listener_spec(&lb, &both, 80)),
            Err("DuplicateListener"),
        );
        type Edit = Box<dyn Fn(&mut CreateListener)>;
        let (lb2c, udpc, farc, bothc) = (lb2.clone(), udp.clone(), far.clone(), both.clone());
        let tgc = tg.clone();
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(move |c| c.load_balancer_arn = lb2c.clone()),
                "TargetGroupAssociationLimit",
            ),
            (
                Box::new(move |c| c.default_actions = vec![forward(&udpc)]),
                "IncompatibleProtocols",
            ),
            (
                Box::new(move |c| c.default_actions = vec![forward(&farc)]),
                "InvalidConfigurationRequest",
            ),
            (
                Box::new(|c| {
                    c.default_actions = vec![forward("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/x/0000000000000000")]
                }),
                "TargetGroupNotFound",
            ),
            (
                Box::new(|c| c.default_actions = vec![forward("x")]),
                "ValidationError",
            ),
            (Box::new(|c| c.default_actions.clear()), "ValidationError"),
            (
                Box::new(move |c| c.default_actions.push(forward(&tgc))),
                "TooManyActions",
            ),
            (
                Box::new(|c| c.default_actions[0].action_type = "redirect".into()),
                "InvalidLoadBalancerAction",
            ),
            (
                Box::new(|c| c.default_actions[0].target_group_arn = None),
                "ValidationError",
            ),
            (
                Box::new(move |c| c.default_actions[0].forward_target_groups = vec![bothc.clone()]),
                "InvalidLoadBalancerAction",
            ),
            (Box::new(|c| c.protocol = None), "ValidationError"),
            (
                Box::new(|c| c.protocol = Some("HTTP".into())),
                "ValidationError",
            ),
            (Box::new(|c| c.port = None), "ValidationError"),
            (Box::new(|c| c.port = Some(70000)), "ValidationError"),
            (
                Box::new(|c| c.protocol = Some("TLS".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| c.certificates = vec!["arn:aws:acm:x".into()]),
                "ValidationError",
            ),
            (
                Box::new(|c| c.ssl_policy = Some("p".into())),
                "ValidationError",
            ),
            (
                Box::new(|c| {
                    c.protocol = Some("TLS".into());
                    c.certificates = vec!["cert".into()];
                }),
                "CertificateNotFound",
            ),
            (
                Box::new(|c| {
                    c.load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/x/0000000000000000".into()
                }),
                "LoadBalancerNotFound",
            ),
            (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
        ];
        for (edit, code) in cases {
            let mut spec = e.listener_spec(&lb, &tg, 90);
            edit(&mut spec);
            e.check(Cmd::CreateListener(spec), Err(code));
        }
        // Forward through ForwardConfig, UDP and TLS listeners.
        let mut spec = e.listener_spec(&lb, &both, 53);
        spec.protocol = Some("UDP".into());
        spec.default_actions[0].target_group_arn = None;
        spec.default_actions[0].forward_target_groups = vec![both.clone()];
        e.ok(Cmd::CreateListener(spec));
        let mut spec = e.listener_spec(&lb, &tg, 443);
        spec.protocol = Some("TLS".into());
        spec.certificates = vec!["arn:aws:acm:us-east-1:111111111111:certificate/x".into()];
        let tls = e.ok(Cmd::CreateListener(spec)).unwrap();
        assert_eq!(
            e.w.listeners.get(&tls).unwrap().ssl_policy.as_deref(),
            Some(DEFAULT_SSL_POLICY)
        );
    }

    #[test]
    fn gateway_listeners_have_no_protocol() {
        let mut e = env();
        let mut spec = e.nlb_spec("gw", &[0]);
        spec.lb_type = Some("gateway".into());
        spec.scheme = None;
        let gw = e.ok(Cmd::CreateLoadBalancer(spec)).unwrap();
        let geneve = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("geneve", "GENEVE", "ip")))
            .unwrap();
        let tcp = e.tg("tcp");
        let nlb = e.nlb("nlb", &[1]);
        e.check(
            Cmd::CreateListener(e.listener_spec(&gw, &geneve, 80)),
            Err("ValidationError"),
        );
        let mut spec = e.listener_spec(&gw, &tcp, 0);
        spec.protocol = None;
        spec.port = None;
        e.check(
            Cmd::CreateListener(spec.clone()),
            Err("IncompatibleProtocols"),
        );
        spec.default_actions = vec![forward(&geneve)];
        let l = e.ok(Cmd::CreateListener(spec.clone())).unwrap();
        assert!(l.contains(":listener/gwy/gw/"));
        assert_eq!(e.w.listeners.get(&l).unwrap().port, None);
        // One listener per gateway load balancer.
        assert_eq!(e.ok(Cmd::CreateListener(spec.clone())), Some(l));
        spec.default_actions = vec![forward(&tcp)];
        e.check(Cmd::CreateListener(spec), Err("IncompatibleProtocols"));
        e.check(
            Cmd::CreateListener(e.listener_spec(&nlb, &geneve, 80)),
            Err("IncompatibleProtocols"),
        );
    }

    #[test]
    fn target_health_follows_listeners_and_zones() {
        let mut e = env_with(Config {
            delays: Delays { transition: 1000 },
            ..Config::default()
        });
        let lb = e.nlb("lb", &[1]);
        let tg = e.tg("tg");
        e.ok(Cmd::RegisterTargets {
            arn: tg.clone(),
            targets: vec![
                ip("10.0.1.10"),
                ip("10.0.0.10"),
                TargetSpec {
                    availability_zone: Some("all".into()),
                    ..ip("192.168.0.1")
                },
                TargetSpec {
                    port: Some(8080),
                    ..ip("10.0.1.11")
                },
            ],
        });
        let states = |e: &Env, now: Millis| -> Vec<(String, &'static str, Option<&'static str>)> {
            let ctx = Ctx::new(A, "us-east-1", now);
            describe_target_health(&e.w, &ctx, &tg, &[])
                .unwrap()
                .into_iter()
                .map(|r| (r.target.id, r.state, r.reason))
                .collect()
        };
        assert!(states(&e, 0)
            .iter()
            .all(|(_, s, r)| *s == "unused" && *r == Some("Target.NotInUse")));
        e.listener(&lb, &tg, 80);
        // Still provisioning.
        assert!(states(&e, 999).iter().all(|(_, s, _)| *s == "unused"));
        let got = states(&e, 1000);
        assert_eq!(
            got,
            vec![
                ("10.0.1.10".into(), "healthy", None),
                ("10.0.0.10".into(), "unused", Some("Target.NotInUse")),
                ("192.168.0.1".into(), "healthy", None),
                ("10.0.1.11".into(), "healthy", None),
            ]
        );
        let ctx = Ctx::new(A, "us-east-1", 1000);
        let rows = describe_target_health(&e.w, &ctx, &tg, &[]).unwrap();
        assert_eq!(rows[3].health_check_port, "8080");
        assert_eq!(rows[3].target.port, Some(8080));
        // Asking for specific targets, one of them unregistered.
        let rows =
            describe_target_health(&e.w, &ctx, &tg, &[ip("10.0.1.10"), ip("10.0.1.99")]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].state, rows[1].state, rows[1].reason),
            ("healthy", "unused", Some("Target.NotRegistered"))
        );
        let err = describe_target_health(&e.w, &ctx, &tg.replace("/tg/", "/zz/"), &[]).unwrap_err();
        assert_eq!(err.code, "TargetGroupNotFound");
    }

    #[test]
    fn instance_target_health() {
        let mut e = env();
        let lb = e.nlb("lb", &[0]);
        let tg = e
            .ok(Cmd::CreateTargetGroup(e.tg_spec("inst", "TCP", "instance")))
            .unwrap();
        let i = e.instance(0, InstanceState::Running);
        e.ok(Cmd::RegisterTargets {
            arn: tg.clone(),
            targets: vec![ip(&i)],
        });
        e.listener(&lb, &tg, 80);
        let health = |e: &Env| describe_target_health(&e.w, &e.ctx, &tg, &[]).unwrap()[0].clone();
        assert_eq!(health(&e).state, "healthy");
        e.w.instances.get_mut(&i).unwrap().state = InstanceState::Terminated;
        assert_eq!(
            (health(&e).state, health(&e).reason),
            ("unused", Some("Target.InvalidState"))
        );
    }

    #[test]
    fn describes_and_their_errors() {
        let mut e = env();
        let a = e.nlb("alpha", &[0]);
        let b = e.nlb("beta", &[1]);
        let tg = e.tg("tg");
        let idle = e.tg("idle");
        let l = e.listener(&a, &tg, 80);
        let names =
            |v: Vec<&LoadBalancer>| v.into_iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        let all = describe_load_balancers(&e.w, &e.ctx, &[], &[]).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            names(describe_load_balancers(&e.w, &e.ctx, &[], &["beta".into()]).unwrap()),
            ["beta"]
        );
        assert_eq!(
            names(
                describe_load_balancers(&e.w, &e.ctx, &[b.clone(), a.clone(), b.clone()], &[])
                    .unwrap()
            ),
            ["beta", "alpha"]
        );
        let err = describe_load_balancers(&e.w, &e.ctx, &[], &["beta".into(), "gamma".into()])
            .unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("LoadBalancerNotFound", "Load balancers '[gamma]' not found")
        );
        let missing = a.replace("/alpha/", "/gone/");
        let err =
            describe_load_balancers(&e.w, &e.ctx, std::slice::from_ref(&missing), &[]).unwrap_err();
        assert_eq!(
            err.message,
            format!("Load balancers '[{missing}]' not found")
        );
        assert_eq!(
            describe_load_balancers(&e.w, &e.ctx, &["x".into()], &[])
                .unwrap_err()
                .code,
            "ValidationError"
        );
        assert_eq!(
            describe_load_balancers(&e.w, &e.ctx, std::slice::from_ref(&a), &["alpha".into()])
                .unwrap_err()
                .code,
            "ValidationError"
        );

        let tg_names =
            |v: Vec<&TargetGroup>| v.into_iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            describe_target_groups(&e.w, &e.ctx, None, &[], &[])
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            tg_names(describe_target_groups(&e.w, &e.ctx, Some(&a), &[], &[]).unwrap()),
            ["tg"]
        );
        assert!(describe_target_groups(&e.w, &e.ctx, Some(&b), &[], &[])
            .unwrap()
            .is_empty());
        assert_eq!(
            tg_names(
                describe_target_groups(&e.w, &e.ctx, None, std::slice::from_ref(&idle), &[])
                    .unwrap()
            ),
            ["idle"]
        );
        assert_eq!(
            tg_names(describe_target_groups(&e.w, &e.ctx, None, &[], &["tg".into()]).unwrap()),
            ["tg"]
        );
        let err = describe_target_groups(&e.w, &e.ctx, None, &[], &["nope".into()]).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("TargetGroupNotFound", "Target groups 'nope' not found")
        );
        let gone = tg.replace("/tg/", "/gone/");
        let err = describe_target_groups(&e.w, &e.ctx, None, std::slice::from_ref(&gone), &[])
            .unwrap_err();
        assert_eq!(err.message, format!("Target groups '{gone}' not found"));
        assert_eq!(
            describe_target_groups(&e.w, &e.ctx, Some(&a), &[], &["tg".into()])
                .unwrap_err()
                .code,
            "ValidationError"
        );
        assert_eq!(
            describe_target_groups(&e.w, &e.ctx, Some(&missing), &[], &[])
                .unwrap_err()
                .code,
            "LoadBalancerNotFound"
        );
        assert_eq!(target_group_load_balancers(&e.w, &tg), vec![a.clone()]);
        assert!(target_group_load_balancers(&e.w, &idle).is_empty());

        assert_eq!(
            describe_listeners(&e.w, &e.ctx, Some(&a), &[]).unwrap()[0].arn,
            l
        );
        assert!(describe_listeners(&e.w, &e.ctx, Some(&b), &[])
            .unwrap()
            .is_empty());
        assert_eq!(
            describe_listeners(&e.w, &e.ctx, None, std::slice::from_ref(&l))
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            describe_listeners(&e.w, &e.ctx, None, &[])
                .unwrap_err()
                .code,
            "ValidationError"
        );
        assert_eq!(
            describe_listeners(&e.w, &e.ctx, Some(&a), std::slice::from_ref(&l))
                .unwrap_err()
                .code,
            "ValidationError"
        );
        let gone_l = format!("{}0", &l[..l.len() - 1]);
        assert_eq!(
            describe_listeners(&e.w, &e.ctx, None, &[gone_l])
                .unwrap_err()
                .code,
            "ListenerNotFound"
        );
        assert_eq!(
            describe_listeners(&e.w, &e.ctx, Some(&missing), &[])
                .unwrap_err()
                .code,
            "LoadBalancerNotFound"
        );
    }

    #[test]
    fn tags_on_every_kind() {
        let mut e = env();
        let lb = e.nlb("lb", &[0]);
        let tg = e.tg("tg");
        let l = e.listener(&lb, &tg, 80);
        let arns = vec![lb.clone(), tg.clone(), l.clone()];
        e.ok(Cmd::AddTags {
            arns: arns.clone(),
            tags: vec![("env".into(), "dev".into()), ("team".into(), "net".into())],
        });
        e.ok(Cmd::AddTags {
            arns: vec![lb.clone()],
            tags: vec![("env".into(), "prod".into())],
        });
        let got = describe_tags(&e.w, &e.ctx, &arns).unwrap();
        assert_eq!(got[0].1.get("env").map(String::as_str), Some("prod"));
        assert_eq!(got[1].1.get("env").map(String::as_str), Some("dev"));
        assert_eq!(got[2].0, l);
        e.ok(Cmd::RemoveTags {
            arns: arns.clone(),
            keys: vec!["env".into(), "absent".into()],
        });
        let got = describe_tags(&e.w, &e.ctx, &arns).unwrap();
        assert!(got
            .iter()
            .all(|(_, t)| t.keys().collect::<Vec<_>>() == ["team"]));
        let gone_tg = tg.replace("/tg/", "/gone/");
        let gone_lb = lb.replace("/lb/", "/gone/");
        let cases = [
            (
                Cmd::AddTags {
                    arns: vec![],
                    tags: tags(1),
                },
                "ValidationError",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone()],
                    tags: vec![],
                },
                "ValidationError",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone(); 21],
                    tags: tags(1),
                },
                "ValidationError",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone(), "vpc-1".into()],
                    tags: tags(1),
                },
                "ValidationError",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone(), gone_tg.clone()],
                    tags: tags(1),
                },
                "TargetGroupNotFound",
            ),
            (
                Cmd::AddTags {
                    arns: vec![gone_lb.clone()],
                    tags: tags(1),
                },
                "LoadBalancerNotFound",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone()],
                    tags: tags(50),
                },
                "TooManyTags",
            ),
            (
                Cmd::AddTags {
                    arns: vec![lb.clone()],
                    tags: vec![("aws:k".into(), "v".into())],
                },
                "ValidationError",
            ),
            (
                Cmd::RemoveTags {
                    arns: vec![lb.clone()],
                    keys: vec![],
                },
                "ValidationError",
            ),
            (
                Cmd::RemoveTags {
                    arns: vec![gone_tg.clone()],
                    keys: vec!["team".into()],
                },
                "TargetGroupNotFound",
            ),
        ];
        for (cmd, code) in cases {
            e.check(cmd, Err(code));
        }
        // 49 new keys next to the one left fit exactly.
        e.ok(Cmd::AddTags {
            arns: vec![lb.clone()],
            tags: tags(49),
        });
        assert_eq!(
            describe_tags(&e.w, &e.ctx, &[gone_lb]).unwrap_err().code,
            "LoadBalancerNotFound"
        );
        assert_eq!(
            describe_tags(&e.w, &e.ctx, &[]).unwrap_err().code,
            "ValidationError"
        );
    }
}
