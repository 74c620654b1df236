//! The vpn area's tests, on the shared kit.

use super::*;
use crate::filter::Filter;
use crate::route::{Destination, Origin, Target};
use crate::testkit::route::{create_route, delete_route, gw, v4};
use crate::testkit::vpn::{attach_vgw, connection, detach_vgw, propagate, vpn_route};
use crate::testkit::{Kit, B};
use crate::{route, vpc, DAY};

/// A VPC, its main table, an attached gateway and a static VPN to 192.168.0.0/16.
fn site(k: &mut Kit) -> (String, String, String, String) {
    let vpc = k.vpc("10.0.0.0/16");
    let rtb = k.w.vpcs.get(&vpc).unwrap().main_route_table_id.clone();
    let vgw = k.attached_vgw(&vpc);
    let cgw = k.cgw("203.0.113.10");
    let vpn = k.vpn(&cgw, &vgw, &["192.168.0.0/16"]);
    (vpc, rtb, vgw, vpn)
}

fn propagated(k: &Kit, rtb: &str) -> Vec<String> {
    k.table(rtb)
        .routes
        .iter()
        .filter(|r| r.origin == Origin::EnableVgwRoutePropagation)
        .map(|r| format!("{}>{}", r.destination, r.target.id()))
        .collect()
}

#[test]
fn a_gateway_attaches_to_one_vpc_and_a_vpc_takes_one_gateway() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let other = k.vpc("10.1.0.0/16");
    let vgw = k.attached_vgw(&vpc);
    assert_eq!(
        k.w.vpn_gateways.get(&vgw).unwrap().attached_vpc(),
        Some(vpc.as_str())
    );
    k.refused(
        attach_vgw(&vgw, &other),
        "VpnGatewayAttachmentLimitExceeded",
    );
    let second = k.vgw();
    k.refused(attach_vgw(&second, &vpc), "InvalidVpcState");
    k.refused(
        Cmd::DeleteVpnGateway {
            vpn_gateway_id: vgw.clone(),
        },
        "InvalidVpnGatewayState",
    );
    k.refused(
        vpc::Cmd::Delete {
            vpc_id: vpc.clone(),
        },
        "DependencyViolation",
    );
    k.refused(
        detach_vgw(&vgw, &other),
        "InvalidVpnGatewayAttachment.NotFound",
    );
    k.ok(detach_vgw(&vgw, &vpc));
    let g = k.w.vpn_gateways.get(&vgw).unwrap();
    assert_eq!(g.attachments.len(), 1);
    assert_eq!(g.attachments[0].state(), "detached");
    k.ok(attach_vgw(&vgw, &other));
    k.ok(Cmd::DetachVpnGateway {
        vpn_gateway_id: vgw.clone(),
        vpc_id: other,
    });
    k.ok(Cmd::DeleteVpnGateway {
        vpn_gateway_id: vgw.clone(),
    });
    assert_eq!(k.w.vpn_gateways.get(&vgw).unwrap().state, State::Deleted);
    k.refused(attach_vgw(&vgw, &vpc), "InvalidVpnGatewayID.NotFound");
    k.advance(DAY);
    assert!(
        k.w.vpn_gateways.get(&vgw).is_none(),
        "purged after its retention"
    );
}

#[test]
fn bad_gateway_parameters_are_refused() {
    let mut k = Kit::new();
    for asn in [1, 64511, 65535, 4_294_967_295] {
        k.refused(
            Cmd::CreateVpnGateway {
                availability_zone: None,
                amazon_side_asn: Some(asn),
                tags: vec![],
            },
            "InvalidParameterValue",
        );
    }
    k.refused(
        Cmd::CreateVpnGateway {
            availability_zone: Some("eu-west-1a".into()),
            amazon_side_asn: None,
            tags: vec![],
        },
        "InvalidParameterValue",
    );
    let id = k.id(Cmd::CreateVpnGateway {
        availability_zone: None,
        amazon_side_asn: Some(4_200_000_000),
        tags: vec![],
    });
    assert_eq!(
        k.w.vpn_gateways.get(&id).unwrap().amazon_side_asn,
        4_200_000_000
    );
}

#[test]
fn an_identical_customer_gateway_request_returns_the_existing_one() {
    let mut k = Kit::new();
    let a = k.cgw("203.0.113.10");
    assert_eq!(k.cgw("203.0.113.10"), a);
    assert_ne!(k.cgw("203.0.113.11"), a);
    k.refused(
        Cmd::CreateCustomerGateway {
            ip_address: "0.0.0.0".parse().unwrap(),
            bgp_asn: None,
            device_name: None,
            certificate_arn: None,
            tags: vec![],
        },
        "InvalidParameterValue",
    );
}

#[test]
fn connections_need_live_gateways_and_keep_their_customer_gateway() {
    let mut k = Kit::new();
    let (_, _, vgw, vpn) = site(&mut k);
    let cgw =
        k.w.vpn_connections
            .get(&vpn)
            .unwrap()
            .customer_gateway_id
            .clone();
    k.refused(
        Cmd::DeleteCustomerGateway {
            customer_gateway_id: cgw.clone(),
        },
        "IncorrectState",
    );
    k.refused(
        Cmd::CreateVpnConnection(connection("cgw-0123456789abcdef0", &vgw, true)),
        "InvalidCustomerGatewayID.NotFound",
    );
    k.refused(
        Cmd::CreateVpnConnection(connection(&cgw, "vgw-0123456789abcdef0", true)),
        "InvalidVpnGatewayID.NotFound",
    );
    // The same request again returns the same connection.
    assert_eq!(
        k.id(Cmd::CreateVpnConnection(connection(&cgw, &vgw, true))),
        vpn
    );
    // BGP with the gateway's own ASN conflicts.
    let same_asn = k.id(Cmd::CreateCustomerGateway {
        ip_address: "203.0.113.20".parse().unwrap(),
        bgp_asn: Some(64512),
        device_name: None,
        certificate_arn: None,
        tags: vec![],
    });
    k.refused(
        Cmd::CreateVpnConnection(connection(&same_asn, &vgw, false)),
        "AsnConflict",
    );
    k.ok(Cmd::DeleteVpnConnection {
        vpn_connection_id: vpn.clone(),
    });
    assert_eq!(k.w.vpn_connections.get(&vpn).unwrap().state, State::Deleted);
    k.refused(
        vpn_route(&vpn, "172.16.0.0/12"),
        "InvalidVpnConnectionID.NotFound",
    );
    k.ok(Cmd::DeleteCustomerGateway {
        customer_gateway_id: cgw,
    });
}

#[test]
fn static_routes_only_on_static_connections() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let vgw = k.attached_vgw(&vpc);
    let cgw = k.cgw("203.0.113.10");
    let bgp = k.id(Cmd::CreateVpnConnection(connection(&cgw, &vgw, false)));
    k.refused(
        vpn_route(&bgp, "192.168.0.0/16"),
        "InvalidVpnConnection.InvalidType",
    );
    let cgw2 = k.cgw("203.0.113.11");
    let vpn = k.vpn(&cgw2, &vgw, &["192.168.0.0/16"]);
    k.refused(vpn_route(&vpn, "192.168.0.0/16"), "RouteAlreadyExists");
    k.refused(
        Cmd::DeleteVpnConnectionRoute {
            vpn_connection_id: vpn.clone(),
            destination: "172.16.0.0/12".parse().unwrap(),
        },
        "InvalidRoute.NotFound",
    );
}

#[test]
fn propagation_follows_routes_attachment_and_connections() {
    let mut k = Kit::new();
    let (vpc, rtb, vgw, vpn) = site(&mut k);
    assert!(
        propagated(&k, &rtb).is_empty(),
        "no propagation until enabled"
    );
    let other = k.vpc("10.1.0.0/16");
    let foreign = k.w.vpcs.get(&other).unwrap().main_route_table_id.clone();
    k.refused(propagate(&vgw, &foreign), "Gateway.NotAttached");
    k.ok(propagate(&vgw, &rtb));
    assert_eq!(k.table(&rtb).propagating_vgws, vec![vgw.clone()]);
    assert_eq!(propagated(&k, &rtb), vec![format!("192.168.0.0/16>{vgw}")]);
    k.ok(vpn_route(&vpn, "172.16.0.0/12"));
    assert_eq!(propagated(&k, &rtb).len(), 2);
    assert_eq!(
        route::route_state_in(&k.w, k.table(&rtb), &k.table(&rtb).routes[1]),
        "active"
    );
    // A static route to the same prefix lives beside the propagated one; DeleteRoute
    // removes only the static one.
    k.ok(create_route(&rtb, gw(v4("172.16.0.0/12"), &vgw)));
    assert_eq!(
        k.table(&rtb)
            .routes
            .iter()
            .filter(|r| r.destination == Destination::V4("172.16.0.0/12".parse().unwrap()))
            .count(),
        2
    );
    k.ok(delete_route(&rtb, v4("172.16.0.0/12")));
    assert_eq!(propagated(&k, &rtb).len(), 2);
    k.refused(
        delete_route(&rtb, v4("192.168.0.0/16")),
        "InvalidRoute.NotFound",
    );
    // Detaching takes the routes and the propagation setting away.
    k.ok(detach_vgw(&vgw, &vpc));
    assert!(propagated(&k, &rtb).is_empty());
    assert!(k.table(&rtb).propagating_vgws.is_empty());
    k.ok(attach_vgw(&vgw, &vpc));
    k.ok(propagate(&vgw, &rtb));
    assert_eq!(propagated(&k, &rtb).len(), 2);
    k.ok(Cmd::DeleteVpnConnection {
        vpn_connection_id: vpn,
    });
    assert!(propagated(&k, &rtb).is_empty());
    k.ok(Cmd::DisableVgwRoutePropagation {
        gateway_id: vgw,
        route_table_id: rtb.clone(),
    });
    assert!(k.table(&rtb).propagating_vgws.is_empty());
}

#[test]
fn a_vgw_is_a_route_target_of_its_vpc_only() {
    let mut k = Kit::new();
    let (vpc, rtb, vgw, _) = site(&mut k);
    let other = k.vpc("10.1.0.0/16");
    let foreign = k.w.vpcs.get(&other).unwrap().main_route_table_id.clone();
    k.refused(
        create_route(&foreign, gw(v4("192.168.0.0/16"), &vgw)),
        "InvalidParameterValue",
    );
    k.refused(
        create_route(&rtb, gw(v4("192.168.0.0/16"), "vgw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    k.ok(create_route(&rtb, gw(v4("192.168.0.0/16"), &vgw)));
    let target = Target::Gateway(vgw.clone());
    assert_eq!(route::target_problem(&k.w, Some(&vpc), &target), None);
    k.ok(detach_vgw(&vgw, &vpc));
    let r = k.table(&rtb).routes.last().unwrap().clone();
    assert_eq!(route::route_state_in(&k.w, k.table(&rtb), &r), "blackhole");
}

#[test]
fn gateways_are_private_to_their_account() {
    let mut k = Kit::new();
    let (_, _, vgw, vpn) = site(&mut k);
    let b = k.as_account(B);
    let vpc_b = k.vpc_as(&b, "10.9.0.0/16");
    k.refused_as(&b, attach_vgw(&vgw, &vpc_b), "InvalidVpnGatewayID.NotFound");
    k.refused_as(
        &b,
        Cmd::DeleteVpnConnection {
            vpn_connection_id: vpn,
        },
        "InvalidVpnConnectionID.NotFound",
    );
}

#[test]
fn describe_filters() {
    let mut k = Kit::new();
    let (vpc, _, vgw, vpn) = site(&mut k);
    let ctx = k.ctx.clone();
    let f = |n: &str, v: &str| vec![Filter::new(n, &[v])];
    let got = describe_vpn_gateways(&k.w, &ctx, &[], &f("attachment.vpc-id", &vpc)).unwrap();
    assert_eq!(
        got.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
        [vgw.as_str()]
    );
    assert!(
        describe_vpn_gateways(&k.w, &ctx, &[], &f("attachment.state", "detached"))
            .unwrap()
            .is_empty()
    );
    let got = describe_vpn_connections(
        &k.w,
        &ctx,
        &[],
        &f("route.destination-cidr-block", "192.168.0.0/16"),
    )
    .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, vpn);
    assert_eq!(
        describe_customer_gateways(&k.w, &ctx, &[], &f("ip-address", "203.0.113.10"))
            .unwrap()
            .len(),
        1
    );
    let e = describe_vpn_gateways(&k.w, &ctx, &[], &f("bogus", "x")).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let e = describe_vpn_gateways(&k.w, &ctx, &["vgw-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidVpnGatewayID.NotFound");
}
