//! Network interfaces and instances (instances are address holders, no compute).

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

/// An interface's attachment to an instance (or a service-managed owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub instance_id: Option<String>,
    pub instance_owner_id: String,
    pub device_index: u32,
    pub delete_on_termination: bool,
    pub attach_time: Millis,
}

/// A network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    /// Private IPv4 addresses, primary first.
    pub private_ips: Vec<Ipv4Addr>,
    pub ipv6_addresses: Vec<Ipv6Addr>,
    pub groups: Vec<String>,
    pub source_dest_check: bool,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, `network_load_balancer`, …
    pub interface_type: String,
    pub requester_managed: bool,
    pub requester_id: Option<String>,
    pub description: String,
    pub mac_address: String,
    pub attachment: Option<Attachment>,
    /// The public IPv4 address mapped to the primary private address, if any.
    pub public_ip: Option<Ipv4Addr>,
    /// The Elastic IP allocation providing `public_ip`, if it is an Elastic IP.
    pub public_ip_allocation_id: Option<String>,
    pub created: Millis,
}

impl Resource for NetworkInterface {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl NetworkInterface {
    /// The primary private IPv4 address.
    pub fn primary_ip(&self) -> Ipv4Addr {
        self.private_ips[0]
    }
}

/// Instance states used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceState {
    Running,
    Terminated,
}

impl InstanceState {
    /// (code, name) as on the wire.
    pub fn wire(self) -> (u32, &'static str) {
        match self {
            InstanceState::Running => (16, "running"),
            InstanceState::Terminated => (48, "terminated"),
        }
    }
}

/// An instance: a holder of a primary network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub scope: Scope,
    pub reservation_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub network_interface_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub state: InstanceState,
    pub launch_time: Millis,
    pub terminated: Option<Millis>,
}

impl Resource for Instance {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Interface and instance commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

/// `InvalidNetworkInterfaceID.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidNetworkInterfaceID.NotFound",
        format!("The networkInterface ID '{id}' does not exist"),
    )
}

/// `InvalidInstanceID.NotFound` for `id`.
pub fn instance_not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidInstanceID.NotFound",
        format!("The instance ID '{id}' does not exist"),
    )
}

/// Applies an interface or instance command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}
