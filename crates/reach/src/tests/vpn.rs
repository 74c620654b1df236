//! Virtual private gateways: traffic leaves for the customer's side of a VPN connection
//! (its static routes), comes back through the gateway, and is never carried for a peer.
//! Every fixture checks the reference evaluator's verdict against the engine's.

use openvpc_core::peering::Status;
use openvpc_core::route::{Destination, Origin, Route, Target};
use openvpc_core::vpn::{State, VgwAttachment, VpnConnection, VpnGateway, VpnRoute};
use openvpc_core::Kind;

use super::kit::{scope, Net, VpcIds, REGION};
use super::tcp;
use crate::explain::{Code, HopKind};
use crate::{decide, View};

/// A virtual private gateway attached to `vpc` with one static VPN connection to `ranges`.
pub(super) fn vpn(n: &mut Net, vpc: &VpcIds, ranges: &[&str]) -> String {
    let vgw = n.w.ids.id(Kind::VpnGateway);
    n.w.vpn_gateways.insert(VpnGateway {
        id: vgw.clone(),
        scope: scope(REGION),
        availability_zone: None,
        amazon_side_asn: 64512,
        state: State::Available,
        attachments: vec![VgwAttachment {
            vpc_id: vpc.id.clone(),
            attached: true,
        }],
        purge_at: None,
    });
    let id = n.w.ids.id(Kind::VpnConnection);
    n.w.vpn_connections.insert(VpnConnection {
        id,
        scope: scope(REGION),
        customer_gateway_id: "cgw-0123456789abcdef0".into(),
        vpn_gateway_id: vgw.clone(),
        transit_gateway_id: None,
        static_routes_only: true,
        local_ipv4_network_cidr: Default::default(),
        remote_ipv4_network_cidr: Default::default(),
        outside_ips: ["18.0.0.1".parse().unwrap(), "18.0.0.2".parse().unwrap()],
        routes: ranges
            .iter()
            .map(|r| VpnRoute {
                destination: r.parse().unwrap(),
            })
            .collect(),
        state: State::Available,
        created: 0,
        purge_at: None,
    });
    vgw
}

pub(super) fn propagated(n: &mut Net, rtb: &str, cidr: &str, vgw: &str) {
    let t = n.w.route_tables.get_mut(rtb).unwrap();
    t.propagating_vgws.push(vgw.into());
    t.routes.push(Route {
        destination: Destination::V4(cidr.parse().unwrap()),
        target: Target::Gateway(vgw.into()),
        origin: Origin::EnableVgwRoutePropagation,
    });
}

/// The engine's verdict on TCP 22 from `src` to `dst`, checked against the reference's.
fn codes(n: &Net, src: &str, dst: &str) -> (bool, Vec<Code>, crate::Verdict) {
    let view = View::compile(&n.w);
    let f = tcp(src, dst, 22);
    let v = decide(&view, &f);
    let r = crate::reference::decide(&n.w, &f);
    assert!(
        crate::reference::agrees(&v, &r),
        "reference: {r}\nengine: {v}"
    );
    (v.reachable, v.codes(), v)
}

#[test]
fn traffic_leaves_through_the_vgw_to_the_customer_side_and_back() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let s = n.subnet(&a, "10.0.1.0/24");
    let e = n.eni(&s, "10.0.1.10", &[&a.sg]);
    let vgw = vpn(&mut n, &a, &["192.168.0.0/16"]);
    propagated(&mut n, &a.rtb, "192.168.0.0/16", &vgw);
    let (ok, c, v) = codes(&n, &e, "192.168.1.10");
    assert!(ok, "{v}");
    assert!(c.is_empty());
    let via = |hops: &[crate::explain::Hop]| {
        hops.iter()
            .any(|h| h.kind == HopKind::VpnGateway && *h.component == *vgw)
    };
    assert!(via(&v.forward), "{v}");
    assert!(via(&v.return_path), "{v}");
    // A static route to the gateway for a range no connection covers goes nowhere.
    n.route(&a.rtb, "172.16.0.0/12", &vgw);
    let (ok, c, v) = codes(&n, &e, "172.16.0.1");
    assert!(!ok);
    assert_eq!(c, vec![Code::CannotRoute], "{v}");
    assert!(v.explanations[0]
        .message()
        .contains("CreateVpnConnectionRoute"));
}

#[test]
fn a_detached_vgw_is_a_blackhole() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let s = n.subnet(&a, "10.0.1.0/24");
    let e = n.eni(&s, "10.0.1.10", &[&a.sg]);
    let vgw = vpn(&mut n, &a, &["192.168.0.0/16"]);
    n.route(&a.rtb, "192.168.0.0/16", &vgw);
    n.w.vpn_gateways.get_mut(&vgw).unwrap().attachments[0].attached = false;
    let (ok, c, _) = codes(&n, &e, "192.168.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::BadStateRoute]);
}

#[test]
fn a_peer_cannot_use_another_vpcs_vpn() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let b = n.vpc("10.1.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let sb = n.subnet(&b, "10.1.1.0/24");
    n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let eb = n.eni(&sb, "10.1.1.10", &[&b.sg]);
    let vgw = vpn(&mut n, &a, &["192.168.0.0/16"]);
    propagated(&mut n, &a.rtb, "192.168.0.0/16", &vgw);
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    // B sends the customer's range over the peering: the peering delivers only into A.
    n.route(&b.rtb, "192.168.0.0/16", &pcx);
    let (ok, c, v) = codes(&n, &eb, "192.168.1.10");
    assert!(!ok);
    assert_eq!(c, vec![Code::PcxRequiresAddressInVpcCidr], "{v}");
}

#[test]
fn a_propagated_route_never_beats_the_local_route() {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let s1 = n.subnet(&a, "10.0.1.0/24");
    let s2 = n.subnet(&a, "10.0.2.0/24");
    let e = n.eni(&s1, "10.0.1.10", &[&a.sg]);
    n.eni(&s2, "10.0.2.10", &[&a.sg]);
    // The customer announces a range inside the VPC: the local route still carries it.
    let vgw = vpn(&mut n, &a, &["10.0.2.0/24"]);
    propagated(&mut n, &a.rtb, "10.0.2.0/24", &vgw);
    let (ok, c, v) = codes(&n, &e, "10.0.2.10");
    assert!(ok, "{v}");
    assert!(c.is_empty());
}
