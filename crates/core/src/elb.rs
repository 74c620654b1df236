//! Elastic Load Balancing v2 resources PrivateLink stands on: network and gateway load
//! balancers, target groups, listeners. Resources are keyed by ARN.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

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
}

/// A load balancer's presence in one subnet: one requester-managed interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LbSubnet {
    pub subnet_id: String,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub network_interface_id: String,
    pub private_ip: Ipv4Addr,
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
}

impl Resource for LoadBalancer {
    fn id(&self) -> &str {
        &self.arn
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A registered target: an instance id or an IP address, with an optional port override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub port: Option<u16>,
    pub availability_zone: Option<String>,
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
    pub targets: Vec<Target>,
    pub created: Millis,
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
    pub protocol: String,
    pub port: u16,
    pub target_group_arn: String,
}

impl Resource for Listener {
    fn id(&self) -> &str {
        &self.arn
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// ELBv2 commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

/// `LoadBalancerNotFound` for an ARN.
pub fn load_balancer_not_found(arn: &str) -> ApiError {
    ApiError::new(
        "LoadBalancerNotFound",
        format!("Load balancers '[{arn}]' not found"),
    )
}

/// Applies an ELBv2 command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}
