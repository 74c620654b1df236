//! The PrivateLink provider's data: endpoint service configurations, their permissions and
//! private DNS names, the commands, and the view a consumer gets of a service.

use serde::{Deserialize, Serialize};

use crate::region::Zone;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// Private DNS names ending with this suffix fail verification; every other name passes.
/// (openvpc cannot look up TXT records: the rule is deterministic, see §2.4.)
pub const FAILING_DNS_SUFFIX: &str = ".invalid";

/// The type of an endpoint service ([`ServiceType::as_str`] gives the wire spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ServiceType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl ServiceType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Interface => "Interface",
            ServiceType::Gateway => "Gateway",
            ServiceType::GatewayLoadBalancer => "GatewayLoadBalancer",
        }
    }
}

/// Service states, PascalCase on the wire (`Available`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceState {
    Pending,
    Available,
    Deleting,
    Deleted,
    Failed,
}

impl ServiceState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::Pending => "Pending",
            ServiceState::Available => "Available",
            ServiceState::Deleting => "Deleting",
            ServiceState::Deleted => "Deleted",
            ServiceState::Failed => "Failed",
        }
    }
}

/// Private DNS name verification states (camelCase on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsState {
    PendingVerification,
    Verified,
    Failed,
}

impl DnsState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DnsState::PendingVerification => "pendingVerification",
            DnsState::Verified => "verified",
            DnsState::Failed => "failed",
        }
    }
}

/// A service's private DNS name and the TXT record that proves ownership of its domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateDns {
    pub name: String,
    pub state: DnsState,
    /// The TXT record name (`_<token>`).
    pub record_name: String,
    /// The TXT record value (`vpce:<token>`).
    pub record_value: String,
}

/// One allowed principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// `vpce-svc-perm-<17 hex>`.
    pub id: String,
    pub principal: String,
}

/// The kind of an allowed principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    All,
    Account,
    User,
    Role,
}

impl PrincipalType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::All => "All",
            PrincipalType::Account => "Account",
            PrincipalType::User => "User",
            PrincipalType::Role => "Role",
        }
    }
}

/// A provider's endpoint service configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointService {
    pub id: String,
    pub scope: Scope,
    /// `Interface` (network load balancers) or `GatewayLoadBalancer`.
    pub service_type: ServiceType,
    pub state: ServiceState,
    pub acceptance_required: bool,
    pub network_load_balancer_arns: Vec<String>,
    pub gateway_load_balancer_arns: Vec<String>,
    /// `ipv4` and/or `ipv6`.
    pub supported_ip_address_types: Vec<String>,
    /// Regions besides the home Region from which consumers may connect.
    pub supported_regions: Vec<String>,
    pub private_dns: Option<PrivateDns>,
    pub permissions: Vec<Permission>,
    pub created: Millis,
}

impl Resource for EndpointService {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl EndpointService {
    /// `com.amazonaws.vpce.<region>.<service id>`.
    pub fn name(&self) -> String {
        format!("com.amazonaws.vpce.{}.{}", self.scope.region, self.id)
    }

    /// `<service id>.<region>.vpce.amazonaws.com`.
    pub fn base_dns_name(&self) -> String {
        format!("{}.{}.vpce.amazonaws.com", self.id, self.scope.region)
    }

    /// Every associated load balancer ARN.
    pub fn load_balancer_arns(&self) -> impl Iterator<Item = &String> {
        self.network_load_balancer_arns
            .iter()
            .chain(&self.gateway_load_balancer_arns)
    }

    /// Whether `account` may discover and connect: the owner, `*`, or a principal of it.
    pub fn allows(&self, account: &str) -> bool {
        self.scope.account == account
            || self
                .permissions
                .iter()
                .any(|p| p.principal == "*" || principal_account(&p.principal) == Some(account))
    }

    /// The private DNS name consumers may use: set and verified.
    pub fn verified_private_dns_name(&self) -> Option<&str> {
        self.private_dns
            .as_ref()
            .filter(|d| d.state == DnsState::Verified)
            .map(|d| d.name.as_str())
    }

    /// Every Region consumers may connect from, the home Region first.
    pub fn all_regions(&self) -> Vec<String> {
        let mut out = vec![self.scope.region.clone()];
        out.extend(self.supported_regions.iter().cloned());
        out
    }
}
/// The account a principal ARN belongs to (`None` for `*` or a malformed principal).
pub fn principal_account(principal: &str) -> Option<&str> {
    principal
        .strip_prefix("arn:aws:iam::")?
        .split_once(':')
        .map(|(a, _)| a)
}

/// A requested change of a service configuration; empty members change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modify {
    pub service_id: String,
    pub private_dns_name: Option<String>,
    pub remove_private_dns_name: bool,
    pub acceptance_required: Option<bool>,
    pub add_network_load_balancer_arns: Vec<String>,
    pub remove_network_load_balancer_arns: Vec<String>,
    pub add_gateway_load_balancer_arns: Vec<String>,
    pub remove_gateway_load_balancer_arns: Vec<String>,
    pub add_supported_ip_address_types: Vec<String>,
    pub remove_supported_ip_address_types: Vec<String>,
    pub add_supported_regions: Vec<String>,
    pub remove_supported_regions: Vec<String>,
}

/// Endpoint service commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        network_load_balancer_arns: Vec<String>,
        gateway_load_balancer_arns: Vec<String>,
        acceptance_required: bool,
        private_dns_name: Option<String>,
        supported_ip_address_types: Vec<String>,
        supported_regions: Vec<String>,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    Modify(Modify),
    /// Output: `Bulk`.
    Delete {
        service_ids: Vec<String>,
    },
    StartPrivateDnsVerification {
        service_id: String,
    },
    /// Output: `Ids` — the permission ids of the added principals, in order.
    ModifyPermissions {
        service_id: String,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// Output: `Bulk`.
    AcceptConnections {
        service_id: String,
        endpoint_ids: Vec<String>,
    },
    /// Output: `Bulk`.
    RejectConnections {
        service_id: String,
        endpoint_ids: Vec<String>,
    },
    /// ModifyVpcEndpointServicePayerResponsibility (`ServiceOwner` only).
    ModifyPayerResponsibility {
        service_id: String,
        payer_responsibility: String,
    },
    CreateNotification(Box<CreateNotification>),
    ModifyNotification {
        id: String,
        arn: Option<String>,
        events: Vec<String>,
    },
    /// Output: `Bulk`.
    DeleteNotifications {
        ids: Vec<String>,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create { client_token, .. } => client_token.as_deref(),
            Cmd::CreateNotification(c) => c.client_token.as_deref(),
            _ => None,
        }
    }
}

/// A service as one consumer sees it in DescribeVpcEndpointServices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView {
    pub name: String,
    pub id: String,
    pub service_type: ServiceType,
    pub region: String,
    /// An account id, or `amazon`.
    pub owner: String,
    /// The offered zones in the consumer's names.
    pub zones: Vec<Zone>,
    pub base_dns_names: Vec<String>,
    pub private_dns_name: Option<String>,
    pub private_dns_state: Option<DnsState>,
    pub policy_supported: bool,
    pub acceptance_required: bool,
    pub supported_ip_address_types: Vec<String>,
    /// For endpoint DNS names: the AWS short label or the `vpce-svc-…` id.
    pub dns_label: String,
    /// The custom service's id (None for AWS services).
    pub custom: Option<String>,
}

impl ServiceView {
    /// The private DNS name a consumer may enable: present and verified.
    pub fn usable_private_dns_name(&self) -> Option<&str> {
        self.private_dns_name
            .as_deref()
            .filter(|_| self.private_dns_state == Some(DnsState::Verified))
    }

    /// Whether the view is the AWS S3 or DynamoDB gateway service.
    pub fn is_gateway(&self) -> bool {
        self.service_type == ServiceType::Gateway
    }
}

/// A connection notification (`vpce-nfn-`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionNotification {
    pub id: String,
    pub scope: Scope,
    /// Set for a notification of a service's connections.
    pub service_id: Option<String>,
    /// Set for a notification of one endpoint.
    pub vpc_endpoint_id: Option<String>,
    /// The SNS topic ARN.
    pub arn: String,
    pub events: Vec<String>,
}

impl Resource for ConnectionNotification {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// CreateVpcEndpointConnectionNotification as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateNotification {
    pub service_id: Option<String>,
    pub vpc_endpoint_id: Option<String>,
    pub arn: String,
    pub events: Vec<String>,
    pub client_token: Option<String>,
}
