//! Route table actions: tables, associations and routes.

use openvpc_core::route::{self, Cmd, Destination, Route, RouteParams, RouteTable, Target};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Bounds, Query};
use super::{created_id, returned_true, Call, Handler};
use crate::params::View;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateRouteTable", create_route_table),
    ("DeleteRouteTable", delete_route_table),
    ("DescribeRouteTables", describe_route_tables),
    ("AssociateRouteTable", associate_route_table),
    ("DisassociateRouteTable", disassociate_route_table),
    (
        "ReplaceRouteTableAssociation",
        replace_route_table_association,
    ),
    ("CreateRoute", create_route),
    ("ReplaceRoute", replace_route),
    ("DeleteRoute", delete_route),
];

fn route_table_id(p: &View) -> Result<String> {
    let id = p.req("RouteTableId")?;
    Kind::RouteTable.check(&id)?;
    Ok(id)
}

/// An optional string member; an empty value counts as absent.
fn given(p: &View, name: &str) -> Option<String> {
    p.str(name).filter(|v| !v.is_empty())
}

/// An optional id member whose shape is checked when present.
fn given_id(p: &View, name: &str, kind: Kind) -> Result<Option<String>> {
    let v = given(p, name);
    if let Some(id) = &v {
        kind.check(id)?;
    }
    Ok(v)
}

fn create_route_table(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let client_token = given(&p, "ClientToken");
    let cmd = Cmd::CreateTable {
        vpc_id,
        tags: p.tag_specs()?,
        client_token: client_token.clone(),
    };
    let id = created_id(cx.mutate(Command::Route(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let table = w
        .route_tables
        .get(&id)
        .ok_or_else(|| Kind::RouteTable.not_found(&id))?;
    let mut x = Xml::new();
    x.node("routeTable", |x| render(x, w, scope, table));
    x.opt("clientToken", client_token);
    Ok(x)
}

fn delete_route_table(cx: &mut Call) -> Result<Xml> {
    let route_table_id = route_table_id(&cx.p())?;
    cx.mutate(Command::Route(Cmd::DeleteTable { route_table_id }))?;
    Ok(returned_true())
}

fn describe_route_tables(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "RouteTableId",
        |id| Kind::RouteTable.check(id),
        Bounds::strict(5, 100),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = route::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |t| t.id.clone(),
        "routeTableSet",
        |x, t| render(x, w, scope, t),
    ))
}

fn associate_route_table(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = route_table_id(&p)?;
    let subnet_id = given(&p, "SubnetId");
    if let Some(s) = &subnet_id {
        Kind::Subnet.check(s)?;
    }
    let gateway_id = given(&p, "GatewayId");
    if p.has("PublicIpv4Pool") {
        p.ignore("PublicIpv4Pool");
        return Err(ApiError::invalid_parameter(
            "The parameter PublicIpv4Pool is not supported by this endpoint.",
        ));
    }
    let id = created_id(cx.mutate(Command::Route(Cmd::Associate {
        route_table_id,
        subnet_id,
        gateway_id,
    }))?)?;
    let mut x = Xml::new();
    x.leaf("associationId", id).node("associationState", |x| {
        x.leaf("state", "associated");
    });
    Ok(x)
}

fn disassociate_route_table(cx: &mut Call) -> Result<Xml> {
    let association_id = cx.p().req("AssociationId")?;
    cx.mutate(Command::Route(Cmd::Disassociate { association_id }))?;
    Ok(returned_true())
}

fn replace_route_table_association(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let association_id = p.req("AssociationId")?;
    let route_table_id = route_table_id(&p)?;
    let id = created_id(cx.mutate(Command::Route(Cmd::ReplaceAssociation {
        association_id,
        route_table_id,
    }))?)?;
    let mut x = Xml::new();
    x.leaf("newAssociationId", id)
        .node("associationState", |x| {
            x.leaf("state", "associated");
        });
    Ok(x)
}

/// Reads the destination members (every route action has them).
fn destination(p: &View) -> Result<RouteParams> {
    Ok(RouteParams {
        destination_cidr_block: given(p, "DestinationCidrBlock"),
        destination_ipv6_cidr_block: given(p, "DestinationIpv6CidrBlock"),
        destination_prefix_list_id: given_id(p, "DestinationPrefixListId", Kind::PrefixList)?,
        ..RouteParams::default()
    })
}

/// Reads the destination and target members of CreateRoute / ReplaceRoute.
fn route_params(p: &View) -> Result<RouteParams> {
    let mut r = destination(p)?;
    r.gateway_id = given(p, "GatewayId");
    r.egress_only_internet_gateway_id = given(p, "EgressOnlyInternetGatewayId");
    r.nat_gateway_id = given_id(p, "NatGatewayId", Kind::NatGateway)?;
    r.network_interface_id = given_id(p, "NetworkInterfaceId", Kind::NetworkInterface)?;
    r.instance_id = given_id(p, "InstanceId", Kind::Instance)?;
    r.vpc_peering_connection_id =
        given_id(p, "VpcPeeringConnectionId", Kind::VpcPeeringConnection)?;
    r.transit_gateway_id = given(p, "TransitGatewayId");
    r.vpc_endpoint_id = given(p, "VpcEndpointId");
    for name in [
        "LocalGatewayId",
        "CarrierGatewayId",
        "CoreNetworkArn",
        "OdbNetworkArn",
    ] {
        if given(p, name).is_some() {
            return Err(ApiError::invalid_value(format!(
                "The parameter {name} is not supported by this endpoint."
            )));
        }
    }
    Ok(r)
}

fn create_route(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = route_table_id(&p)?;
    let route = route_params(&p)?;
    cx.mutate(Command::Route(Cmd::CreateRoute {
        route_table_id,
        route,
    }))?;
    Ok(returned_true())
}

fn replace_route(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = route_table_id(&p)?;
    let mut route = route_params(&p)?;
    route.local_target = p.flag("LocalTarget")?;
    cx.mutate(Command::Route(Cmd::ReplaceRoute {
        route_table_id,
        route,
    }))?;
    Ok(returned_true())
}

fn delete_route(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = route_table_id(&p)?;
    let route = destination(&p)?;
    cx.mutate(Command::Route(Cmd::DeleteRoute {
        route_table_id,
        route,
    }))?;
    Ok(returned_true())
}

/// Renders one route table's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, t: &RouteTable) {
    x.leaf("routeTableId", &t.id)
        .leaf("vpcId", &t.vpc_id)
        .leaf("ownerId", &t.scope.account)
        .list("routeSet", &t.routes, |x, r| {
            let state = route::route_state_in(w, t, r);
            render_route(x, r, state, RouteShape::Table(w))
        })
        .list("associationSet", &t.associations, |x, a| {
            x.leaf("main", a.main)
                .leaf("routeTableAssociationId", &a.id)
                .leaf("routeTableId", &t.id)
                .opt("subnetId", a.subnet_id.as_deref())
                .opt("gatewayId", a.gateway_id.as_deref())
                .node("associationState", |x| {
                    x.leaf("state", "associated");
                });
        })
        .list("propagatingVgwSet", &t.propagating_vgws, |x, g| {
            x.leaf("gatewayId", g);
        })
        .tag_set(tags::of(w, scope, &t.id));
}

/// The two shapes a route takes on the wire.
#[derive(Debug, Clone, Copy)]
pub enum RouteShape<'w> {
    /// DescribeRouteTables' `Route`: `destinationCidrBlock`, an instance target's owner
    /// and interface (read from the world), `state` before `origin`.
    Table(&'w World),
    /// Network Insights' `RouteTableRoute`: `destinationCidr` for both families, `origin`
    /// before `state`.
    Analysis,
}

/// Renders one route's members in `shape`, with its `state` (`active`/`blackhole`).
pub fn render_route(x: &mut Xml, r: &Route, state: &str, shape: RouteShape) {
    let table = matches!(shape, RouteShape::Table(_));
    match &r.destination {
        Destination::V4(c) if table => x.leaf("destinationCidrBlock", c),
        Destination::V6(c) if table => x.leaf("destinationIpv6CidrBlock", c),
        Destination::V4(c) => x.leaf("destinationCidr", c),
        Destination::V6(c) => x.leaf("destinationCidr", c),
        Destination::PrefixList(id) => x.leaf("destinationPrefixListId", id),
    };
    if let Some(g) = route::gateway_id_of(&r.target) {
        x.leaf("gatewayId", g);
    }
    let member = match &r.target {
        Target::EgressOnlyInternetGateway(_) => Some("egressOnlyInternetGatewayId"),
        Target::NatGateway(_) => Some("natGatewayId"),
        Target::NetworkInterface(_) => Some("networkInterfaceId"),
        Target::Instance(_) => Some("instanceId"),
        Target::VpcPeeringConnection(_) => Some("vpcPeeringConnectionId"),
        Target::TransitGateway(_) => Some("transitGatewayId"),
        Target::Local
        | Target::Gateway(_)
        | Target::GatewayEndpoint(_)
        | Target::VpcEndpoint(_) => None,
    };
    if let Some(member) = member {
        x.leaf(member, r.target.id());
    }
    if let (Target::Instance(id), RouteShape::Table(w)) = (&r.target, shape) {
        if let Some(i) = w.instances.get(id) {
            x.leaf("instanceOwnerId", &i.scope.account)
                .leaf("networkInterfaceId", &i.network_interface_id);
        }
    }
    if table {
        x.leaf("state", state).leaf("origin", r.origin.as_str());
    } else {
        x.leaf("origin", r.origin.as_str()).leaf("state", state);
    }
}
