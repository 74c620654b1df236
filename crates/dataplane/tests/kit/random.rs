//! Seeded random worlds for the differential test, built through the Query API:
//! VPCs (one overlapping another), subnets with IPv6, interfaces in random groups, random
//! group rules (CIDRs, own and peer-VPC group references), peerings (some left pending),
//! routes (to peers, transit attempts, middleboxes), network ACL entries and custom ACLs,
//! an internet gateway with an Elastic IP and a NAT gateway, an egress-only internet
//! gateway for IPv6, and PrivateLink: a service behind a network load balancer in another
//! account's VPC (overlapping one of ours, or not) reached through an interface endpoint.

use ipnet::Ipv6Net;

use super::{first, Api};

/// splitmix64: a small, seeded generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

#[derive(Debug, Clone)]
pub struct RVpc {
    pub id: String,
    pub cidr: String,
    pub v6: String,
    pub main_rtb: String,
    pub subnets: Vec<String>,
    pub groups: Vec<String>,
    pub enis: Vec<String>,
    pub tables: Vec<String>,
}

#[derive(Debug, Default)]
pub struct RWorld {
    pub vpcs: Vec<RVpc>,
    pub peerings: Vec<(usize, usize, String)>,
    /// Interfaces of interface endpoints (destinations of PrivateLink flows) and their
    /// service's listener port.
    pub endpoint_interfaces: Vec<(String, u16)>,
}

/// The account that provides the PrivateLink service.
pub const PROVIDER: &str = "222222222222";

fn v6_subnet(block: &str, k: u8) -> String {
    let n: Ipv6Net = block.parse().unwrap();
    let base = u128::from(n.network()) | (u128::from(k) << 64);
    format!("{}/64", std::net::Ipv6Addr::from(base))
}

fn vpc(api: &mut Api, rng: &mut Rng, cidr: &str) -> RVpc {
    vpc_in(api, rng, cidr, [None, None])
}

/// A VPC of two subnets (in `zones`, or the default zone), two groups and two interfaces
/// in each subnet in random groups.
pub fn vpc_in(api: &mut Api, rng: &mut Rng, cidr: &str, zones: [Option<&str>; 2]) -> RVpc {
    let id = first(
        &api.call(&[
            ("Action", "CreateVpc"),
            ("CidrBlock", cidr),
            ("AmazonProvidedIpv6CidrBlock", "true"),
        ]),
        "vpcId",
    );
    let v6 = first(
        &api.call(&[("Action", "DescribeVpcs"), ("VpcId.1", &id)]),
        "ipv6CidrBlock",
    );
    let main_rtb = api.main_route_table(&id);
    let octets: Vec<&str> = cidr.split('.').collect();
    let mut v = RVpc {
        id: id.clone(),
        cidr: cidr.to_string(),
        v6: v6.clone(),
        main_rtb,
        subnets: vec![],
        groups: vec![],
        enis: vec![],
        tables: vec![],
    };
    for k in 1..=2u8 {
        let cidr = format!("{}.{}.{k}.0/24", octets[0], octets[1]);
        let v6 = v6_subnet(&v6, k);
        let mut p = vec![
            ("Action", "CreateSubnet"),
            ("VpcId", &id),
            ("CidrBlock", &cidr),
            ("Ipv6CidrBlock", &v6),
        ];
        if let Some(z) = zones[usize::from(k - 1)] {
            p.push(("AvailabilityZone", z));
        }
        let s = first(&api.call(&p), "subnetId");
        v.subnets.push(s);
    }
    for g in 0..2 {
        let sg = first(
            &api.call(&[
                ("Action", "CreateSecurityGroup"),
                ("VpcId", &id),
                ("GroupName", &format!("g{g}")),
                ("GroupDescription", "random"),
            ]),
            "groupId",
        );
        v.groups.push(sg);
    }
    for s in v.subnets.clone() {
        for _ in 0..2 {
            let mut p = vec![
                ("Action", "CreateNetworkInterface".to_string()),
                ("SubnetId", s.clone()),
                ("SecurityGroupId.1", rng.pick(&v.groups).clone()),
            ];
            if rng.chance(0.3) {
                p.push(("SecurityGroupId.2", v.groups[1].clone()));
            }
            if rng.chance(0.8) {
                p.push(("Ipv6AddressCount", "1".into()));
            }
            let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let e = first(&api.call(&pairs), "networkInterfaceId");
            v.enis.push(e);
        }
    }
    v
}

pub fn rule(api: &mut Api, rng: &mut Rng, w: &RWorld, me: usize, sg: &str, egress: bool) {
    let (proto, from, to) = *rng.pick(&[
        ("tcp", "7000", "7000"),
        ("tcp", "7000", "7001"),
        ("tcp", "7002", "7002"),
        ("tcp", "0", "65535"),
        ("udp", "7100", "7100"),
        ("icmp", "-1", "-1"),
        ("icmp", "8", "-1"),
        ("-1", "", ""),
        ("icmpv6", "-1", "-1"),
    ]);
    let action = if egress {
        "AuthorizeSecurityGroupEgress"
    } else {
        "AuthorizeSecurityGroupIngress"
    };
    let mut p: Vec<(String, String)> = vec![
        ("Action".into(), action.into()),
        ("GroupId".into(), sg.into()),
        ("IpPermissions.1.IpProtocol".into(), proto.into()),
    ];
    if !from.is_empty() {
        p.push(("IpPermissions.1.FromPort".into(), from.into()));
        p.push(("IpPermissions.1.ToPort".into(), to.into()));
    }
    let other = rng.below(w.vpcs.len());
    match rng.below(6) {
        0 => p.push((
            "IpPermissions.1.IpRanges.1.CidrIp".into(),
            "10.0.0.0/8".into(),
        )),
        1 => p.push((
            "IpPermissions.1.IpRanges.1.CidrIp".into(),
            w.vpcs[other].cidr.clone(),
        )),
        2 => p.push((
            "IpPermissions.1.Ipv6Ranges.1.CidrIpv6".into(),
            "::/0".into(),
        )),
        3 => p.push((
            "IpPermissions.1.Groups.1.GroupId".into(),
            rng.pick(&w.vpcs[me].groups).clone(),
        )),
        4 => p.push((
            "IpPermissions.1.Groups.1.GroupId".into(),
            rng.pick(&w.vpcs[other].groups).clone(),
        )),
        _ => p.push((
            "IpPermissions.1.IpRanges.1.CidrIp".into(),
            "0.0.0.0/0".into(),
        )),
    }
    let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Some combinations are refused (a peer group without an active peering): fine.
    let _ = api.try_call(&pairs);
}

/// A random world of seed `seed`.
pub fn world(api: &mut Api, seed: u64) -> RWorld {
    let mut rng = Rng(seed);
    let mut w = RWorld::default();
    let fourth = if rng.chance(0.5) {
        "10.0.0.0/16"
    } else {
        "10.3.0.0/16"
    };
    for cidr in ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", fourth] {
        let v = vpc(api, &mut rng, cidr);
        w.vpcs.push(v);
    }
    // Peerings between non-overlapping pairs.
    for a in 0..w.vpcs.len() {
        for b in a + 1..w.vpcs.len() {
            if w.vpcs[a].cidr == w.vpcs[b].cidr || !rng.chance(0.7) {
                continue;
            }
            let pcx = first(
                &api.call(&[
                    ("Action", "CreateVpcPeeringConnection"),
                    ("VpcId", &w.vpcs[a].id),
                    ("PeerVpcId", &w.vpcs[b].id),
                ]),
                "vpcPeeringConnectionId",
            );
            api.settle();
            if rng.chance(0.85) {
                api.call(&[
                    ("Action", "AcceptVpcPeeringConnection"),
                    ("VpcPeeringConnectionId", &pcx),
                ]);
            }
            w.peerings.push((a, b, pcx));
        }
    }
    api.settle();
    // Custom route tables for some subnets.
    for v in 0..w.vpcs.len() {
        let main = w.vpcs[v].main_rtb.clone();
        w.vpcs[v].tables.push(main);
        if rng.chance(0.5) {
            let vpc_id = w.vpcs[v].id.clone();
            let t = first(
                &api.call(&[("Action", "CreateRouteTable"), ("VpcId", &vpc_id)]),
                "routeTableId",
            );
            let s = w.vpcs[v].subnets[1].clone();
            api.call(&[
                ("Action", "AssociateRouteTable"),
                ("RouteTableId", &t),
                ("SubnetId", &s),
            ]);
            w.vpcs[v].tables.push(t);
        }
    }
    // Routes over peerings: to the peer, sometimes IPv6, sometimes a transit attempt.
    for (a, b, pcx) in w.peerings.clone() {
        for (me, peer) in [(a, b), (b, a)] {
            for t in w.vpcs[me].tables.clone() {
                if rng.chance(0.85) {
                    let _ = api.try_call(&[
                        ("Action", "CreateRoute"),
                        ("RouteTableId", &t),
                        ("DestinationCidrBlock", &w.vpcs[peer].cidr),
                        ("VpcPeeringConnectionId", &pcx),
                    ]);
                }
                if rng.chance(0.5) {
                    let _ = api.try_call(&[
                        ("Action", "CreateRoute"),
                        ("RouteTableId", &t),
                        ("DestinationIpv6CidrBlock", &w.vpcs[peer].v6),
                        ("VpcPeeringConnectionId", &pcx),
                    ]);
                }
                if rng.chance(0.3) {
                    let third = rng.below(w.vpcs.len());
                    if third != me && third != peer {
                        let _ = api.try_call(&[
                            ("Action", "CreateRoute"),
                            ("RouteTableId", &t),
                            ("DestinationCidrBlock", &w.vpcs[third].cidr),
                            ("VpcPeeringConnectionId", &pcx),
                        ]);
                    }
                }
            }
        }
    }
    // Group rules (after peerings, so peer references can resolve).
    group_rules(api, &mut rng, &w);
    // A middlebox: a route for the other subnet through an interface.
    for v in 0..w.vpcs.len() {
        if w.vpcs[v].tables.len() > 1 && rng.chance(0.4) {
            let m = w.vpcs[v].enis[rng.below(2)].clone();
            if rng.chance(0.6) {
                api.call(&[
                    ("Action", "ModifyNetworkInterfaceAttribute"),
                    ("NetworkInterfaceId", &m),
                    ("SourceDestCheck.Value", "false"),
                ]);
            }
            let octets: Vec<String> = w.vpcs[v].cidr.split('.').map(str::to_string).collect();
            let t = w.vpcs[v].tables[1].clone();
            let _ = api.try_call(&[
                ("Action", "CreateRoute"),
                ("RouteTableId", &t),
                (
                    "DestinationCidrBlock",
                    &format!("{}.{}.1.0/24", octets[0], octets[1]),
                ),
                ("NetworkInterfaceId", &m),
            ]);
        }
    }
    acls(api, &mut rng, &w);
    internet(api, &mut rng, &w);
    egress_only(api, &mut rng, &w);
    for _ in 0..1 + usize::from(rng.chance(0.5)) {
        if let Some(e) = privatelink(api, &mut rng, &w) {
            w.endpoint_interfaces.push(e);
        }
    }
    // An S3 gateway endpoint on one VPC's last table.
    let v = &w.vpcs[rng.below(w.vpcs.len())];
    if rng.chance(0.7) {
        let t = v.tables.last().unwrap().clone();
        api.call(&[
            ("Action", "CreateVpcEndpoint"),
            ("VpcEndpointType", "Gateway"),
            ("VpcId", &v.id),
            ("ServiceName", "com.amazonaws.us-east-1.s3"),
            ("RouteTableId.1", &t),
        ]);
        api.settle();
    }
    w
}

/// Random ingress and egress rules for every group: broad ones often, so that many flows
/// pass and the narrow ones matter.
pub fn group_rules(api: &mut Api, rng: &mut Rng, w: &RWorld) {
    for v in 0..w.vpcs.len() {
        for sg in w.vpcs[v].groups.clone() {
            // Broad rules often, so that many flows pass and the narrow ones matter.
            for (proto, from, to, cidr) in [
                ("tcp", "7000", "7002", "10.0.0.0/8"),
                ("udp", "7100", "7100", "10.0.0.0/8"),
                ("icmp", "-1", "-1", "10.0.0.0/8"),
            ] {
                if rng.chance(0.6) {
                    api.call(&[
                        ("Action", "AuthorizeSecurityGroupIngress"),
                        ("GroupId", &sg),
                        ("IpPermissions.1.IpProtocol", proto),
                        ("IpPermissions.1.FromPort", from),
                        ("IpPermissions.1.ToPort", to),
                        ("IpPermissions.1.IpRanges.1.CidrIp", cidr),
                    ]);
                }
            }
            if rng.chance(0.5) {
                api.call(&[
                    ("Action", "AuthorizeSecurityGroupIngress"),
                    ("GroupId", &sg),
                    ("IpPermissions.1.IpProtocol", "-1"),
                    ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
                ]);
            }
            for _ in 0..1 + rng.below(2) {
                rule(api, rng, w, v, &sg, false);
            }
            if rng.chance(0.3) {
                let _ = api.try_call(&[
                    ("Action", "RevokeSecurityGroupEgress"),
                    ("GroupId", &sg),
                    ("IpPermissions.1.IpProtocol", "-1"),
                    ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ]);
                rule(api, rng, w, v, &sg, true);
            }
        }
    }
}

pub fn acls(api: &mut Api, rng: &mut Rng, w: &RWorld) {
    for v in &w.vpcs {
        let body = api.call(&[
            ("Action", "DescribeNetworkAcls"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &v.id),
        ]);
        let acl = first(&body, "networkAclId");
        for n in 0..rng.below(3) / 2 + usize::from(rng.chance(0.3)) {
            let (proto, from, to) = *rng.pick(&[
                ("6", "7001", "7001"),
                ("6", "7000", "7002"),
                ("17", "7100", "7100"),
                ("1", "", ""),
                ("6", "30000", "40000"),
            ]);
            let other = rng.pick(&w.vpcs).cidr.clone();
            let cidr = if rng.chance(0.5) {
                other
            } else {
                "0.0.0.0/0".into()
            };
            let number = (10 + n * 10).to_string();
            let egress = if rng.chance(0.5) { "true" } else { "false" };
            let mut p = vec![
                ("Action", "CreateNetworkAclEntry".to_string()),
                ("NetworkAclId", acl.clone()),
                ("RuleNumber", number),
                ("Protocol", proto.into()),
                ("RuleAction", "deny".into()),
                ("Egress", egress.into()),
                ("CidrBlock", cidr),
            ];
            if !from.is_empty() {
                p.push(("PortRange.From", from.into()));
                p.push(("PortRange.To", to.into()));
            } else {
                p.push(("Icmp.Type", "-1".into()));
                p.push(("Icmp.Code", "-1".into()));
            }
            let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api.call(&pairs);
        }
    }
}

fn internet(api: &mut Api, rng: &mut Rng, w: &RWorld) {
    let v = &w.vpcs[rng.below(w.vpcs.len())];
    let igw = first(
        &api.call(&[("Action", "CreateInternetGateway")]),
        "internetGatewayId",
    );
    api.call(&[
        ("Action", "AttachInternetGateway"),
        ("InternetGatewayId", &igw),
        ("VpcId", &v.id),
    ]);
    api.call(&[
        ("Action", "CreateRoute"),
        ("RouteTableId", &v.main_rtb),
        ("DestinationCidrBlock", "0.0.0.0/0"),
        ("GatewayId", &igw),
    ]);
    api.call(&[
        ("Action", "CreateRoute"),
        ("RouteTableId", &v.main_rtb),
        ("DestinationIpv6CidrBlock", "::/0"),
        ("GatewayId", &igw),
    ]);
    let alloc = first(
        &api.call(&[("Action", "AllocateAddress"), ("Domain", "vpc")]),
        "allocationId",
    );
    api.call(&[
        ("Action", "AssociateAddress"),
        ("AllocationId", &alloc),
        ("NetworkInterfaceId", &v.enis[0]),
    ]);
    if v.tables.len() > 1 && rng.chance(0.7) {
        let alloc = first(
            &api.call(&[("Action", "AllocateAddress"), ("Domain", "vpc")]),
            "allocationId",
        );
        let nat = first(
            &api.call(&[
                ("Action", "CreateNatGateway"),
                ("SubnetId", &v.subnets[0]),
                ("AllocationId", &alloc),
            ]),
            "natGatewayId",
        );
        api.settle();
        let _ = api.try_call(&[
            ("Action", "CreateRoute"),
            ("RouteTableId", &v.tables[1]),
            ("DestinationCidrBlock", "0.0.0.0/0"),
            ("NatGatewayId", &nat),
        ]);
    }
}

/// An egress-only internet gateway on a random VPC, with `::/0` to it in one of its route
/// tables (the VPC may also have the internet gateway, whose `::/0` then stays where it is).
fn egress_only(api: &mut Api, rng: &mut Rng, w: &RWorld) {
    if !rng.chance(0.8) {
        return;
    }
    let v = &w.vpcs[rng.below(w.vpcs.len())];
    let eigw = first(
        &api.call(&[
            ("Action", "CreateEgressOnlyInternetGateway"),
            ("VpcId", &v.id),
        ]),
        "egressOnlyInternetGatewayId",
    );
    let t = rng.pick(&v.tables).clone();
    // Refused where `::/0` already leads to the internet gateway: fine.
    let _ = api.try_call(&[
        ("Action", "CreateRoute"),
        ("RouteTableId", &t),
        ("DestinationIpv6CidrBlock", "::/0"),
        ("EgressOnlyInternetGatewayId", &eigw),
    ]);
}

/// A service in the provider account behind a network load balancer (one target, an
/// interface of the provider's VPC, which overlaps a consumer VPC half the time), offered
/// through PrivateLink and reached by an interface endpoint in a random consumer VPC.
/// Returns the endpoint's interface and the listener's port.
fn privatelink(api: &mut Api, rng: &mut Rng, w: &RWorld) -> Option<(String, u16)> {
    let consumer = &w.vpcs[rng.below(w.vpcs.len())];
    let zone = api
        .world()
        .subnets
        .get(&consumer.subnets[0])?
        .availability_zone_id
        .clone();
    let cidr = if rng.chance(0.5) {
        consumer.cidr.clone()
    } else {
        format!("10.{}.0.0/16", 8 + rng.below(2))
    };
    let octets: Vec<String> = cidr.split('.').map(str::to_string).collect();
    api.as_account(PROVIDER);
    let vpc = first(
        &api.call(&[("Action", "CreateVpc"), ("CidrBlock", &cidr)]),
        "vpcId",
    );
    let subnet = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &vpc),
            ("CidrBlock", &format!("{}.{}.1.0/24", octets[0], octets[1])),
            ("AvailabilityZoneId", &zone),
        ]),
        "subnetId",
    );
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &vpc),
            ("GroupName", "service"),
            ("GroupDescription", "service"),
        ]),
        "groupId",
    );
    let target_port = *rng.pick(&["7000", "7001", "7002"]);
    // The target's group mostly admits the load balancer on the target's port.
    let open = if rng.chance(0.85) {
        target_port
    } else {
        "7002"
    };
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", open),
        ("IpPermissions.1.ToPort", open),
        ("IpPermissions.1.IpRanges.1.CidrIp", &cidr),
    ]);
    let target = first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &subnet),
            ("SecurityGroupId.1", &sg),
        ]),
        "networkInterfaceId",
    );
    let target_ip = api
        .world()
        .network_interfaces
        .get(&target)?
        .private_ips
        .first()?
        .to_string();
    let listener = *rng.pick(&["7000", "7001"]);
    let name = format!("svc{}", rng.below(1_000_000));
    let tg = first(
        &api.elb(&[
            ("Action", "CreateTargetGroup"),
            ("Name", &name),
            ("Protocol", "TCP"),
            ("Port", target_port),
            ("VpcId", &vpc),
            ("TargetType", "ip"),
        ]),
        "TargetGroupArn",
    );
    api.elb(&[
        ("Action", "RegisterTargets"),
        ("TargetGroupArn", &tg),
        ("Targets.member.1.Id", &target_ip),
    ]);
    let nlb = first(
        &api.elb(&[
            ("Action", "CreateLoadBalancer"),
            ("Name", &name),
            ("Type", "network"),
            ("Scheme", "internal"),
            ("Subnets.member.1", &subnet),
        ]),
        "LoadBalancerArn",
    );
    api.elb(&[
        ("Action", "CreateListener"),
        ("LoadBalancerArn", &nlb),
        ("Protocol", "TCP"),
        ("Port", listener),
        ("DefaultActions.member.1.Type", "forward"),
        ("DefaultActions.member.1.TargetGroupArn", &tg),
    ]);
    api.settle();
    let service = api.call(&[
        ("Action", "CreateVpcEndpointServiceConfiguration"),
        ("NetworkLoadBalancerArn.1", &nlb),
        ("AcceptanceRequired", "false"),
    ]);
    api.call(&[
        ("Action", "ModifyVpcEndpointServicePermissions"),
        ("ServiceId", &first(&service, "serviceId")),
        (
            "AddAllowedPrincipals.1",
            &format!("arn:aws:iam::{}:root", super::ACCOUNT),
        ),
    ]);
    api.as_account(super::ACCOUNT);
    // The endpoint's group: one of the VPC's (random rules) or its own, open to the listener.
    let group = if rng.chance(0.6) {
        let g = first(
            &api.call(&[
                ("Action", "CreateSecurityGroup"),
                ("VpcId", &consumer.id),
                ("GroupName", &format!("endpoint{name}")),
                ("GroupDescription", "endpoint"),
            ]),
            "groupId",
        );
        api.call(&[
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("GroupId", &g),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", listener),
            ("IpPermissions.1.ToPort", listener),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ]);
        g
    } else {
        rng.pick(&consumer.groups).clone()
    };
    let vpce = first(
        &api.call(&[
            ("Action", "CreateVpcEndpoint"),
            ("VpcEndpointType", "Interface"),
            ("VpcId", &consumer.id),
            ("ServiceName", &first(&service, "serviceName")),
            ("SubnetId.1", &consumer.subnets[0]),
            ("SecurityGroupId.1", &group),
        ]),
        "vpcEndpointId",
    );
    api.settle();
    let e = api.world().vpc_endpoints.get(&vpce)?;
    let port = listener.parse().ok()?;
    Some((e.interfaces.first()?.network_interface_id.clone(), port))
}
