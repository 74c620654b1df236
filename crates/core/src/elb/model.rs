//! The ELBv2 area's data: load balancers, target groups, listeners and their targets, the
//! command payloads as the wire decodes them, and the area's limits.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::table::Resource;
use crate::tags::TagSet;
use crate::world::Scope;
use crate::Millis;

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

/// Attribute values a Modify*Attributes call set, by key; a key absent holds AWS's default
/// (`attributes.rs`).
pub type Attributes = BTreeMap<String, String>;

fn on() -> bool {
    true
}

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
    /// `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic` (`on` unless set `off`).
    #[serde(default = "on")]
    pub enforce_inbound_on_privatelink: bool,
    #[serde(default)]
    pub attributes: Attributes,
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
    #[serde(default)]
    pub attributes: Attributes,
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
    #[serde(default)]
    pub attributes: Attributes,
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
    SetSecurityGroups {
        arn: String,
        security_groups: Vec<String>,
        /// `on` or `off`, if given.
        enforce_inbound_on_privatelink: Option<String>,
    },
    ModifyLoadBalancerAttributes {
        arn: String,
        attributes: Vec<(String, String)>,
    },
    ModifyTargetGroupAttributes {
        arn: String,
        attributes: Vec<(String, String)>,
    },
    ModifyListenerAttributes {
        arn: String,
        attributes: Vec<(String, String)>,
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

/// Which ELBv2 resource an ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnKind {
    LoadBalancer,
    TargetGroup,
    Listener,
}

impl ArnKind {
    /// The resource's name in messages.
    pub fn noun(self) -> &'static str {
        match self {
            ArnKind::LoadBalancer => "load balancer",
            ArnKind::TargetGroup => "target group",
            ArnKind::Listener => "listener",
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
