//! Virtual private gateways, customer gateways, Site-to-Site VPN connections and route
//! propagation (spec §13).

use openvpc_core::cidr;
use openvpc_core::vpn::{
    self, Cmd, CustomerGateway, NewConnection, VpnConnection, VpnGateway, IPSEC_1,
};
use openvpc_core::{tags, ApiError, Command, Filter, Kind, Result, Scope, World};

use super::{created_id, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateVpnGateway", create_vpn_gateway),
    ("AttachVpnGateway", attach_vpn_gateway),
    ("DetachVpnGateway", detach_vpn_gateway),
    ("DeleteVpnGateway", delete_vpn_gateway),
    ("DescribeVpnGateways", describe_vpn_gateways),
    ("CreateCustomerGateway", create_customer_gateway),
    ("DeleteCustomerGateway", delete_customer_gateway),
    ("DescribeCustomerGateways", describe_customer_gateways),
    ("CreateVpnConnection", create_vpn_connection),
    ("DeleteVpnConnection", delete_vpn_connection),
    ("DescribeVpnConnections", describe_vpn_connections),
    ("CreateVpnConnectionRoute", create_vpn_connection_route),
    ("DeleteVpnConnectionRoute", delete_vpn_connection_route),
    ("EnableVgwRoutePropagation", enable_vgw_route_propagation),
    ("DisableVgwRoutePropagation", disable_vgw_route_propagation),
];

fn id_of(p: &View, name: &str, kind: Kind) -> Result<String> {
    let id = p.req(name)?;
    kind.check(&id)?;
    Ok(id)
}

/// `Type`: `ipsec.1` is the only type AWS offers.
fn vpn_type(p: &View) -> Result<()> {
    let t = p.req("Type")?;
    if t != IPSEC_1 {
        return Err(ApiError::invalid_value(format!(
            "Value ({t}) for parameter type is invalid. Valid values: ipsec.1"
        )));
    }
    Ok(())
}

/// The ids and filters of a Describe action without pagination.
fn ids_and_filters(p: &View, ids: &str, kind: Kind) -> Result<(Vec<String>, Vec<Filter>)> {
    let ids = p.list(ids);
    ids.iter().try_for_each(|id| kind.check(id))?;
    Ok((ids, p.filters()?))
}

fn asn(p: &View, name: &str) -> Result<Option<u64>> {
    match p.int(name)? {
        None => Ok(None),
        Some(n) if n >= 0 => Ok(Some(n as u64)),
        Some(n) => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter {name} is invalid."
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// Virtual private gateways

fn create_vpn_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    vpn_type(&p)?;
    let cmd = Cmd::CreateVpnGateway {
        availability_zone: p.str("AvailabilityZone").filter(|z| !z.is_empty()),
        amazon_side_asn: asn(&p, "AmazonSideAsn")?,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Vpn(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w
        .vpn_gateways
        .get(&id)
        .ok_or_else(|| Kind::VpnGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.node("vpnGateway", |x| render_vgw(x, w, scope, g));
    Ok(x)
}

fn attach_vpn_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpn_gateway_id = id_of(&p, "VpnGatewayId", Kind::VpnGateway)?;
    let vpc_id = id_of(&p, "VpcId", Kind::Vpc)?;
    cx.mutate(Command::Vpn(Cmd::AttachVpnGateway {
        vpn_gateway_id,
        vpc_id: vpc_id.clone(),
    }))?;
    let mut x = Xml::new();
    x.node("attachment", |x| {
        x.leaf("vpcId", vpc_id).leaf("state", "attaching");
    });
    Ok(x)
}

fn detach_vpn_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpn_gateway_id = id_of(&p, "VpnGatewayId", Kind::VpnGateway)?;
    let vpc_id = id_of(&p, "VpcId", Kind::Vpc)?;
    cx.mutate(Command::Vpn(Cmd::DetachVpnGateway {
        vpn_gateway_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

fn delete_vpn_gateway(cx: &mut Call) -> Result<Xml> {
    let vpn_gateway_id = id_of(&cx.p(), "VpnGatewayId", Kind::VpnGateway)?;
    cx.mutate(Command::Vpn(Cmd::DeleteVpnGateway { vpn_gateway_id }))?;
    Ok(returned_true())
}

fn describe_vpn_gateways(cx: &mut Call) -> Result<Xml> {
    let (ids, filters) = ids_and_filters(&cx.p(), "VpnGatewayId", Kind::VpnGateway)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = vpn::describe_vpn_gateways(w, cx.ctx(), &ids, &filters)?;
    let mut x = Xml::new();
    x.list("vpnGatewaySet", found, |x, g| render_vgw(x, w, scope, g));
    Ok(x)
}

/// Renders one virtual private gateway's members.
pub fn render_vgw(x: &mut Xml, w: &World, scope: &Scope, g: &VpnGateway) {
    x.leaf("vpnGatewayId", &g.id)
        .leaf("state", g.state.as_str())
        .leaf("type", IPSEC_1)
        .opt("availabilityZone", g.availability_zone.as_deref())
        .list("attachments", &g.attachments, |x, a| {
            x.leaf("vpcId", &a.vpc_id).leaf("state", a.state());
        })
        .leaf("amazonSideAsn", g.amazon_side_asn)
        .tag_set(tags::of(w, scope, &g.id));
}

// ---------------------------------------------------------------------------------------
// Customer gateways

fn create_customer_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    vpn_type(&p)?;
    let ip = match p.ipv4("IpAddress")? {
        Some(ip) => ip,
        None => p
            .ipv4("PublicIp")?
            .ok_or_else(|| ApiError::missing("IpAddress"))?,
    };
    let bgp_asn = match (asn(&p, "BgpAsn")?, asn(&p, "BgpAsnExtended")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_parameter(
                "Specify either BgpAsn or BgpAsnExtended, not both.",
            ))
        }
        (Some(a), None) if a > 2_147_483_647 => {
            return Err(ApiError::invalid_value(format!(
                "Value ({a}) for parameter BgpAsn is invalid: use BgpAsnExtended for ASNs above 2147483647."
            )))
        }
        (None, Some(a)) if !(2_147_483_648..=4_294_967_295).contains(&a) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({a}) for parameter BgpAsnExtended is invalid: use 2147483648-4294967295."
            )))
        }
        (a, b) => a.or(b),
    };
    let cmd = Cmd::CreateCustomerGateway {
        ip_address: ip,
        bgp_asn,
        device_name: p.str("DeviceName").filter(|s| !s.is_empty()),
        certificate_arn: p.str("CertificateArn").filter(|s| !s.is_empty()),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Vpn(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w
        .customer_gateways
        .get(&id)
        .ok_or_else(|| Kind::CustomerGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.node("customerGateway", |x| render_cgw(x, w, scope, g));
    Ok(x)
}

fn delete_customer_gateway(cx: &mut Call) -> Result<Xml> {
    let customer_gateway_id = id_of(&cx.p(), "CustomerGatewayId", Kind::CustomerGateway)?;
    cx.mutate(Command::Vpn(Cmd::DeleteCustomerGateway {
        customer_gateway_id,
    }))?;
    Ok(returned_true())
}

fn describe_customer_gateways(cx: &mut Call) -> Result<Xml> {
    let (ids, filters) = ids_and_filters(&cx.p(), "CustomerGatewayId", Kind::CustomerGateway)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = vpn::describe_customer_gateways(w, cx.ctx(), &ids, &filters)?;
    let mut x = Xml::new();
    x.list("customerGatewaySet", found, |x, g| {
        render_cgw(x, w, scope, g)
    });
    Ok(x)
}

/// Renders one customer gateway's members (`bgpAsn` is a string on the wire).
pub fn render_cgw(x: &mut Xml, w: &World, scope: &Scope, g: &CustomerGateway) {
    x.leaf("customerGatewayId", &g.id)
        .leaf("state", g.state.as_str())
        .leaf("type", IPSEC_1)
        .leaf("ipAddress", g.ip_address);
    if g.bgp_asn <= 2_147_483_647 {
        x.leaf("bgpAsn", g.bgp_asn);
    } else {
        x.leaf("bgpAsnExtended", g.bgp_asn);
    }
    x.opt("deviceName", g.device_name.as_deref())
        .opt("certificateArn", g.certificate_arn.as_deref())
        .tag_set(tags::of(w, scope, &g.id));
}

// ---------------------------------------------------------------------------------------
// VPN connections

fn cidr_option(p: &View, name: &str) -> Result<Option<ipnet::Ipv4Net>> {
    match p.str(name).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => cidr::parse_v4(&raw).map(Some).ok_or_else(|| {
            ApiError::invalid_value(format!(
                "Value ({raw}) for parameter {name} is invalid. This is not a valid CIDR block."
            ))
        }),
    }
}

fn create_vpn_connection(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    vpn_type(&p)?;
    let customer_gateway_id = id_of(&p, "CustomerGatewayId", Kind::CustomerGateway)?;
    let vpn_gateway_id = p.str("VpnGatewayId").filter(|s| !s.is_empty());
    if let Some(id) = &vpn_gateway_id {
        Kind::VpnGateway.check(id)?;
    }
    if p.str("VpnConcentratorId").is_some() {
        return Err(ApiError::invalid_parameter(
            "The parameter VpnConcentratorId is not supported by this endpoint.",
        ));
    }
    let o = p.nested("Options");
    let new = NewConnection {
        customer_gateway_id,
        vpn_gateway_id,
        transit_gateway_id: p.str("TransitGatewayId").filter(|s| !s.is_empty()),
        static_routes_only: o.flag("StaticRoutesOnly")?,
        local_ipv4_network_cidr: cidr_option(&o, "LocalIpv4NetworkCidr")?,
        remote_ipv4_network_cidr: cidr_option(&o, "RemoteIpv4NetworkCidr")?,
        tags: p.tag_specs()?,
    };
    // Tunnel settings take no effect: no tunnel runs.
    for name in [
        "TunnelOptions",
        "EnableAcceleration",
        "TunnelInsideIpVersion",
        "OutsideIpAddressType",
        "TransportTransitGatewayAttachmentId",
        "TunnelBandwidth",
    ] {
        o.ignore(name);
    }
    p.ignore("PreSharedKeyStorage");
    let id = created_id(cx.mutate(Command::Vpn(Cmd::CreateVpnConnection(new)))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let c = w
        .vpn_connections
        .get(&id)
        .ok_or_else(|| Kind::VpnConnection.not_found(&id))?;
    let mut x = Xml::new();
    x.node("vpnConnection", |x| render_vpn(x, w, scope, c));
    Ok(x)
}

fn delete_vpn_connection(cx: &mut Call) -> Result<Xml> {
    let vpn_connection_id = id_of(&cx.p(), "VpnConnectionId", Kind::VpnConnection)?;
    cx.mutate(Command::Vpn(Cmd::DeleteVpnConnection { vpn_connection_id }))?;
    Ok(returned_true())
}

fn describe_vpn_connections(cx: &mut Call) -> Result<Xml> {
    let (ids, filters) = ids_and_filters(&cx.p(), "VpnConnectionId", Kind::VpnConnection)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = vpn::describe_vpn_connections(w, cx.ctx(), &ids, &filters)?;
    let mut x = Xml::new();
    x.list("vpnConnectionSet", found, |x, c| render_vpn(x, w, scope, c));
    Ok(x)
}

fn route_command(cx: &mut Call, create: bool) -> Result<Xml> {
    let p = cx.p();
    let vpn_connection_id = id_of(&p, "VpnConnectionId", Kind::VpnConnection)?;
    let raw = p.req("DestinationCidrBlock")?;
    let destination = cidr::parse_v4(&raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    let cmd = if create {
        Cmd::CreateVpnConnectionRoute {
            vpn_connection_id,
            destination,
        }
    } else {
        Cmd::DeleteVpnConnectionRoute {
            vpn_connection_id,
            destination,
        }
    };
    cx.mutate(Command::Vpn(cmd))?;
    Ok(returned_true())
}

fn create_vpn_connection_route(cx: &mut Call) -> Result<Xml> {
    route_command(cx, true)
}

fn delete_vpn_connection_route(cx: &mut Call) -> Result<Xml> {
    route_command(cx, false)
}

/// The device configuration AWS hands out, reduced to what identifies the tunnels.
fn device_configuration(c: &VpnConnection, cgw_ip: Option<std::net::Ipv4Addr>) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn_connection id=\"{}\"><vpn_connection_type>ipsec.1</vpn_connection_type><vpn_gateway_id>{}</vpn_gateway_id><customer_gateway_id>{}</customer_gateway_id>",
        c.id, c.vpn_gateway_id, c.customer_gateway_id
    );
    for ip in c.outside_ips {
        s.push_str(&format!(
            "<ipsec_tunnel><customer_gateway><tunnel_outside_address><ip_address>{}</ip_address></tunnel_outside_address></customer_gateway><vpn_gateway><tunnel_outside_address><ip_address>{ip}</ip_address></tunnel_outside_address></vpn_gateway></ipsec_tunnel>",
            cgw_ip.map(|i| i.to_string()).unwrap_or_default()
        ));
    }
    s.push_str("</vpn_connection>");
    s
}

/// Renders one VPN connection's members. Tunnels are `DOWN`: no peer answers.
pub fn render_vpn(x: &mut Xml, w: &World, scope: &Scope, c: &VpnConnection) {
    let cgw_ip = w
        .customer_gateways
        .get(&c.customer_gateway_id)
        .map(|g| g.ip_address);
    x.leaf("vpnConnectionId", &c.id)
        .leaf("state", c.state.as_str())
        .leaf("type", IPSEC_1)
        .leaf("category", "VPN")
        .leaf("customerGatewayId", &c.customer_gateway_id)
        .opt(
            "vpnGatewayId",
            Some(c.vpn_gateway_id.as_str()).filter(|v| !v.is_empty()),
        )
        .opt("transitGatewayId", c.transit_gateway_id.as_deref());
    if c.state == vpn::State::Available {
        x.leaf(
            "customerGatewayConfiguration",
            device_configuration(c, cgw_ip),
        );
    }
    x.node("options", |x| {
        x.leaf("staticRoutesOnly", c.static_routes_only)
            .leaf("enableAcceleration", false)
            .leaf("localIpv4NetworkCidr", c.local_ipv4_network_cidr)
            .leaf("remoteIpv4NetworkCidr", c.remote_ipv4_network_cidr)
            .leaf("outsideIpAddressType", "PublicIpv4")
            .leaf("tunnelInsideIpVersion", "ipv4")
            .list("tunnelOptionSet", c.outside_ips, |x, ip| {
                x.leaf("outsideIpAddress", ip);
            });
    })
    .list("routes", &c.routes, |x, r| {
        x.leaf("destinationCidrBlock", r.destination)
            .leaf("source", "Static")
            .leaf("state", "available");
    })
    .list("vgwTelemetry", c.outside_ips, |x, ip| {
        x.leaf("outsideIpAddress", ip)
            .leaf("status", "DOWN")
            .leaf("lastStatusChange", iso8601(c.created))
            .leaf("statusMessage", "")
            .leaf("acceptedRouteCount", 0);
    })
    .tag_set(tags::of(w, scope, &c.id));
}

// ---------------------------------------------------------------------------------------
// Route propagation

fn propagation(cx: &mut Call, enable: bool) -> Result<Xml> {
    let p = cx.p();
    let gateway_id = id_of(&p, "GatewayId", Kind::VpnGateway)?;
    let route_table_id = id_of(&p, "RouteTableId", Kind::RouteTable)?;
    let cmd = if enable {
        Cmd::EnableVgwRoutePropagation {
            gateway_id,
            route_table_id,
        }
    } else {
        Cmd::DisableVgwRoutePropagation {
            gateway_id,
            route_table_id,
        }
    };
    cx.mutate(Command::Vpn(cmd))?;
    Ok(returned_true())
}

fn enable_vgw_route_propagation(cx: &mut Call) -> Result<Xml> {
    propagation(cx, true)
}

fn disable_vgw_route_propagation(cx: &mut Call) -> Result<Xml> {
    propagation(cx, false)
}
