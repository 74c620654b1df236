//! Internet gateways, egress-only internet gateways, NAT gateways and Elastic IPs.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

/// An internet gateway, attached to at most one VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub scope: Scope,
    pub attachment: Option<String>,
}

impl Resource for InternetGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// An egress-only internet gateway (IPv6 outbound only), bound to one VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressOnlyGateway {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
}

impl Resource for EgressOnlyGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// NAT gateway lifecycle states (wire spelling via [`NatState::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NatState {
    Pending,
    Failed,
    Available,
    Deleting,
    Deleted,
}

impl NatState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NatState::Pending => "pending",
            NatState::Failed => "failed",
            NatState::Available => "available",
            NatState::Deleting => "deleting",
            NatState::Deleted => "deleted",
        }
    }
}

/// A NAT gateway. Public ones hold an Elastic IP; private ones do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub subnet_id: String,
    pub public: bool,
    pub allocation_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub public_ip: Option<Ipv4Addr>,
    pub state: NatState,
    pub failure: Option<(String, String)>,
    pub created: Millis,
    pub deleted: Option<Millis>,
}

impl Resource for NatGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// An Elastic IP's association with a network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAssociation {
    pub association_id: String,
    pub network_interface_id: String,
    pub instance_id: Option<String>,
    pub private_ip: Ipv4Addr,
}

/// An Elastic IP address (`id` is the allocation id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: String,
    pub scope: Scope,
    pub public_ip: Ipv4Addr,
    pub association: Option<AddressAssociation>,
}

impl Resource for Address {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Gateway and address commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        None
    }
}

/// `InvalidInternetGatewayID.NotFound` for `id`.
pub fn igw_not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidInternetGatewayID.NotFound",
        format!("The internetGateway ID '{id}' does not exist"),
    )
}

/// `NatGatewayNotFound` for `id`.
pub fn nat_not_found(id: &str) -> ApiError {
    ApiError::new(
        "NatGatewayNotFound",
        format!("NAT gateway {id} was not found"),
    )
}

/// `InvalidAllocationID.NotFound` for `id`.
pub fn allocation_not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidAllocationID.NotFound",
        format!("The allocation ID '{id}' does not exist"),
    )
}

/// Applies a gateway command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}

/// Creates an internet gateway attached to `vpc_id` (default VPC).
pub fn create_attached_igw(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id("igw");
    w.internet_gateways.insert(InternetGateway {
        id: id.clone(),
        scope: scope.clone(),
        attachment: Some(vpc_id.to_string()),
    });
    id
}

/// A fresh public IPv4 address from openvpc's synthetic public pool.
pub fn next_public_ip(w: &mut World) -> Ipv4Addr {
    let n = w.counters.public_ips;
    w.counters.public_ips += 1;
    // 18.0.0.1 onwards: public-looking, never contacted.
    Ipv4Addr::from(u32::from(Ipv4Addr::new(18, 0, 0, 1)) + n)
}

/// Runs a NAT gateway's due transition.
pub fn on_timer(_w: &mut World, _id: &str, _due: Millis) {}
