//! Transit-gateway peering attachments: a flow whose gateway route points at a peering
//! attachment crosses to the gateway at its other end and continues in the table that side
//! associates it with. The reference evaluator models VPC attachments only (not peering
//! attachments), so these fixtures check the engine alone.

use openvpc_core::tgw::{AttachmentState, RouteTarget, StaticRoute, TgwPeeringAttachment};
use openvpc_core::Kind;

use super::kit::{scope, Net, VpcIds};
use super::tcp;
use crate::explain::{Code, HopKind};
use crate::{decide, View};

struct Peered {
    /// The interfaces of the VPC on the first gateway and of the one on the second.
    east: String,
    west: String,
    peering: String,
    tables: [String; 2],
}

/// A VPC on a gateway in us-east-1 and one on a gateway in us-west-2, the gateways peered,
/// each table routing the other VPC's block to the peering attachment.
fn peered(n: &mut Net) -> Peered {
    let a = n.vpc("10.1.0.0/16", None);
    let c = n.vpc_in("us-west-2", "10.3.0.0/16", None);
    let sa = n.subnet(&a, "10.1.1.0/24");
    let sc = n.subnet(&c, "10.3.1.0/24");
    let east = n.eni(&sa, "10.1.1.10", &[&a.sg]);
    let west = n.eni(&sc, "10.3.1.10", &[&c.sg]);
    for sg in [&a.sg, &c.sg] {
        n.rule(sg, false, "tcp", Some((22, 22)), "10.0.0.0/8");
    }
    let spoke = |v: &VpcIds, s: &str| (v.clone(), s.to_string());
    let (ea, wc) = (spoke(&a, &sa), spoke(&c, &sc));
    let (tgw1, rtb1, _) = super::tgw::hub(n, &[(&ea.0, &ea.1)]);
    let (tgw2, rtb2, _) = super::tgw::hub(n, &[(&wc.0, &wc.1)]);
    let peering = n.w.ids.id(Kind::TransitGatewayAttachment);
    n.w.tgw_peerings.insert(TgwPeeringAttachment {
        id: peering.clone(),
        scope: scope("us-east-1"),
        transit_gateway_id: tgw1,
        peer: scope("us-west-2"),
        peer_transit_gateway_id: tgw2,
        dynamic_routing: false,
        state: AttachmentState::Available,
        failure: None,
        requester_association: Some(rtb1.clone()),
        accepter_association: Some(rtb2.clone()),
        created: 0,
        purge_at: None,
    });
    for (rtb, dest) in [(&rtb1, "10.3.0.0/16"), (&rtb2, "10.1.0.0/16")] {
        route_to(n, rtb, dest, &peering);
    }
    Peered {
        east,
        west,
        peering,
        tables: [rtb1, rtb2],
    }
}

fn route_to(n: &mut Net, rtb: &str, dest: &str, attachment: &str) {
    n.w.tgw_route_tables
        .get_mut(rtb)
        .unwrap()
        .routes
        .push(StaticRoute {
            destination: dest.parse().unwrap(),
            target: RouteTarget::Attachment(attachment.to_string()),
        });
}

fn verdict(n: &Net, src: &str, dst: &str) -> crate::Verdict {
    decide(&View::compile(&n.w), &tcp(src, dst, 22))
}

#[test]
fn a_flow_crosses_the_peering_to_the_far_gateway_and_back() {
    let mut n = Net::new();
    let p = peered(&mut n);
    let v = verdict(&n, &p.east, "10.3.1.10");
    assert!(v.reachable, "{v}");
    let kinds: Vec<HopKind> = v.forward.iter().map(|h| h.kind).collect();
    let tgws = kinds
        .iter()
        .filter(|k| **k == HopKind::TransitGateway)
        .count();
    assert_eq!(tgws, 2, "{v}");
    assert!(v
        .forward
        .iter()
        .any(|h| h.kind == HopKind::TransitGatewayAttachment && *h.component == *p.peering));
    assert!(v
        .return_path
        .iter()
        .any(|h| h.kind == HopKind::TransitGatewayAttachment));
    assert!(verdict(&n, &p.west, "10.1.1.10").reachable);
}

#[test]
fn no_route_at_the_peer_stops_the_flow_there() {
    let mut n = Net::new();
    let p = peered(&mut n);
    n.w.tgw_route_tables
        .get_mut(&p.tables[1])
        .unwrap()
        .routes
        .clear();
    let v = verdict(&n, &p.west, "10.1.1.10");
    assert!(!v.reachable);
    assert_eq!(v.codes(), vec![Code::TgwRtbCannotRoute], "{v}");
    assert_eq!(&*v.explanations[0].component, p.tables[1].as_str());
    // From the east the forward path arrives; the reply has no way back.
    let v = verdict(&n, &p.east, "10.3.1.10");
    assert_eq!(v.codes(), vec![Code::TgwRtbCannotRoute], "{v}");
    assert_eq!(v.explanations[0].direction, crate::Direction::Return);
}

#[test]
fn an_attachment_not_available_or_unassociated_at_the_far_side_stops_the_flow() {
    let mut n = Net::new();
    let p = peered(&mut n);
    n.w.tgw_peerings.get_mut(&p.peering).unwrap().state = AttachmentState::Pending;
    let v = verdict(&n, &p.east, "10.3.1.10");
    assert_eq!(v.codes(), vec![Code::TgwRtbBadStateRoute], "{v}");
    assert_eq!(&*v.explanations[0].component, p.tables[0].as_str());

    let x = n.w.tgw_peerings.get_mut(&p.peering).unwrap();
    x.state = AttachmentState::Available;
    x.accepter_association = None;
    let v = verdict(&n, &p.east, "10.3.1.10");
    assert_eq!(
        v.codes(),
        vec![Code::TgwAttachMissingTgwRtbAssociation],
        "{v}"
    );
    assert_eq!(&*v.explanations[0].component, p.peering.as_str());
}

#[test]
fn routes_that_send_a_packet_back_over_the_peering_are_a_loop_not_a_hang() {
    let mut n = Net::new();
    let p = peered(&mut n);
    // The far side sends 10.3.9.0/24 back over the peering; so does the near side.
    route_to(&mut n, &p.tables[1], "10.3.9.0/24", &p.peering);
    let v = verdict(&n, &p.east, "10.3.9.9");
    assert!(!v.reachable);
    assert_eq!(v.codes(), vec![Code::TgwRtbCannotRoute], "{v}");
}
