//! Site-to-Site VPN: virtual private gateways, customer gateways and VPN connections.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use openvpc_core::{vpn, Scope, World};
use serde_json::Value;

use super::Loaded;
use crate::json::{addr, cidr as parse_cidr, Obj, Res};

/// Whether a VPN resource's `State` says it is gone (`deleting`, `deleted`): not imported.
fn vpn_gone(o: &Obj) -> Res<bool> {
    Ok(matches!(
        o.opt_str("State")?.as_deref(),
        Some("deleting" | "deleted")
    ))
}

/// An ASN field: AWS prints a gateway's as a number and a customer gateway's as a string.
fn asn_of(o: &Obj, name: &str) -> Res<Option<u64>> {
    match o.field(name) {
        None => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("field `{}.{name}`: `{s}` is not an ASN", o.path)),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("field `{}.{name}`: expected an ASN", o.path)),
    }
}

/// `VpnGateways` of `describe-vpn-gateways`.
pub(super) fn vpn_gateway(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted VPN gateways"));
    }
    let mut attachments = Vec::new();
    for (path, a) in o.list("VpcAttachments")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let state = a.opt_str("State")?;
        attachments.push(vpn::VgwAttachment {
            vpc_id: a.str("VpcId")?,
            attached: matches!(state.as_deref(), Some("attached" | "attaching")),
        });
    }
    w.vpn_gateways.insert(vpn::VpnGateway {
        id: o.str("VpnGatewayId")?,
        scope: scope.clone(),
        availability_zone: o.opt_str("AvailabilityZone")?,
        amazon_side_asn: asn_of(&o, "AmazonSideAsn")?.unwrap_or(vpn::DEFAULT_AMAZON_ASN),
        state: vpn::State::Available,
        attachments,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// `CustomerGateways` of `describe-customer-gateways`.
pub(super) fn customer_gateway(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted customer gateways"));
    }
    let raw = o.str("IpAddress")?;
    let asn = match asn_of(&o, "BgpAsnExtended")? {
        Some(a) => a,
        None => asn_of(&o, "BgpAsn")?.unwrap_or(vpn::DEFAULT_CUSTOMER_ASN),
    };
    w.customer_gateways.insert(vpn::CustomerGateway {
        id: o.str("CustomerGatewayId")?,
        scope: scope.clone(),
        ip_address: addr(&o, "IpAddress", &raw)?,
        bgp_asn: asn,
        device_name: o.opt_str("DeviceName")?,
        certificate_arn: o.opt_str("CertificateArn")?,
        state: vpn::State::Available,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// `VpnConnections` of `describe-vpn-connections` (to a virtual private gateway or a transit
/// gateway; the transit gateway's VPN attachment comes from
/// `describe-transit-gateway-attachments`).
pub(super) fn vpn_connection(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted VPN connections"));
    }
    let transit_gateway_id = o.opt_str("TransitGatewayId")?;
    let vgw = match (o.opt_str("VpnGatewayId")?, &transit_gateway_id) {
        (Some(vgw), _) => vgw,
        (None, Some(_)) => String::new(),
        (None, None) => return Ok(Loaded::Skipped("VPN connections without a gateway")),
    };
    let options = o.child("Options").unwrap_or(Value::Null);
    let opts = Obj {
        value: &options,
        path: &format!("{}.Options", o.path),
    };
    let net = |name: &str| -> Res<Ipv4Net> {
        match opts.opt_str(name)? {
            Some(raw) => parse_cidr(&opts, name, &raw),
            None => Ok(Ipv4Net::default()),
        }
    };
    let mut routes = Vec::new();
    for (path, r) in o.list("Routes")? {
        let r = Obj {
            value: r,
            path: &path,
        };
        if matches!(r.opt_str("State")?.as_deref(), Some("deleting" | "deleted")) {
            continue;
        }
        let raw = r.str("DestinationCidrBlock")?;
        let destination: Ipv4Net = parse_cidr(&r, "DestinationCidrBlock", &raw)?;
        routes.push(vpn::VpnRoute {
            destination: destination.trunc(),
        });
    }
    let mut outside = Vec::new();
    for (path, t) in o.list("VgwTelemetry")? {
        let t = Obj {
            value: t,
            path: &path,
        };
        if let Some(raw) = t.opt_str("OutsideIpAddress")? {
            outside.push(addr::<Ipv4Addr>(&t, "OutsideIpAddress", &raw)?);
        }
    }
    let unspecified = Ipv4Addr::UNSPECIFIED;
    w.vpn_connections.insert(vpn::VpnConnection {
        id: o.str("VpnConnectionId")?,
        scope: scope.clone(),
        customer_gateway_id: o.str("CustomerGatewayId")?,
        vpn_gateway_id: vgw,
        transit_gateway_id,
        static_routes_only: opts.opt_bool("StaticRoutesOnly")?.unwrap_or(false),
        local_ipv4_network_cidr: net("LocalIpv4NetworkCidr")?,
        remote_ipv4_network_cidr: net("RemoteIpv4NetworkCidr")?,
        outside_ips: [
            outside.first().copied().unwrap_or(unspecified),
            outside.get(1).copied().unwrap_or(unspecified),
        ],
        routes,
        state: vpn::State::Available,
        created: 0,
        purge_at: None,
    });
    Ok(Loaded::Done)
}
