//! The gateway area's data: internet gateways, egress-only internet gateways, NAT gateways,
//! Elastic IP addresses, the commands. Plain data and small pure methods.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::codes::ErrorCode;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, HOUR};

/// How long deleted and failed NAT gateways stay describable.
pub const NAT_RETENTION: Millis = HOUR;

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

    /// Whether the gateway still exists for routing and quota purposes.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            NatState::Pending | NatState::Available | NatState::Deleting
        )
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
    /// The Elastic IP association made for the gateway (public gateways).
    pub association_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub public_ip: Option<Ipv4Addr>,
    pub state: NatState,
    /// (failureCode, failureMessage): decided at creation, shown once `failed`.
    pub failure: Option<(ErrorCode, String)>,
    pub created: Millis,
    pub deleted: Option<Millis>,
    /// When the current step (pending/deleting end, purge of failed/deleted) falls due.
    pub step_due: Millis,
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
    /// The reverse DNS name set with ModifyAddressAttribute (without the trailing dot).
    #[serde(default)]
    pub domain_name: Option<String>,
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
pub enum Cmd {
    CreateInternetGateway {
        tags: Vec<TagSpec>,
    },
    AttachInternetGateway {
        internet_gateway_id: String,
        vpc_id: String,
    },
    DetachInternetGateway {
        internet_gateway_id: String,
        vpc_id: String,
    },
    DeleteInternetGateway {
        internet_gateway_id: String,
    },
    CreateEgressOnlyInternetGateway {
        vpc_id: String,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteEgressOnlyInternetGateway {
        egress_only_internet_gateway_id: String,
    },
    AllocateAddress {
        tags: Vec<TagSpec>,
    },
    ReleaseAddress {
        allocation_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
    },
    AssociateAddress {
        allocation_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
        instance_id: Option<String>,
        network_interface_id: Option<String>,
        private_ip: Option<Ipv4Addr>,
        allow_reassociation: bool,
    },
    DisassociateAddress {
        association_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
    },
    CreateNatGateway {
        subnet_id: String,
        public: bool,
        allocation_id: Option<String>,
        private_ip: Option<Ipv4Addr>,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteNatGateway {
        nat_gateway_id: String,
    },
    /// ModifyAddressAttribute `DomainName` (reverse DNS).
    ModifyAddressAttribute {
        allocation_id: String,
        domain_name: String,
    },
    /// ResetAddressAttribute `domain-name`.
    ResetAddressAttribute {
        allocation_id: String,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::CreateNatGateway { client_token, .. }
            | Cmd::CreateEgressOnlyInternetGateway { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}
