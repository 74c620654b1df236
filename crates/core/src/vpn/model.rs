//! The VPN area's data: virtual private gateways, customer gateways, Site-to-Site VPN
//! connections with their static routes, and the commands. Plain data and small methods.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, HOUR};

/// How long deleted gateways and connections stay describable (state `deleted`).
pub const DELETED_RETENTION: Millis = HOUR;

/// The Amazon side ASN a virtual private gateway gets when none is given.
pub const DEFAULT_AMAZON_ASN: u64 = 64512;

/// The BGP ASN a customer gateway gets when none is given.
pub const DEFAULT_CUSTOMER_ASN: u64 = 65000;

/// The one VPN type AWS offers.
pub const IPSEC_1: &str = "ipsec.1";

/// Lifecycle of the three resources (wire spelling via [`State::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Available,
    Deleted,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Available => "available",
            State::Deleted => "deleted",
        }
    }
}

/// A VPC attachment of a virtual private gateway; detached ones stay listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgwAttachment {
    pub vpc_id: String,
    pub attached: bool,
}

impl VgwAttachment {
    /// The wire spelling of the attachment's state.
    pub fn state(&self) -> &'static str {
        if self.attached {
            "attached"
        } else {
            "detached"
        }
    }
}

/// A virtual private gateway (`vgw-`): the VPN end of a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub id: String,
    pub scope: Scope,
    pub availability_zone: Option<String>,
    pub amazon_side_asn: u64,
    pub state: State,
    pub attachments: Vec<VgwAttachment>,
    /// When a deleted gateway is forgotten.
    pub purge_at: Option<Millis>,
}

impl VpnGateway {
    /// The VPC the gateway is attached to now, if any.
    pub fn attached_vpc(&self) -> Option<&str> {
        self.attachments
            .iter()
            .find(|a| a.attached)
            .map(|a| a.vpc_id.as_str())
    }
}

/// A customer gateway (`cgw-`): the on-premises device of a VPN connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerGateway {
    pub id: String,
    pub scope: Scope,
    pub ip_address: Ipv4Addr,
    pub bgp_asn: u64,
    pub device_name: Option<String>,
    pub certificate_arn: Option<String>,
    pub state: State,
    pub purge_at: Option<Millis>,
}

/// A static route of a VPN connection: a range on the customer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnRoute {
    pub destination: Ipv4Net,
}

/// A Site-to-Site VPN connection (`vpn-`) between a virtual private gateway and a customer
/// gateway. No tunnel runs; its static routes say what lies on the customer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnConnection {
    pub id: String,
    pub scope: Scope,
    pub customer_gateway_id: String,
    /// The virtual private gateway (empty for a connection to a transit gateway).
    pub vpn_gateway_id: String,
    /// The transit gateway, for a connection made with `TransitGatewayId`.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    pub static_routes_only: bool,
    pub local_ipv4_network_cidr: Ipv4Net,
    pub remote_ipv4_network_cidr: Ipv4Net,
    /// The two tunnels' AWS-side outside addresses.
    pub outside_ips: [Ipv4Addr; 2],
    pub routes: Vec<VpnRoute>,
    pub state: State,
    pub created: Millis,
    pub purge_at: Option<Millis>,
}

crate::table::impl_resource!(VpnGateway, CustomerGateway, VpnConnection);

/// What CreateVpnConnection asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConnection {
    pub customer_gateway_id: String,
    pub vpn_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub static_routes_only: bool,
    pub local_ipv4_network_cidr: Option<Ipv4Net>,
    pub remote_ipv4_network_cidr: Option<Ipv4Net>,
    pub tags: Vec<TagSpec>,
}

/// VPN commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateVpnGateway {
        availability_zone: Option<String>,
        amazon_side_asn: Option<u64>,
        tags: Vec<TagSpec>,
    },
    AttachVpnGateway {
        vpn_gateway_id: String,
        vpc_id: String,
    },
    DetachVpnGateway {
        vpn_gateway_id: String,
        vpc_id: String,
    },
    DeleteVpnGateway {
        vpn_gateway_id: String,
    },
    CreateCustomerGateway {
        ip_address: Ipv4Addr,
        bgp_asn: Option<u64>,
        device_name: Option<String>,
        certificate_arn: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteCustomerGateway {
        customer_gateway_id: String,
    },
    CreateVpnConnection(NewConnection),
    DeleteVpnConnection {
        vpn_connection_id: String,
    },
    CreateVpnConnectionRoute {
        vpn_connection_id: String,
        destination: Ipv4Net,
    },
    DeleteVpnConnectionRoute {
        vpn_connection_id: String,
        destination: Ipv4Net,
    },
    EnableVgwRoutePropagation {
        gateway_id: String,
        route_table_id: String,
    },
    DisableVgwRoutePropagation {
        gateway_id: String,
        route_table_id: String,
    },
}
