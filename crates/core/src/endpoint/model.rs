//! VPC endpoints as data: the endpoint, its states and parts, and its commands.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode, Result};
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, HOUR};

/// How long a deleted endpoint stays describable before it is purged.
pub const RETENTION: Millis = 2 * HOUR;

/// Longest endpoint policy accepted, in characters.
pub const MAX_POLICY: usize = 20_480;

/// The policy an endpoint gets when none is given (full access).
pub const DEFAULT_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Endpoint types openvpc implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl EndpointType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Interface => "Interface",
            EndpointType::Gateway => "Gateway",
            EndpointType::GatewayLoadBalancer => "GatewayLoadBalancer",
        }
    }

    /// Parses the wire value; VPC Lattice types are not implemented.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "Interface" => Ok(EndpointType::Interface),
            "Gateway" => Ok(EndpointType::Gateway),
            "GatewayLoadBalancer" => Ok(EndpointType::GatewayLoadBalancer),
            "Resource" | "ServiceNetwork" => Err(ApiError::new(ErrorCode::InvalidVpcEndpointType,
                format!("The VPC endpoint type {s} is not supported."),
            )),
            other => Err(ApiError::new(ErrorCode::InvalidVpcEndpointType,
                format!("The VPC endpoint type '{other}' is not valid. Valid types: Interface, Gateway, GatewayLoadBalancer."),
            )),
        }
    }
}

/// Endpoint states; camelCase on the wire as AWS sends them (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    PendingAcceptance,
    Pending,
    Available,
    Deleting,
    Deleted,
    Rejected,
    Failed,
    Expired,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::PendingAcceptance => "pendingAcceptance",
            State::Pending => "pending",
            State::Available => "available",
            State::Deleting => "deleting",
            State::Deleted => "deleted",
            State::Rejected => "rejected",
            State::Failed => "failed",
            State::Expired => "expired",
        }
    }

    /// Connected to its service or waiting for acceptance (keeps a service from deletion).
    pub fn is_connected(self) -> bool {
        matches!(
            self,
            State::PendingAcceptance | State::Pending | State::Available
        )
    }

    /// Still an endpoint of its VPC (counts toward quotas, blocks DeleteVpc).
    pub fn exists(self) -> bool {
        !matches!(self, State::Deleting | State::Deleted)
    }
}

/// A subnet chosen for an interface or GWLB endpoint, with optional fixed addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetChoice {
    pub subnet_id: String,
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
}

/// The network interface an endpoint holds in one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointInterface {
    pub subnet_id: String,
    pub availability_zone: String,
    pub network_interface_id: String,
}

/// DNS options of an interface endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsOptions {
    pub dns_record_ip_type: String,
    pub private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
    pub private_dns_preference: Option<String>,
    pub private_dns_specified_domains: Vec<String>,
}

/// Why an endpoint failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastError {
    pub code: String,
    pub message: String,
}

/// A VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub scope: Scope,
    pub endpoint_type: EndpointType,
    pub vpc_id: String,
    pub service_name: String,
    pub service_region: String,
    /// The custom endpoint service connected to (None for AWS services).
    pub service_id: Option<String>,
    pub state: State,
    pub policy_document: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnets: Vec<SubnetChoice>,
    /// Interfaces, made at creation (also while acceptance is pending); gone once rejected.
    pub interfaces: Vec<EndpointInterface>,
    pub groups: Vec<String>,
    pub ip_address_type: String,
    pub dns_options: Option<DnsOptions>,
    pub private_dns_enabled: bool,
    /// The random label of the endpoint's DNS names.
    pub dns_suffix: String,
    pub connection_id: Option<String>,
    pub created: Millis,
    /// When the current asynchronous step (pending, deleting) completes.
    pub step_due: Millis,
    pub deleted_at: Option<Millis>,
    pub last_error: Option<LastError>,
}

impl Resource for VpcEndpoint {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl VpcEndpoint {
    /// The custom service id, if connected to one.
    pub fn service_id(&self) -> Option<&str> {
        self.service_id.as_deref()
    }
}

/// One `dnsEntrySet` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: String,
}

/// `DnsOptions.*` as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsOptionsSpec {
    pub dns_record_ip_type: Option<String>,
    pub private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
    pub private_dns_preference: Option<String>,
    pub private_dns_specified_domains: Vec<String>,
}

/// One `SubnetConfiguration.N` as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetConfig {
    pub subnet_id: Option<String>,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
}

/// CreateVpcEndpoint as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Create {
    /// Defaults to `Gateway`.
    pub endpoint_type: Option<String>,
    pub vpc_id: String,
    pub service_name: Option<String>,
    pub policy_document: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub ip_address_type: Option<String>,
    pub dns_options: Option<DnsOptionsSpec>,
    pub client_token: Option<String>,
    pub private_dns_enabled: Option<bool>,
    pub tags: Vec<TagSpec>,
    pub subnet_configurations: Vec<SubnetConfig>,
    pub service_region: Option<String>,
}

/// ModifyVpcEndpoint as requested; empty members change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modify {
    pub endpoint_id: String,
    pub reset_policy: bool,
    pub policy_document: Option<String>,
    pub add_route_table_ids: Vec<String>,
    pub remove_route_table_ids: Vec<String>,
    pub add_subnet_ids: Vec<String>,
    pub remove_subnet_ids: Vec<String>,
    pub add_security_group_ids: Vec<String>,
    pub remove_security_group_ids: Vec<String>,
    pub ip_address_type: Option<String>,
    pub dns_options: Option<DnsOptionsSpec>,
    pub private_dns_enabled: Option<bool>,
    pub subnet_configurations: Vec<SubnetConfig>,
}

/// Endpoint commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create(Box<Create>),
    Modify(Box<Modify>),
    /// Output: `Bulk`.
    Delete {
        endpoint_ids: Vec<String>,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create(c) => c.client_token.as_deref(),
            _ => None,
        }
    }
}
