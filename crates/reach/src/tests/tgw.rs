//! Transit gateways: transitive between attached VPCs through the attachment's associated
//! route table; blackhole routes, missing routes, missing associations and zones without an
//! attachment subnet stop the flow with AWS's codes. Every decision here is also checked
//! against the reference evaluator's.

use openvpc_core::tgw::{
    AttachmentState, RouteTarget, State, StaticRoute, TgwAttachment, TgwOptions, TgwRouteTable,
    TransitGateway, VpcAttachmentOptions,
};
use openvpc_core::Kind;

use super::kit::{scope, Net, VpcIds, REGION};
use super::tcp;
use crate::explain::{Code, HopKind};
use crate::{decide, View};

/// A transit gateway with one route table, every VPC attached through `subnets[i]`,
/// associated with the table and propagating into it.
pub(super) fn hub(n: &mut Net, spokes: &[(&VpcIds, &str)]) -> (String, String, Vec<String>) {
    let tgw = n.w.ids.id(Kind::TransitGateway);
    let rtb = n.w.ids.id(Kind::TransitGatewayRouteTable);
    n.w.transit_gateways.insert(TransitGateway {
        id: tgw.clone(),
        scope: scope(REGION),
        description: None,
        options: TgwOptions {
            amazon_side_asn: 64512,
            auto_accept_shared_attachments: false,
            default_route_table_association: true,
            default_route_table_propagation: true,
            association_default_route_table_id: Some(rtb.clone()),
            propagation_default_route_table_id: Some(rtb.clone()),
            dns_support: true,
            vpn_ecmp_support: true,
            security_group_referencing_support: false,
            multicast_support: false,
            cidr_blocks: vec![],
        },
        state: State::Available,
        created: 0,
        purge_at: None,
    });
    let mut attachments = Vec::new();
    for (vpc, subnet) in spokes {
        let id = n.w.ids.id(Kind::TransitGatewayAttachment);
        n.w.tgw_attachments.insert(TgwAttachment {
            id: id.clone(),
            scope: scope(REGION),
            transit_gateway_id: tgw.clone(),
            transit_gateway_owner: scope(REGION).account.clone(),
            vpc_id: vpc.id.clone(),
            subnet_ids: vec![subnet.to_string()],
            interfaces: vec![],
            options: VpcAttachmentOptions {
                dns_support: true,
                ipv6_support: false,
                appliance_mode_support: false,
                security_group_referencing_support: false,
            },
            state: AttachmentState::Available,
            association: Some(rtb.clone()),
            created: 0,
            purge_at: None,
            vpn_connection_id: None,
        });
        n.route(&vpc.rtb, "10.0.0.0/8", &tgw);
        attachments.push(id);
    }
    n.w.tgw_route_tables.insert(TgwRouteTable {
        id: rtb.clone(),
        scope: scope(REGION),
        transit_gateway_id: tgw.clone(),
        state: State::Available,
        propagations: attachments.clone(),
        routes: vec![],
        created: 0,
        purge_at: None,
        prefix_list_refs: vec![],
    });
    (tgw, rtb, attachments)
}

fn codes(n: &Net, src: &str, dst: &str) -> (bool, Vec<Code>, crate::Verdict) {
    let view = View::compile(&n.w);
    let flow = tcp(src, dst, 22);
    let v = decide(&view, &flow);
    let slow = crate::reference::decide(&n.w, &flow);
    assert!(
        crate::reference::agrees(&v, &slow),
        "{v}\nreference: {slow}"
    );
    (v.reachable, v.codes(), v)
}

/// Three VPCs on one transit gateway; the interfaces of the first and the third.
fn three(n: &mut Net) -> (String, String, String, String, Vec<String>) {
    let a = n.vpc("10.1.0.0/16", None);
    let b = n.vpc("10.2.0.0/16", None);
    let c = n.vpc("10.3.0.0/16", None);
    let sa = n.subnet(&a, "10.1.1.0/24");
    let sb = n.subnet(&b, "10.2.1.0/24");
    let sc = n.subnet(&c, "10.3.1.0/24");
    let ea = n.eni(&sa, "10.1.1.10", &[&a.sg]);
    let ec = n.eni(&sc, "10.3.1.10", &[&c.sg]);
    for sg in [&a.sg, &c.sg] {
        n.rule(sg, false, "tcp", Some((22, 22)), "10.0.0.0/8");
    }
    let (tgw, rtb, atts) = hub(n, &[(&a, &sa), (&b, &sb), (&c, &sc)]);
    (ea, ec, tgw, rtb, atts)
}

#[test]
fn attached_vpcs_reach_each_other_through_the_gateway_both_ways() {
    let mut n = Net::new();
    let (ea, ec, tgw, _, _) = three(&mut n);
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(ok, "{v}");
    assert!(c.is_empty());
    let via = |hops: &[crate::explain::Hop]| {
        hops.iter()
            .any(|h| h.kind == HopKind::TransitGateway && *h.component == *tgw)
    };
    assert!(via(&v.forward) && via(&v.return_path), "{v}");
    let (ok, _, v) = codes(&n, &ec, "10.1.1.10");
    assert!(ok, "{v}");
}

#[test]
fn blackhole_and_missing_routes_stop_the_flow() {
    let mut n = Net::new();
    let (ea, _, _, rtb, atts) = three(&mut n);
    let t = n.w.tgw_route_tables.get_mut(&rtb).unwrap();
    t.routes.push(StaticRoute {
        destination: "10.3.1.0/24".parse().unwrap(),
        target: RouteTarget::Blackhole,
    });
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::TgwRtbBadStateRoute], "{v}");
    // A static route wins over the propagated route to the same prefix.
    let t = n.w.tgw_route_tables.get_mut(&rtb).unwrap();
    t.routes.clear();
    t.routes.push(StaticRoute {
        destination: "10.3.0.0/16".parse().unwrap(),
        target: RouteTarget::Attachment(atts[1].clone()),
    });
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::VpcLocalRouteCidrRestriction], "{v}");
    let t = n.w.tgw_route_tables.get_mut(&rtb).unwrap();
    t.routes.clear();
    t.propagations.retain(|a| *a != atts[2]);
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::TgwRtbCannotRoute], "{v}");
}

#[test]
fn an_attachment_needs_an_association_and_a_subnet_in_the_senders_zone() {
    let mut n = Net::new();
    let (ea, _, _, _, atts) = three(&mut n);
    n.w.tgw_attachments.get_mut(&atts[0]).unwrap().association = None;
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::TgwAttachMissingTgwRtbAssociation], "{v}");
    let a = n.w.tgw_attachments.get_mut(&atts[0]).unwrap();
    a.association = n.w.tgw_route_tables.values().next().map(|t| t.id.clone());
    let a = n.w.tgw_attachments.get_mut(&atts[0]).unwrap();
    let vpc = a.vpc_id.clone();
    let other =
        n.w.subnets
            .values()
            .find(|s| s.vpc_id == vpc)
            .unwrap()
            .clone();
    let mut elsewhere = other.clone();
    elsewhere.id = "subnet-0123456789abcdef0".into();
    elsewhere.availability_zone = "us-east-1b".into();
    n.w.subnets.insert(elsewhere.clone());
    n.w.tgw_attachments.get_mut(&atts[0]).unwrap().subnet_ids = vec![elsewhere.id];
    let (ok, c, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::TgwRouteAzRestriction], "{v}");
}

#[test]
fn the_acls_of_dedicated_attachment_subnets_apply_on_the_way() {
    let mut n = Net::new();
    let a = n.vpc("10.1.0.0/16", None);
    let c = n.vpc("10.3.0.0/16", None);
    let sa = n.subnet(&a, "10.1.1.0/24");
    let sc = n.subnet(&c, "10.3.1.0/24");
    let ta = n.subnet(&a, "10.1.200.0/28");
    let tc = n.subnet(&c, "10.3.200.0/28");
    let ea = n.eni(&sa, "10.1.1.10", &[&a.sg]);
    n.eni(&sc, "10.3.1.10", &[&c.sg]);
    n.rule(&c.sg, false, "tcp", Some((22, 22)), "10.0.0.0/8");
    hub(&mut n, &[(&a, &ta), (&c, &tc)]);
    let (ok, _, v) = codes(&n, &ea, "10.3.1.10");
    assert!(ok, "{v}");
    // An ACL of the destination's attachment subnet with no allow rule stops the flow.
    let acl = n.acl(&c, &[&tc]);
    let (ok, c1, v) = codes(&n, &ea, "10.3.1.10");
    assert!(!ok);
    assert_eq!(c1, vec![Code::SubnetAclRestriction], "{v}");
    assert!(v.explanations.iter().any(|e| *e.component == *acl), "{v}");
}
