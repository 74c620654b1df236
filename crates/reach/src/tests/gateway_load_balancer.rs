//! Gateway Load Balancer endpoints as route targets: through the service's load balancer
//! to an appliance (GENEVE, UDP 6081) and back, then on. The reference evaluator calls them
//! unsupported, so these fixtures check the engine alone.

use openvpc_core::elb::LoadBalancerType;
use openvpc_core::endpoint::EndpointType;
use openvpc_core::endpoint_service::ServiceType;
use openvpc_core::route::{Destination, Origin, Route, Target};

use super::kit::Net;
use super::tcp;
use crate::explain::{Code, HopKind, Outcome};
use crate::{decide, View};

/// App VPC 10.0.0.0/16: `e1` (10.0.1.10) routes 10.0.2.0/24 to a GWLB endpoint
/// (10.0.9.5) in front of `e2` (10.0.2.20, TCP 22 from 10.0.0.0/16). Security VPC
/// 10.50.0.0/16: the Gateway Load Balancer's node 10.50.1.4 and the appliance 10.50.1.8,
/// whose group admits nothing yet.
struct Gw {
    n: Net,
    e1: String,
    e2: String,
    gwlbe: String,
    gwlb: String,
    tg: String,
    appliance_sg: String,
}

fn world() -> Gw {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let s1 = n.subnet(&a, "10.0.1.0/24");
    let s2 = n.subnet(&a, "10.0.2.0/24");
    let fw = n.subnet(&a, "10.0.9.0/24");
    let web = n.sg(&a);
    n.rule(&web, false, "tcp", Some((22, 22)), "10.0.0.0/16");
    let e1 = n.eni(&s1, "10.0.1.10", &[&a.sg]);
    let e2 = n.eni(&s2, "10.0.2.20", &[&web]);
    let sec = n.vpc("10.50.0.0/16", None);
    let sa = n.subnet(&sec, "10.50.1.0/24");
    let appliance_sg = n.sg(&sec);
    n.eni(&sa, "10.50.1.8", &[&appliance_sg]);
    let gwlb = n.nlb(&sec, &[(&sa, "10.50.1.4")], &[]);
    n.w.load_balancers.get_mut(&gwlb).unwrap().lb_type = LoadBalancerType::Gateway;
    let tg = n.target_group(&sec, "ip", 6081, &[("10.50.1.8", None)]);
    n.w.target_groups.get_mut(&tg).unwrap().protocol = "GENEVE".into();
    let l = n.listener(&gwlb, "TCP", 1, &tg);
    let listener = n.w.listeners.get_mut(&l).unwrap();
    (listener.protocol, listener.port) = (None, None);
    let svc = n.endpoint_service(&[]);
    let s = n.w.endpoint_services.get_mut(&svc).unwrap();
    s.service_type = ServiceType::GatewayLoadBalancer;
    s.gateway_load_balancer_arns = vec![gwlb.clone()];
    let (gwlbe, _) = n.interface_endpoint(&a, &svc, &[(&fw, "10.0.9.5")], &[]);
    n.w.vpc_endpoints.get_mut(&gwlbe).unwrap().endpoint_type = EndpointType::GatewayLoadBalancer;
    let t = n.table(&a, &[&s1]);
    n.w.route_tables.get_mut(&t).unwrap().routes.push(Route {
        destination: Destination::V4("10.0.2.0/24".parse().unwrap()),
        target: Target::VpcEndpoint(gwlbe.clone()),
        origin: Origin::CreateRoute,
    });
    Gw {
        n,
        e1,
        e2,
        gwlbe,
        gwlb,
        tg,
        appliance_sg,
    }
}

#[test]
fn through_the_appliance_and_on() {
    let mut g = world();
    let flow = tcp(&g.e1, &g.e2, 22);
    // The appliance's group does not admit GENEVE from the load balancer's node.
    let v = decide(&View::compile(&g.n.w), &flow);
    assert_eq!(v.codes(), vec![Code::SgHasNoRules], "{v}");
    assert!(v.explanations[0].message().starts_with("target "), "{v}");
    assert!(
        v.explanations[0]
            .message()
            .contains("udp 10.50.1.4:6081 -> 10.50.1.8:6081"),
        "{v}"
    );
    let sg = g.appliance_sg.clone();
    g.n.rule(&sg, false, "udp", Some((6081, 6081)), "10.50.0.0/16");
    let v = decide(&View::compile(&g.n.w), &flow);
    assert!(v.reachable, "{v}");
    let kinds: Vec<(HopKind, &str)> = v.forward.iter().map(|h| (h.kind, &*h.component)).collect();
    for want in [
        (HopKind::GatewayLoadBalancerEndpoint, g.gwlbe.as_str()),
        (HopKind::LoadBalancer, g.gwlb.as_str()),
        (HopKind::TargetGroup, g.tg.as_str()),
    ] {
        assert!(kinds.contains(&want), "{want:?} in {v}");
    }
    // The original packet goes on, unchanged, to its destination.
    let last = v
        .forward
        .iter()
        .rfind(|h| h.kind == HopKind::NetworkInterface)
        .unwrap();
    assert_eq!(
        (&*last.component, last.header.dst_port),
        (g.e2.as_str(), Some(22)),
        "{v}"
    );
}

#[test]
fn what_the_view_lacks_is_unknown_and_what_is_missing_blocks() {
    let mut g = world();
    g.n.rule(
        &g.appliance_sg.clone(),
        false,
        "udp",
        Some((6081, 6081)),
        "10.50.0.0/16",
    );
    let flow = tcp(&g.e1, &g.e2, 22);
    // No registered appliance: the listener's group is empty.
    let mut empty = g.n.w.clone();
    empty.target_groups.get_mut(&g.tg).unwrap().targets.clear();
    let v = decide(&View::compile(&empty), &flow);
    assert_eq!(v.codes(), vec![Code::Elbv2ListenerHasNoTg], "{v}");
    assert_eq!(v.outcome(), Outcome::Blocked);
    // The load balancer itself was not imported: unknown, not blocked.
    g.n.w.load_balancers.remove(&g.gwlb);
    let v = decide(&View::compile(&g.n.w), &flow);
    assert_eq!(v.codes(), vec![Code::UnknownResource], "{v}");
    assert_eq!(v.outcome(), Outcome::Unknown, "{v}");
}
