//! Route tables, their associations and routes (§1.7).

use crate::ids::Kind;
use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::config::quota;
use crate::eni::InstanceState;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::gateway::NatState;
use crate::prefix_list;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{subnet, vpc, Output};

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

impl Route {
    /// Whether this is the route of a VPC CIDR block (the "local route"), whatever its
    /// target currently is (a middlebox may have replaced `local`).
    pub fn is_local_slot(&self) -> bool {
        self.origin == Origin::CreateRouteTable
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

/// `InvalidGatewayID.NotFound` for `id` (route targets, edge associations).
pub fn gateway_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidGatewayIDNotFound,
        format!("The gateway ID '{id}' does not exist"),
    )
}

/// The caller's route table `id`, or `InvalidRouteTableID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w RouteTable> {
    w.route_tables
        .get_in(scope, id)
        .ok_or_else(|| Kind::RouteTable.not_found(id))
}

/// Applies a route table command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateTable {
            vpc_id,
            tags: specs,
            client_token: _,
        } => create(w, ctx, &vpc_id, &specs),
        Cmd::DeleteTable { route_table_id } => delete(w, ctx, &route_table_id),
        Cmd::Associate {
            route_table_id,
            subnet_id,
            gateway_id,
        } => associate(
            w,
            ctx,
            &route_table_id,
            subnet_id.as_deref(),
            gateway_id.as_deref(),
        ),
        Cmd::Disassociate { association_id } => disassociate(w, ctx, &association_id),
        Cmd::ReplaceAssociation {
            association_id,
            route_table_id,
        } => replace_association(w, ctx, &association_id, &route_table_id),
        Cmd::CreateRoute {
            route_table_id,
            route,
        } => create_route(w, ctx, &route_table_id, &route),
        Cmd::ReplaceRoute {
            route_table_id,
            route,
        } => replace_route(w, ctx, &route_table_id, &route),
        Cmd::DeleteRoute {
            route_table_id,
            route,
        } => delete_route(w, ctx, &route_table_id, &route),
    }
}

fn create(w: &mut World, ctx: &Ctx, vpc_id: &str, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    vpc::get(w, &scope, vpc_id)?;
    tags::check_specs(specs, "route-table")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::ROUTE_TABLES_PER_VPC)
    {
        let count = w
            .route_tables
            .in_scope(&scope)
            .filter(|t| t.vpc_id == vpc_id)
            .count();
        if count >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::RouteTableLimitExceeded,
                "route tables for the VPC",
                limit,
            ));
        }
    }
    let id = create_table(w, &scope, vpc_id, false);
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

fn delete(w: &mut World, ctx: &Ctx, rtb_id: &str) -> Result<Output> {
    let table = get(w, &ctx.scope(), rtb_id)?;
    if !table.associations.is_empty() {
        return Err(ApiError::dependency(format!(
            "The routeTable '{rtb_id}' has dependencies and cannot be deleted."
        )));
    }
    delete_table_unchecked(w, rtb_id);
    Ok(Output::Done)
}

fn different_networks(rtb_id: &str, what: &str, id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "route table {rtb_id} and {what} {id} belong to different networks"
    ))
}

fn already_associated(rtb_id: &str) -> ApiError {
    ApiError::new(ErrorCode::ResourceAlreadyAssociated,
        format!("the specified association for route table {rtb_id} conflicts with an existing association"),
    )
}

fn associate(
    w: &mut World,
    ctx: &Ctx,
    rtb_id: &str,
    subnet_id: Option<&str>,
    gateway_id: Option<&str>,
) -> Result<Output> {
    let scope = ctx.scope();
    match (subnet_id, gateway_id) {
        (None, None) => {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "The request must contain the parameter subnetId or gatewayId",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Specify either subnetId or gatewayId, but not both.",
            ))
        }
        _ => {}
    }
    let table = get(w, &scope, rtb_id)?;
    if let Some(sid) = subnet_id {
        let s = subnet::get(w, &scope, sid)?;
        if s.vpc_id != table.vpc_id {
            return Err(ApiError::invalid_value(format!(
                "Route table {rtb_id} and subnet {sid} belong to different networks"
            )));
        }
        if w.route_tables.values().any(|t| {
            t.associations
                .iter()
                .any(|a| a.subnet_id.as_deref() == Some(sid))
        }) {
            return Err(already_associated(rtb_id));
        }
    }
    if let Some(gid) = gateway_id {
        // Virtual private gateways are not modelled: only internet gateways exist.
        let igw = w
            .internet_gateways
            .get_in(&scope, gid)
            .filter(|_| gid.starts_with("igw-"))
            .ok_or_else(|| gateway_not_found(gid))?;
        let attached = igw.attachment.as_deref() == Some(table.vpc_id.as_str());
        if !attached {
            return Err(different_networks(rtb_id, "network gateway", gid));
        }
        if w.route_tables.values().any(|t| {
            t.associations
                .iter()
                .any(|a| a.gateway_id.as_deref() == Some(gid))
        }) {
            return Err(already_associated(rtb_id));
        }
    }
    let id = w.ids.id(Kind::RouteTableAssociation);
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .associations
        .push(Association {
            id: id.clone(),
            subnet_id: subnet_id.map(str::to_string),
            gateway_id: gateway_id.map(str::to_string),
            main: false,
        });
    Ok(Output::Id(id))
}

/// The caller's table holding association `id`, and the association.
fn find_association<'w>(
    w: &'w World,
    scope: &Scope,
    id: &str,
) -> Result<(&'w RouteTable, &'w Association)> {
    w.route_tables
        .in_scope(scope)
        .find_map(|t| t.associations.iter().find(|a| a.id == id).map(|a| (t, a)))
        .ok_or_else(|| Kind::RouteTableAssociation.not_found(id))
}

fn disassociate(w: &mut World, ctx: &Ctx, association_id: &str) -> Result<Output> {
    let (table, assoc) = find_association(w, &ctx.scope(), association_id)?;
    if assoc.main {
        return Err(ApiError::invalid_value(format!(
            "cannot disassociate the main route table association {association_id}"
        )));
    }
    let rtb_id = table.id.clone();
    w.route_tables
        .get_mut(&rtb_id)
        .expect("found")
        .associations
        .retain(|a| a.id != association_id);
    Ok(Output::Done)
}

fn replace_association(
    w: &mut World,
    ctx: &Ctx,
    association_id: &str,
    rtb_id: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    let (old, assoc) = find_association(w, &scope, association_id)?;
    let new = get(w, &scope, rtb_id)?;
    if new.vpc_id != old.vpc_id {
        return Err(ApiError::invalid_value(format!(
            "Route table {rtb_id} and association {association_id} belong to different networks"
        )));
    }
    let old_id = old.id.clone();
    let vpc_id = old.vpc_id.clone();
    let mut moved = assoc.clone();
    moved.id = w.ids.id(Kind::RouteTableAssociation);
    let new_id = moved.id.clone();
    let main = moved.main;
    w.route_tables
        .get_mut(&old_id)
        .expect("found")
        .associations
        .retain(|a| a.id != association_id);
    w.route_tables
        .get_mut(rtb_id)
        .expect("found")
        .associations
        .push(moved);
    if main {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.main_route_table_id = rtb_id.to_string();
        }
    }
    Ok(Output::Id(new_id))
}

/// The one destination of a route call.
fn destination_of(p: &RouteParams) -> Result<Destination> {
    let given = [
        &p.destination_cidr_block,
        &p.destination_ipv6_cidr_block,
        &p.destination_prefix_list_id,
    ]
    .iter()
    .filter(|d| d.is_some())
    .count();
    if given == 0 {
        return Err(ApiError::new(ErrorCode::MissingParameter,
            "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock",
        ));
    }
    if given > 1 {
        return Err(ApiError::invalid_combination(
            "Only one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId may be specified.",
        ));
    }
    if let Some(raw) = &p.destination_cidr_block {
        return cidr::parse_v4(raw).map(Destination::V4).ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({raw}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
            ))
        });
    }
    if let Some(raw) = &p.destination_ipv6_cidr_block {
        return cidr::parse_v6(raw).map(Destination::V6).ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({raw}) for parameter destinationIpv6CidrBlock is invalid. This is not a valid CIDR block."
            ))
        });
    }
    Ok(Destination::PrefixList(
        p.destination_prefix_list_id.clone().unwrap_or_default(),
    ))
}

/// The one target of a route call (None when no target is given).
fn target_of(p: &RouteParams) -> Result<Option<Target>> {
    let mut targets = Vec::new();
    if let Some(g) = &p.gateway_id {
        targets.push(if g == "local" {
            Target::Local
        } else if g.starts_with("vpce-") {
            Target::GatewayEndpoint(g.clone())
        } else {
            Target::Gateway(g.clone())
        });
    }
    type Make = fn(String) -> Target;
    let simple: [(&Option<String>, Make); 7] = [
        (
            &p.egress_only_internet_gateway_id,
            Target::EgressOnlyInternetGateway,
        ),
        (&p.nat_gateway_id, Target::NatGateway),
        (&p.network_interface_id, Target::NetworkInterface),
        (&p.instance_id, Target::Instance),
        (&p.vpc_peering_connection_id, Target::VpcPeeringConnection),
        (&p.transit_gateway_id, Target::TransitGateway),
        (&p.vpc_endpoint_id, Target::VpcEndpoint),
    ];
    for (value, make) in simple {
        if let Some(v) = value {
            targets.push(make(v.clone()));
        }
    }
    if p.local_target {
        targets.push(Target::Local);
    }
    match targets.len() {
        0 => Ok(None),
        1 => Ok(targets.pop()),
        _ => Err(ApiError::invalid_combination(
            "Only one route target may be specified.",
        )),
    }
}

fn require_target(p: &RouteParams) -> Result<Target> {
    target_of(p)?.ok_or_else(|| {
        ApiError::new(ErrorCode::MissingParameter,
            "The request must contain one of the parameters gatewayId, egressOnlyInternetGatewayId, natGatewayId, networkInterfaceId, instanceId, vpcPeeringConnectionId, transitGatewayId or vpcEndpointId",
        )
    })
}

fn reserved_v4() -> Ipv4Net {
    "169.254.168.0/22".parse().expect("constant")
}

fn reserved_v6() -> Ipv6Net {
    "fd00:ec2::/32".parse().expect("constant")
}

/// Destination rules independent of the table's routes: reserved ranges, prefix lists.
fn check_destination(w: &World, scope: &Scope, dest: &Destination) -> Result<()> {
    let reserved = match dest {
        Destination::V4(c) => reserved_v4().contains(c),
        Destination::V6(c) => reserved_v6().contains(c),
        Destination::PrefixList(id) => {
            if !prefix_list::exists_for(w, scope, id) {
                return Err(Kind::PrefixList.not_found(id));
            }
            if prefix_list::is_aws_managed(w, id) {
                return Err(ApiError::invalid_value(format!(
                    "The prefix list {id} is managed by AWS; routes to it are added by gateway VPC endpoints."
                )));
            }
            false
        }
    };
    if reserved {
        return Err(ApiError::invalid_value(format!(
            "The destination CIDR block {dest} is reserved by AWS and cannot be used in a route."
        )));
    }
    Ok(())
}

/// Middlebox targets: the only ones a route more specific than (or replacing) the local
/// route may use.
fn is_middlebox(target: &Target) -> bool {
    matches!(
        target,
        Target::NatGateway(_) | Target::NetworkInterface(_) | Target::VpcEndpoint(_)
    )
}

/// A new route more specific than a VPC block must be to an entire subnet CIDR of the
/// VPC and through a middlebox (NAT gateway, ENI, GWLB endpoint).
fn check_more_specific(
    w: &World,
    vpc: &vpc::Vpc,
    dest: &Destination,
    target: &Target,
) -> Result<()> {
    let (inside, subnet_cidr) = match dest {
        Destination::V4(d) => (
            vpc.cidrs.iter().any(|b| b.cidr.contains(d) && b.cidr != *d),
            w.subnets
                .values()
                .any(|s| s.vpc_id == vpc.id && s.cidr == *d),
        ),
        Destination::V6(d) => (
            vpc.ipv6_cidrs
                .iter()
                .any(|b| b.cidr.contains(d) && b.cidr != *d),
            w.subnets
                .values()
                .any(|s| s.vpc_id == vpc.id && s.ipv6_cidrs.iter().any(|c| c.cidr == *d)),
        ),
        Destination::PrefixList(_) => (false, false),
    };
    if !inside {
        return Ok(());
    }
    if !subnet_cidr {
        return Err(ApiError::invalid_value(format!(
            "The destination CIDR block {dest} is more specific than the local route of the VPC. Only a route to the entire CIDR block of a subnet of the VPC can be more specific than the local route."
        )));
    }
    if !is_middlebox(target) {
        return Err(unsupported_local_target(
            "NAT gateway, network interface and Gateway Load Balancer endpoint",
        ));
    }
    Ok(())
}

fn unsupported_local_target(kinds: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Route target is not supported. This route only supports {kinds} targets."
    ))
}

fn endpoint_managed(dest: &Destination, rtb_id: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "The route {dest} in route table {rtb_id} is managed by a VPC endpoint and can only be changed through the endpoint."
    ))
}

fn not_supported(param: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "The parameter {param} is not supported by this endpoint."
    ))
}

/// Checks a target (other than `local`) against the table: it exists in the caller's
/// account and belongs to the table's VPC.
fn check_target(
    w: &World,
    ctx: &Ctx,
    table: &RouteTable,
    dest: &Destination,
    target: &Target,
) -> Result<()> {
    let scope = ctx.scope();
    let rtb = table.id.as_str();
    let vpc_id = table.vpc_id.as_str();
    match target {
        Target::Local => Err(ApiError::invalid_value(
            "The target 'local' can only be restored on the route of a VPC CIDR block with ReplaceRoute and LocalTarget.",
        )),
        Target::Gateway(id) => {
            if !id.starts_with("igw-") {
                return Err(gateway_not_found(id));
            }
            let igw = w
                .internet_gateways
                .get_in(&scope, id)
                .ok_or_else(|| gateway_not_found(id))?;
            if igw.attachment.as_deref() != Some(vpc_id) {
                return Err(different_networks(rtb, "network gateway", id));
            }
            Ok(())
        }
        Target::GatewayEndpoint(_) => Err(endpoint_managed(dest, rtb)),
        Target::EgressOnlyInternetGateway(id) => {
            let gw = w
                .egress_only_gateways
                .get_in(&scope, id)
                .ok_or_else(|| gateway_not_found(id))?;
            if !matches!(dest, Destination::V6(_)) {
                return Err(ApiError::invalid_value(format!(
                    "The egress-only internet gateway {id} can only be the target of an IPv6 route."
                )));
            }
            if gw.vpc_id != vpc_id {
                return Err(different_networks(rtb, "network gateway", id));
            }
            Ok(())
        }
        Target::NatGateway(id) => {
            let nat = w
                .nat_gateways
                .get_in(&scope, id)
                .filter(|n| !matches!(n.state, NatState::Failed | NatState::Deleting | NatState::Deleted))
                .ok_or_else(|| Kind::NatGateway.not_found(id))?;
            if nat.vpc_id != vpc_id {
                return Err(different_networks(rtb, "network gateway", id));
            }
            Ok(())
        }
        Target::NetworkInterface(id) => {
            let eni = w
                .network_interfaces
                .get_in(&scope, id)
                .ok_or_else(|| Kind::NetworkInterface.not_found(id))?;
            if eni.vpc_id != vpc_id {
                return Err(different_networks(rtb, "interface", id));
            }
            Ok(())
        }
        Target::Instance(id) => {
            let inst = w
                .instances
                .get_in(&scope, id)
                .ok_or_else(|| Kind::Instance.not_found(id))?;
            if inst.state == InstanceState::Terminated {
                return Err(ApiError::new(ErrorCode::IncorrectInstanceState,
                    format!("The instance '{id}' is not in a state from which it can be used as a route target."),
                ));
            }
            let interfaces = w
                .network_interfaces
                .values()
                .filter(|e| {
                    e.attachment
                        .as_ref()
                        .is_some_and(|a| a.instance_id.as_deref() == Some(id.as_str()))
                })
                .count();
            if interfaces > 1 {
                return Err(ApiError::new(ErrorCode::InvalidInstanceID,
                    format!("There are multiple interfaces attached to instance '{id}'. Please specify an interface ID for the operation instead."),
                ));
            }
            if inst.vpc_id != vpc_id {
                return Err(different_networks(rtb, "instance", id));
            }
            Ok(())
        }
        Target::VpcPeeringConnection(id) => {
            let pcx = w
                .peerings
                .visible(&scope, id, ctx.now)
                .filter(|p| p.status.is_live())
                .ok_or_else(|| Kind::VpcPeeringConnection.not_found(id))?;
            if pcx.other_vpc(vpc_id).is_none() {
                return Err(different_networks(rtb, "peering connection", id));
            }
            Ok(())
        }
        Target::TransitGateway(_) => Err(not_supported("TransitGatewayId")),
        Target::VpcEndpoint(id) => check_endpoint_target(w, &scope, vpc_id, id),
    }
}

/// The address family a route counts against for the per-table quota.
/// The address family a destination routes (a prefix list's declared family).
fn family(w: &World, dest: &Destination) -> u8 {
    match dest {
        Destination::V6(_) => 6,
        Destination::PrefixList(id) => match prefix_list::address_family(w, id) {
            Some(prefix_list::AddressFamily::IPv6) => 6,
            _ => 4,
        },
        Destination::V4(_) => 4,
    }
}

/// How many routes a destination counts for against the routes quota: a prefix list counts
/// by its `MaxEntries`.
fn weight(w: &World, dest: &Destination) -> usize {
    match dest {
        Destination::PrefixList(id) => prefix_list::max_entries(w, id).max(1) as usize,
        _ => 1,
    }
}

fn create_route(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let scope = ctx.scope();
    let table = get(w, &scope, rtb_id)?;
    let dest = destination_of(p)?;
    let target = require_target(p)?;
    check_destination(w, &scope, &dest)?;
    if table.routes.iter().any(|r| r.destination == dest) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!("The route identified by {dest} already exists."),
        ));
    }
    let vpc = vpc::get(w, &scope, &table.vpc_id)?;
    if target == Target::Local {
        return Err(ApiError::invalid_value(
            "The target 'local' cannot be used with CreateRoute: local routes are created with the VPC's CIDR blocks.",
        ));
    }
    check_more_specific(w, vpc, &dest, &target)?;
    check_target(w, ctx, table, &dest, &target)?;
    if let Some(limit) = w.config.quotas.limit(&ctx.account, quota::ROUTES_PER_TABLE) {
        let count: usize = table
            .routes
            .iter()
            .filter(|r| {
                r.origin == Origin::CreateRoute && family(w, &r.destination) == family(w, &dest)
            })
            .map(|r| weight(w, &r.destination))
            .sum();
        if count + weight(w, &dest) > limit as usize {
            return Err(ApiError::limit(
                ErrorCode::RouteLimitExceeded,
                "routes",
                limit,
            ));
        }
    }
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .push(Route {
            destination: dest,
            target,
            origin: Origin::CreateRoute,
        });
    Ok(Output::Done)
}

fn replace_route(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let scope = ctx.scope();
    let table = get(w, &scope, rtb_id)?;
    let dest = destination_of(p)?;
    let target = require_target(p)?;
    check_destination(w, &scope, &dest)?;
    let index = table
        .routes
        .iter()
        .position(|r| r.destination == dest)
        .ok_or_else(|| {
            ApiError::invalid_value(format!(
                "There is no route defined for '{dest}' in the route table. Use CreateRoute instead."
            ))
        })?;
    let existing = &table.routes[index];
    if matches!(existing.target, Target::GatewayEndpoint(_)) {
        return Err(endpoint_managed(&dest, rtb_id));
    }
    if existing.is_local_slot() {
        match &target {
            Target::Local => {}
            Target::NetworkInterface(_) | Target::VpcEndpoint(_) => {
                check_target(w, ctx, table, &dest, &target)?
            }
            _ => {
                return Err(unsupported_local_target(
                    "network interface and Gateway Load Balancer endpoint",
                ))
            }
        }
    } else {
        let vpc = vpc::get(w, &scope, &table.vpc_id)?;
        check_more_specific(w, vpc, &dest, &target)?;
        check_target(w, ctx, table, &dest, &target)?;
    }
    w.route_tables.get_mut(rtb_id).expect("checked").routes[index].target = target;
    Ok(Output::Done)
}

fn delete_route(w: &mut World, ctx: &Ctx, rtb_id: &str, p: &RouteParams) -> Result<Output> {
    let table = get(w, &ctx.scope(), rtb_id)?;
    let dest = destination_of(p)?;
    let route = table
        .routes
        .iter()
        .find(|r| r.destination == dest)
        .ok_or_else(|| {
            let kind = match dest {
                Destination::V4(_) => "destination-cidr-block",
                Destination::V6(_) => "destination-ipv6-cidr-block",
                Destination::PrefixList(_) => "destination-prefix-list-id",
            };
            ApiError::new(
                ErrorCode::InvalidRouteNotFound,
                format!("no route with {kind} {dest} in route table {rtb_id}"),
            )
        })?;
    if route.is_local_slot() {
        return Err(ApiError::invalid_value(format!(
            "cannot remove local route {dest} in route table {rtb_id}"
        )));
    }
    if matches!(route.target, Target::GatewayEndpoint(_)) {
        return Err(endpoint_managed(&dest, rtb_id));
    }
    w.route_tables
        .get_mut(rtb_id)
        .expect("checked")
        .routes
        .retain(|r| r.destination != dest);
    Ok(Output::Done)
}

/// A route's state: `blackhole` when its target cannot carry traffic, else `active`.
///
/// Without the table, an internet gateway counts as usable when attached to any VPC;
/// [`route_state_in`] also requires it to be attached to the table's VPC.
pub fn route_state(w: &World, route: &Route) -> &'static str {
    state(w, None, route)
}

/// A route's state within `table` (see [`route_state`]).
pub fn route_state_in(w: &World, table: &RouteTable, route: &Route) -> &'static str {
    state(w, Some(&table.vpc_id), route)
}

fn state(w: &World, vpc_id: Option<&str>, route: &Route) -> &'static str {
    let usable = match &route.target {
        Target::Local => true,
        Target::GatewayEndpoint(id) | Target::VpcEndpoint(id) => endpoint_target_active(w, id),
        Target::Gateway(id) => w
            .internet_gateways
            .get(id)
            .and_then(|g| g.attachment.as_deref())
            .is_some_and(|attached| vpc_id.is_none_or(|v| v == attached)),
        Target::EgressOnlyInternetGateway(id) => w.egress_only_gateways.get(id).is_some(),
        Target::NatGateway(id) => w
            .nat_gateways
            .get(id)
            .is_some_and(|n| n.state == NatState::Available),
        Target::NetworkInterface(id) => w.network_interfaces.get(id).is_some(),
        Target::Instance(id) => w
            .instances
            .get(id)
            .is_some_and(|i| i.state != InstanceState::Terminated),
        Target::VpcPeeringConnection(id) => {
            w.peerings.get(id).is_some_and(|p| p.status.is_active())
        }
        Target::TransitGateway(_) => false,
    };
    if usable {
        "active"
    } else {
        "blackhole"
    }
}

/// The table that routes a subnet: its explicit association, else its VPC's main table.
pub fn table_of_subnet<'w>(w: &'w World, subnet_id: &str) -> Option<&'w RouteTable> {
    let subnet = w.subnets.get(subnet_id)?;
    w.route_tables
        .values()
        .find(|t| {
            t.associations
                .iter()
                .any(|a| a.subnet_id.as_deref() == Some(subnet_id))
        })
        .or_else(|| main_table(w, &subnet.vpc_id))
}

/// The main route table of a VPC.
pub fn main_table<'w>(w: &'w World, vpc_id: &str) -> Option<&'w RouteTable> {
    let vpc = w.vpcs.get(vpc_id)?;
    w.route_tables.get(&vpc.main_route_table_id)
}

/// Filters DescribeRouteTables accepts.
pub const FILTERS: &[&str] = &[
    "association.gateway-id",
    "association.route-table-association-id",
    "association.route-table-id",
    "association.subnet-id",
    "association.main",
    "owner-id",
    "route-table-id",
    "route.destination-cidr-block",
    "route.destination-ipv6-cidr-block",
    "route.destination-prefix-list-id",
    "route.egress-only-internet-gateway-id",
    "route.gateway-id",
    "route.instance-id",
    "route.nat-gateway-id",
    "route.transit-gateway-id",
    "route.origin",
    "route.state",
    "route.vpc-peering-connection-id",
    "vpc-id",
];

/// DescribeRouteTables: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w RouteTable>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.route_tables.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|t| {
            filter::matches(filters, tags::of(w, &scope, &t.id), |name| {
                field(w, t, name)
            })
        })
        .collect())
}

/// The `gatewayId` a route renders (`local`, igw-, vgw-, vpce-), if any.
pub fn gateway_id_of(target: &Target) -> Option<&str> {
    match target {
        Target::Local => Some("local"),
        Target::Gateway(id) | Target::GatewayEndpoint(id) | Target::VpcEndpoint(id) => Some(id),
        _ => None,
    }
}

fn field(w: &World, t: &RouteTable, name: &str) -> Vec<String> {
    let assoc = |f: fn(&Association) -> Option<String>| -> Vec<String> {
        t.associations.iter().filter_map(f).collect()
    };
    let route = |f: &dyn Fn(&Route) -> Option<String>| -> Vec<String> {
        t.routes.iter().filter_map(f).collect()
    };
    let target_id =
        |want: fn(&Target) -> Option<&String>| route(&|r: &Route| want(&r.target).cloned());
    match name {
        "association.gateway-id" => assoc(|a| a.gateway_id.clone()),
        "association.route-table-association-id" => assoc(|a| Some(a.id.clone())),
        "association.route-table-id" => t.associations.iter().map(|_| t.id.clone()).collect(),
        "association.subnet-id" => assoc(|a| a.subnet_id.clone()),
        "association.main" => assoc(|a| Some(a.main.to_string())),
        "owner-id" => filter::s(&t.scope.account),
        "route-table-id" => filter::s(&t.id),
        "route.destination-cidr-block" => route(&|r| match &r.destination {
            Destination::V4(c) => Some(c.to_string()),
            _ => None,
        }),
        "route.destination-ipv6-cidr-block" => route(&|r| match &r.destination {
            Destination::V6(c) => Some(c.to_string()),
            _ => None,
        }),
        "route.destination-prefix-list-id" => route(&|r| match &r.destination {
            Destination::PrefixList(id) => Some(id.clone()),
            _ => None,
        }),
        "route.egress-only-internet-gateway-id" => target_id(|t| match t {
            Target::EgressOnlyInternetGateway(id) => Some(id),
            _ => None,
        }),
        "route.gateway-id" => route(&|r| gateway_id_of(&r.target).map(str::to_string)),
        "route.instance-id" => target_id(|t| match t {
            Target::Instance(id) => Some(id),
            _ => None,
        }),
        "route.nat-gateway-id" => target_id(|t| match t {
            Target::NatGateway(id) => Some(id),
            _ => None,
        }),
        "route.transit-gateway-id" => target_id(|t| match t {
            Target::TransitGateway(id) => Some(id),
            _ => None,
        }),
        "route.vpc-peering-connection-id" => target_id(|t| match t {
            Target::VpcPeeringConnection(id) => Some(id),
            _ => None,
        }),
        "route.origin" => route(&|r| Some(r.origin.as_str().to_string())),
        "route.state" => route(&|r| Some(route_state_in(w, t, r).to_string())),
        "vpc-id" => filter::s(&t.vpc_id),
        _ => Vec::new(),
    }
}

/// Creates a route table for `vpc_id` with its local routes; `main` marks it main.
pub fn create_table(w: &mut World, scope: &Scope, vpc_id: &str, main: bool) -> String {
    let id = w.ids.id(Kind::RouteTable);
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
            id: w.ids.id(Kind::RouteTableAssociation),
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

/// Removes the local route of a disassociated IPv4 block (whatever its target now is).
pub fn remove_local_route_v4(w: &mut World, vpc_id: &str, cidr: Ipv4Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes
            .retain(|r| !(r.is_local_slot() && r.destination == Destination::V4(cidr)));
    }
}

/// Removes the local route of a disassociated IPv6 block (whatever its target now is).
pub fn remove_local_route_v6(w: &mut World, vpc_id: &str, cidr: Ipv6Net) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes
            .retain(|r| !(r.is_local_slot() && r.destination == Destination::V6(cidr)));
    }
}

/// A new VPC block must not equal or contain an existing route's destination.
pub fn check_vpc_block_against_routes(w: &World, vpc_id: &str, cidr: &Ipv4Net) -> Result<()> {
    for t in w.route_tables.values().filter(|t| t.vpc_id == vpc_id) {
        for r in &t.routes {
            if let Destination::V4(dest) = r.destination {
                if !r.is_local_slot() && cidr.contains(&dest) {
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
    w.on_route_table_deleted(rtb_id);
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

/// CreateRoute/ReplaceRoute with `VpcEndpointId`: the target must be a live Gateway Load
/// Balancer endpoint of the caller in the route table's VPC.
pub fn check_endpoint_target(w: &World, scope: &Scope, vpc_id: &str, id: &str) -> Result<()> {
    let ep = w
        .vpc_endpoints
        .get_in(scope, id)
        .filter(|e| e.state.exists())
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))?;
    if ep.endpoint_type != crate::endpoint::EndpointType::GatewayLoadBalancer {
        return Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint {id} is not a Gateway Load Balancer endpoint."
        )));
    }
    if ep.vpc_id != vpc_id {
        return Err(ApiError::invalid_value(format!(
            "The VPC endpoint {id} is not in the VPC {vpc_id}."
        )));
    }
    Ok(())
}

/// Whether a route to endpoint `id` (gateway or GWLB endpoint target) is `active`.
pub fn endpoint_target_active(w: &World, id: &str) -> bool {
    w.vpc_endpoints
        .get(id)
        .is_some_and(|e| e.state == crate::endpoint::State::Available)
}

// ---------------------------------------------------------------------------------------
// Routes of gateway endpoints, for the endpoint area (kept together for the route split).

/// A gateway endpoint may add its route to `prefix_list` to `table`: one route per
/// destination, so a table that already routes the list refuses it.
pub fn check_gateway_endpoint_route(table: &RouteTable, prefix_list: &str) -> Result<()> {
    let dest = Destination::PrefixList(prefix_list.to_string());
    if table.routes.iter().any(|r| r.destination == dest) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!(
                "route table {} already has a route with destination-prefix-list-id {prefix_list}",
                table.id
            ),
        ));
    }
    Ok(())
}

/// Adds gateway endpoint `endpoint_id`'s route to `prefix_list` to table `rtb_id`.
pub fn add_gateway_endpoint_route(
    w: &mut World,
    rtb_id: &str,
    prefix_list: &str,
    endpoint_id: &str,
) {
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.push(Route {
            destination: Destination::PrefixList(prefix_list.to_string()),
            target: Target::GatewayEndpoint(endpoint_id.to_string()),
            origin: Origin::CreateRoute,
        });
    }
}

/// Removes gateway endpoint `endpoint_id`'s routes from table `rtb_id`.
pub fn remove_gateway_endpoint_routes(w: &mut World, rtb_id: &str, endpoint_id: &str) {
    let target = Target::GatewayEndpoint(endpoint_id.to_string());
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.retain(|r| r.target != target);
    }
}

/// A table with a route to `target`, if any (a GWLB endpoint such a route uses stays).
pub fn table_routing_to<'w>(w: &'w World, target: &Target) -> Option<&'w RouteTable> {
    w.route_tables
        .values()
        .find(|t| t.routes.iter().any(|r| &r.target == target))
}

// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eni::{Attachment, Instance, NetworkInterface};
    use crate::gateway::{EgressOnlyGateway, InternetGateway, NatGateway};
    use crate::peering;
    use crate::{Command, Config};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    /// A world with account A's VPC 10.0.0.0/16 (+ IPv6), one subnet, one custom table,
    /// and a second VPC 10.1.0.0/16 with its own subnet.
    struct Env {
        w: World,
        ctx: Ctx,
        vpc: String,
        vpc2: String,
        subnet: String,
        subnet2: String,
        main: String,
        rtb: String,
    }

    fn env() -> Env {
        env_with(Config::default())
    }

    fn env_with(config: Config) -> Env {
        let mut w = World::new(config, 1);
        let ctx = Ctx::new(A, "us-east-1", 0);
        w.apply(&ctx, Command::InitScope).unwrap();
        let vpc = make_vpc(&mut w, &ctx, "10.0.0.0/16", true);
        let vpc2 = make_vpc(&mut w, &ctx, "10.1.0.0/16", false);
        let subnet = make_subnet(&mut w, &ctx, &vpc, "10.0.1.0/24", None);
        let subnet2 = make_subnet(&mut w, &ctx, &vpc2, "10.1.1.0/24", None);
        let main = w.vpcs.get(&vpc).unwrap().main_route_table_id.clone();
        let rtb = id_of(run(&mut w, &ctx, create_cmd(&vpc)));
        Env {
            w,
            ctx,
            vpc,
            vpc2,
            subnet,
            subnet2,
            main,
            rtb,
        }
    }

    fn make_vpc(w: &mut World, ctx: &Ctx, cidr: &str, ipv6: bool) -> String {
        let cmd = vpc::Cmd::Create {
            cidr_block: cidr.into(),
            amazon_ipv6: ipv6,
            instance_tenancy: None,
            tags: vec![],
        };
        id_of(w.apply(ctx, Command::Vpc(cmd)))
    }

    fn make_subnet(w: &mut World, ctx: &Ctx, vpc: &str, cidr: &str, v6: Option<String>) -> String {
        let cmd = subnet::Cmd::Create {
            vpc_id: vpc.into(),
            cidr_block: cidr.into(),
            ipv6_cidr_block: v6,
            availability_zone: None,
            availability_zone_id: None,
            tags: vec![],
        };
        id_of(w.apply(ctx, Command::Subnet(cmd)))
    }

    fn id_of(out: Result<Output>) -> String {
        match out.unwrap() {
            Output::Id(id) => id,
            other => panic!("expected an id, got {other:?}"),
        }
    }

    fn run(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
        w.apply(ctx, Command::Route(cmd))
    }

    fn create_cmd(vpc: &str) -> Cmd {
        Cmd::CreateTable {
            vpc_id: vpc.into(),
            tags: vec![],
            client_token: None,
        }
    }

    /// Runs `cmd` as `ctx`; expects success or the error `code` (and `message` when
    /// given); an error must leave the world exactly as it was.
    fn check(e: &mut Env, cmd: Cmd, expected: std::result::Result<(), (&str, Option<&str>)>) {
        let ctx = e.ctx.clone();
        check_as(e, &ctx, cmd, expected);
    }

    fn check_as(
        e: &mut Env,
        ctx: &Ctx,
        cmd: Cmd,
        expected: std::result::Result<(), (&str, Option<&str>)>,
    ) {
        let before = format!("{:?}", e.w);
        let label = format!("{cmd:?}");
        let got = run(&mut e.w, ctx, cmd);
        match (got, expected) {
            (Ok(_), Ok(())) => {}
            (Err(err), Err((code, message))) => {
                assert_eq!(err.code, code, "{label}: {}", err.message);
                if let Some(m) = message {
                    assert_eq!(err.message, m, "{label}");
                }
                assert_eq!(
                    format!("{:?}", e.w),
                    before,
                    "{label}: state changed on error"
                );
            }
            (got, want) => panic!("{label}: got {got:?}, want {want:?}"),
        }
    }

    fn ok() -> std::result::Result<(), (&'static str, Option<&'static str>)> {
        Ok(())
    }

    fn err(code: &str) -> std::result::Result<(), (&str, Option<&str>)> {
        Err((code, None))
    }

    fn err_msg<'a>(
        code: &'a str,
        msg: &'a str,
    ) -> std::result::Result<(), (&'a str, Option<&'a str>)> {
        Err((code, Some(msg)))
    }

    fn v4(dest: &str) -> RouteParams {
        RouteParams {
            destination_cidr_block: Some(dest.into()),
            ..Default::default()
        }
    }

    fn v6(dest: &str) -> RouteParams {
        RouteParams {
            destination_ipv6_cidr_block: Some(dest.into()),
            ..Default::default()
        }
    }

    fn gw(p: RouteParams, id: &str) -> RouteParams {
        RouteParams {
            gateway_id: Some(id.into()),
            ..p
        }
    }

    fn create_route(rtb: &str, route: RouteParams) -> Cmd {
        Cmd::CreateRoute {
            route_table_id: rtb.into(),
            route,
        }
    }

    fn replace_route(rtb: &str, route: RouteParams) -> Cmd {
        Cmd::ReplaceRoute {
            route_table_id: rtb.into(),
            route,
        }
    }

    fn delete_route(rtb: &str, route: RouteParams) -> Cmd {
        Cmd::DeleteRoute {
            route_table_id: rtb.into(),
            route,
        }
    }

    fn associate(rtb: &str, subnet: Option<&str>, gateway: Option<&str>) -> Cmd {
        Cmd::Associate {
            route_table_id: rtb.into(),
            subnet_id: subnet.map(str::to_string),
            gateway_id: gateway.map(str::to_string),
        }
    }

    fn add_igw(e: &mut Env, attached_to: Option<&str>) -> String {
        let id = e.w.ids.id(Kind::InternetGateway);
        e.w.internet_gateways.insert(InternetGateway {
            id: id.clone(),
            scope: e.ctx.scope(),
            attachment: attached_to.map(str::to_string),
        });
        id
    }

    fn add_eigw(e: &mut Env, vpc: &str) -> String {
        let id = e.w.ids.id(Kind::EgressOnlyInternetGateway);
        e.w.egress_only_gateways.insert(EgressOnlyGateway {
            id: id.clone(),
            scope: e.ctx.scope(),
            vpc_id: vpc.into(),
        });
        id
    }

    fn add_nat(e: &mut Env, vpc: &str, subnet: &str, state: NatState) -> String {
        let id = e.w.ids.id(Kind::NatGateway);
        e.w.nat_gateways.insert(NatGateway {
            id: id.clone(),
            scope: e.ctx.scope(),
            vpc_id: vpc.into(),
            subnet_id: subnet.into(),
            public: false,
            allocation_id: None,
            association_id: None,
            network_interface_id: None,
            private_ip: None,
            public_ip: None,
            state,
            failure: None,
            created: 0,
            deleted: None,
            step_due: 0,
        });
        id
    }

    fn add_eni(e: &mut Env, vpc: &str, subnet: &str, instance: Option<&str>) -> String {
        let id = e.w.ids.id(Kind::NetworkInterface);
        e.w.network_interfaces.insert(NetworkInterface {
            id: id.clone(),
            scope: e.ctx.scope(),
            vpc_id: vpc.into(),
            subnet_id: subnet.into(),
            availability_zone: "us-east-1a".into(),
            private_ips: vec!["10.0.1.10".parse().unwrap()],
            ipv6_addresses: vec![],
            groups: vec![],
            source_dest_check: true,
            interface_type: "interface".into(),
            requester_managed: false,
            requester_id: None,
            description: String::new(),
            mac_address: "02:00:00:00:00:01".into(),
            attachment: instance.map(|i| Attachment {
                id: "eni-attach-0123456789abcdef0".into(),
                instance_id: Some(i.into()),
                instance_owner_id: A.into(),
                device_index: 0,
                delete_on_termination: true,
                attach_time: 0,
            }),
            public_ip: None,
            public_ip_allocation_id: None,
            created: 0,
        });
        id
    }

    /// An instance with `enis` attached interfaces.
    fn add_instance(e: &mut Env, vpc: &str, subnet: &str, enis: usize) -> String {
        let id = e.w.ids.id(Kind::Instance);
        let mut primary = String::new();
        for n in 0..enis {
            let eni = add_eni(e, vpc, subnet, Some(&id));
            if n == 0 {
                primary = eni;
            }
        }
        e.w.instances.insert(Instance {
            id: id.clone(),
            scope: e.ctx.scope(),
            reservation_id: "r-0123456789abcdef0".into(),
            vpc_id: vpc.into(),
            subnet_id: subnet.into(),
            network_interface_id: primary,
            image_id: "ami-0123456789abcdef0".into(),
            instance_type: "t3.micro".into(),
            state: InstanceState::Running,
            launch_time: 0,
            terminated: None,
            details: Default::default(),
        });
        id
    }

    /// A same-account peering between `a` and `b`, advanced to pending-acceptance.
    fn add_pcx(e: &mut Env, a: &str, b: &str) -> String {
        let cmd = peering::Cmd::Create {
            vpc_id: a.into(),
            peer_vpc_id: b.into(),
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        };
        let id = id_of(e.w.apply(&e.ctx, Command::Peering(cmd)));
        e.w.tick(e.ctx.now);
        id
    }

    fn peering_cmd(e: &mut Env, cmd: peering::Cmd) {
        e.w.apply(&e.ctx, Command::Peering(cmd)).unwrap();
        e.w.tick(e.ctx.now);
    }

    fn table<'a>(e: &'a Env, id: &str) -> &'a RouteTable {
        e.w.route_tables.get(id).unwrap()
    }

    fn state_of(e: &Env, rtb: &str, dest: &str) -> &'static str {
        let t = table(e, rtb);
        let r = t
            .routes
            .iter()
            .find(|r| r.destination.to_string() == dest)
            .unwrap();
        assert_eq!(route_state(&e.w, r), route_state_in(&e.w, t, r));
        route_state_in(&e.w, t, r)
    }

    #[test]
    fn new_tables_hold_the_local_routes() {
        let e = env();
        let t = table(&e, &e.rtb);
        let vpc = e.w.vpcs.get(&e.vpc).unwrap();
        assert_eq!(t.vpc_id, e.vpc);
        assert!(t.associations.is_empty() && !t.is_main());
        assert_eq!(t.routes.len(), 2);
        assert_eq!(t.routes[0].destination, Destination::V4(vpc.primary_cidr()));
        assert_eq!(
            t.routes[1].destination,
            Destination::V6(vpc.ipv6_cidrs[0].cidr)
        );
        assert!(t
            .routes
            .iter()
            .all(|r| r.target == Target::Local && r.origin == Origin::CreateRouteTable));
        assert!(table(&e, &e.main).is_main());
    }

    #[test]
    fn create_table_rules() {
        let mut e = env();
        let vpc = e.vpc.clone();
        check(&mut e, create_cmd(&vpc), ok());
        check(
            &mut e,
            create_cmd("vpc-0123456789abcdef0"),
            err_msg(
                "InvalidVpcID.NotFound",
                "The vpc ID 'vpc-0123456789abcdef0' does not exist",
            ),
        );
        let bad_tags = Cmd::CreateTable {
            vpc_id: vpc.clone(),
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![("Name".into(), "x".into())],
            }],
            client_token: None,
        };
        check(&mut e, bad_tags, err("InvalidParameterValue"));
        // Another account does not see the VPC.
        let b = Ctx::new(B, "us-east-1", 0);
        e.w.apply(&b, Command::InitScope).unwrap();
        check_as(&mut e, &b, create_cmd(&vpc), err("InvalidVpcID.NotFound"));
    }

    #[test]
    fn create_table_applies_tags() {
        let mut e = env();
        let cmd = Cmd::CreateTable {
            vpc_id: e.vpc.clone(),
            tags: vec![TagSpec {
                resource_type: "route-table".into(),
                tags: vec![("Name".into(), "private".into())],
            }],
            client_token: None,
        };
        let id = id_of(run(&mut e.w, &e.ctx, cmd));
        assert_eq!(
            tags::of(&e.w, &e.ctx.scope(), &id).get("Name").unwrap(),
            "private"
        );
    }

    #[test]
    fn create_table_is_idempotent_with_a_client_token() {
        let mut e = env();
        let cmd = |vpc: &str| Cmd::CreateTable {
            vpc_id: vpc.into(),
            tags: vec![],
            client_token: Some("token-1".into()),
        };
        let first = id_of(run(&mut e.w, &e.ctx, cmd(&e.vpc.clone())));
        let count = e.w.route_tables.len();
        let again = id_of(run(&mut e.w, &e.ctx, cmd(&e.vpc.clone())));
        assert_eq!(first, again);
        assert_eq!(e.w.route_tables.len(), count);
        let vpc2 = e.vpc2.clone();
        check(&mut e, cmd(&vpc2), err("IdempotentParameterMismatch"));
    }

    #[test]
    fn route_table_quota_only_when_configured() {
        let mut config = Config::default();
        config
            .quotas
            .set_from_arg("route-tables-per-vpc=2")
            .unwrap();
        let mut e = env_with(config);
        // main + rtb already exist.
        let vpc = e.vpc.clone();
        check(&mut e, create_cmd(&vpc), err("RouteTableLimitExceeded"));
        let mut e = env();
        let vpc = e.vpc.clone();
        for _ in 0..5 {
            check(&mut e, create_cmd(&vpc), ok());
        }
    }

    #[test]
    fn delete_table_rules() {
        let mut e = env();
        let (main, rtb, subnet) = (e.main.clone(), e.rtb.clone(), e.subnet.clone());
        let dependency = format!("The routeTable '{main}' has dependencies and cannot be deleted.");
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: main.clone(),
            },
            err_msg("DependencyViolation", &dependency),
        );
        let assoc = id_of(run(&mut e.w, &e.ctx, associate(&rtb, Some(&subnet), None)));
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: rtb.clone(),
            },
            err("DependencyViolation"),
        );
        check(
            &mut e,
            Cmd::Disassociate {
                association_id: assoc,
            },
            ok(),
        );
        e.w.tags
            .entry(e.ctx.scope())
            .or_default()
            .entry(rtb.clone())
            .or_default()
            .insert("k".into(), "v".into());
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: rtb.clone(),
            },
            ok(),
        );
        assert!(e.w.route_tables.get(&rtb).is_none());
        assert!(tags::of(&e.w, &e.ctx.scope(), &rtb).is_empty());
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: rtb.clone(),
            },
            err_msg(
                "InvalidRouteTableID.NotFound",
                &format!("The routeTable ID '{rtb}' does not exist"),
            ),
        );
    }

    #[test]
    fn other_accounts_tables_are_not_found() {
        let mut e = env();
        let b = Ctx::new(B, "us-east-1", 0);
        e.w.apply(&b, Command::InitScope).unwrap();
        let rtb = e.rtb.clone();
        check_as(
            &mut e,
            &b,
            Cmd::DeleteTable {
                route_table_id: rtb.clone(),
            },
            err("InvalidRouteTableID.NotFound"),
        );
        check_as(
            &mut e,
            &b,
            create_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
            err("InvalidRouteTableID.NotFound"),
        );
        assert!(describe(&e.w, &b, std::slice::from_ref(&rtb), &[]).is_err());
        assert!(describe(&e.w, &b, &[], &[])
            .unwrap()
            .iter()
            .all(|t| t.scope.account == B));
    }

    #[test]
    fn association_rules() {
        let mut e = env();
        let (rtb, main, subnet, subnet2) = (
            e.rtb.clone(),
            e.main.clone(),
            e.subnet.clone(),
            e.subnet2.clone(),
        );
        check(
            &mut e,
            associate(&rtb, None, None),
            err_msg(
                "MissingParameter",
                "The request must contain the parameter subnetId or gatewayId",
            ),
        );
        check(
            &mut e,
            associate(&rtb, Some(&subnet), Some("igw-0123456789abcdef0")),
            err("InvalidParameterCombination"),
        );
        check(
            &mut e,
            associate("rtb-0123456789abcdef0", Some(&subnet), None),
            err("InvalidRouteTableID.NotFound"),
        );
        check(
            &mut e,
            associate(&rtb, Some("subnet-0123456789abcdef0"), None),
            err("InvalidSubnetID.NotFound"),
        );
        check(
            &mut e,
            associate(&rtb, Some(&subnet2), None),
            err_msg(
                "InvalidParameterValue",
                &format!("Route table {rtb} and subnet {subnet2} belong to different networks"),
            ),
        );
        assert_eq!(table_of_subnet(&e.w, &subnet).unwrap().id, main);
        check(&mut e, associate(&rtb, Some(&subnet), None), ok());
        assert_eq!(table_of_subnet(&e.w, &subnet).unwrap().id, rtb);
        let conflict = format!(
            "the specified association for route table {rtb} conflicts with an existing association"
        );
        check(
            &mut e,
            associate(&rtb, Some(&subnet), None),
            err_msg("Resource.AlreadyAssociated", &conflict),
        );
        // Even the main table: a subnet has one explicit association.
        check(
            &mut e,
            associate(&main, Some(&subnet), None),
            err("Resource.AlreadyAssociated"),
        );
    }

    #[test]
    fn gateway_associations() {
        let mut e = env();
        let rtb = e.rtb.clone();
        let vpc = e.vpc.clone();
        let detached = add_igw(&mut e, None);
        let attached = add_igw(&mut e, Some(&vpc));
        check(
            &mut e,
            associate(&rtb, None, Some("igw-0123456789abcdef0")),
            err("InvalidGatewayID.NotFound"),
        );
        check(
            &mut e,
            associate(&rtb, None, Some("vgw-0123456789abcdef0")),
            err("InvalidGatewayID.NotFound"),
        );
        check(
            &mut e,
            associate(&rtb, None, Some(&detached)),
            err("InvalidParameterValue"),
        );
        check(&mut e, associate(&rtb, None, Some(&attached)), ok());
        let main = e.main.clone();
        check(
            &mut e,
            associate(&main, None, Some(&attached)),
            err("Resource.AlreadyAssociated"),
        );
        let a = &table(&e, &rtb).associations[0];
        assert_eq!(a.gateway_id.as_deref(), Some(attached.as_str()));
        assert!(a.subnet_id.is_none() && !a.main);
    }

    #[test]
    fn disassociation_rules() {
        let mut e = env();
        let (rtb, main, subnet) = (e.rtb.clone(), e.main.clone(), e.subnet.clone());
        let main_assoc = table(&e, &main).associations[0].id.clone();
        check(
            &mut e,
            Cmd::Disassociate {
                association_id: main_assoc.clone(),
            },
            err_msg(
                "InvalidParameterValue",
                &format!("cannot disassociate the main route table association {main_assoc}"),
            ),
        );
        check(
            &mut e,
            Cmd::Disassociate {
                association_id: "rtbassoc-0123456789abcdef0".into(),
            },
            err_msg(
                "InvalidAssociationID.NotFound",
                "The association ID 'rtbassoc-0123456789abcdef0' does not exist",
            ),
        );
        let assoc = id_of(run(&mut e.w, &e.ctx, associate(&rtb, Some(&subnet), None)));
        // Another account cannot disassociate it.
        let b = Ctx::new(B, "us-east-1", 0);
        e.w.apply(&b, Command::InitScope).unwrap();
        check_as(
            &mut e,
            &b,
            Cmd::Disassociate {
                association_id: assoc.clone(),
            },
            err("InvalidAssociationID.NotFound"),
        );
        check(
            &mut e,
            Cmd::Disassociate {
                association_id: assoc,
            },
            ok(),
        );
        assert_eq!(table_of_subnet(&e.w, &subnet).unwrap().id, main);
    }

    #[test]
    fn replacing_associations() {
        let mut e = env();
        let (rtb, main, subnet, vpc, vpc2) = (
            e.rtb.clone(),
            e.main.clone(),
            e.subnet.clone(),
            e.vpc.clone(),
            e.vpc2.clone(),
        );
        let assoc = id_of(run(&mut e.w, &e.ctx, associate(&rtb, Some(&subnet), None)));
        let other = id_of(run(&mut e.w, &e.ctx, create_cmd(&vpc)));
        let new_assoc = id_of(run(
            &mut e.w,
            &e.ctx,
            Cmd::ReplaceAssociation {
                association_id: assoc.clone(),
                route_table_id: other.clone(),
            },
        ));
        assert_ne!(new_assoc, assoc);
        assert!(table(&e, &rtb).associations.is_empty());
        assert_eq!(table_of_subnet(&e.w, &subnet).unwrap().id, other);
        check(
            &mut e,
            Cmd::ReplaceAssociation {
                association_id: assoc,
                route_table_id: other.clone(),
            },
            err("InvalidAssociationID.NotFound"),
        );
        check(
            &mut e,
            Cmd::ReplaceAssociation {
                association_id: new_assoc.clone(),
                route_table_id: "rtb-0123456789abcdef0".into(),
            },
            err("InvalidRouteTableID.NotFound"),
        );
        let foreign = id_of(run(&mut e.w, &e.ctx, create_cmd(&vpc2)));
        check(
            &mut e,
            Cmd::ReplaceAssociation {
                association_id: new_assoc,
                route_table_id: foreign,
            },
            err("InvalidParameterValue"),
        );
        // Replacing the main association moves `main`.
        let main_assoc = table(&e, &main).associations[0].id.clone();
        let moved = id_of(run(
            &mut e.w,
            &e.ctx,
            Cmd::ReplaceAssociation {
                association_id: main_assoc,
                route_table_id: rtb.clone(),
            },
        ));
        assert!(table(&e, &rtb).is_main() && !table(&e, &main).is_main());
        assert_eq!(table(&e, &rtb).associations[0].id, moved);
        assert_eq!(e.w.vpcs.get(&vpc).unwrap().main_route_table_id, rtb);
        assert_eq!(main_table(&e.w, &vpc).unwrap().id, rtb);
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: main,
            },
            ok(),
        );
        check(
            &mut e,
            Cmd::DeleteTable {
                route_table_id: rtb.clone(),
            },
            err("DependencyViolation"),
        );
    }

    #[test]
    fn subnet_deletion_drops_its_association() {
        let mut e = env();
        let (rtb, main) = (e.rtb.clone(), e.main.clone());
        let vpc = e.vpc.clone();
        let s = make_subnet(&mut e.w, &e.ctx.clone(), &vpc, "10.0.9.0/24", None);
        run(&mut e.w, &e.ctx, associate(&rtb, Some(&s), None)).unwrap();
        e.w.apply(
            &e.ctx,
            Command::Subnet(subnet::Cmd::Delete {
                subnet_id: s.clone(),
            }),
        )
        .unwrap();
        assert!(table(&e, &rtb).associations.is_empty());
        assert!(table_of_subnet(&e.w, &s).is_none());
        assert!(table(&e, &main).is_main());
    }

    #[test]
    fn destination_rules() {
        let mut e = env();
        let rtb = e.rtb.clone();
        let vpc = e.vpc.clone();
        let igw = add_igw(&mut e, Some(&vpc));
        check(
            &mut e,
            create_route(&rtb, gw(RouteParams::default(), &igw)),
            err_msg(
                "MissingParameter",
                "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock",
            ),
        );
        let two = RouteParams {
            destination_ipv6_cidr_block: Some("::/0".into()),
            ..gw(v4("0.0.0.0/0"), &igw)
        };
        check(
            &mut e,
            create_route(&rtb, two),
            err("InvalidParameterCombination"),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("10.0.0.0/33"), &igw)),
            err_msg(
                "InvalidParameterValue",
                "Value (10.0.0.0/33) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("::/0"), &igw)),
            err("InvalidParameterValue"),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v6("0.0.0.0/0"), &igw)),
            err("InvalidParameterValue"),
        );
        for reserved in ["169.254.168.0/22", "169.254.169.0/24", "169.254.169.253/32"] {
            check(
                &mut e,
                create_route(&rtb, gw(v4(reserved), &igw)),
                err("InvalidParameterValue"),
            );
        }
        for reserved in ["fd00:ec2::/32", "fd00:ec2::23/128"] {
            check(
                &mut e,
                create_route(&rtb, gw(v6(reserved), &igw)),
                err("InvalidParameterValue"),
            );
        }
        // Larger ranges that merely overlap the reserved ones are allowed.
        check(
            &mut e,
            create_route(&rtb, gw(v4("169.254.0.0/16"), &igw)),
            ok(),
        );
        check(&mut e, create_route(&rtb, gw(v6("fd00::/8"), &igw)), ok());
        let pl = RouteParams {
            destination_prefix_list_id: Some("pl-0123456789abcdef0".into()),
            ..gw(RouteParams::default(), &igw)
        };
        check(
            &mut e,
            create_route(&rtb, pl),
            err_msg(
                "InvalidPrefixListID.NotFound",
                "The prefix list (pl-0123456789abcdef0) does not exist.",
            ),
        );
        // IPv4 CIDRs are canonicalised.
        check(
            &mut e,
            create_route(&rtb, gw(v4("100.68.0.18/18"), &igw)),
            ok(),
        );
        assert!(table(&e, &rtb)
            .routes
            .iter()
            .any(|r| r.destination.to_string() == "100.68.0.0/18"));
        check(
            &mut e,
            create_route(&rtb, gw(v4("100.68.1.1/18"), &igw)),
            err_msg(
                "RouteAlreadyExists",
                "The route identified by 100.68.0.0/18 already exists.",
            ),
        );
        // The local route is a route like any other for duplicates.
        check(
            &mut e,
            create_route(&rtb, gw(v4("10.0.0.0/16"), &igw)),
            err_msg(
                "RouteAlreadyExists",
                "The route identified by 10.0.0.0/16 already exists.",
            ),
        );
    }

    #[test]
    fn target_count_rules() {
        let mut e = env();
        let rtb = e.rtb.clone();
        let vpc = e.vpc.clone();
        let igw = add_igw(&mut e, Some(&vpc));
        check(
            &mut e,
            create_route(&rtb, v4("0.0.0.0/0")),
            err("MissingParameter"),
        );
        let two = RouteParams {
            nat_gateway_id: Some("nat-0123456789abcdef0".into()),
            ..gw(v4("0.0.0.0/0"), &igw)
        };
        check(
            &mut e,
            create_route(&rtb, two),
            err("InvalidParameterCombination"),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), "local")),
            err("InvalidParameterValue"),
        );
        let tgw = RouteParams {
            transit_gateway_id: Some("tgw-0123456789abcdef0".into()),
            ..v4("0.0.0.0/0")
        };
        check(
            &mut e,
            create_route(&rtb, tgw),
            err("InvalidParameterValue"),
        );
        let gwlbe = RouteParams {
            vpc_endpoint_id: Some("vpce-0123456789abcdef0".into()),
            ..v4("0.0.0.0/0")
        };
        check(
            &mut e,
            create_route(&rtb, gwlbe),
            err("InvalidVpcEndpointId.NotFound"),
        );
    }

    #[test]
    fn gateway_targets() {
        let mut e = env();
        let (rtb, vpc, vpc2) = (e.rtb.clone(), e.vpc.clone(), e.vpc2.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let elsewhere = add_igw(&mut e, Some(&vpc2));
        let detached = add_igw(&mut e, None);
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
            err_msg(
                "InvalidGatewayID.NotFound",
                "The gateway ID 'igw-0123456789abcdef0' does not exist",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), "vgw-0123456789abcdef0")),
            err("InvalidGatewayID.NotFound"),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &elsewhere)),
            err_msg(
                "InvalidParameterValue",
                &format!("route table {rtb} and network gateway {elsewhere} belong to different networks"),
            ),
        );
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &detached)),
            err("InvalidParameterValue"),
        );
        // Another account's gateway does not exist for the caller.
        let b = Ctx::new(B, "us-east-1", 0);
        e.w.apply(&b, Command::InitScope).unwrap();
        let foreign =
            e.w.internet_gateways
                .in_scope(&b.scope())
                .next()
                .unwrap()
                .id
                .clone();
        check(
            &mut e,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &foreign)),
            err("InvalidGatewayID.NotFound"),
        );
        check(&mut e, create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)), ok());
        check(&mut e, create_route(&rtb, gw(v6("::/0"), &igw)), ok());
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "active");
        // Gateway endpoint routes are never made with the route APIs.
        check(
            &mut e,
            create_route(&rtb, gw(v4("52.0.0.0/8"), "vpce-0123456789abcdef0")),
            err("InvalidParameterValue"),
        );
    }

    #[test]
    fn egress_only_gateway_targets() {
        let mut e = env();
        let (rtb, vpc, vpc2) = (e.rtb.clone(), e.vpc.clone(), e.vpc2.clone());
        let eigw = add_eigw(&mut e, &vpc);
        let other = add_eigw(&mut e, &vpc2);
        let to = |dest: RouteParams, id: &str| RouteParams {
            egress_only_internet_gateway_id: Some(id.into()),
            ..dest
        };
        check(
            &mut e,
            create_route(&rtb, to(v4("0.0.0.0/0"), &eigw)),
            err("InvalidParameterValue"),
        );
        check(
            &mut e,
            create_route(&rtb, to(v6("::/0"), "eigw-0123456789abcdef0")),
            err("InvalidGatewayID.NotFound"),
        );
        check(
            &mut e,
            create_route(&rtb, to(v6("::/0"), &other)),
            err("InvalidParameterValue"),
        );
        check(&mut e, create_route(&rtb, to(v6("::/0"), &eigw)), ok());
        assert_eq!(state_of(&e, &rtb, "::/0"), "active");
        e.w.egress_only_gateways.remove(&eigw);
        assert_eq!(state_of(&e, &rtb, "::/0"), "blackhole");
    }

    #[test]
    fn nat_gateway_targets() {
        let mut e = env();
        let (rtb, vpc, vpc2, subnet, subnet2) = (
            e.rtb.clone(),
            e.vpc.clone(),
            e.vpc2.clone(),
            e.subnet.clone(),
            e.subnet2.clone(),
        );
        let nat = add_nat(&mut e, &vpc, &subnet, NatState::Pending);
        let other = add_nat(&mut e, &vpc2, &subnet2, NatState::Available);
        let gone = add_nat(&mut e, &vpc, &subnet, NatState::Deleted);
        let to = |id: &str| RouteParams {
            nat_gateway_id: Some(id.into()),
            ..v4("0.0.0.0/0")
        };
        check(
            &mut e,
            create_route(&rtb, to("nat-0123456789abcdef0")),
            err_msg(
                "NatGatewayNotFound",
                "NAT gateway nat-0123456789abcdef0 was not found",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, to(&gone)),
            err("NatGatewayNotFound"),
        );
        check(
            &mut e,
            create_route(&rtb, to(&other)),
            err("InvalidParameterValue"),
        );
        check(&mut e, create_route(&rtb, to(&nat)), ok());
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "blackhole");
        e.w.nat_gateways.get_mut(&nat).unwrap().state = NatState::Available;
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "active");
        e.w.nat_gateways.get_mut(&nat).unwrap().state = NatState::Deleted;
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "blackhole");
    }

    #[test]
    fn interface_and_instance_targets() {
        let mut e = env();
        let (rtb, vpc, vpc2, subnet, subnet2) = (
            e.rtb.clone(),
            e.vpc.clone(),
            e.vpc2.clone(),
            e.subnet.clone(),
            e.subnet2.clone(),
        );
        let eni = add_eni(&mut e, &vpc, &subnet, None);
        let far_eni = add_eni(&mut e, &vpc2, &subnet2, None);
        let eni_to = |dest: &str, id: &str| RouteParams {
            network_interface_id: Some(id.into()),
            ..v4(dest)
        };
        check(
            &mut e,
            create_route(&rtb, eni_to("0.0.0.0/0", "eni-0123456789abcdef0")),
            err_msg(
                "InvalidNetworkInterfaceID.NotFound",
                "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, eni_to("0.0.0.0/0", &far_eni)),
            err_msg(
                "InvalidParameterValue",
                &format!("route table {rtb} and interface {far_eni} belong to different networks"),
            ),
        );
        check(&mut e, create_route(&rtb, eni_to("0.0.0.0/0", &eni)), ok());
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "active");
        e.w.network_interfaces.remove(&eni);
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "blackhole");

        let one = add_instance(&mut e, &vpc, &subnet, 1);
        let two = add_instance(&mut e, &vpc, &subnet, 2);
        let far = add_instance(&mut e, &vpc2, &subnet2, 1);
        let inst_to = |dest: &str, id: &str| RouteParams {
            instance_id: Some(id.into()),
            ..v4(dest)
        };
        check(
            &mut e,
            create_route(&rtb, inst_to("1.0.0.0/8", "i-0123456789abcdef0")),
            err_msg(
                "InvalidInstanceID.NotFound",
                "The instance ID 'i-0123456789abcdef0' does not exist",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, inst_to("1.0.0.0/8", &two)),
            err_msg(
                "InvalidInstanceID",
                &format!("There are multiple interfaces attached to instance '{two}'. Please specify an interface ID for the operation instead."),
            ),
        );
        check(
            &mut e,
            create_route(&rtb, inst_to("1.0.0.0/8", &far)),
            err("InvalidParameterValue"),
        );
        e.w.instances.get_mut(&far).unwrap().state = InstanceState::Terminated;
        check(
            &mut e,
            create_route(&rtb, inst_to("1.0.0.0/8", &far)),
            err("IncorrectInstanceState"),
        );
        check(&mut e, create_route(&rtb, inst_to("1.0.0.0/8", &one)), ok());
        assert_eq!(state_of(&e, &rtb, "1.0.0.0/8"), "active");
        e.w.instances.get_mut(&one).unwrap().state = InstanceState::Terminated;
        assert_eq!(state_of(&e, &rtb, "1.0.0.0/8"), "blackhole");
        e.w.instances.remove(&one);
        assert_eq!(state_of(&e, &rtb, "1.0.0.0/8"), "blackhole");
    }

    #[test]
    fn peering_targets_follow_the_connection() {
        let mut e = env();
        let (rtb, vpc, vpc2) = (e.rtb.clone(), e.vpc.clone(), e.vpc2.clone());
        let vpc3 = make_vpc(&mut e.w, &e.ctx.clone(), "10.2.0.0/16", false);
        let pcx = add_pcx(&mut e, &vpc, &vpc2);
        let unrelated = add_pcx(&mut e, &vpc2, &vpc3);
        let to = |id: &str| RouteParams {
            vpc_peering_connection_id: Some(id.into()),
            ..v4("10.1.0.0/16")
        };
        check(
            &mut e,
            create_route(&rtb, to("pcx-0123456789abcdef0")),
            err_msg(
                "InvalidVpcPeeringConnectionID.NotFound",
                "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
            ),
        );
        check(
            &mut e,
            create_route(&rtb, to(&unrelated)),
            err("InvalidParameterValue"),
        );
        assert_eq!(
            e.w.peerings.get(&pcx).unwrap().status,
            peering::Status::PendingAcceptance
        );
        check(&mut e, create_route(&rtb, to(&pcx)), ok());
        assert_eq!(state_of(&e, &rtb, "10.1.0.0/16"), "blackhole");
        peering_cmd(&mut e, peering::Cmd::Accept { id: pcx.clone() });
        assert_eq!(
            e.w.peerings.get(&pcx).unwrap().status,
            peering::Status::Active
        );
        assert_eq!(state_of(&e, &rtb, "10.1.0.0/16"), "active");
        peering_cmd(&mut e, peering::Cmd::Delete { id: pcx.clone() });
        assert_eq!(state_of(&e, &rtb, "10.1.0.0/16"), "blackhole");
        // The route stays; a dead connection cannot be the target of a new route.
        assert!(table(&e, &rtb)
            .routes
            .iter()
            .any(|r| r.target == Target::VpcPeeringConnection(pcx.clone())));
        let rtb2 = id_of(run(&mut e.w, &e.ctx, create_cmd(&vpc)));
        check(
            &mut e,
            create_route(&rtb2, to(&pcx)),
            err("InvalidVpcPeeringConnectionID.NotFound"),
        );
    }

    #[test]
    fn igw_routes_turn_blackhole_when_detached() {
        let mut e = env();
        let (rtb, vpc, vpc2) = (e.rtb.clone(), e.vpc.clone(), e.vpc2.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        run(
            &mut e.w,
            &e.ctx,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)),
        )
        .unwrap();
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "active");
        e.w.internet_gateways.get_mut(&igw).unwrap().attachment = None;
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "blackhole");
        // Attached to another VPC: still a blackhole for this table.
        e.w.internet_gateways.get_mut(&igw).unwrap().attachment = Some(vpc2);
        let t = table(&e, &rtb);
        let r = t
            .routes
            .iter()
            .find(|r| r.origin == Origin::CreateRoute)
            .unwrap();
        assert_eq!(route_state_in(&e.w, t, r), "blackhole");
        e.w.internet_gateways.remove(&igw);
        assert_eq!(state_of(&e, &rtb, "0.0.0.0/0"), "blackhole");
    }

    #[test]
    fn routes_more_specific_than_local() {
        let mut e = env();
        let (rtb, vpc, subnet) = (e.rtb.clone(), e.vpc.clone(), e.subnet.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let nat = add_nat(&mut e, &vpc, &subnet, NatState::Available);
        let eni = add_eni(&mut e, &vpc, &subnet, None);
        let inst = add_instance(&mut e, &vpc, &subnet, 1);
        let nat_to = |dest: &str| RouteParams {
            nat_gateway_id: Some(nat.clone()),
            ..v4(dest)
        };
        // Not an entire subnet CIDR.
        check(
            &mut e,
            create_route(&rtb, nat_to("10.0.2.0/24")),
            err("InvalidParameterValue"),
        );
        check(
            &mut e,
            create_route(&rtb, nat_to("10.0.1.0/25")),
            err("InvalidParameterValue"),
        );
        // A subnet CIDR, but not a middlebox target.
        check(
            &mut e,
            create_route(&rtb, gw(v4("10.0.1.0/24"), &igw)),
            err_msg(
                "InvalidParameterValue",
                "Route target is not supported. This route only supports NAT gateway, network interface and Gateway Load Balancer endpoint targets.",
            ),
        );
        let via_instance = RouteParams {
            instance_id: Some(inst),
            ..v4("10.0.1.0/24")
        };
        check(
            &mut e,
            create_route(&rtb, via_instance),
            err("InvalidParameterValue"),
        );
        check(&mut e, create_route(&rtb, nat_to("10.0.1.0/24")), ok());
        // Replacing keeps the rule: the ENI is a middlebox, the IGW is not.
        let via_eni = RouteParams {
            network_interface_id: Some(eni),
            ..v4("10.0.1.0/24")
        };
        check(&mut e, replace_route(&rtb, via_eni), ok());
        check(
            &mut e,
            replace_route(&rtb, gw(v4("10.0.1.0/24"), &igw)),
            err("InvalidParameterValue"),
        );
        // IPv6: the subnet's /64 is the only more specific destination allowed.
        let v6_block = e.w.vpcs.get(&vpc).unwrap().ipv6_cidrs[0].cidr;
        let sub64 = Ipv6Net::new(v6_block.network(), 64).unwrap().to_string();
        let nat6 = |dest: &str| RouteParams {
            nat_gateway_id: Some(nat.clone()),
            ..v6(dest)
        };
        check(
            &mut e,
            create_route(&rtb, nat6(&sub64)),
            err("InvalidParameterValue"),
        );
        let subnet6 = e.subnet.clone();
        e.w.subnets
            .get_mut(&subnet6)
            .unwrap()
            .ipv6_cidrs
            .push(subnet::SubnetIpv6 {
                association_id: "subnet-cidr-assoc-0123456789abcdef0".into(),
                cidr: sub64.parse().unwrap(),
            });
        check(&mut e, create_route(&rtb, nat6(&sub64)), ok());
        // Less specific than the VPC block is no concern of the local route.
        check(&mut e, create_route(&rtb, gw(v4("10.0.0.0/8"), &igw)), ok());
    }

    #[test]
    fn the_local_route() {
        let mut e = env();
        let (rtb, vpc, subnet) = (e.rtb.clone(), e.vpc.clone(), e.subnet.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let eni = add_eni(&mut e, &vpc, &subnet, None);
        let nat = add_nat(&mut e, &vpc, &subnet, NatState::Available);
        check(
            &mut e,
            delete_route(&rtb, v4("10.0.0.0/16")),
            err_msg(
                "InvalidParameterValue",
                &format!("cannot remove local route 10.0.0.0/16 in route table {rtb}"),
            ),
        );
        check(
            &mut e,
            replace_route(&rtb, gw(v4("10.0.0.0/16"), &igw)),
            err("InvalidParameterValue"),
        );
        let via_nat = RouteParams {
            nat_gateway_id: Some(nat),
            ..v4("10.0.0.0/16")
        };
        check(
            &mut e,
            replace_route(&rtb, via_nat),
            err("InvalidParameterValue"),
        );
        let via_eni = RouteParams {
            network_interface_id: Some(eni.clone()),
            ..v4("10.0.0.0/16")
        };
        check(&mut e, replace_route(&rtb, via_eni), ok());
        let r = &table(&e, &rtb).routes[0];
        assert_eq!(r.target, Target::NetworkInterface(eni));
        assert_eq!(r.origin, Origin::CreateRouteTable);
        // Still the local route: cannot be deleted; LocalTarget restores it.
        check(
            &mut e,
            delete_route(&rtb, v4("10.0.0.0/16")),
            err("InvalidParameterValue"),
        );
        let restore = RouteParams {
            local_target: true,
            ..v4("10.0.0.0/16")
        };
        check(&mut e, replace_route(&rtb, restore), ok());
        assert_eq!(table(&e, &rtb).routes[0].target, Target::Local);
        // LocalTarget only restores local routes.
        run(
            &mut e.w,
            &e.ctx,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)),
        )
        .unwrap();
        let not_local = RouteParams {
            local_target: true,
            ..v4("0.0.0.0/0")
        };
        check(
            &mut e,
            replace_route(&rtb, not_local),
            err("InvalidParameterValue"),
        );
    }

    #[test]
    fn replace_route_rules() {
        let mut e = env();
        let (rtb, vpc, subnet) = (e.rtb.clone(), e.vpc.clone(), e.subnet.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let nat = add_nat(&mut e, &vpc, &subnet, NatState::Available);
        check(
            &mut e,
            replace_route(&rtb, gw(v4("0.0.0.0/0"), &igw)),
            err_msg(
                "InvalidParameterValue",
                "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead.",
            ),
        );
        check(
            &mut e,
            replace_route("rtb-0123456789abcdef0", gw(v4("0.0.0.0/0"), &igw)),
            err("InvalidRouteTableID.NotFound"),
        );
        run(
            &mut e.w,
            &e.ctx,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)),
        )
        .unwrap();
        check(
            &mut e,
            replace_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
            err("InvalidGatewayID.NotFound"),
        );
        check(
            &mut e,
            replace_route(&rtb, v4("0.0.0.0/0")),
            err("MissingParameter"),
        );
        let via_nat = RouteParams {
            nat_gateway_id: Some(nat.clone()),
            ..v4("0.0.0.0/0")
        };
        check(&mut e, replace_route(&rtb, via_nat), ok());
        let r = table(&e, &rtb)
            .routes
            .iter()
            .find(|r| r.destination.to_string() == "0.0.0.0/0")
            .unwrap();
        assert_eq!(r.target, Target::NatGateway(nat));
        assert_eq!(r.origin, Origin::CreateRoute);
    }

    #[test]
    fn delete_route_rules() {
        let mut e = env();
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        check(
            &mut e,
            delete_route(&rtb, v4("0.0.0.0/0")),
            err_msg(
                "InvalidRoute.NotFound",
                &format!("no route with destination-cidr-block 0.0.0.0/0 in route table {rtb}"),
            ),
        );
        check(
            &mut e,
            delete_route(&rtb, v6("::/0")),
            err("InvalidRoute.NotFound"),
        );
        check(
            &mut e,
            delete_route(&rtb, RouteParams::default()),
            err("MissingParameter"),
        );
        run(
            &mut e.w,
            &e.ctx,
            create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)),
        )
        .unwrap();
        check(&mut e, delete_route(&rtb, v4("0.0.0.0/0")), ok());
        assert_eq!(table(&e, &rtb).routes.len(), 2);
    }

    #[test]
    fn gateway_endpoint_routes_are_untouchable() {
        let mut e = env();
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let pl = "pl-63a5400a".to_string();
        e.w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
            destination: Destination::PrefixList(pl.clone()),
            target: Target::GatewayEndpoint("vpce-0123456789abcdef0".into()),
            origin: Origin::CreateRoute,
        });
        let dest = RouteParams {
            destination_prefix_list_id: Some(pl),
            ..Default::default()
        };
        check(
            &mut e,
            delete_route(&rtb, dest.clone()),
            err("InvalidParameterValue"),
        );
        // The endpoint here is fictitious, so its route shows blackhole.
        assert_eq!(state_of(&e, &rtb, "pl-63a5400a"), "blackhole");
        // An AWS-managed list's route belongs to its endpoint: replacing it is refused.
        check(
            &mut e,
            replace_route(&rtb, gw(dest, &igw)),
            err("InvalidParameterValue"),
        );
    }

    #[test]
    fn route_quota_counts_per_family() {
        let mut config = Config::default();
        config.quotas.set_from_arg("routes-per-table=1").unwrap();
        let mut e = env_with(config);
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        check(&mut e, create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)), ok());
        check(
            &mut e,
            create_route(&rtb, gw(v4("1.0.0.0/8"), &igw)),
            err("RouteLimitExceeded"),
        );
        check(&mut e, create_route(&rtb, gw(v6("::/0"), &igw)), ok());
        // A prefix-list route counts by the list's MaxEntries.
        let mut config = Config::default();
        config.quotas.set_from_arg("routes-per-table=5").unwrap();
        let mut e = env_with(config);
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        let list = |e: &mut Env, max: i64| {
            id_of(e.w.apply(
                &e.ctx,
                Command::PrefixList(prefix_list::Cmd::Create {
                    name: format!("office-{max}"),
                    entries: vec![],
                    max_entries: max,
                    address_family: "IPv4".into(),
                    tags: vec![],
                    client_token: None,
                }),
            ))
        };
        let (four, two) = (list(&mut e, 4), list(&mut e, 2));
        let to_list = |pl: &str| RouteParams {
            destination_prefix_list_id: Some(pl.to_string()),
            gateway_id: Some(igw.clone()),
            ..Default::default()
        };
        check(&mut e, create_route(&rtb, to_list(&four)), ok());
        check(
            &mut e,
            create_route(&rtb, to_list(&two)),
            err("RouteLimitExceeded"),
        );
        check(&mut e, create_route(&rtb, gw(v4("0.0.0.0/0"), &igw)), ok());
        // Without a configured quota, many routes are fine.
        let mut e = env();
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        for i in 0..60 {
            check(
                &mut e,
                create_route(&rtb, gw(v4(&format!("20.{i}.0.0/16")), &igw)),
                ok(),
            );
        }
    }

    #[test]
    fn vpc_block_changes_follow_local_routes() {
        let mut e = env();
        let (rtb, vpc) = (e.rtb.clone(), e.vpc.clone());
        let igw = add_igw(&mut e, Some(&vpc));
        run(
            &mut e.w,
            &e.ctx,
            create_route(&rtb, gw(v4("10.5.1.0/24"), &igw)),
        )
        .unwrap();
        let assoc = |cidr: &str| vpc::Cmd::AssociateCidr {
            vpc_id: vpc.clone(),
            cidr_block: Some(cidr.into()),
            amazon_ipv6: false,
        };
        // A block containing a route's destination is refused.
        let e1 =
            e.w.apply(&e.ctx, Command::Vpc(assoc("10.5.0.0/16")))
                .unwrap_err();
        assert_eq!(e1.code, "InvalidParameterValue");
        let id = id_of(e.w.apply(&e.ctx, Command::Vpc(assoc("10.6.0.0/16"))));
        for t in [&rtb, &e.main] {
            assert!(table(&e, t)
                .routes
                .iter()
                .any(|r| r.destination.to_string() == "10.6.0.0/16" && r.target == Target::Local));
        }
        e.w.apply(
            &e.ctx,
            Command::Vpc(vpc::Cmd::DisassociateCidr { association_id: id }),
        )
        .unwrap();
        assert!(!table(&e, &rtb)
            .routes
            .iter()
            .any(|r| r.destination.to_string() == "10.6.0.0/16"));
    }

    fn names(tables: Vec<&RouteTable>) -> Vec<String> {
        tables.into_iter().map(|t| t.id.clone()).collect()
    }

    #[test]
    fn describe_filters() {
        let mut e = env();
        let (rtb, main, vpc, vpc2, subnet) = (
            e.rtb.clone(),
            e.main.clone(),
            e.vpc.clone(),
            e.vpc2.clone(),
            e.subnet.clone(),
        );
        let igw = add_igw(&mut e, Some(&vpc));
        let nat = add_nat(&mut e, &vpc, &subnet, NatState::Pending);
        let eigw = add_eigw(&mut e, &vpc);
        let inst = add_instance(&mut e, &vpc, &subnet, 1);
        let pcx = add_pcx(&mut e, &vpc, &vpc2);
        let assoc = id_of(run(&mut e.w, &e.ctx, associate(&rtb, Some(&subnet), None)));
        for route in [
            gw(v4("0.0.0.0/0"), &igw),
            RouteParams {
                nat_gateway_id: Some(nat.clone()),
                ..v4("1.0.0.0/8")
            },
            RouteParams {
                egress_only_internet_gateway_id: Some(eigw.clone()),
                ..v6("::/0")
            },
            RouteParams {
                instance_id: Some(inst.clone()),
                ..v4("2.0.0.0/8")
            },
            RouteParams {
                vpc_peering_connection_id: Some(pcx.clone()),
                ..v4("10.1.0.0/16")
            },
        ] {
            run(&mut e.w, &e.ctx, create_route(&rtb, route)).unwrap();
        }
        e.w.tags
            .entry(e.ctx.scope())
            .or_default()
            .entry(rtb.clone())
            .or_default()
            .insert("Name".into(), "private".into());
        let only_rtb = vec![rtb.clone()];
        let cases: Vec<(&str, String, Vec<String>)> = vec![
            ("route-table-id", rtb.clone(), only_rtb.clone()),
            (
                "vpc-id",
                vpc2.clone(),
                vec![e.w.vpcs.get(&vpc2).unwrap().main_route_table_id.clone()],
            ),
            ("association.subnet-id", subnet.clone(), only_rtb.clone()),
            (
                "association.route-table-association-id",
                assoc.clone(),
                only_rtb.clone(),
            ),
            ("association.route-table-id", rtb.clone(), only_rtb.clone()),
            ("association.main", "false".into(), only_rtb.clone()),
            (
                "route.destination-cidr-block",
                "2.0.0.0/8".into(),
                only_rtb.clone(),
            ),
            (
                "route.destination-ipv6-cidr-block",
                "::/0".into(),
                only_rtb.clone(),
            ),
            ("route.destination-prefix-list-id", "pl-*".into(), vec![]),
            ("route.gateway-id", igw.clone(), only_rtb.clone()),
            ("route.nat-gateway-id", nat.clone(), only_rtb.clone()),
            (
                "route.egress-only-internet-gateway-id",
                eigw.clone(),
                only_rtb.clone(),
            ),
            ("route.instance-id", inst.clone(), only_rtb.clone()),
            (
                "route.vpc-peering-connection-id",
                pcx.clone(),
                only_rtb.clone(),
            ),
            ("route.transit-gateway-id", "tgw-*".into(), vec![]),
            ("route.state", "blackhole".into(), only_rtb.clone()),
            (
                "route.origin",
                "CreateRoute".into(),
                vec![
                    // The default VPC's main table has its 0.0.0.0/0 route too.
                    e.w.vpcs
                        .values()
                        .find(|v| v.is_default)
                        .unwrap()
                        .main_route_table_id
                        .clone(),
                    rtb.clone(),
                ],
            ),
            ("tag:Name", "priv*".into(), only_rtb.clone()),
            ("tag-key", "Name".into(), only_rtb.clone()),
        ];
        for (name, value, mut want) in cases {
            let mut got = names(
                describe(&e.w, &e.ctx, &[], &[Filter::new(name, &[value.as_str()])]).unwrap(),
            );
            got.sort();
            want.sort();
            assert_eq!(got, want, "{name}={value}");
        }
        // association.main=true: the main tables of the caller's VPCs only.
        let mains = names(
            describe(
                &e.w,
                &e.ctx,
                &[],
                &[Filter::new("association.main", &["true"])],
            )
            .unwrap(),
        );
        assert_eq!(mains.len(), 3);
        assert!(mains.contains(&main) && !mains.contains(&rtb));
        // A table without associations matches neither association.main value.
        let lonely = id_of(run(&mut e.w, &e.ctx, create_cmd(&vpc)));
        for v in ["true", "false"] {
            let got = names(
                describe(&e.w, &e.ctx, &[], &[Filter::new("association.main", &[v])]).unwrap(),
            );
            assert!(!got.contains(&lonely));
        }
        // owner-id, gateway-id `local`, filters AND-ed, values OR-ed.
        let all = describe(&e.w, &e.ctx, &[], &[Filter::new("owner-id", &[A])]).unwrap();
        assert_eq!(all.len(), e.w.route_tables.count_in(&e.ctx.scope()));
        let local = describe(
            &e.w,
            &e.ctx,
            &[],
            &[Filter::new("route.gateway-id", &["local"])],
        )
        .unwrap();
        assert_eq!(local.len(), all.len());
        let both = describe(
            &e.w,
            &e.ctx,
            &[],
            &[
                Filter::new("vpc-id", &[vpc.as_str()]),
                Filter::new("association.main", &["true"]),
            ],
        )
        .unwrap();
        assert_eq!(names(both), vec![main.clone()]);
        let either = describe(&e.w, &e.ctx, &[main.clone(), rtb.clone()], &[]).unwrap();
        assert_eq!(either.len(), 2);
        // Unknown ids and filter names are errors.
        let e1 = describe(&e.w, &e.ctx, &["rtb-0123456789abcdef0".into()], &[]).unwrap_err();
        assert_eq!(e1.code, "InvalidRouteTableID.NotFound");
        let e2 = describe(&e.w, &e.ctx, &[], &[Filter::new("route.bogus", &["x"])]).unwrap_err();
        assert_eq!(e2.message, "The filter 'route.bogus' is invalid");
    }

    #[test]
    fn route_state_active_after_peering_accept_in_filters() {
        let mut e = env();
        let (rtb, vpc, vpc2) = (e.rtb.clone(), e.vpc.clone(), e.vpc2.clone());
        let pcx = add_pcx(&mut e, &vpc, &vpc2);
        let to = RouteParams {
            vpc_peering_connection_id: Some(pcx.clone()),
            ..v4("10.1.0.0/16")
        };
        run(&mut e.w, &e.ctx, create_route(&rtb, to)).unwrap();
        let blackholes = |e: &Env| {
            names(
                describe(
                    &e.w,
                    &e.ctx,
                    &[],
                    &[Filter::new("route.state", &["blackhole"])],
                )
                .unwrap(),
            )
        };
        assert_eq!(blackholes(&e), vec![rtb.clone()]);
        peering_cmd(&mut e, peering::Cmd::Accept { id: pcx });
        assert!(blackholes(&e).is_empty());
    }

    #[test]
    fn table_of_subnet_falls_back_to_main() {
        let e = env();
        assert_eq!(table_of_subnet(&e.w, &e.subnet).unwrap().id, e.main);
        assert_eq!(
            table_of_subnet(&e.w, &e.subnet2).unwrap().id,
            e.w.vpcs.get(&e.vpc2).unwrap().main_route_table_id
        );
        assert!(table_of_subnet(&e.w, "subnet-0123456789abcdef0").is_none());
    }
}
