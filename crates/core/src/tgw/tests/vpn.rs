//! VPN attachments' tests, on the shared kit.

use super::routes_of;
use crate::testkit::tgw::{create_tgw, tgw_connection, tgw_route};
use crate::testkit::vpn::{connection, vpn_route};
use crate::testkit::{Kit, B};
use crate::tgw::*;
use crate::{vpn, HOUR};

#[test]
fn a_connection_to_a_transit_gateway_makes_a_vpn_attachment_pending_then_available() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let rtb = k.tgw_default_table(&tgw);
    let cgw = k.cgw("203.0.113.10");
    let vpn = k.id(vpn::Cmd::CreateVpnConnection(tgw_connection(
        &cgw, &tgw, true,
    )));
    let c = k.w.vpn_connections.get(&vpn).unwrap();
    assert_eq!(c.transit_gateway_id.as_deref(), Some(tgw.as_str()));
    assert_eq!(c.vpn_gateway_id, "");
    let a = vpn_attachments::of_connection(&k.w, &vpn).unwrap().clone();
    assert_eq!(a.state, AttachmentState::Pending);
    assert_eq!((a.resource_type(), a.resource_id()), ("vpn", vpn.as_str()));
    assert_eq!(a.association.as_deref(), Some(rtb.as_str()));
    assert!(k.tgw_table(&rtb).propagations.contains(&a.id));
    k.ok(vpn_route(&vpn, "192.168.0.0/16"));
    assert!(routes_of(&k, &rtb).is_empty(), "nothing while pending");
    k.advance(0);
    assert_eq!(
        k.w.tgw_attachments.get(&a.id).unwrap().state,
        AttachmentState::Available
    );
    assert_eq!(
        routes_of(&k, &rtb),
        vec![format!("192.168.0.0/16 {} propagated", a.id)]
    );
    // Listed among every attachment, not among the VPC attachments.
    let all = describe_attachments(&k.w, &k.ctx, &[], &[]).unwrap();
    assert_eq!(all.len(), 1);
    assert!(describe_vpc_attachments(&k.w, &k.ctx, &[], &[])
        .unwrap()
        .is_empty());
    assert!(describe_vpc_attachments(&k.w, &k.ctx, std::slice::from_ref(&a.id), &[]).is_err());
    // The VPC-attachment actions do not take it.
    k.refused(
        Cmd::DeleteVpcAttachment {
            attachment_id: a.id.clone(),
        },
        "InvalidTransitGatewayAttachmentID.NotFound",
    );
    // A static route of the table may target it.
    k.ok(tgw_route(&rtb, "172.16.0.0/12", Some(&a.id)));
    // The gateway cannot be deleted under it.
    k.refused(
        Cmd::DeleteTransitGateway {
            transit_gateway_id: tgw.clone(),
        },
        "IncorrectState",
    );
}

#[test]
fn deleting_the_connection_deletes_its_attachment_and_its_routes() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let rtb = k.tgw_default_table(&tgw);
    let cgw = k.cgw("203.0.113.10");
    let (vpn, a) = k.tgw_vpn(&tgw, &cgw, &["192.168.0.0/16"]);
    k.ok(tgw_route(&rtb, "172.16.0.0/12", Some(&a)));
    k.ok(vpn::Cmd::DeleteVpnConnection {
        vpn_connection_id: vpn.clone(),
    });
    assert_eq!(
        k.w.tgw_attachments.get(&a).unwrap().state,
        AttachmentState::Deleting
    );
    k.advance(0);
    let gone = k.w.tgw_attachments.get(&a).unwrap();
    assert_eq!(gone.state, AttachmentState::Deleted);
    assert!(gone.association.is_none());
    assert!(routes_of(&k, &rtb).is_empty());
    k.ok(Cmd::DeleteTransitGateway {
        transit_gateway_id: tgw,
    });
    k.advance(2 * HOUR);
    assert!(k.w.tgw_attachments.get(&a).is_none(), "purged");
}

#[test]
fn without_default_tables_the_attachment_is_neither_associated_nor_propagating() {
    let mut k = Kit::new();
    let tgw = k.id(create_tgw(NewTgwOptions {
        default_route_table_association: Some(false),
        default_route_table_propagation: Some(false),
        ..Default::default()
    }));
    k.advance(0);
    let cgw = k.cgw("203.0.113.10");
    let (_, a) = k.tgw_vpn(&tgw, &cgw, &[]);
    assert!(k.w.tgw_attachments.get(&a).unwrap().association.is_none());
}

#[test]
fn a_connection_names_one_available_owned_gateway() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let cgw = k.cgw("203.0.113.10");
    let vgw = k.vgw();
    let both = vpn::NewConnection {
        transit_gateway_id: Some(tgw.clone()),
        ..connection(&cgw, &vgw, true)
    };
    k.refused(
        vpn::Cmd::CreateVpnConnection(both),
        "InvalidParameterCombination",
    );
    let neither = vpn::NewConnection {
        vpn_gateway_id: None,
        ..connection(&cgw, &vgw, true)
    };
    k.refused(vpn::Cmd::CreateVpnConnection(neither), "MissingParameter");
    k.refused(
        vpn::Cmd::CreateVpnConnection(tgw_connection(&cgw, "tgw-0123456789abcdef0", true)),
        "InvalidTransitGatewayID.NotFound",
    );
    let pending = k.id(create_tgw(NewTgwOptions::default()));
    k.refused(
        vpn::Cmd::CreateVpnConnection(tgw_connection(&cgw, &pending, true)),
        "IncorrectState",
    );
    // BGP: the customer gateway's ASN must differ from the gateway's.
    let same_asn = k.id(create_tgw(NewTgwOptions {
        amazon_side_asn: Some(65000),
        ..Default::default()
    }));
    k.advance(0);
    k.refused(
        vpn::Cmd::CreateVpnConnection(tgw_connection(&cgw, &same_asn, false)),
        "AsnConflict",
    );
    // Another account's gateway takes no VPN attachment.
    let b = k.as_account(B);
    let cgw_b = k.id_as(
        &b,
        vpn::Cmd::CreateCustomerGateway {
            ip_address: "198.51.100.1".parse().unwrap(),
            bgp_asn: None,
            device_name: None,
            certificate_arn: None,
            tags: vec![],
        },
    );
    k.refused_as(
        &b,
        vpn::Cmd::CreateVpnConnection(tgw_connection(&cgw_b, &tgw, true)),
        "InvalidTransitGatewayID.NotFound",
    );
    // An identical request answers the same connection.
    let (vpn, _) = k.tgw_vpn(&tgw, &cgw, &[]);
    let again = k.id(vpn::Cmd::CreateVpnConnection(tgw_connection(
        &cgw, &tgw, true,
    )));
    assert_eq!(vpn, again);
    assert_eq!(
        k.w.tgw_attachments.values().filter(|a| !a.is_vpc()).count(),
        1
    );
}
