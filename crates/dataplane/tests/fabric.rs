//! The fabric with real packets: peering (and its non-transitivity), security groups,
//! network ACLs, overlapping CIDRs, IPv6, and cleanup. Runs as root; skips otherwise.

mod kit;

use std::net::IpAddr;

use kit::{first, probe_icmp, probe_tcp, probe_udp, serve, Api, Plane};

struct Net {
    vpc: String,
    subnet: String,
    sg: String,
    rtb: String,
}

fn net(api: &mut Api, cidr: &str, subnet: &str) -> Net {
    let vpc = first(
        &api.call(&[
            ("Action", "CreateVpc"),
            ("CidrBlock", cidr),
            ("AmazonProvidedIpv6CidrBlock", "true"),
        ]),
        "vpcId",
    );
    let v6 = first(
        &api.call(&[("Action", "DescribeVpcs"), ("VpcId.1", &vpc)]),
        "ipv6CidrBlock",
    );
    let sub6 = v6.replace("00::/56", "00::/64");
    let subnet = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &vpc),
            ("CidrBlock", subnet),
            ("Ipv6CidrBlock", &sub6),
        ]),
        "subnetId",
    );
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &vpc),
            ("GroupName", "app"),
            ("GroupDescription", "app"),
        ]),
        "groupId",
    );
    let rtb = api.main_route_table(&vpc);
    Net {
        vpc,
        subnet,
        sg,
        rtb,
    }
}

fn eni(api: &mut Api, n: &Net, ip: &str) -> String {
    first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &n.subnet),
            ("PrivateIpAddress", ip),
            ("SecurityGroupId.1", &n.sg),
            ("Ipv6AddressCount", "1"),
        ]),
        "networkInterfaceId",
    )
}

fn allow(api: &mut Api, sg: &str, proto: &str, port: &str, cidr: &str) {
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", sg),
        ("IpPermissions.1.IpProtocol", proto),
        ("IpPermissions.1.FromPort", port),
        ("IpPermissions.1.ToPort", port),
        ("IpPermissions.1.IpRanges.1.CidrIp", cidr),
    ]);
}

fn peer(api: &mut Api, a: &Net, b: &Net) -> String {
    let pcx = first(
        &api.call(&[
            ("Action", "CreateVpcPeeringConnection"),
            ("VpcId", &a.vpc),
            ("PeerVpcId", &b.vpc),
        ]),
        "vpcPeeringConnectionId",
    );
    api.settle();
    api.call(&[
        ("Action", "AcceptVpcPeeringConnection"),
        ("VpcPeeringConnectionId", &pcx),
    ]);
    api.settle();
    pcx
}

fn route(api: &mut Api, rtb: &str, cidr: &str, pcx: &str) {
    api.call(&[
        ("Action", "CreateRoute"),
        ("RouteTableId", rtb),
        ("DestinationCidrBlock", cidr),
        ("VpcPeeringConnectionId", pcx),
    ]);
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn peering_groups_overlap_and_cleanup() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(1);
    let a = net(&mut api, "10.0.0.0/16", "10.0.1.0/24");
    let b = net(&mut api, "10.1.0.0/16", "10.1.1.0/24");
    let c = net(&mut api, "10.2.0.0/16", "10.2.1.0/24");
    let x = net(&mut api, "10.0.0.0/16", "10.0.1.0/24"); // overlaps A
    let a1 = eni(&mut api, &a, "10.0.1.10");
    let a2 = eni(&mut api, &a, "10.0.1.11");
    let b1 = eni(&mut api, &b, "10.1.1.10");
    let c1 = eni(&mut api, &c, "10.2.1.10");
    let x1 = eni(&mut api, &x, "10.0.1.10");
    for n in [&a, &b, &c, &x] {
        allow(&mut api, &n.sg, "tcp", "7000", "10.0.0.0/8");
        allow(&mut api, &n.sg, "udp", "7100", "10.0.0.0/8");
        allow(&mut api, &n.sg, "icmp", "-1", "10.0.0.0/8");
    }
    let ab = peer(&mut api, &a, &b);
    let bc = peer(&mut api, &b, &c);
    let cx = peer(&mut api, &c, &x);
    route(&mut api, &a.rtb, "10.1.0.0/16", &ab);
    route(&mut api, &a.rtb, "10.2.0.0/16", &ab); // transit attempt through B
    route(&mut api, &b.rtb, "10.0.0.0/16", &ab);
    route(&mut api, &b.rtb, "10.2.0.0/16", &bc);
    route(&mut api, &c.rtb, "10.1.0.0/16", &bc);
    route(&mut api, &c.rtb, "10.0.0.0/16", &cx);
    route(&mut api, &x.rtb, "10.2.0.0/16", &cx);

    let mut plane = Plane::new("f");
    plane.apply(api.world());
    // Every namespace carries its ownership marker.
    let router = plane.ns_of(&a.vpc);
    assert_eq!(
        openvpc_dataplane::kernel::marker(&router),
        Some(
            plane
                .names
                .marker(openvpc_dataplane::names::Kind::Router, &a.vpc)
        )
    );
    for id in [&a1, &a2, &b1, &c1, &x1] {
        serve(&plane.ns_of(id), id);
    }
    let names = plane.names.clone();
    let ns = |id: &str| names.namespace(openvpc_dataplane::names::Kind::Interface, id);

    // Peered: A ↔ B, both ways, and the server sees the real source.
    assert_eq!(
        probe_tcp(&ns(&a1), 40001, ip("10.1.1.10"), 7000),
        Some(format!("{b1} 10.0.1.10"))
    );
    assert_eq!(
        probe_tcp(&ns(&b1), 40002, ip("10.0.1.10"), 7000),
        Some(format!("{a1} 10.1.1.10"))
    );
    assert!(probe_udp(&ns(&a1), 40003, ip("10.1.1.10"), 7100).is_some());
    assert!(probe_icmp(&ns(&a1), ip("10.1.1.10")).is_some());
    // Not transitive: A → C through B fails although A has a route.
    assert_eq!(probe_tcp(&ns(&a1), 40004, ip("10.2.1.10"), 7000), None);
    // The security group allows 7000, not 7001.
    assert_eq!(probe_tcp(&ns(&a1), 40005, ip("10.1.1.10"), 7001), None);
    // Overlap: from C, 10.0.1.10 is X's interface, not A's.
    assert_eq!(
        probe_tcp(&ns(&c1), 40006, ip("10.0.1.10"), 7000),
        Some(format!("{x1} 10.2.1.10"))
    );
    // Same subnet goes through the router too (groups apply).
    assert_eq!(
        probe_tcp(&ns(&a2), 40007, ip("10.0.1.10"), 7000),
        Some(format!("{a1} 10.0.1.11"))
    );
    // IPv6 between peers needs routes and rules for IPv6: none yet → blocked.
    let b1_v6 = first(
        &api.call(&[
            ("Action", "DescribeNetworkInterfaces"),
            ("NetworkInterfaceId.1", &b1),
        ]),
        "ipv6Address",
    );
    assert_eq!(probe_tcp(&ns(&a1), 40008, ip(&b1_v6), 7000), None);

    // One change: deleting the peering cuts A ↔ B.
    api.call(&[
        ("Action", "DeleteVpcPeeringConnection"),
        ("VpcPeeringConnectionId", &ab),
    ]);
    plane.apply(api.world());
    assert_eq!(probe_tcp(&ns(&a1), 40009, ip("10.1.1.10"), 7000), None);
    // Applying the same state again changes nothing.
    let desired = openvpc_dataplane::build::build(
        api.world(),
        &openvpc_reach::View::compile(api.world()),
        &plane.names,
    );
    let again = openvpc_dataplane::reconcile::reconcile(&mut plane.applied, &desired);
    assert_eq!((again.created, again.deleted, again.changed), (0, 0, 0));
}

/// The second /64 of a VPC's /56.
fn second_64(block: &str) -> String {
    let block: ipnet::Ipv6Net = block.parse().unwrap();
    block.subnets(64).unwrap().nth(1).unwrap().to_string()
}

/// Issue 8: an interface of an IPv6-only subnet is realised with its IPv6 address only;
/// IPv6 flows to and from it pass its groups, and it has no IPv4 address to be reached at.
#[test]
fn ipv6_only_interfaces_carry_ipv6() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(3);
    let a = net(&mut api, "10.0.0.0/16", "10.0.1.0/24");
    let v6 = first(
        &api.call(&[("Action", "DescribeVpcs"), ("VpcId.1", &a.vpc)]),
        "ipv6CidrBlock",
    );
    let native = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &a.vpc),
            ("Ipv6Native", "true"),
            ("Ipv6CidrBlock", &second_64(&v6)),
        ]),
        "subnetId",
    );
    let six = first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &native),
            ("SecurityGroupId.1", &a.sg),
        ]),
        "networkInterfaceId",
    );
    let dual = eni(&mut api, &a, "10.0.1.10");
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &a.sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "7000"),
        ("IpPermissions.1.ToPort", "7000"),
        ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
    ]);
    let addr = |api: &mut Api, id: &str| {
        ip(&first(
            &api.call(&[
                ("Action", "DescribeNetworkInterfaces"),
                ("NetworkInterfaceId.1", id),
            ]),
            "ipv6Address",
        ))
    };
    let (six_v6, dual_v6) = (addr(&mut api, &six), addr(&mut api, &dual));
    let mut plane = Plane::new("s");
    plane.apply(api.world());
    serve(&plane.ns_of(&six), &six);
    serve(&plane.ns_of(&dual), &dual);
    assert_eq!(
        probe_tcp(&plane.ns_of(&six), 41001, dual_v6, 7000),
        Some(format!("{dual} {six_v6}"))
    );
    assert_eq!(
        probe_tcp(&plane.ns_of(&dual), 41002, six_v6, 7000),
        Some(format!("{six} {dual_v6}"))
    );
    // IPv4 from it: it has no IPv4 address to send from.
    assert_eq!(
        probe_tcp(&plane.ns_of(&six), 41003, ip("10.0.1.10"), 7000),
        None
    );
}

/// Issue 8 left it: prefixes delegated to an interface (`/28`, `/80`) are routed to it and
/// every address inside answers there; its source/destination check admits them, and a
/// group reference matches them. The engine agrees on each probe.
#[test]
fn delegated_prefixes_are_the_interfaces_own() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(5);
    let a = net(&mut api, "10.0.0.0/16", "10.0.1.0/24");
    let holder = first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &a.subnet),
            ("PrivateIpAddress", "10.0.1.10"),
            ("SecurityGroupId.1", &a.sg),
            ("Ipv4PrefixCount", "1"),
            ("Ipv6PrefixCount", "1"),
        ]),
        "networkInterfaceId",
    );
    let sender = eni(&mut api, &a, "10.0.1.11");
    // Members of the group reach TCP 7000 (IPv4 and IPv6).
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &a.sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "7000"),
        ("IpPermissions.1.ToPort", "7000"),
        ("IpPermissions.1.Groups.1.GroupId", &a.sg),
    ]);
    let body = api.call(&[
        ("Action", "DescribeNetworkInterfaces"),
        ("NetworkInterfaceId.1", &holder),
    ]);
    let p4: ipnet::Ipv4Net = first(&body, "ipv4Prefix").parse().unwrap();
    let p6: ipnet::Ipv6Net = first(&body, "ipv6Prefix").parse().unwrap();
    let inside4 = IpAddr::V4((u32::from(p4.network()) + 5).into());
    let inside6 = IpAddr::V6((u128::from(p6.network()) + 0x77).into());
    let mut plane = Plane::new("p");
    plane.apply(api.world());
    serve(&plane.ns_of(&holder), &holder);
    serve(&plane.ns_of(&sender), &sender);
    let view = openvpc_reach::View::compile(api.world());
    let engine = |src: &str, dst: IpAddr, sport: u16| {
        openvpc_reach::decide(
            &view,
            &openvpc_reach::Flow {
                source: src.to_string(),
                destination: openvpc_reach::Endpoint::Ip(dst),
                protocol: openvpc_reach::Protocol::TCP,
                port: Some(7000),
                source_port: Some(sport),
            },
        )
        .reachable
    };
    for (k, dst) in [inside4, inside6].into_iter().enumerate() {
        let sport = 43001 + k as u16;
        let got = probe_tcp(&plane.ns_of(&sender), sport, dst, 7000);
        let got = got.as_deref().and_then(|s| s.split_whitespace().next());
        assert_eq!(got, Some(holder.as_str()), "to {dst}");
        assert!(engine(&sender, dst, sport), "engine: to {dst}");
    }
    // From inside its prefix the holder is still a member (source check and reference).
    let from_prefix = plane.ns_of(&holder);
    let seen = openvpc_dataplane::kernel::in_namespace(&from_prefix, move || {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .map_err(|e| e.to_string())?;
        s.bind(&std::net::SocketAddr::new(inside4, 0).into())
            .map_err(|e| e.to_string())?;
        s.connect_timeout(
            &std::net::SocketAddr::from(([10, 0, 1, 11], 7000)).into(),
            std::time::Duration::from_millis(1500),
        )
        .map_err(|e| e.to_string())?;
        let mut c: std::net::TcpStream = s.into();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut c, &mut text).map_err(|e| e.to_string())?;
        Ok(text)
    })
    .unwrap();
    assert_eq!(seen.trim(), format!("{sender} {inside4}"));
}
