//! Transit gateways beyond VPC-to-VPC routing. VPN attachments: a route of the gateway's
//! table to a VPN attachment ends the path at the customer's side of its connection; the
//! reply comes back in by the attachment and is routed by its associated table. Appliance
//! mode: the interface a flow leaves an attachment by is picked by the flow's hash, alike
//! for both directions. The reference evaluator models VPC attachments only (not VPN
//! attachments), so these fixtures check the engine alone; its own appliance-mode rule is
//! checked against the engine by the transit-gateway fixtures of `tgw.rs` and reach-bench.

use openvpc_core::tgw::VpcAttachmentOptions;
use openvpc_core::tgw::{AttachmentState, RouteTarget, StaticRoute, TgwAttachment};
use openvpc_core::vpn::{State, VpnConnection};
use openvpc_core::Kind;

use super::kit::{scope, Net, REGION};
use super::tcp;
use super::tgw::hub;
use crate::explain::{Code, HopKind};
use crate::transit::flow_hash;
use crate::{decide, Endpoint, Flow, Protocol, View};

/// A VPN connection on transit gateway `tgw`, its attachment associated with `rtb`.
fn vpn_attachment(n: &mut Net, tgw: &str, rtb: &str) -> (String, String) {
    let vpn = n.w.ids.id(Kind::VpnConnection);
    n.w.vpn_connections.insert(VpnConnection {
        id: vpn.clone(),
        scope: scope(REGION),
        customer_gateway_id: "cgw-0123456789abcdef0".into(),
        vpn_gateway_id: String::new(),
        transit_gateway_id: Some(tgw.into()),
        static_routes_only: true,
        local_ipv4_network_cidr: Default::default(),
        remote_ipv4_network_cidr: Default::default(),
        outside_ips: ["18.0.0.1".parse().unwrap(), "18.0.0.2".parse().unwrap()],
        routes: vec![],
        state: State::Available,
        created: 0,
        purge_at: None,
    });
    let id = n.w.ids.id(Kind::TransitGatewayAttachment);
    n.w.tgw_attachments.insert(TgwAttachment {
        id: id.clone(),
        scope: scope(REGION),
        transit_gateway_id: tgw.into(),
        transit_gateway_owner: scope(REGION).account.clone(),
        vpc_id: String::new(),
        subnet_ids: vec![],
        interfaces: vec![],
        options: VpcAttachmentOptions {
            dns_support: false,
            ipv6_support: false,
            appliance_mode_support: false,
            security_group_referencing_support: false,
        },
        state: AttachmentState::Available,
        association: Some(rtb.into()),
        created: 0,
        purge_at: None,
        vpn_connection_id: Some(vpn.clone()),
    });
    (vpn, id)
}

#[test]
fn a_route_to_a_vpn_attachment_ends_at_the_connection_and_the_reply_comes_back() {
    let mut n = Net::new();
    let a = n.vpc("10.1.0.0/16", None);
    let sa = n.subnet(&a, "10.1.1.0/24");
    let ea = n.eni(&sa, "10.1.1.10", &[&a.sg]);
    let (tgw, rtb, _) = hub(&mut n, &[(&a, &sa)]);
    n.route(&a.rtb, "192.168.0.0/16", &tgw);
    let (vpn, att) = vpn_attachment(&mut n, &tgw, &rtb);
    n.w.tgw_route_tables
        .get_mut(&rtb)
        .unwrap()
        .routes
        .push(StaticRoute {
            destination: "192.168.0.0/16".parse().unwrap(),
            target: RouteTarget::Attachment(att.clone()),
        });
    let view = View::compile(&n.w);
    let v = decide(&view, &tcp(&ea, "192.168.1.10", 22));
    assert!(v.reachable, "{v}");
    let at = |hops: &[crate::explain::Hop], kind| {
        hops.iter().any(|h| h.kind == kind && *h.component == *vpn)
    };
    assert!(at(&v.forward, HopKind::VpnConnection), "{v}");
    assert!(at(&v.return_path, HopKind::VpnConnection), "{v}");
    assert!(
        v.return_path
            .iter()
            .any(|h| h.kind == HopKind::TransitGateway && *h.component == *tgw),
        "{v}"
    );

    // The reply is routed by the VPN attachment's table: without an association it stops.
    n.w.tgw_attachments.get_mut(&att).unwrap().association = None;
    let view = View::compile(&n.w);
    let v = decide(&view, &tcp(&ea, "192.168.1.10", 22));
    assert!(!v.reachable);
    assert_eq!(
        v.codes(),
        vec![Code::TgwAttachMissingTgwRtbAssociation],
        "{v}"
    );

    // No route to the customer's range: the gateway cannot route it.
    n.w.tgw_attachments.get_mut(&att).unwrap().association = Some(rtb.clone());
    n.w.tgw_route_tables.get_mut(&rtb).unwrap().routes.clear();
    let view = View::compile(&n.w);
    let v = decide(&view, &tcp(&ea, "192.168.1.10", 22));
    assert!(!v.reachable);
    assert_eq!(v.codes(), vec![Code::TgwRtbCannotRoute], "{v}");
}

#[test]
fn the_flow_hash_is_the_same_for_a_packet_and_its_reply() {
    let h = crate::explain::Header {
        src: "10.1.1.10".parse().unwrap(),
        dst: "10.3.1.10".parse().unwrap(),
        protocol: 6,
        src_port: Some(40000),
        dst_port: Some(22),
    };
    assert_eq!(flow_hash(&h), flow_hash(&h.reply()));
    let other = crate::explain::Header {
        src_port: Some(40001),
        ..h
    };
    assert_ne!(flow_hash(&h), flow_hash(&other));
}

/// VPC A (zone a) and VPC C, whose attachment has a subnet in zone a and one in zone b; the
/// zone-b attachment subnet's ACL denies everything. Answers, for source ports 40000..40032,
/// how many flows A → C get through.
fn through_zone_b_count(appliance: bool) -> usize {
    let mut n = Net::new();
    let a = n.vpc("10.1.0.0/16", None);
    let c = n.vpc("10.3.0.0/16", None);
    let sa = n.subnet(&a, "10.1.1.0/24");
    let sc = n.subnet(&c, "10.3.1.0/24");
    let ta = n.subnet(&c, "10.3.200.0/28");
    let tb = n.subnet(&c, "10.3.201.0/28");
    n.w.subnets.get_mut(&tb).unwrap().availability_zone = "us-east-1b".into();
    let ea = n.eni(&sa, "10.1.1.10", &[&a.sg]);
    n.eni(&sc, "10.3.1.10", &[&c.sg]);
    n.rule(&c.sg, false, "tcp", Some((22, 22)), "10.0.0.0/8");
    let (_, _, atts) = hub(&mut n, &[(&a, &sa), (&c, &ta)]);
    let att = n.w.tgw_attachments.get_mut(&atts[1]).unwrap();
    att.subnet_ids.push(tb.clone());
    att.options.appliance_mode_support = appliance;
    n.acl(&c, &[&tb]);
    let view = View::compile(&n.w);
    (40000..40032)
        .filter(|p| {
            let mut f = Flow::new(
                &ea,
                Endpoint::parse("10.3.1.10").unwrap(),
                Protocol::TCP,
                Some(22),
            );
            f.source_port = Some(*p);
            decide(&view, &f).reachable
        })
        .count()
}

#[test]
fn appliance_mode_picks_the_attachment_interface_by_flow_hash() {
    // Default mode: the flow leaves by the interface in its own zone (a), never b.
    assert_eq!(through_zone_b_count(false), 32);
    // Appliance mode: each flow's hash picks a or b; some flows land on b and are denied.
    let ok = through_zone_b_count(true);
    assert!(ok > 0 && ok < 32, "{ok} of 32 got through");
}
