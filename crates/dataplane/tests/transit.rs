//! Transit gateways with real packets: the gateway's router namespace, attachments entered
//! in the sender's zone, route tables selected by the arriving attachment (propagated,
//! static and blackhole routes), and incremental changes (routes, associations,
//! attachments). Every probe is also decided by the engine, which must agree. Runs as
//! root; skips otherwise.

mod kit;

use std::net::IpAddr;

use kit::{first, probe_tcp, serve, Api, Plane};
use openvpc_reach::{decide, Endpoint, Flow, Protocol, View};

struct Vpc {
    id: String,
    v6: String,
    sg: String,
    rtb: String,
    subnets: Vec<String>,
}

/// A VPC `10.<n>.0.0/16` with subnet `10.<n>.<k+1>.0/24` in each zone of `zones`.
fn vpc(api: &mut Api, n: u8, zones: &[&str]) -> Vpc {
    let id = first(
        &api.call(&[
            ("Action", "CreateVpc"),
            ("CidrBlock", &format!("10.{n}.0.0/16")),
            ("AmazonProvidedIpv6CidrBlock", "true"),
        ]),
        "vpcId",
    );
    let v6 = first(
        &api.call(&[("Action", "DescribeVpcs"), ("VpcId.1", &id)]),
        "ipv6CidrBlock",
    );
    let block: ipnet::Ipv6Net = v6.parse().unwrap();
    let subnets = zones
        .iter()
        .enumerate()
        .map(|(k, z)| {
            let sub6 = block.subnets(64).unwrap().nth(k).unwrap().to_string();
            first(
                &api.call(&[
                    ("Action", "CreateSubnet"),
                    ("VpcId", &id),
                    ("CidrBlock", &format!("10.{n}.{}.0/24", k + 1)),
                    ("Ipv6CidrBlock", &sub6),
                    ("AvailabilityZone", z),
                ]),
                "subnetId",
            )
        })
        .collect();
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &id),
            ("GroupName", "app"),
            ("GroupDescription", "app"),
        ]),
        "groupId",
    );
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "7000"),
        ("IpPermissions.1.ToPort", "7000"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
    ]);
    let rtb = api.main_route_table(&id);
    Vpc {
        id,
        v6,
        sg,
        rtb,
        subnets,
    }
}

fn eni(api: &mut Api, v: &Vpc, subnet: usize, ip: &str) -> String {
    first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &v.subnets[subnet]),
            ("PrivateIpAddress", ip),
            ("SecurityGroupId.1", &v.sg),
            ("Ipv6AddressCount", "1"),
        ]),
        "networkInterfaceId",
    )
}

fn v6_of(api: &mut Api, eni: &str) -> String {
    first(
        &api.call(&[
            ("Action", "DescribeNetworkInterfaces"),
            ("NetworkInterfaceId.1", eni),
        ]),
        "ipv6Address",
    )
}

fn attach(api: &mut Api, tgw: &str, v: &Vpc, subnets: &[usize]) -> String {
    let mut p = vec![
        ("Action", "CreateTransitGatewayVpcAttachment".to_string()),
        ("TransitGatewayId", tgw.to_string()),
        ("VpcId", v.id.clone()),
        ("Options.Ipv6Support", "enable".to_string()),
    ];
    let keys: Vec<String> = (1..=subnets.len())
        .map(|k| format!("SubnetIds.{k}"))
        .collect();
    for (k, &s) in keys.iter().zip(subnets) {
        p.push((k, v.subnets[s].clone()));
    }
    let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = first(&api.call(&pairs), "transitGatewayAttachmentId");
    api.settle();
    a
}

fn route(api: &mut Api, v: &Vpc, cidr: &str, tgw: &str) {
    let key = if cidr.contains(':') {
        "DestinationIpv6CidrBlock"
    } else {
        "DestinationCidrBlock"
    };
    api.call(&[
        ("Action", "CreateRoute"),
        ("RouteTableId", &v.rtb),
        (key, cidr),
        ("TransitGatewayId", tgw),
    ]);
}

/// Probes TCP 7000 from `src` to `dst`, and checks the kernel's answer against both
/// `want` (the interface answering, `None`: blocked) and the engine's verdict.
fn check(api: &Api, plane: &Plane, sport: u16, src: &str, dst: &str, want: Option<&str>) {
    let dst: IpAddr = dst.parse().unwrap();
    let got = probe_tcp(&plane.ns_of(src), sport, dst, 7000);
    let got = got.as_deref().and_then(|s| s.split_whitespace().next());
    let verdict = decide(
        &View::compile(api.world()),
        &Flow {
            source: src.to_string(),
            destination: Endpoint::Ip(dst),
            protocol: Protocol::TCP,
            port: Some(7000),
            source_port: Some(sport),
        },
    );
    let why: Vec<String> = verdict
        .explanations
        .iter()
        .map(|e| format!("{:?} {}", e.code, e.component))
        .collect();
    assert_eq!(got, want, "kernel: {src} -> {dst} (engine: {why:?})");
    assert_eq!(
        verdict.reachable,
        want.is_some(),
        "engine: {src} -> {dst}: {why:?}"
    );
}

#[test]
fn transit_gateway_routes_by_zone_and_table() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(7);
    let a = vpc(&mut api, 0, &["us-east-1a", "us-east-1b"]);
    let b = vpc(&mut api, 1, &["us-east-1a", "us-east-1b"]);
    let c = vpc(&mut api, 2, &["us-east-1a"]);
    let ea1 = eni(&mut api, &a, 0, "10.0.1.10");
    let ea2 = eni(&mut api, &a, 1, "10.0.2.10");
    let eb1 = eni(&mut api, &b, 0, "10.1.1.10");
    let eb2 = eni(&mut api, &b, 1, "10.1.2.10");
    let ec1 = eni(&mut api, &c, 0, "10.2.1.10");
    let created = api.call(&[("Action", "CreateTransitGateway")]);
    let tgw = first(&created, "transitGatewayId");
    api.settle();
    let default_rtb = first(
        &api.call(&[
            ("Action", "DescribeTransitGateways"),
            ("TransitGatewayIds.1", &tgw),
        ]),
        "associationDefaultRouteTableId",
    );
    // A is attached in zone a only; B in both zones; C in zone a.
    let att_a = attach(&mut api, &tgw, &a, &[0]);
    attach(&mut api, &tgw, &b, &[0, 1]);
    let att_c = attach(&mut api, &tgw, &c, &[0]);
    // Each VPC routes the others' blocks (IPv4 and IPv6) to the gateway.
    let blocks: Vec<String> = [&a, &b, &c].iter().map(|v| v.v6.clone()).collect();
    for (me, v) in [&a, &b, &c].into_iter().enumerate() {
        for (other, v6) in blocks.iter().enumerate() {
            if other != me {
                route(&mut api, v, &format!("10.{other}.0.0/16"), &tgw);
                route(&mut api, v, v6, &tgw);
            }
        }
    }
    let mut plane = Plane::new("g");
    plane.apply(api.world());
    for id in [&ea1, &ea2, &eb1, &eb2, &ec1] {
        serve(&plane.ns_of(id), id);
    }
    let gateway = plane
        .names
        .namespace(openvpc_dataplane::names::Kind::TransitGateway, &tgw);
    assert!(openvpc_dataplane::kernel::namespaces(&gateway).contains(&gateway));

    // Propagated routes, both ways; the server sees the sender's own address.
    assert_eq!(
        probe_tcp(
            &plane.ns_of(&ea1),
            42001,
            "10.1.1.10".parse().unwrap(),
            7000
        ),
        Some(format!("{eb1} 10.0.1.10"))
    );
    check(&api, &plane, 42002, &ea1, "10.1.2.10", Some(&eb2));
    check(&api, &plane, 42003, &eb2, "10.0.1.10", Some(&ea1));
    check(&api, &plane, 42004, &eb1, "10.2.1.10", Some(&ec1));
    // IPv6 too (the attachments support it, so their blocks propagate).
    let (eb1_v6, ea2_v6) = (v6_of(&mut api, &eb1), v6_of(&mut api, &ea2));
    check(&api, &plane, 42016, &ea1, &eb1_v6, Some(&eb1));
    check(&api, &plane, 42017, &eb2, &ea2_v6, None);
    // A has no attachment subnet in zone b: its interface there cannot reach the gateway,
    // nor can it answer through it.
    check(&api, &plane, 42005, &ea2, "10.1.1.10", None);
    check(&api, &plane, 42006, &eb1, "10.0.2.10", None);

    // A static blackhole route, more specific than C's propagated block.
    api.call(&[
        ("Action", "CreateTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &default_rtb),
        ("DestinationCidrBlock", "10.2.1.0/24"),
        ("Blackhole", "true"),
    ]);
    plane.apply(api.world());
    check(&api, &plane, 42007, &ea1, "10.2.1.10", None);
    check(&api, &plane, 42008, &ec1, "10.0.1.10", None);
    api.call(&[
        ("Action", "DeleteTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &default_rtb),
        ("DestinationCidrBlock", "10.2.1.0/24"),
    ]);
    plane.apply(api.world());
    check(&api, &plane, 42009, &ea1, "10.2.1.10", Some(&ec1));

    // C moves to its own table, with one static route (to A): A ↔ C works, B → C's
    // replies have no route.
    api.call(&[
        ("Action", "DisassociateTransitGatewayRouteTable"),
        ("TransitGatewayRouteTableId", &default_rtb),
        ("TransitGatewayAttachmentId", &att_c),
    ]);
    api.settle();
    plane.apply(api.world());
    check(&api, &plane, 42010, &ec1, "10.0.1.10", None);
    let own = first(
        &api.call(&[
            ("Action", "CreateTransitGatewayRouteTable"),
            ("TransitGatewayId", &tgw),
        ]),
        "transitGatewayRouteTableId",
    );
    api.settle();
    api.call(&[
        ("Action", "AssociateTransitGatewayRouteTable"),
        ("TransitGatewayRouteTableId", &own),
        ("TransitGatewayAttachmentId", &att_c),
    ]);
    api.call(&[
        ("Action", "CreateTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &own),
        ("DestinationCidrBlock", "10.0.0.0/16"),
        ("TransitGatewayAttachmentId", &att_a),
    ]);
    api.settle();
    plane.apply(api.world());
    check(&api, &plane, 42011, &ec1, "10.0.1.10", Some(&ea1));
    check(&api, &plane, 42012, &ea1, "10.2.1.10", Some(&ec1));
    check(&api, &plane, 42013, &eb1, "10.2.1.10", None);

    // Deleting A's attachment cuts A off; the same state applied again changes nothing.
    api.call(&[
        ("Action", "DeleteTransitGatewayVpcAttachment"),
        ("TransitGatewayAttachmentId", &att_a),
    ]);
    api.settle();
    plane.apply(api.world());
    check(&api, &plane, 42014, &ea1, "10.1.1.10", None);
    check(&api, &plane, 42015, &eb1, "10.2.1.10", None);
    let desired =
        openvpc_dataplane::build::build(api.world(), &View::compile(api.world()), &plane.names);
    let again = openvpc_dataplane::reconcile::reconcile(&mut plane.applied, &desired);
    assert_eq!((again.created, again.deleted, again.changed), (0, 0, 0));
}

/// Two gateways in two Regions joined by a peering attachment (an encrypted tunnel between
/// their routers): static routes to the attachment carry traffic across; without the route
/// back the reply stops. The engine agrees on each probe.
#[test]
fn peered_gateways_across_regions() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(8);
    let a = vpc(&mut api, 0, &["us-east-1a"]);
    let ea = eni(&mut api, &a, 0, "10.0.1.10");
    let tgw_a = first(
        &api.call(&[("Action", "CreateTransitGateway")]),
        "transitGatewayId",
    );
    api.settle();
    attach(&mut api, &tgw_a, &a, &[0]);
    route(&mut api, &a, "10.1.0.0/16", &tgw_a);
    api.in_region("us-west-2");
    let b = vpc(&mut api, 1, &["us-west-2a"]);
    let eb = eni(&mut api, &b, 0, "10.1.1.10");
    let tgw_b = first(
        &api.call(&[("Action", "CreateTransitGateway")]),
        "transitGatewayId",
    );
    api.settle();
    attach(&mut api, &tgw_b, &b, &[0]);
    route(&mut api, &b, "10.0.0.0/16", &tgw_b);
    api.in_region("us-east-1");
    let peering = first(
        &api.call(&[
            ("Action", "CreateTransitGatewayPeeringAttachment"),
            ("TransitGatewayId", &tgw_a),
            ("PeerTransitGatewayId", &tgw_b),
            ("PeerAccountId", kit::ACCOUNT),
            ("PeerRegion", "us-west-2"),
        ]),
        "transitGatewayAttachmentId",
    );
    api.settle();
    api.in_region("us-west-2");
    api.call(&[
        ("Action", "AcceptTransitGatewayPeeringAttachment"),
        ("TransitGatewayAttachmentId", &peering),
    ]);
    api.settle();
    let default_table = |api: &mut Api, tgw: &str| {
        first(
            &api.call(&[
                ("Action", "DescribeTransitGateways"),
                ("TransitGatewayIds.1", tgw),
            ]),
            "associationDefaultRouteTableId",
        )
    };
    let rtb_b = default_table(&mut api, &tgw_b);
    api.call(&[
        ("Action", "CreateTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &rtb_b),
        ("DestinationCidrBlock", "10.0.0.0/16"),
        ("TransitGatewayAttachmentId", &peering),
    ]);
    api.in_region("us-east-1");
    let rtb_a = default_table(&mut api, &tgw_a);
    api.call(&[
        ("Action", "CreateTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &rtb_a),
        ("DestinationCidrBlock", "10.1.0.0/16"),
        ("TransitGatewayAttachmentId", &peering),
    ]);
    let mut plane = Plane::new("h");
    let desired = plane.apply(api.world());
    assert!(
        desired.tunnels.contains_key(&peering),
        "{:?}",
        desired.tunnels.keys()
    );
    serve(&plane.ns_of(&ea), &ea);
    serve(&plane.ns_of(&eb), &eb);
    // The tunnel's first handshake may still be under way on a loaded machine: a few
    // attempts (each a new connection), not a sleep.
    let first_answer = (0..4).find_map(|k| {
        probe_tcp(
            &plane.ns_of(&ea),
            44010 + k,
            "10.1.1.10".parse().unwrap(),
            7000,
        )
    });
    assert_eq!(first_answer, Some(format!("{eb} 10.0.1.10")));
    check(&api, &plane, 44002, &eb, "10.0.1.10", Some(&ea));
    // Without the route back at B's gateway, A's connection gets no answer.
    api.in_region("us-west-2");
    api.call(&[
        ("Action", "DeleteTransitGatewayRoute"),
        ("TransitGatewayRouteTableId", &rtb_b),
        ("DestinationCidrBlock", "10.0.0.0/16"),
    ]);
    plane.apply(api.world());
    check(&api, &plane, 44003, &ea, "10.1.1.10", None);
}
