//! Route tables, their associations and routes (§1.7).

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::tags;
use crate::world::{Ctx, Scope, World};
use crate::Output;

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
}

impl Resource for RouteTable {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Route table commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        None
    }
}

/// `InvalidRouteTableID.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidRouteTableID.NotFound",
        format!("The routeTable ID '{id}' does not exist"),
    )
}

/// Applies a route table command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}

/// Creates a route table for `vpc_id` with its local routes; `main` marks it main.
pub fn create_table(w: &mut World, scope: &Scope, vpc_id: &str, main: bool) -> String {
    let id = w.ids.id("rtb");
    let vpc = w.vpcs.get(vpc_id).expect("vpc exists");
    let mut routes: Vec<Route> = vpc
        .cidrs
        .iter()
        .map(|c| Route {
            destination: Destination::V4(c.cidr),
            target: Target::Local,
            origin: Origin::CreateRouteTable,
        })
        .collect();
    routes.extend(vpc.ipv6_cidrs.iter().map(|c| Route {
        destination: Destination::V6(c.cidr),
        target: Target::Local,
        origin: Origin::CreateRouteTable,
    }));
    let associations = if main {
        vec![Association {
            id: w.ids.id("rtbassoc"),
            subnet_id: None,
            gateway_id: None,
            main: true,
        }]
    } else {
        Vec::new()
    };
    w.route_tables.insert(RouteTable {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        routes,
        associations,
    });
    id
}

/// Adds `0.0.0.0/0 → igw` to a table (default VPC).
pub fn add_igw_default_route(w: &mut World, rtb_id: &str, igw_id: &str) {
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.push(Route {
            destination: Destination::V4("0.0.0.0/0".parse().expect("constant")),
            target: Target::Gateway(igw_id.to_string()),
            origin: Origin::CreateRoute,
        });
    }
}

fn tables_of_vpc_mut<'w>(
    w: &'w mut World,
    vpc_id: &'w str,
) -> impl Iterator<Item = &'w mut RouteTable> {
    w.route_tables
        .values_mut()
        .filter(move |t| t.vpc_id == vpc_id)
}

/// Adds the local route of a new IPv4 block to every table of the VPC.
pub fn add_local_route_v4(w: &mut World, vpc_id: &str, cidr: Ipv4Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes.push(Route {
            destination: Destination::V4(cidr),
            target: Target::Local,
            origin: Origin::CreateRouteTable,
        });
    }
}

/// Adds the local route of a new IPv6 block to every table of the VPC.
pub fn add_local_route_v6(w: &mut World, vpc_id: &str, cidr: Ipv6Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes.push(Route {
            destination: Destination::V6(cidr),
            target: Target::Local,
            origin: Origin::CreateRouteTable,
        });
    }
}

/// Removes the local route of a disassociated IPv4 block.
pub fn remove_local_route_v4(w: &mut World, vpc_id: &str, cidr: Ipv4Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes
            .retain(|r| !(r.target == Target::Local && r.destination == Destination::V4(cidr)));
    }
}

/// Removes the local route of a disassociated IPv6 block.
pub fn remove_local_route_v6(w: &mut World, vpc_id: &str, cidr: Ipv6Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes
            .retain(|r| !(r.target == Target::Local && r.destination == Destination::V6(cidr)));
    }
}

/// A new VPC block must not equal or contain an existing route's destination.
pub fn check_vpc_block_against_routes(w: &World, vpc_id: &str, cidr: &Ipv4Net) -> Result<()> {
    for t in w.route_tables.values().filter(|t| t.vpc_id == vpc_id) {
        for r in &t.routes {
            if let Destination::V4(dest) = r.destination {
                if r.target != Target::Local && cidr.contains(&dest) {
                    return Err(ApiError::invalid_value(format!(
                        "The CIDR '{cidr}' conflicts with route '{dest}' in route table {}.",
                        t.id
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Removes a table without checks (the VPC's main table when the VPC goes).
pub fn delete_table_unchecked(w: &mut World, rtb_id: &str) {
    w.route_tables.remove(rtb_id);
    tags::forget(w, rtb_id);
}

/// Drops the explicit association of a deleted subnet.
pub fn on_subnet_deleted(w: &mut World, subnet_id: &str) {
    for t in w.route_tables.values_mut() {
        t.associations
            .retain(|a| a.subnet_id.as_deref() != Some(subnet_id));
    }
}
