//! PrivateLink with real packets: a consumer in one account reaches a service behind a
//! network load balancer in another account's overlapping VPC through an interface
//! endpoint; the target sees the load balancer's address; the engine agrees.

mod kit;

use std::net::IpAddr;

use kit::{first, probe_icmp, probe_tcp, serve, Api, Plane};
use openvpc_reach::{decide, Endpoint, Flow, Protocol, View};

const CONSUMER: &str = "111111111111";
const PROVIDER: &str = "222222222222";

fn vpc_subnet(api: &mut Api, zone_id: Option<&str>) -> (String, String, String) {
    let vpc = first(
        &api.call(&[("Action", "CreateVpc"), ("CidrBlock", "10.0.0.0/16")]),
        "vpcId",
    );
    let mut p = vec![
        ("Action", "CreateSubnet"),
        ("VpcId", vpc.as_str()),
        ("CidrBlock", "10.0.1.0/24"),
    ];
    if let Some(z) = zone_id {
        p.push(("AvailabilityZoneId", z));
    }
    let subnet = first(&api.call(&p), "subnetId");
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &vpc),
            ("GroupName", "svc"),
            ("GroupDescription", "svc"),
        ]),
        "groupId",
    );
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "7000"),
        ("IpPermissions.1.ToPort", "7001"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"),
    ]);
    (vpc, subnet, sg)
}

#[test]
fn consumer_reaches_provider_through_an_interface_endpoint() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(3);
    api.as_account(CONSUMER);
    let (c_vpc, c_subnet, c_sg) = vpc_subnet(&mut api, None);
    let zone = api
        .world()
        .subnets
        .get(&c_subnet)
        .unwrap()
        .availability_zone_id
        .clone();
    let client = first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &c_subnet),
            ("SecurityGroupId.1", &c_sg),
            ("PrivateIpAddress", "10.0.1.10"),
        ]),
        "networkInterfaceId",
    );

    api.as_account(PROVIDER);
    let (p_vpc, p_subnet, p_sg) = vpc_subnet(&mut api, Some(&zone));
    let mut targets = Vec::new();
    for _ in 0..2 {
        let i = first(
            &api.call(&[
                ("Action", "RunInstances"),
                ("ImageId", "ami-0e2c8caa4b6378d8c"),
                ("InstanceType", "t3.micro"),
                ("MinCount", "1"),
                ("MaxCount", "1"),
                ("SubnetId", &p_subnet),
                ("SecurityGroupId.1", &p_sg),
            ]),
            "instanceId",
        );
        targets.push(i);
    }
    api.settle();
    let tg = first(
        &api.elb(&[
            ("Action", "CreateTargetGroup"),
            ("Name", "svc"),
            ("Protocol", "TCP"),
            ("Port", "7001"),
            ("VpcId", &p_vpc),
            ("TargetType", "instance"),
        ]),
        "TargetGroupArn",
    );
    api.elb(&[
        ("Action", "RegisterTargets"),
        ("TargetGroupArn", &tg),
        ("Targets.member.1.Id", &targets[0]),
        ("Targets.member.2.Id", &targets[1]),
    ]);
    let nlb = first(
        &api.elb(&[
            ("Action", "CreateLoadBalancer"),
            ("Name", "svc"),
            ("Type", "network"),
            ("Scheme", "internal"),
            ("Subnets.member.1", &p_subnet),
        ]),
        "LoadBalancerArn",
    );
    api.elb(&[
        ("Action", "CreateListener"),
        ("LoadBalancerArn", &nlb),
        ("Protocol", "TCP"),
        ("Port", "7000"),
        ("DefaultActions.member.1.Type", "forward"),
        ("DefaultActions.member.1.TargetGroupArn", &tg),
    ]);
    api.settle();
    let x = api.call(&[
        ("Action", "CreateVpcEndpointServiceConfiguration"),
        ("NetworkLoadBalancerArn.1", &nlb),
        ("AcceptanceRequired", "false"),
    ]);
    let (service_id, service_name) = (first(&x, "serviceId"), first(&x, "serviceName"));
    api.call(&[
        ("Action", "ModifyVpcEndpointServicePermissions"),
        ("ServiceId", &service_id),
        (
            "AddAllowedPrincipals.1",
            &format!("arn:aws:iam::{CONSUMER}:root"),
        ),
    ]);

    api.as_account(CONSUMER);
    let vpce = first(
        &api.call(&[
            ("Action", "CreateVpcEndpoint"),
            ("VpcEndpointType", "Interface"),
            ("VpcId", &c_vpc),
            ("ServiceName", &service_name),
            ("SubnetId.1", &c_subnet),
            ("SecurityGroupId.1", &c_sg),
        ]),
        "vpcEndpointId",
    );
    api.settle();
    let w = api.world();
    let ep_eni = &w.vpc_endpoints.get(&vpce).unwrap().interfaces[0].network_interface_id;
    let ep_ip = IpAddr::V4(w.network_interfaces.get(ep_eni).unwrap().private_ips[0]);
    let node_ip = w.load_balancers.get(&nlb).unwrap().subnets[0].private_ip;
    let target_enis: Vec<String> = targets
        .iter()
        .map(|i| w.instances.get(i).unwrap().network_interface_id.clone())
        .collect();

    let mut plane = Plane::new("p");
    plane.apply(api.world());
    for e in api.world().network_interfaces.values() {
        serve(&plane.ns_of(&e.id), &e.id);
    }
    let view = View::compile(api.world());
    let client_ns = plane.ns_of(&client);
    let verdict = |port| {
        decide(
            &view,
            &Flow::new(&client, Endpoint::Ip(ep_ip), Protocol::TCP, Some(port)),
        )
        .reachable
    };

    // The listener's port reaches a target, which sees the load balancer's address; both
    // targets serve over a few connections.
    assert!(verdict(7000));
    let mut seen = std::collections::BTreeSet::new();
    for k in 0..6 {
        let answer = probe_tcp(&client_ns, 41000 + k, ep_ip, 7000).expect("through PrivateLink");
        let (name, peer) = answer.split_once(' ').unwrap();
        assert!(target_enis.iter().any(|t| t == name), "{answer}");
        assert_eq!(peer, node_ip.to_string());
        seen.insert(name.to_string());
    }
    assert_eq!(seen.len(), 2, "both targets serve");
    // No listener on 7001 at the endpoint, and no ICMP: the engine and the kernel agree.
    assert!(!verdict(7001));
    assert_eq!(probe_tcp(&client_ns, 41010, ep_ip, 7001), None);
    assert_eq!(probe_icmp(&client_ns, ep_ip), None);
    // One way: from the provider's side of the transit link nothing opens a connection
    // into the consumer's endpoint namespace.
    let node_eni = &api.world().load_balancers.get(&nlb).unwrap().subnets[0].network_interface_id;
    let node_ns = plane.ns_of(node_eni);
    let transit: IpAddr = "169.254.0.1".parse().unwrap();
    assert_eq!(probe_tcp(&node_ns, 41011, transit, 7000), None);
    assert_eq!(
        probe_tcp(&node_ns, 41012, "10.0.1.10".parse().unwrap(), 7000)
            .map(|a| a.starts_with(&client)),
        None
    );
    drop(plane);
}
