//! Builders for the tgw area: transit gateways, VPC attachments, route tables and routes.

use super::Kit;
use crate::tgw::{AttachmentOptionChanges, Cmd, NewTgwOptions, TgwRouteTable, TransitGateway};

impl Kit {
    /// A transit gateway with AWS's default options, `available` (the clock ticked).
    pub fn tgw(&mut self) -> String {
        let id = self.id(create_tgw(NewTgwOptions::default()));
        self.advance(0);
        id
    }

    /// The transit gateway `id`.
    pub fn tgw_of(&self, id: &str) -> &TransitGateway {
        self.w
            .transit_gateways
            .get(id)
            .expect("transit gateway exists")
    }

    /// The default association route table of `tgw`.
    pub fn tgw_default_table(&self, tgw: &str) -> String {
        self.tgw_of(tgw)
            .options
            .association_default_route_table_id
            .clone()
            .expect("a default route table")
    }

    /// The transit-gateway route table `id`.
    pub fn tgw_table(&self, id: &str) -> &TgwRouteTable {
        self.w.tgw_route_tables.get(id).expect("route table exists")
    }

    /// A VPC attachment of `tgw` to `vpc` through `subnets`, `available` (the clock ticked).
    pub fn tgw_attach(&mut self, tgw: &str, vpc: &str, subnets: &[&str]) -> String {
        let id = self.id(attach(tgw, vpc, subnets));
        self.advance(0);
        id
    }
}

/// CreateTransitGateway with `options`.
pub fn create_tgw(options: NewTgwOptions) -> Cmd {
    Cmd::CreateTransitGateway {
        description: None,
        options,
        tags: vec![],
    }
}

/// CreateTransitGatewayVpcAttachment with default options.
pub fn attach(tgw: &str, vpc: &str, subnets: &[&str]) -> Cmd {
    Cmd::CreateVpcAttachment {
        transit_gateway_id: tgw.into(),
        vpc_id: vpc.into(),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        options: AttachmentOptionChanges::default(),
        tags: vec![],
    }
}

/// CreateTransitGatewayRoute to `attachment` (None: blackhole).
pub fn tgw_route(rtb: &str, cidr: &str, attachment: Option<&str>) -> Cmd {
    Cmd::CreateRoute {
        route_table_id: rtb.into(),
        destination: cidr.parse().expect("a CIDR"),
        attachment_id: attachment.map(str::to_string),
        blackhole: attachment.is_none(),
    }
}

impl Kit {
    /// A static-routes VPN connection between `cgw` and transit gateway `tgw`, with its VPN
    /// attachment `available` (the clock ticked): (connection, attachment).
    pub fn tgw_vpn(&mut self, tgw: &str, cgw: &str, routes: &[&str]) -> (String, String) {
        let vpn = self.id(crate::vpn::Cmd::CreateVpnConnection(tgw_connection(
            cgw, tgw, true,
        )));
        for r in routes {
            self.ok(super::vpn::vpn_route(&vpn, r));
        }
        self.advance(0);
        let attachment = crate::tgw::vpn_attachments::of_connection(&self.w, &vpn)
            .expect("a VPN attachment")
            .id
            .clone();
        (vpn, attachment)
    }
}

/// CreateVpnConnection's request between `cgw` and transit gateway `tgw`.
pub fn tgw_connection(cgw: &str, tgw: &str, static_routes_only: bool) -> crate::vpn::NewConnection {
    crate::vpn::NewConnection {
        vpn_gateway_id: None,
        transit_gateway_id: Some(tgw.into()),
        ..super::vpn::connection(cgw, "", static_routes_only)
    }
}
