//! Route tables.

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::route::{Association, Destination, Origin, Route, RouteTable, Target};
use openvpc_core::{Scope, World};

use super::{owner, Loaded};
use crate::json::{cidr as parse_cidr, Obj, Res};

pub(super) fn route_table(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let mut routes = Vec::new();
    let mut unmodelled = 0;
    for (path, r) in o.list("Routes")? {
        let r = Obj {
            value: r,
            path: &path,
        };
        let destination = if let Some(raw) = r.opt_str("DestinationCidrBlock")? {
            Destination::V4(parse_cidr::<Ipv4Net>(&r, "DestinationCidrBlock", &raw)?.trunc())
        } else if let Some(raw) = r.opt_str("DestinationIpv6CidrBlock")? {
            Destination::V6(parse_cidr::<Ipv6Net>(&r, "DestinationIpv6CidrBlock", &raw)?.trunc())
        } else if let Some(pl) = r.opt_str("DestinationPrefixListId")? {
            Destination::PrefixList(pl)
        } else {
            return Err(format!("field `{path}`: a route needs a destination"));
        };
        let target = if let Some(g) = r.opt_str("GatewayId")? {
            Target::of_gateway_id(g)
        } else if let Some(id) = r.opt_str("NatGatewayId")? {
            Target::NatGateway(id)
        } else if let Some(id) = r.opt_str("VpcPeeringConnectionId")? {
            Target::VpcPeeringConnection(id)
        } else if let Some(id) = r.opt_str("EgressOnlyInternetGatewayId")? {
            Target::EgressOnlyInternetGateway(id)
        } else if let Some(id) = r.opt_str("TransitGatewayId")? {
            Target::TransitGateway(id)
        } else if let Some(id) = r.opt_str("InstanceId")? {
            Target::Instance(id)
        } else if let Some(id) = r.opt_str("NetworkInterfaceId")? {
            Target::NetworkInterface(id)
        } else if let Some(id) = r.opt_str("VpcEndpointId")? {
            Target::VpcEndpoint(id)
        } else {
            unmodelled += 1; // carrier gateways, local gateways, core networks
            continue;
        };
        let origin = match r.opt_str("Origin")?.as_deref() {
            Some("CreateRouteTable") => Origin::CreateRouteTable,
            Some("EnableVgwRoutePropagation") => Origin::EnableVgwRoutePropagation,
            _ => Origin::CreateRoute,
        };
        routes.push(Route {
            destination,
            target,
            origin,
        });
    }
    let mut associations = Vec::new();
    for (path, a) in o.list("Associations")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        associations.push(Association {
            id: a.opt_str("RouteTableAssociationId")?.unwrap_or_default(),
            subnet_id: a.opt_str("SubnetId")?,
            gateway_id: a.opt_str("GatewayId")?,
            main: a.opt_bool("Main")?.unwrap_or(false),
        });
    }
    let mut propagating_vgws = Vec::new();
    for (path, g) in o.list("PropagatingVgws")? {
        let g = Obj {
            value: g,
            path: &path,
        };
        propagating_vgws.push(g.str("GatewayId")?);
    }
    w.route_tables.insert(RouteTable {
        id: o.str("RouteTableId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        routes,
        associations,
        propagating_vgws,
    });
    Ok(match unmodelled {
        0 => Loaded::Done,
        n => Loaded::LeftOut("routes to targets openvpc does not model", n),
    })
}
