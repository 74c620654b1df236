//! Route tables as data: tables, routes, associations, targets and the route commands.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::ids::Kind;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;

/// Where a route sends traffic to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Destination {
    V4(Ipv4Net),
    V6(Ipv6Net),
    PrefixList(String),
}

/// What a route sends traffic through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The VPC itself (`GatewayId=local`).
    Local,
    /// An internet gateway or virtual private gateway (`GatewayId`).
    Gateway(String),
    /// A gateway VPC endpoint (`GatewayId=vpce-…`, prefix-list routes only).
    GatewayEndpoint(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    NetworkInterface(String),
    Instance(String),
    VpcPeeringConnection(String),
    /// A Gateway Load Balancer endpoint (`VpcEndpointId`).
    VpcEndpoint(String),
    TransitGateway(String),
}

/// How a route came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    CreateRouteTable,
    CreateRoute,
    EnableVgwRoutePropagation,
}

impl Origin {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::CreateRouteTable => "CreateRouteTable",
            Origin::CreateRoute => "CreateRoute",
            Origin::EnableVgwRoutePropagation => "EnableVgwRoutePropagation",
        }
    }
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub destination: Destination,
    pub target: Target,
    pub origin: Origin,
}

/// A route table association with a subnet or gateway, or the main marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub id: String,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub main: bool,
}

/// A route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub routes: Vec<Route>,
    pub associations: Vec<Association>,
    /// Virtual private gateways whose routes propagate into the table
    /// (EnableVgwRoutePropagation); their routes are kept in `routes` by the vpn area.
    #[serde(default)]
    pub propagating_vgws: Vec<String>,
}

impl Resource for RouteTable {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl std::fmt::Display for Destination {
    /// The destination as AWS names it in messages (`10.0.0.0/16`, `pl-…`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::V4(c) => write!(f, "{c}"),
            Destination::V6(c) => write!(f, "{c}"),
            Destination::PrefixList(id) => f.write_str(id),
        }
    }
}

impl Target {
    /// The target a `GatewayId` names: `local`, a gateway endpoint (`vpce-`), else a gateway.
    pub fn of_gateway_id(id: String) -> Target {
        if id == "local" {
            Target::Local
        } else if Kind::VpcEndpoint.names(&id) {
            Target::GatewayEndpoint(id)
        } else {
            Target::Gateway(id)
        }
    }

    /// The id the target names (`local` for the VPC itself).
    pub fn id(&self) -> &str {
        match self {
            Target::Local => "local",
            Target::Gateway(id)
            | Target::GatewayEndpoint(id)
            | Target::EgressOnlyInternetGateway(id)
            | Target::NatGateway(id)
            | Target::NetworkInterface(id)
            | Target::Instance(id)
            | Target::VpcPeeringConnection(id)
            | Target::VpcEndpoint(id)
            | Target::TransitGateway(id) => id,
        }
    }
}

/// The `gatewayId` a route renders (`local`, igw-, vgw-, vpce-), if any.
pub fn gateway_id_of(target: &Target) -> Option<&str> {
    match target {
        Target::Local => Some("local"),
        Target::Gateway(id) | Target::GatewayEndpoint(id) | Target::VpcEndpoint(id) => Some(id),
        _ => None,
    }
}

impl Route {
    /// Whether this is the route of a VPC CIDR block (the "local route"), whatever its
    /// target currently is (a middlebox may have replaced `local`).
    pub fn is_local_slot(&self) -> bool {
        self.origin == Origin::CreateRouteTable
    }

    /// Whether a virtual private gateway propagated the route (only the vpn area changes it).
    pub fn is_propagated(&self) -> bool {
        self.origin == Origin::EnableVgwRoutePropagation
    }

    /// A VPC block's local route as a new table or a new block gets it.
    pub fn local(destination: Destination) -> Route {
        Route {
            destination,
            target: Target::Local,
            origin: Origin::CreateRouteTable,
        }
    }
}

impl RouteTable {
    /// Whether the table is its VPC's main table.
    pub fn is_main(&self) -> bool {
        self.associations.iter().any(|a| a.main)
    }
}

/// The destination and target members of CreateRoute / ReplaceRoute / DeleteRoute as the
/// caller gave them; the core validates them (exactly one destination, one target).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteParams {
    pub destination_cidr_block: Option<String>,
    pub destination_ipv6_cidr_block: Option<String>,
    pub destination_prefix_list_id: Option<String>,
    pub gateway_id: Option<String>,
    pub egress_only_internet_gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub instance_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub vpc_endpoint_id: Option<String>,
    /// ReplaceRoute `LocalTarget=true`: restore the local target of a VPC block's route.
    pub local_target: bool,
}

/// Route table commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateTable {
        vpc_id: String,
        tags: Vec<TagSpec>,
        client_token: Option<String>,
    },
    DeleteTable {
        route_table_id: String,
    },
    Associate {
        route_table_id: String,
        subnet_id: Option<String>,
        gateway_id: Option<String>,
    },
    Disassociate {
        association_id: String,
    },
    ReplaceAssociation {
        association_id: String,
        route_table_id: String,
    },
    CreateRoute {
        route_table_id: String,
        route: RouteParams,
    },
    ReplaceRoute {
        route_table_id: String,
        route: RouteParams,
    },
    /// Only the destination members of `route` are used.
    DeleteRoute {
        route_table_id: String,
        route: RouteParams,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::CreateTable { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}
