//! Builders for the vpn area: virtual private gateways, customer gateways, VPN connections.

use super::Kit;
use crate::vpn::{Cmd, NewConnection};

impl Kit {
    /// A new virtual private gateway (default ASN), detached.
    pub fn vgw(&mut self) -> String {
        self.id(Cmd::CreateVpnGateway {
            availability_zone: None,
            amazon_side_asn: None,
            tags: vec![],
        })
    }

    /// A virtual private gateway attached to `vpc`.
    pub fn attached_vgw(&mut self, vpc: &str) -> String {
        let vgw = self.vgw();
        self.ok(attach_vgw(&vgw, vpc));
        vgw
    }

    /// A customer gateway at `ip` (default ASN).
    pub fn cgw(&mut self, ip: &str) -> String {
        self.id(Cmd::CreateCustomerGateway {
            ip_address: ip.parse().expect("IPv4"),
            bgp_asn: None,
            device_name: None,
            certificate_arn: None,
            tags: vec![],
        })
    }

    /// A static-routes VPN connection between `cgw` and `vgw` with `routes`.
    pub fn vpn(&mut self, cgw: &str, vgw: &str, routes: &[&str]) -> String {
        let id = self.id(Cmd::CreateVpnConnection(connection(cgw, vgw, true)));
        for r in routes {
            self.ok(vpn_route(&id, r));
        }
        id
    }
}

/// AttachVpnGateway.
pub fn attach_vgw(vgw: &str, vpc: &str) -> Cmd {
    Cmd::AttachVpnGateway {
        vpn_gateway_id: vgw.into(),
        vpc_id: vpc.into(),
    }
}

/// DetachVpnGateway.
pub fn detach_vgw(vgw: &str, vpc: &str) -> Cmd {
    Cmd::DetachVpnGateway {
        vpn_gateway_id: vgw.into(),
        vpc_id: vpc.into(),
    }
}

/// CreateVpnConnection's request between `cgw` and `vgw`.
pub fn connection(cgw: &str, vgw: &str, static_routes_only: bool) -> NewConnection {
    NewConnection {
        customer_gateway_id: cgw.into(),
        vpn_gateway_id: Some(vgw.into()),
        transit_gateway_id: None,
        static_routes_only,
        local_ipv4_network_cidr: None,
        remote_ipv4_network_cidr: None,
        tags: vec![],
    }
}

/// CreateVpnConnectionRoute.
pub fn vpn_route(vpn: &str, cidr: &str) -> Cmd {
    Cmd::CreateVpnConnectionRoute {
        vpn_connection_id: vpn.into(),
        destination: cidr.parse().expect("IPv4 CIDR"),
    }
}

/// EnableVgwRoutePropagation.
pub fn propagate(vgw: &str, rtb: &str) -> Cmd {
    Cmd::EnableVgwRoutePropagation {
        gateway_id: vgw.into(),
        route_table_id: rtb.into(),
    }
}
