//! The tgw area's tests, on the shared kit.

mod peering;
mod prefix_lists;
mod vpn;

use super::*;
use crate::route::RouteParams;
use crate::testkit::route::{create_route, v4};
use crate::testkit::tgw::{attach, create_tgw, tgw_route};
use crate::testkit::{Kit, B};
use crate::{route, vpc, HOUR};

/// Two VPCs on one transit gateway, each through one subnet in us-east-1a.
fn hub(k: &mut Kit) -> (String, [(String, String, String); 2]) {
    let tgw = k.tgw();
    let mut spokes = Vec::new();
    for (i, cidr) in ["10.1.0.0/16", "10.2.0.0/16"].iter().enumerate() {
        let v = k.vpc(cidr);
        let s = k.subnet(&v, &format!("10.{}.0.0/24", i + 1), Some("us-east-1a"));
        let a = k.tgw_attach(&tgw, &v, &[&s]);
        spokes.push((v, s, a));
    }
    let [a, b]: [(String, String, String); 2] = spokes.try_into().expect("two");
    (tgw, [a, b])
}

/// The routes in effect of table `rtb`, as `destination attachment|blackhole type`.
fn routes_of(k: &Kit, rtb: &str) -> Vec<String> {
    table_routes(&k.w, k.tgw_table(rtb))
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.destination,
                r.attachment.as_deref().unwrap_or("blackhole"),
                r.route_type.as_str()
            )
        })
        .collect()
}

#[test]
fn a_new_gateway_is_pending_then_available_with_its_default_table() {
    let mut k = Kit::new();
    let id = k.id(create_tgw(NewTgwOptions::default()));
    let g = k.tgw_of(&id);
    assert_eq!(g.state, State::Pending);
    assert_eq!(g.options.amazon_side_asn, DEFAULT_AMAZON_ASN);
    assert!(g.options.dns_support && g.options.vpn_ecmp_support);
    assert!(!g.options.auto_accept_shared_attachments);
    let rtb = k.tgw_default_table(&id);
    assert_eq!(
        g.options.propagation_default_route_table_id.as_deref(),
        Some(rtb.as_str())
    );
    assert_eq!(default_flags(&k.w, k.tgw_table(&rtb)), (true, true));
    k.advance(0);
    assert_eq!(k.tgw_of(&id).state, State::Available);

    let bare = k.id(create_tgw(NewTgwOptions {
        default_route_table_association: Some(false),
        default_route_table_propagation: Some(false),
        ..Default::default()
    }));
    assert!(k
        .tgw_of(&bare)
        .options
        .association_default_route_table_id
        .is_none());
    assert!(!k
        .w
        .tgw_route_tables
        .values()
        .any(|t| t.transit_gateway_id == bare));
}

#[test]
fn options_and_the_gateway_quota_are_checked() {
    let mut k = Kit::new();
    k.refused(
        create_tgw(NewTgwOptions {
            amazon_side_asn: Some(100),
            ..Default::default()
        }),
        "InvalidParameterValue",
    );
    k.refused(
        create_tgw(NewTgwOptions {
            cidr_blocks: vec!["10.0.0.0/25".parse().unwrap()],
            ..Default::default()
        }),
        "InvalidParameterValue",
    );
    for _ in 0..5 {
        k.tgw();
    }
    k.refused(
        create_tgw(NewTgwOptions::default()),
        "TransitGatewayLimitExceeded",
    );
}

#[test]
fn an_attachment_takes_one_subnet_per_zone_of_its_vpc() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let v = k.vpc("10.1.0.0/16");
    let a1 = k.subnet(&v, "10.1.0.0/24", Some("us-east-1a"));
    let a2 = k.subnet(&v, "10.1.1.0/24", Some("us-east-1a"));
    let b1 = k.subnet(&v, "10.1.2.0/24", Some("us-east-1b"));
    let other = k.vpc("10.2.0.0/16");
    let o1 = k.subnet(&other, "10.2.0.0/24", None);
    k.refused(attach(&tgw, &v, &[&a1, &a2]), "DuplicateSubnetsInSameZone");
    k.refused(attach(&tgw, &v, &[&o1]), "InvalidParameterValue");
    k.refused(attach(&tgw, &v, &[]), "MissingParameter");
    k.refused(
        attach("tgw-0123456789abcdef0", &v, &[&a1]),
        "InvalidTransitGatewayID.NotFound",
    );
    let id = k.id(attach(&tgw, &v, &[&a1, &b1]));
    let a = k.w.tgw_attachments.get(&id).unwrap().clone();
    assert_eq!(a.state, AttachmentState::Pending);
    assert_eq!(a.interfaces.len(), 2);
    for (eni, subnet) in a.interfaces.iter().zip(&a.subnet_ids) {
        let e =
            k.w.network_interfaces
                .get(eni)
                .expect("the attachment's interface");
        assert_eq!(&e.subnet_id, subnet);
        assert_eq!(e.interface_type, "transit_gateway");
    }
    k.refused(
        attach(&tgw, &v, &[&a2]),
        "DuplicateTransitGatewayAttachment",
    );
    k.advance(0);
    assert_eq!(
        k.w.tgw_attachments.get(&id).unwrap().state,
        AttachmentState::Available
    );
    k.refused(
        vpc::Cmd::Delete { vpc_id: v.clone() },
        "DependencyViolation",
    );
}

#[test]
fn attachments_associate_and_propagate_to_the_default_table() {
    let mut k = Kit::new();
    let (tgw, [(_, _, a), (_, _, b)]) = hub(&mut k);
    let rtb = k.tgw_default_table(&tgw);
    assert_eq!(
        k.w.tgw_attachments.get(&a).unwrap().association.as_deref(),
        Some(rtb.as_str())
    );
    assert_eq!(
        routes_of(&k, &rtb),
        [
            format!("10.1.0.0/16 {a} propagated"),
            format!("10.2.0.0/16 {b} propagated")
        ]
    );
    k.refused(
        Cmd::Associate {
            route_table_id: rtb.clone(),
            attachment_id: a.clone(),
        },
        "Resource.AlreadyAssociated",
    );
    k.refused(
        Cmd::EnablePropagation {
            route_table_id: rtb.clone(),
            attachment_id: a.clone(),
        },
        "TransitGatewayRouteTablePropagation.Duplicate",
    );
    k.refused(
        Cmd::DeleteRouteTable {
            route_table_id: rtb.clone(),
        },
        "IncorrectState",
    );
}

#[test]
fn static_routes_win_over_propagated_and_the_longest_prefix_decides() {
    let mut k = Kit::new();
    let (tgw, [(_, _, a), (_, _, b)]) = hub(&mut k);
    let rtb = k.tgw_default_table(&tgw);
    k.ok(tgw_route(&rtb, "10.2.0.0/16", Some(&a)));
    k.ok(tgw_route(&rtb, "10.2.5.0/24", None));
    k.refused(
        tgw_route(&rtb, "10.2.0.0/16", Some(&b)),
        "RouteAlreadyExists",
    );
    assert_eq!(
        routes_of(&k, &rtb),
        [
            format!("10.2.0.0/16 {a} static"),
            "10.2.5.0/24 blackhole static".to_string(),
            format!("10.1.0.0/16 {a} propagated"),
        ]
    );
    let t = k.tgw_table(&rtb).clone();
    let at = |ip: &str| lookup(&k.w, &t, ip.parse().unwrap());
    assert_eq!(at("10.2.5.9").unwrap().attachment, None);
    assert_eq!(
        at("10.2.6.9").unwrap().attachment.as_deref(),
        Some(a.as_str())
    );
    assert!(at("10.9.0.1").is_none());
    k.ok(Cmd::ReplaceRoute {
        route_table_id: rtb.clone(),
        destination: "10.2.0.0/16".parse().unwrap(),
        attachment_id: Some(b.clone()),
        blackhole: false,
    });
    k.ok(Cmd::DeleteRoute {
        route_table_id: rtb.clone(),
        destination: "10.2.5.0/24".parse().unwrap(),
    });
    k.refused(
        Cmd::DeleteRoute {
            route_table_id: rtb.clone(),
            destination: "10.2.5.0/24".parse().unwrap(),
        },
        "InvalidRoute.NotFound",
    );
    k.refused(
        Cmd::CreateRoute {
            route_table_id: rtb,
            destination: "10.3.0.0/16".parse().unwrap(),
            attachment_id: Some(a),
            blackhole: true,
        },
        "InvalidParameterCombination",
    );
}

#[test]
fn a_custom_table_takes_associations_and_propagations() {
    let mut k = Kit::new();
    let (tgw, [(_, _, a), (_, _, b)]) = hub(&mut k);
    let default = k.tgw_default_table(&tgw);
    let rtb = k.id(Cmd::CreateRouteTable {
        transit_gateway_id: tgw.clone(),
        tags: vec![],
    });
    k.ok(Cmd::Disassociate {
        route_table_id: default.clone(),
        attachment_id: a.clone(),
    });
    k.refused(
        Cmd::Disassociate {
            route_table_id: default.clone(),
            attachment_id: a.clone(),
        },
        "TransitGatewayRouteTableAssociation.NotFound",
    );
    k.ok(Cmd::Associate {
        route_table_id: rtb.clone(),
        attachment_id: a.clone(),
    });
    k.ok(Cmd::EnablePropagation {
        route_table_id: rtb.clone(),
        attachment_id: b.clone(),
    });
    assert_eq!(routes_of(&k, &rtb), [format!("10.2.0.0/16 {b} propagated")]);
    k.ok(Cmd::DisablePropagation {
        route_table_id: rtb.clone(),
        attachment_id: b.clone(),
    });
    assert!(routes_of(&k, &rtb).is_empty());
    k.refused(
        Cmd::DisablePropagation {
            route_table_id: rtb.clone(),
            attachment_id: b,
        },
        "TransitGatewayRouteTablePropagation.NotFound",
    );
    let assoc = table_attachments(&k.w, &k.ctx, &rtb, false, &[]).unwrap();
    assert_eq!(assoc.len(), 1);
    assert_eq!(assoc[0].id, a);
}

#[test]
fn deleting_runs_on_the_clock_and_takes_what_named_the_attachment() {
    let mut k = Kit::new();
    let (tgw, [(_, _, a), (_, _, b)]) = hub(&mut k);
    let rtb = k.tgw_default_table(&tgw);
    k.ok(tgw_route(&rtb, "10.9.0.0/16", Some(&a)));
    k.refused(
        Cmd::DeleteTransitGateway {
            transit_gateway_id: tgw.clone(),
        },
        "IncorrectState",
    );
    let enis = k.w.tgw_attachments.get(&a).unwrap().interfaces.clone();
    k.ok(Cmd::DeleteVpcAttachment {
        attachment_id: a.clone(),
    });
    assert_eq!(
        k.w.tgw_attachments.get(&a).unwrap().state,
        AttachmentState::Deleting
    );
    k.advance(0);
    let gone = k.w.tgw_attachments.get(&a).unwrap();
    assert_eq!(gone.state, AttachmentState::Deleted);
    assert!(gone.association.is_none());
    assert!(enis.iter().all(|e| k.w.network_interfaces.get(e).is_none()));
    assert_eq!(routes_of(&k, &rtb), [format!("10.2.0.0/16 {b} propagated")]);
    k.ok(Cmd::DeleteVpcAttachment { attachment_id: b });
    k.advance(0);
    k.ok(Cmd::DeleteTransitGateway {
        transit_gateway_id: tgw.clone(),
    });
    k.advance(0);
    assert_eq!(k.tgw_of(&tgw).state, State::Deleted);
    assert_eq!(k.tgw_table(&rtb).state, State::Deleted);
    k.advance(HOUR);
    assert!(k.w.transit_gateways.get(&tgw).is_none());
    assert!(k.w.tgw_route_tables.get(&rtb).is_none());
    assert!(k.w.tgw_attachments.get(&a).is_none());
}

#[test]
fn a_vpc_route_to_a_gateway_needs_an_available_attachment_to_its_vpc() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let v = k.vpc("10.1.0.0/16");
    let s = k.subnet(&v, "10.1.0.0/24", None);
    let main = k.w.vpcs.get(&v).unwrap().main_route_table_id.clone();
    let to_tgw = |id: &str| RouteParams {
        transit_gateway_id: Some(id.into()),
        ..v4("10.0.0.0/8")
    };
    k.refused(
        create_route(&main, to_tgw(&tgw)),
        "InvalidTransitGatewayID.NotFound",
    );
    let a = k.tgw_attach(&tgw, &v, &[&s]);
    k.ok(create_route(&main, to_tgw(&tgw)));
    let state = |k: &Kit| {
        let t = k.table(&main);
        let r = t.routes.iter().find(|r| r.target.id() == tgw).unwrap();
        route::route_state_in(&k.w, t, r)
    };
    assert_eq!(state(&k), "active");
    k.ok(Cmd::DeleteVpcAttachment { attachment_id: a });
    assert_eq!(state(&k), "blackhole");
}

#[test]
fn another_accounts_gateway_is_not_found_unless_shared() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let b = k.as_account(B);
    let v = k.vpc_as(&b, "10.5.0.0/16");
    let s = k.subnet_as(&b, &v, "10.5.0.0/24");
    k.refused_as(
        &b,
        attach(&tgw, &v, &[&s]),
        "InvalidTransitGatewayID.NotFound",
    );
}
