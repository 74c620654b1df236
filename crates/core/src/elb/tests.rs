//! The ELBv2 rules: load balancers and their nodes, target groups, targets, listeners,
//! health, describes and tags.

use super::*;
use crate::config::{Config, Delays};
use crate::eni::{self, InstanceState};
use crate::gateway::AddressAssociation;
use crate::testkit::{Kit, A, B};
use crate::world::Ctx;
use crate::{subnet, Millis};

/// The ids of the network most tests use.
struct Net {
    vpc: String,
    /// 10.0.0.0/24 in us-east-1a, 10.0.1.0/24 in us-east-1b, 10.0.2.0/24 in us-east-1a.
    s: Vec<String>,
}

impl Net {
    /// The subnets at `indexes`.
    fn at(&self, indexes: &[usize]) -> Vec<&str> {
        indexes.iter().map(|i| self.s[*i].as_str()).collect()
    }
}

/// Account A at time 0 (seed 1) with [`Net`] made.
fn kit_with(config: Config) -> (Kit, Net) {
    let mut k = Kit::with(config, 1, 0);
    let vpc = k.vpc("10.0.0.0/16");
    let s = [
        ("10.0.0.0/24", "us-east-1a"),
        ("10.0.1.0/24", "us-east-1b"),
        ("10.0.2.0/24", "us-east-1a"),
    ]
    .iter()
    .map(|(cidr, az)| k.subnet(&vpc, cidr, Some(az)))
    .collect();
    (k, Net { vpc, s })
}

fn kit() -> (Kit, Net) {
    kit_with(Config::default())
}

fn tags(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("k{i}"), format!("v{i}"))).collect()
}

#[test]
fn arns_are_recognised_by_shape() {
    let cases = [
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/a/0123456789abcdef", Some(ArnKind::LoadBalancer)),
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/a/0123456789abcdef", Some(ArnKind::LoadBalancer)),
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/a/0123456789abcdef", Some(ArnKind::TargetGroup)),
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/a/0123/4567", Some(ArnKind::Listener)),
        ("arn:aws:elasticloadbalancing:us-east-1:1111:loadbalancer/net/a/0123", None),
        ("arn:aws:ec2:us-east-1:111111111111:loadbalancer/net/a/0123", None),
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/xyz/a/0123", None),
        ("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup//0123", None),
        ("my-lb", None),
    ];
    for (arn, kind) in cases {
        assert_eq!(arn_kind(arn), kind, "{arn}");
    }
    assert_eq!(
        check_arn("x", ArnKind::TargetGroup).unwrap_err().message,
        "'x' is not a valid target group ARN"
    );
}

#[test]
fn create_network_load_balancer_with_one_interface_per_subnet() {
    let (mut k, n) = kit();
    let arn = k.nlb("my-nlb", &n.at(&[0, 1]));
    let lb = k.lb(&arn).clone();
    let hex = lb.short_id().to_string();
    assert_eq!(hex.len(), 16);
    assert_eq!(
        arn,
        format!("arn:aws:elasticloadbalancing:us-east-1:{A}:loadbalancer/net/my-nlb/{hex}")
    );
    assert_eq!(
        lb.dns_name,
        format!("my-nlb-{hex}.elb.us-east-1.amazonaws.com")
    );
    assert_eq!(lb.canonical_hosted_zone_id, "Z26RNL4JYFTOTI");
    assert_eq!(lb.vpc_id, n.vpc);
    assert_eq!(lb.scheme, "internal");
    assert_eq!(lb.ip_address_type, "ipv4");
    assert_eq!(lb.state(0), "active");
    let zones: Vec<_> = lb
        .subnets
        .iter()
        .map(|s| s.availability_zone.as_str())
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    for (s, first) in lb.subnets.iter().zip(["10.0.0.4", "10.0.1.4"]) {
        assert_eq!(s.private_ip.to_string(), first);
        assert_eq!(s.public_ip, None);
        let eni = k.w.network_interfaces.get(&s.network_interface_id).unwrap();
        assert_eq!(eni.interface_type, "network_load_balancer");
        assert_eq!(eni.description, format!("ELB net/my-nlb/{hex}"));
        assert!(eni.requester_managed);
        assert_eq!(eni.requester_id.as_deref(), Some("amazon-elb"));
        assert_eq!(eni.subnet_id, s.subnet_id);
        assert_eq!(eni.private_ips, vec![s.private_ip]);
        assert_eq!(eni.scope, *k.ctx.scope());
        assert!(k.w.subnets.get(&s.subnet_id).unwrap().used.contains(&4));
    }
    // The interfaces block the subnet's deletion.
    let err = k
        .run(subnet::Cmd::Delete {
            subnet_id: n.s[0].clone(),
        })
        .unwrap_err();
    assert_eq!(err.code, "DependencyViolation");
}

#[test]
fn provisioning_until_the_transition_delay_has_passed() {
    let (mut k, n) = kit_with(Config {
        delays: Delays { transition: 5000 },
        ..Config::default()
    });
    let arn = k.nlb("slow", &n.at(&[0]));
    assert_eq!(k.lb(&arn).state(0), "provisioning");
    assert_eq!(k.lb(&arn).state(4999), "provisioning");
    assert_eq!(k.lb(&arn).state(5000), "active");
}

#[test]
fn gateway_load_balancer_shape() {
    let (mut k, n) = kit();
    let mut spec = Kit::nlb_spec("gw", &n.at(&[0]));
    spec.lb_type = Some("gateway".into());
    spec.scheme = None;
    let arn = k.id(Cmd::CreateLoadBalancer(spec));
    assert!(arn.contains(":loadbalancer/gwy/gw/"));
    let lb = k.lb(&arn).clone();
    assert_eq!(lb.scheme, "internal");
    let eni =
        k.w.network_interfaces
            .get(&lb.subnets[0].network_interface_id)
            .unwrap();
    assert_eq!(eni.interface_type, "gateway_load_balancer");
    assert!(eni.description.starts_with("ELB gwy/gw/"));
}

#[test]
fn subnet_mappings_choose_the_address() {
    let (mut k, n) = kit();
    let mut spec = Kit::nlb_spec("mapped", &n.at(&[]));
    spec.subnet_mappings = vec![SubnetMapping {
        subnet_id: n.s[1].clone(),
        private_ipv4_address: Some("10.0.1.50".into()),
    }];
    let arn = k.id(Cmd::CreateLoadBalancer(spec.clone()));
    assert_eq!(k.lb(&arn).subnets[0].private_ip.to_string(), "10.0.1.50");
    assert!(k.lb(&arn).subnets[0].requested_ip);
    // Same settings again: the same load balancer.
    assert_eq!(k.id(Cmd::CreateLoadBalancer(spec.clone())), arn);
    // The address is taken now.
    spec.name = "other".into();
    k.refused(
        Cmd::CreateLoadBalancer(spec.clone()),
        "InvalidConfigurationRequest",
    );
    spec.subnet_mappings[0].private_ipv4_address = Some("10.0.1.255".into());
    k.refused(
        Cmd::CreateLoadBalancer(spec.clone()),
        "InvalidConfigurationRequest",
    );
    spec.subnet_mappings[0].private_ipv4_address = Some("10.0.7.9".into());
    k.refused(
        Cmd::CreateLoadBalancer(spec.clone()),
        "InvalidConfigurationRequest",
    );
    spec.subnet_mappings[0].private_ipv4_address = Some("not-an-ip".into());
    k.refused(Cmd::CreateLoadBalancer(spec.clone()), "ValidationError");
    spec.subnet_mappings[0].private_ipv4_address = Some("10.0.1.60".into());
    spec.scheme = Some("internet-facing".into());
    k.refused(
        Cmd::CreateLoadBalancer(spec.clone()),
        "InvalidConfigurationRequest",
    );
    spec.scheme = None;
    spec.lb_type = Some("gateway".into());
    k.refused(Cmd::CreateLoadBalancer(spec), "ValidationError");
}

#[test]
fn same_settings_return_the_existing_load_balancer() {
    let (mut k, n) = kit();
    let arn = k.nlb("dup", &n.at(&[0, 1]));
    let enis = k.w.network_interfaces.len();
    let mut spec = Kit::nlb_spec("dup", &n.at(&[1, 0]));
    assert_eq!(k.id(Cmd::CreateLoadBalancer(spec.clone())), arn);
    assert_eq!(k.w.network_interfaces.len(), enis);
    spec.subnets.pop();
    k.refused(Cmd::CreateLoadBalancer(spec), "DuplicateLoadBalancerName");
    let mut spec = Kit::nlb_spec("dup", &n.at(&[0, 1]));
    spec.scheme = Some("internet-facing".into());
    let err = k.run(Cmd::CreateLoadBalancer(spec)).unwrap_err();
    assert_eq!(
        err.message,
        "A load balancer with the same name 'dup' exists, but with different settings"
    );
}

#[test]
fn create_load_balancer_refusals() {
    let (mut k, n) = kit();
    let default_subnet =
        k.w.subnets
            .values()
            .find(|s| s.default_for_az)
            .unwrap()
            .id
            .clone();
    let other_vpc = k.vpc("10.9.0.0/16");
    let foreign_subnet = k.subnet(&other_vpc, "10.9.0.0/24", Some("us-east-1b"));
    let tiny = k.subnet(&n.vpc, "10.0.3.0/28", Some("us-east-1c"));
    // 11 usable addresses, 4 in use: fewer than the 8 free a load balancer needs.
    k.w.subnets.get_mut(&tiny).unwrap().used.extend(4..8);
    let other_vpc_sg =
        k.w.vpcs
            .get(&other_vpc)
            .unwrap()
            .default_security_group_id
            .clone();
    type Edit = Box<dyn Fn(&mut CreateLoadBalancer)>;
    let s0 = n.s[0].clone();
    let s2 = n.s[2].clone();
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|c| c.lb_type = None), "ValidationError"),
        (
            Box::new(|c| c.lb_type = Some("application".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.lb_type = Some("classic".into())),
            "ValidationError",
        ),
        (Box::new(|c| c.name = "x".repeat(33)), "ValidationError"),
        (Box::new(|c| c.name = "bad_name".into()), "ValidationError"),
        (Box::new(|c| c.name = "-lead".into()), "ValidationError"),
        (Box::new(|c| c.name = "trail-".into()), "ValidationError"),
        (
            Box::new(|c| c.name = "internal-x".into()),
            "ValidationError",
        ),
        (Box::new(|c| c.name = String::new()), "ValidationError"),
        (
            Box::new(|c| c.scheme = Some("public".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| {
                c.lb_type = Some("gateway".into());
                c.scheme = Some("internet-facing".into());
            }),
            "InvalidScheme",
        ),
        (
            Box::new(|c| c.ip_address_type = Some("dualstack-without-public-ipv4".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.ip_address_type = Some("ipv5".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.ip_address_type = Some("dualstack".into())),
            "InvalidSubnet",
        ),
        (Box::new(|c| c.subnets.clear()), "ValidationError"),
        (
            Box::new(move |c| {
                c.subnet_mappings = vec![SubnetMapping {
                    subnet_id: s0.clone(),
                    private_ipv4_address: None,
                }]
            }),
            "ValidationError",
        ),
        (
            Box::new(|c| c.subnets = vec!["subnet-0123456789abcdef0".into()]),
            "SubnetNotFound",
        ),
        (
            Box::new(move |c| c.subnets.push(s2.clone())),
            "InvalidConfigurationRequest",
        ),
        (
            Box::new(move |c| c.subnets.push(foreign_subnet.clone())),
            "InvalidConfigurationRequest",
        ),
        (
            Box::new(move |c| c.subnets = vec![tiny.clone()]),
            "InvalidSubnet",
        ),
        (
            Box::new(|c| c.scheme = Some("internet-facing".into())),
            "InvalidSubnet",
        ),
        (
            Box::new(|c| c.security_groups = vec!["sg-0123456789abcdef0".into()]),
            "InvalidSecurityGroup",
        ),
        (
            Box::new(move |c| c.security_groups = vec![other_vpc_sg.clone()]),
            "InvalidSecurityGroup",
        ),
        (
            Box::new(|c| c.security_groups = (0..6).map(|i| format!("sg-{i:017x}")).collect()),
            "ValidationError",
        ),
        (
            Box::new(|c| {
                c.lb_type = Some("gateway".into());
                c.security_groups = vec!["sg-0123456789abcdef0".into()];
            }),
            "InvalidConfigurationRequest",
        ),
        (
            Box::new(|c| c.tags = vec![("a".into(), "1".into()), ("a".into(), "2".into())]),
            "DuplicateTagKeys",
        ),
        (
            Box::new(|c| c.tags = vec![("aws:x".into(), "1".into())]),
            "ValidationError",
        ),
        (
            Box::new(|c| c.tags = vec![("bad#key".into(), "1".into())]),
            "ValidationError",
        ),
        (
            Box::new(|c| c.tags = vec![("k".into(), "v".repeat(257))]),
            "ValidationError",
        ),
        (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
    ];
    for (edit, code) in cases {
        let mut spec = Kit::nlb_spec("refused", &n.at(&[0]));
        edit(&mut spec);
        k.refused(Cmd::CreateLoadBalancer(spec), code);
    }
    // Internet-facing works in a VPC with an internet gateway (the default VPC).
    let mut spec = Kit::nlb_spec("public", &n.at(&[]));
    spec.subnets = vec![default_subnet];
    spec.scheme = None;
    spec.tags = tags(50);
    let arn = k.id(Cmd::CreateLoadBalancer(spec));
    let lb = k.lb(&arn).clone();
    assert_eq!(lb.scheme, "internet-facing");
    assert_eq!(lb.tags.len(), 50);
    let public = lb.subnets[0].public_ip.unwrap();
    assert_eq!(
        k.w.network_interfaces
            .get(&lb.subnets[0].network_interface_id)
            .unwrap()
            .public_ip,
        Some(public)
    );
    // Security groups of the load balancer's VPC are accepted (and deduplicated).
    let sg =
        k.w.vpcs
            .get(&n.vpc)
            .unwrap()
            .default_security_group_id
            .clone();
    let mut spec = Kit::nlb_spec("with-sg", &n.at(&[0]));
    spec.security_groups = vec![sg.clone(), sg.clone()];
    let arn = k.id(Cmd::CreateLoadBalancer(spec));
    assert_eq!(k.lb(&arn).security_groups, vec![sg.clone()]);
    let eni = &k.lb(&arn).subnets[0].network_interface_id;
    assert_eq!(k.w.network_interfaces.get(eni).unwrap().groups, vec![sg]);
}

#[test]
fn load_balancer_quota_is_enforced_only_when_configured() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg("load-balancers-per-region=1")
        .unwrap();
    let (mut k, n) = kit_with(config);
    k.nlb("one", &n.at(&[0]));
    let spec = Kit::nlb_spec("two", &n.at(&[1]));
    k.refused(Cmd::CreateLoadBalancer(spec), "TooManyLoadBalancers");
    let (mut k, n) = kit();
    for i in 0..3 {
        k.nlb(&format!("lb{i}"), &n.at(&[1]));
    }
}

#[test]
fn delete_load_balancer_releases_interfaces_and_listeners() {
    let (mut k, n) = kit();
    let arn = k.nlb("gone", &n.at(&[0, 1]));
    let tg = k.tg("tg", &n.vpc);
    let listener = k.listener(&arn, &tg, 80);
    let enis: Vec<String> = k
        .lb(&arn)
        .subnets
        .iter()
        .map(|s| s.network_interface_id.clone())
        .collect();
    k.ok(Cmd::DeleteLoadBalancer { arn: arn.clone() });
    assert!(k.w.load_balancers.get(&arn).is_none());
    assert!(k.w.listeners.get(&listener).is_none());
    assert!(enis
        .iter()
        .all(|id| k.w.network_interfaces.get(id).is_none()));
    assert!(n
        .s
        .iter()
        .all(|s| k.w.subnets.get(s).unwrap().used.is_empty()));
    assert!(k.w.target_groups.get(&tg).is_some());
    // Deleting again (or an unknown one) succeeds; a malformed ARN does not.
    k.ok(Cmd::DeleteLoadBalancer { arn: arn.clone() });
    k.refused(
        Cmd::DeleteLoadBalancer { arn: "gone".into() },
        "ValidationError",
    );
    // The subnets can go now.
    k.run(subnet::Cmd::Delete {
        subnet_id: n.s[0].clone(),
    })
    .unwrap();
}

#[test]
fn node_interfaces_come_from_the_eni_lifecycle() {
    let (mut k, n) = kit();
    let arn = k.nlb("nodes", &n.at(&[0]));
    let eni_id = k.lb(&arn).subnets[0].network_interface_id.clone();
    let e = k.eni(&eni_id);
    // What a service's own interface shows: `02:` MAC, `ela-attach-` attachment.
    assert!(e.mac_address.starts_with("02:"), "{}", e.mac_address);
    let att = e.attachment.as_ref().unwrap();
    assert!(att.id.starts_with("ela-attach-"), "{}", att.id);
    assert_eq!(att.instance_owner_id, "amazon-elb");
    assert_eq!(e.requester_id.as_deref(), Some("amazon-elb"));
    assert_eq!(e.interface_type, "network_load_balancer");
}

#[test]
fn delete_load_balancer_ends_its_nodes_elastic_ip_associations() {
    let (mut k, n) = kit();
    let arn = k.nlb("eip", &n.at(&[0]));
    let node = k.lb(&arn).subnets[0].clone();
    // A node holding an Elastic IP, as an imported network load balancer's subnet mapping
    // leaves it (the API refuses to associate one with a requester-managed interface).
    let alloc = k.eip();
    let public_ip = k.w.addresses.get(&alloc).unwrap().public_ip;
    k.w.addresses.get_mut(&alloc).unwrap().association = Some(AddressAssociation {
        association_id: "eipassoc-0123456789abcdef0".into(),
        network_interface_id: node.network_interface_id.clone(),
        instance_id: None,
        private_ip: node.private_ip,
    });
    let e =
        k.w.network_interfaces
            .get_mut(&node.network_interface_id)
            .unwrap();
    e.public_ip = Some(public_ip);
    e.public_ip_allocation_id = Some(alloc.clone());
    k.ok(Cmd::DeleteLoadBalancer { arn });
    let address =
        k.w.addresses
            .get(&alloc)
            .expect("the address stays allocated");
    assert_eq!(address.association, None);
    assert!(k
        .w
        .network_interfaces
        .get(&node.network_interface_id)
        .is_none());
}

#[test]
fn accounts_are_isolated() {
    let (mut k, n) = kit();
    let lb = k.nlb("mine", &n.at(&[0]));
    let tg = k.tg("mine", &n.vpc);
    let listener = k.listener(&lb, &tg, 80);
    let subnet = n.s[0].clone();
    k.ctx = k.as_account(B);
    k.refused(
        Cmd::RegisterTargets {
            arn: tg.clone(),
            targets: vec![Kit::target("10.0.0.9")],
        },
        "TargetGroupNotFound",
    );
    k.refused(
        Cmd::DeleteListener {
            arn: listener.clone(),
        },
        "ListenerNotFound",
    );
    k.refused(
        Cmd::AddTags {
            arns: vec![lb.clone()],
            tags: tags(1),
        },
        "LoadBalancerNotFound",
    );
    let spec = CreateListener {
        load_balancer_arn: lb.clone(),
        protocol: Some("TCP".into()),
        port: Some(81),
        default_actions: vec![Kit::forward(&tg)],
        ..Default::default()
    };
    k.refused(Cmd::CreateListener(spec), "LoadBalancerNotFound");
    let spec = CreateLoadBalancer {
        name: "theirs".into(),
        lb_type: Some("network".into()),
        scheme: Some("internal".into()),
        subnets: vec![subnet],
        ..Default::default()
    };
    k.refused(Cmd::CreateLoadBalancer(spec), "SubnetNotFound");
    // Deleting someone else's load balancer or group is a no-op.
    k.ok(Cmd::DeleteLoadBalancer { arn: lb.clone() });
    k.ok(Cmd::DeleteTargetGroup { arn: tg.clone() });
    assert!(k.w.load_balancers.get(&lb).is_some() && k.w.target_groups.get(&tg).is_some());
    let err = describe_load_balancers(&k.w, &k.ctx, std::slice::from_ref(&lb), &[]).unwrap_err();
    assert_eq!(err.code, "LoadBalancerNotFound");
    assert!(describe_load_balancers(&k.w, &k.ctx, &[], &[])
        .unwrap()
        .is_empty());
    // The same name is free in another account.
    let s =
        k.w.subnets
            .in_scope(k.ctx.scope())
            .next()
            .unwrap()
            .id
            .clone();
    let spec = CreateLoadBalancer {
        name: "mine".into(),
        lb_type: Some("network".into()),
        subnets: vec![s],
        ..Default::default()
    };
    k.ok(Cmd::CreateLoadBalancer(spec));
}

#[test]
fn create_target_group_defaults_and_refusals() {
    let (mut k, n) = kit();
    let arn = k.tg("web", &n.vpc);
    let g = k.w.target_groups.get(&arn).unwrap().clone();
    assert!(arn.starts_with(&format!(
        "arn:aws:elasticloadbalancing:us-east-1:{A}:targetgroup/web/"
    )));
    assert_eq!(arn.rsplit('/').next().unwrap().len(), 16);
    assert_eq!(
        (g.protocol.as_str(), g.port, g.target_type.as_str()),
        ("TCP", 80, "ip")
    );
    let hc = &g.health_check;
    assert!(hc.enabled);
    assert_eq!(
        (hc.protocol.as_str(), hc.port.as_str()),
        ("TCP", "traffic-port")
    );
    assert_eq!(
        (
            hc.interval_seconds,
            hc.timeout_seconds,
            hc.healthy_threshold,
            hc.unhealthy_threshold
        ),
        (30, 10, 5, 2)
    );
    assert_eq!((hc.path.as_deref(), hc.matcher.as_deref()), (None, None));
    // HTTP health checks get a path and matcher.
    let mut spec = Kit::tg_spec("http-hc", "TCP", "instance", &n.vpc);
    spec.health_check.protocol = Some("HTTP".into());
    spec.health_check.port = Some("8080".into());
    let h = k.id(Cmd::CreateTargetGroup(spec));
    let hc = k.w.target_groups.get(&h).unwrap().health_check.clone();
    assert_eq!(
        (
            hc.path.as_deref(),
            hc.matcher.as_deref(),
            hc.port.as_str(),
            hc.timeout_seconds
        ),
        (Some("/"), Some("200-399"), "8080", 6)
    );
    // Same settings: same group; other settings: refused.
    assert_eq!(
        k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
            "web", "TCP", "ip", &n.vpc
        ))),
        arn
    );
    k.refused(
        Cmd::CreateTargetGroup(Kit::tg_spec("web", "UDP", "ip", &n.vpc)),
        "DuplicateTargetGroupName",
    );
    type Edit = Box<dyn Fn(&mut CreateTargetGroup)>;
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|c| c.name = "x".repeat(33)), "ValidationError"),
        (Box::new(|c| c.name = "a.b".into()), "ValidationError"),
        (Box::new(|c| c.protocol = None), "ValidationError"),
        (
            Box::new(|c| c.protocol = Some("HTTP".into())),
            "ValidationError",
        ),
        (Box::new(|c| c.port = None), "ValidationError"),
        (Box::new(|c| c.port = Some(0)), "ValidationError"),
        (Box::new(|c| c.port = Some(65536)), "ValidationError"),
        (
            Box::new(|c| c.protocol = Some("GENEVE".into())),
            "ValidationError",
        ),
        (Box::new(|c| c.vpc_id = None), "ValidationError"),
        (
            Box::new(|c| c.vpc_id = Some("vpc-0123456789abcdef0".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.target_type = Some("lambda".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.target_type = Some("pod".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.ip_address_type = Some("ipv6".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.ip_address_type = Some("ipx".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.protocol = Some("UDP".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.port = Some("http".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.port = Some("70000".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.path = Some("/x".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.interval_seconds = Some(4)),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.timeout_seconds = Some(121)),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.timeout_seconds = Some(30)),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.healthy_threshold = Some(11)),
            "ValidationError",
        ),
        (
            Box::new(|c| c.health_check.unhealthy_threshold = Some(1)),
            "ValidationError",
        ),
        (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
    ];
    for (edit, code) in cases {
        let mut spec = Kit::tg_spec("refused", "TCP", "instance", &n.vpc);
        edit(&mut spec);
        k.refused(Cmd::CreateTargetGroup(spec), code);
    }
    let g = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "geneve", "GENEVE", "ip", &n.vpc,
    )));
    assert_eq!(k.w.target_groups.get(&g).unwrap().health_check.port, "80");
    let mut v6 = Kit::tg_spec("v6", "TCP", "ip", &n.vpc);
    v6.ip_address_type = Some("ipv6".into());
    k.ok(Cmd::CreateTargetGroup(v6));
}

#[test]
fn target_group_quota() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg(&format!("{A}:target-groups-per-region=1"))
        .unwrap();
    let (mut k, n) = kit_with(config);
    k.tg("one", &n.vpc);
    k.refused(
        Cmd::CreateTargetGroup(Kit::tg_spec("two", "TCP", "ip", &n.vpc)),
        "TooManyTargetGroups",
    );
}

#[test]
fn delete_target_group_in_use_is_refused() {
    let (mut k, n) = kit();
    let lb = k.nlb("lb", &n.at(&[0]));
    let tg = k.tg("tg", &n.vpc);
    let listener = k.listener(&lb, &tg, 80);
    k.refused(Cmd::DeleteTargetGroup { arn: tg.clone() }, "ResourceInUse");
    k.ok(Cmd::DeleteListener {
        arn: listener.clone(),
    });
    k.refused(Cmd::DeleteListener { arn: listener }, "ListenerNotFound");
    k.refused(
        Cmd::DeleteListener { arn: "nope".into() },
        "ValidationError",
    );
    k.ok(Cmd::DeleteTargetGroup { arn: tg.clone() });
    assert!(k.w.target_groups.get(&tg).is_none());
    k.ok(Cmd::DeleteTargetGroup { arn: tg });
    k.refused(
        Cmd::DeleteTargetGroup { arn: "nope".into() },
        "ValidationError",
    );
}

#[test]
fn register_ip_targets() {
    let (mut k, n) = kit();
    let tg = k.tg("ips", &n.vpc);
    let reg = |targets: Vec<TargetSpec>| Cmd::RegisterTargets {
        arn: tg.clone(),
        targets,
    };
    k.ok(reg(vec![
        Kit::target("10.0.0.10"),
        TargetSpec {
            port: Some(8080),
            ..Kit::target("10.0.1.10")
        },
    ]));
    // Registering again is a no-op; the same address on another port is another target.
    k.ok(reg(vec![
        Kit::target("10.0.0.10"),
        TargetSpec {
            port: Some(81),
            ..Kit::target("10.0.0.10")
        },
    ]));
    let targets = k.w.target_groups.get(&tg).unwrap().targets.clone();
    let got: Vec<(String, Option<u16>)> = targets.iter().map(|t| (t.id.clone(), t.port)).collect();
    assert_eq!(
        got,
        vec![
            ("10.0.0.10".into(), Some(80)),
            ("10.0.1.10".into(), Some(8080)),
            ("10.0.0.10".into(), Some(81))
        ]
    );
    // Outside the VPC: only private addresses with the zone `all`.
    k.refused(reg(vec![Kit::target("192.168.1.1")]), "InvalidTarget");
    k.ok(reg(vec![TargetSpec {
        availability_zone: Some("all".into()),
        ..Kit::target("192.168.1.1")
    }]));
    k.ok(reg(vec![TargetSpec {
        availability_zone: Some("all".into()),
        ..Kit::target("100.64.0.7")
    }]));
    k.refused(
        reg(vec![TargetSpec {
            availability_zone: Some("all".into()),
            ..Kit::target("8.8.8.8")
        }]),
        "InvalidTarget",
    );
    k.ok(reg(vec![TargetSpec {
        availability_zone: Some("us-east-1b".into()),
        ..Kit::target("10.0.1.11")
    }]));
    k.refused(
        reg(vec![TargetSpec {
            availability_zone: Some("mars-1a".into()),
            ..Kit::target("10.0.1.12")
        }]),
        "ValidationError",
    );
    k.refused(
        reg(vec![Kit::target("i-0123456789abcdef0")]),
        "InvalidTarget",
    );
    k.refused(
        reg(vec![TargetSpec {
            port: Some(0),
            ..Kit::target("10.0.0.11")
        }]),
        "ValidationError",
    );
    k.refused(reg(vec![]), "ValidationError");
    // All or nothing: one bad target leaves the group unchanged.
    k.refused(
        reg(vec![Kit::target("10.0.0.12"), Kit::target("8.8.8.8")]),
        "InvalidTarget",
    );
    k.refused(
        Cmd::RegisterTargets {
            arn: tg.replace("/ips/", "/nope/"),
            targets: vec![Kit::target("10.0.0.10")],
        },
        "TargetGroupNotFound",
    );
    k.refused(
        Cmd::RegisterTargets {
            arn: "ips".into(),
            targets: vec![Kit::target("10.0.0.10")],
        },
        "ValidationError",
    );
}

#[test]
fn register_instance_targets() {
    let (mut k, n) = kit();
    let tg = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "inst", "TCP", "instance", &n.vpc,
    )));
    let running = k.running_instance(Some(&n.s[0]));
    let stopped = k.running_instance(Some(&n.s[1]));
    k.ok(eni::Cmd::TerminateInstances {
        instance_ids: vec![stopped.clone()],
    });
    let other_vpc = k.vpc("10.9.0.0/16");
    let far = k.subnet(&other_vpc, "10.9.0.0/24", Some("us-east-1a"));
    let elsewhere = k.running_instance(Some(&far));
    let reg = |targets: Vec<TargetSpec>| Cmd::RegisterTargets {
        arn: tg.clone(),
        targets,
    };
    k.ok(reg(vec![Kit::target(&running)]));
    k.refused(reg(vec![Kit::target(&stopped)]), "InvalidTarget");
    k.refused(reg(vec![Kit::target(&elsewhere)]), "InvalidTarget");
    k.refused(
        reg(vec![Kit::target("i-0123456789abcdef0")]),
        "InvalidTarget",
    );
    k.refused(reg(vec![Kit::target("10.0.0.5")]), "ValidationError");
    k.refused(
        reg(vec![TargetSpec {
            availability_zone: Some("us-east-1a".into()),
            ..Kit::target(&running)
        }]),
        "ValidationError",
    );
    k.ctx = k.as_account(B);
    k.refused(reg(vec![Kit::target(&running)]), "TargetGroupNotFound");
}

#[test]
fn deregister_targets() {
    let (mut k, n) = kit();
    let tg = k.tg("ips", &n.vpc);
    k.ok(Cmd::RegisterTargets {
        arn: tg.clone(),
        targets: vec![Kit::target("10.0.0.10"), Kit::target("10.0.0.11")],
    });
    let dereg = |targets: Vec<TargetSpec>| Cmd::DeregisterTargets {
        arn: tg.clone(),
        targets,
    };
    k.refused(dereg(vec![Kit::target("10.0.0.12")]), "InvalidTarget");
    k.refused(
        dereg(vec![TargetSpec {
            port: Some(81),
            ..Kit::target("10.0.0.10")
        }]),
        "InvalidTarget",
    );
    k.refused(
        dereg(vec![Kit::target("10.0.0.10"), Kit::target("10.0.0.99")]),
        "InvalidTarget",
    );
    k.refused(dereg(vec![]), "ValidationError");
    k.ok(dereg(vec![Kit::target("10.0.0.10")]));
    let left: Vec<String> =
        k.w.target_groups
            .get(&tg)
            .unwrap()
            .targets
            .iter()
            .map(|t| t.id.clone())
            .collect();
    assert_eq!(left, ["10.0.0.11"]);
}

#[test]
fn create_listener_rules() {
    let (mut k, n) = kit();
    let lb = k.nlb("lb", &n.at(&[0]));
    let lb2 = k.nlb("lb2", &n.at(&[1]));
    let tg = k.tg("tg", &n.vpc);
    let udp = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "udp", "UDP", "ip", &n.vpc,
    )));
    let both = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "both", "TCP_UDP", "ip", &n.vpc,
    )));
    let other_vpc = k.vpc("10.9.0.0/16");
    let mut far_spec = Kit::tg_spec("far", "TCP", "ip", &n.vpc);
    far_spec.vpc_id = Some(other_vpc);
    let far = k.id(Cmd::CreateTargetGroup(far_spec));
    let arn = k.listener(&lb, &tg, 80);
    let lb_hex = k.lb(&lb).short_id().to_string();
    assert!(arn.starts_with(&format!(
        "arn:aws:elasticloadbalancing:us-east-1:{A}:listener/net/lb/{lb_hex}/"
    )));
    assert_eq!(arn.rsplit('/').next().unwrap().len(), 16);
    // Same settings: the same listener. Another listener may share the group.
    assert_eq!(
        k.id(Cmd::CreateListener(Kit::listener_spec(&lb, &tg, 80))),
        arn.clone()
    );
    k.listener(&lb, &tg, 81);
    k.refused(
        Cmd::CreateListener(Kit::listener_spec(&lb, &both, 80)),
        "DuplicateListener",
    );
    type Edit = Box<dyn Fn(&mut CreateListener)>;
    let (lb2c, udpc, farc, bothc) = (lb2.clone(), udp.clone(), far.clone(), both.clone());
    let tgc = tg.clone();
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(move |c| c.load_balancer_arn = lb2c.clone()),
            "TargetGroupAssociationLimit",
        ),
        (
            Box::new(move |c| c.default_actions = vec![Kit::forward(&udpc)]),
            "IncompatibleProtocols",
        ),
        (
            Box::new(move |c| c.default_actions = vec![Kit::forward(&farc)]),
            "InvalidConfigurationRequest",
        ),
        (
            Box::new(|c| {
                c.default_actions = vec![Kit::forward("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/x/0000000000000000")]
            }),
            "TargetGroupNotFound",
        ),
        (
            Box::new(|c| c.default_actions = vec![Kit::forward("x")]),
            "ValidationError",
        ),
        (Box::new(|c| c.default_actions.clear()), "ValidationError"),
        (
            Box::new(move |c| c.default_actions.push(Kit::forward(&tgc))),
            "TooManyActions",
        ),
        (
            Box::new(|c| c.default_actions[0].action_type = "redirect".into()),
            "InvalidLoadBalancerAction",
        ),
        (
            Box::new(|c| c.default_actions[0].target_group_arn = None),
            "ValidationError",
        ),
        (
            Box::new(move |c| c.default_actions[0].forward_target_groups = vec![bothc.clone()]),
            "InvalidLoadBalancerAction",
        ),
        (Box::new(|c| c.protocol = None), "ValidationError"),
        (
            Box::new(|c| c.protocol = Some("HTTP".into())),
            "ValidationError",
        ),
        (Box::new(|c| c.port = None), "ValidationError"),
        (Box::new(|c| c.port = Some(70000)), "ValidationError"),
        (
            Box::new(|c| c.protocol = Some("TLS".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| c.certificates = vec!["arn:aws:acm:x".into()]),
            "ValidationError",
        ),
        (
            Box::new(|c| c.ssl_policy = Some("p".into())),
            "ValidationError",
        ),
        (
            Box::new(|c| {
                c.protocol = Some("TLS".into());
                c.certificates = vec!["cert".into()];
            }),
            "CertificateNotFound",
        ),
        (
            Box::new(|c| {
                c.load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/x/0000000000000000".into()
            }),
            "LoadBalancerNotFound",
        ),
        (Box::new(|c| c.tags = tags(51)), "TooManyTags"),
    ];
    for (edit, code) in cases {
        let mut spec = Kit::listener_spec(&lb, &tg, 90);
        edit(&mut spec);
        k.refused(Cmd::CreateListener(spec), code);
    }
    // Forward through ForwardConfig, UDP and TLS listeners.
    let mut spec = Kit::listener_spec(&lb, &both, 53);
    spec.protocol = Some("UDP".into());
    spec.default_actions[0].target_group_arn = None;
    spec.default_actions[0].forward_target_groups = vec![both.clone()];
    k.ok(Cmd::CreateListener(spec));
    let mut spec = Kit::listener_spec(&lb, &tg, 443);
    spec.protocol = Some("TLS".into());
    spec.certificates = vec!["arn:aws:acm:us-east-1:111111111111:certificate/x".into()];
    let tls = k.id(Cmd::CreateListener(spec));
    assert_eq!(
        k.w.listeners.get(&tls).unwrap().ssl_policy.as_deref(),
        Some(DEFAULT_SSL_POLICY)
    );
}

#[test]
fn gateway_listeners_have_no_protocol() {
    let (mut k, n) = kit();
    let mut spec = Kit::nlb_spec("gw", &n.at(&[0]));
    spec.lb_type = Some("gateway".into());
    spec.scheme = None;
    let gw = k.id(Cmd::CreateLoadBalancer(spec));
    let geneve = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "geneve", "GENEVE", "ip", &n.vpc,
    )));
    let tcp = k.tg("tcp", &n.vpc);
    let nlb = k.nlb("nlb", &n.at(&[1]));
    k.refused(
        Cmd::CreateListener(Kit::listener_spec(&gw, &geneve, 80)),
        "ValidationError",
    );
    let mut spec = Kit::listener_spec(&gw, &tcp, 0);
    spec.protocol = None;
    spec.port = None;
    k.refused(Cmd::CreateListener(spec.clone()), "IncompatibleProtocols");
    spec.default_actions = vec![Kit::forward(&geneve)];
    let l = k.id(Cmd::CreateListener(spec.clone()));
    assert!(l.contains(":listener/gwy/gw/"));
    assert_eq!(k.w.listeners.get(&l).unwrap().port, None);
    // One listener per gateway load balancer.
    assert_eq!(k.id(Cmd::CreateListener(spec.clone())), l);
    spec.default_actions = vec![Kit::forward(&tcp)];
    k.refused(Cmd::CreateListener(spec), "IncompatibleProtocols");
    k.refused(
        Cmd::CreateListener(Kit::listener_spec(&nlb, &geneve, 80)),
        "IncompatibleProtocols",
    );
}

#[test]
fn target_health_follows_listeners_and_zones() {
    let (mut k, n) = kit_with(Config {
        delays: Delays { transition: 1000 },
        ..Config::default()
    });
    let lb = k.nlb("lb", &n.at(&[1]));
    let tg = k.tg("tg", &n.vpc);
    k.ok(Cmd::RegisterTargets {
        arn: tg.clone(),
        targets: vec![
            Kit::target("10.0.1.10"),
            Kit::target("10.0.0.10"),
            TargetSpec {
                availability_zone: Some("all".into()),
                ..Kit::target("192.168.0.1")
            },
            TargetSpec {
                port: Some(8080),
                ..Kit::target("10.0.1.11")
            },
        ],
    });
    let states = |k: &Kit, now: Millis| -> Vec<(String, &'static str, Option<&'static str>)> {
        let ctx = Ctx::new(A, "us-east-1", now);
        describe_target_health(&k.w, &ctx, &tg, &[])
            .unwrap()
            .into_iter()
            .map(|r| (r.target.id, r.state, r.reason))
            .collect()
    };
    assert!(states(&k, 0)
        .iter()
        .all(|(_, s, r)| *s == "unused" && *r == Some("Target.NotInUse")));
    k.listener(&lb, &tg, 80);
    // Still provisioning.
    assert!(states(&k, 999).iter().all(|(_, s, _)| *s == "unused"));
    let got = states(&k, 1000);
    assert_eq!(
        got,
        vec![
            ("10.0.1.10".into(), "healthy", None),
            ("10.0.0.10".into(), "unused", Some("Target.NotInUse")),
            ("192.168.0.1".into(), "healthy", None),
            ("10.0.1.11".into(), "healthy", None),
        ]
    );
    let ctx = Ctx::new(A, "us-east-1", 1000);
    let rows = describe_target_health(&k.w, &ctx, &tg, &[]).unwrap();
    assert_eq!(rows[3].health_check_port, "8080");
    assert_eq!(rows[3].target.port, Some(8080));
    // Asking for specific targets, one of them unregistered.
    let rows = describe_target_health(
        &k.w,
        &ctx,
        &tg,
        &[Kit::target("10.0.1.10"), Kit::target("10.0.1.99")],
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].state, rows[1].state, rows[1].reason),
        ("healthy", "unused", Some("Target.NotRegistered"))
    );
    let err = describe_target_health(&k.w, &ctx, &tg.replace("/tg/", "/zz/"), &[]).unwrap_err();
    assert_eq!(err.code, "TargetGroupNotFound");
}

#[test]
fn instance_target_health() {
    let (mut k, n) = kit();
    let lb = k.nlb("lb", &n.at(&[0]));
    let tg = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "inst", "TCP", "instance", &n.vpc,
    )));
    let i = k.running_instance(Some(&n.s[0]));
    k.ok(Cmd::RegisterTargets {
        arn: tg.clone(),
        targets: vec![Kit::target(&i)],
    });
    k.listener(&lb, &tg, 80);
    let health = |k: &Kit| describe_target_health(&k.w, &k.ctx, &tg, &[]).unwrap()[0].clone();
    assert_eq!(health(&k).state, "healthy");
    k.w.instances.get_mut(&i).unwrap().state = InstanceState::Terminated;
    assert_eq!(
        (health(&k).state, health(&k).reason),
        ("unused", Some("Target.InvalidState"))
    );
}

#[test]
fn describes_and_their_errors() {
    let (mut k, n) = kit();
    let a = k.nlb("alpha", &n.at(&[0]));
    let b = k.nlb("beta", &n.at(&[1]));
    let tg = k.tg("tg", &n.vpc);
    let idle = k.tg("idle", &n.vpc);
    let l = k.listener(&a, &tg, 80);
    let names = |v: Vec<&LoadBalancer>| v.into_iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    let all = describe_load_balancers(&k.w, &k.ctx, &[], &[]).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        names(describe_load_balancers(&k.w, &k.ctx, &[], &["beta".into()]).unwrap()),
        ["beta"]
    );
    assert_eq!(
        names(
            describe_load_balancers(&k.w, &k.ctx, &[b.clone(), a.clone(), b.clone()], &[]).unwrap()
        ),
        ["beta", "alpha"]
    );
    let err =
        describe_load_balancers(&k.w, &k.ctx, &[], &["beta".into(), "gamma".into()]).unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("LoadBalancerNotFound", "Load balancers '[gamma]' not found")
    );
    let missing = a.replace("/alpha/", "/gone/");
    let err =
        describe_load_balancers(&k.w, &k.ctx, std::slice::from_ref(&missing), &[]).unwrap_err();
    assert_eq!(
        err.message,
        format!("Load balancers '[{missing}]' not found")
    );
    assert_eq!(
        describe_load_balancers(&k.w, &k.ctx, &["x".into()], &[])
            .unwrap_err()
            .code,
        "ValidationError"
    );
    assert_eq!(
        describe_load_balancers(&k.w, &k.ctx, std::slice::from_ref(&a), &["alpha".into()])
            .unwrap_err()
            .code,
        "ValidationError"
    );

    let tg_names = |v: Vec<&TargetGroup>| v.into_iter().map(|g| g.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        describe_target_groups(&k.w, &k.ctx, None, &[], &[])
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tg_names(describe_target_groups(&k.w, &k.ctx, Some(&a), &[], &[]).unwrap()),
        ["tg"]
    );
    assert!(describe_target_groups(&k.w, &k.ctx, Some(&b), &[], &[])
        .unwrap()
        .is_empty());
    assert_eq!(
        tg_names(
            describe_target_groups(&k.w, &k.ctx, None, std::slice::from_ref(&idle), &[]).unwrap()
        ),
        ["idle"]
    );
    assert_eq!(
        tg_names(describe_target_groups(&k.w, &k.ctx, None, &[], &["tg".into()]).unwrap()),
        ["tg"]
    );
    let err = describe_target_groups(&k.w, &k.ctx, None, &[], &["nope".into()]).unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("TargetGroupNotFound", "Target groups 'nope' not found")
    );
    let gone = tg.replace("/tg/", "/gone/");
    let err =
        describe_target_groups(&k.w, &k.ctx, None, std::slice::from_ref(&gone), &[]).unwrap_err();
    assert_eq!(err.message, format!("Target groups '{gone}' not found"));
    assert_eq!(
        describe_target_groups(&k.w, &k.ctx, Some(&a), &[], &["tg".into()])
            .unwrap_err()
            .code,
        "ValidationError"
    );
    assert_eq!(
        describe_target_groups(&k.w, &k.ctx, Some(&missing), &[], &[])
            .unwrap_err()
            .code,
        "LoadBalancerNotFound"
    );
    assert_eq!(target_group_load_balancers(&k.w, &tg), vec![a.clone()]);
    assert!(target_group_load_balancers(&k.w, &idle).is_empty());

    assert_eq!(
        describe_listeners(&k.w, &k.ctx, Some(&a), &[]).unwrap()[0].arn,
        l
    );
    assert!(describe_listeners(&k.w, &k.ctx, Some(&b), &[])
        .unwrap()
        .is_empty());
    assert_eq!(
        describe_listeners(&k.w, &k.ctx, None, std::slice::from_ref(&l))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        describe_listeners(&k.w, &k.ctx, None, &[])
            .unwrap_err()
            .code,
        "ValidationError"
    );
    assert_eq!(
        describe_listeners(&k.w, &k.ctx, Some(&a), std::slice::from_ref(&l))
            .unwrap_err()
            .code,
        "ValidationError"
    );
    let gone_l = format!("{}0", &l[..l.len() - 1]);
    assert_eq!(
        describe_listeners(&k.w, &k.ctx, None, &[gone_l])
            .unwrap_err()
            .code,
        "ListenerNotFound"
    );
    assert_eq!(
        describe_listeners(&k.w, &k.ctx, Some(&missing), &[])
            .unwrap_err()
            .code,
        "LoadBalancerNotFound"
    );
}

#[test]
fn tags_on_every_kind() {
    let (mut k, n) = kit();
    let lb = k.nlb("lb", &n.at(&[0]));
    let tg = k.tg("tg", &n.vpc);
    let l = k.listener(&lb, &tg, 80);
    let arns = vec![lb.clone(), tg.clone(), l.clone()];
    k.ok(Cmd::AddTags {
        arns: arns.clone(),
        tags: vec![("env".into(), "dev".into()), ("team".into(), "net".into())],
    });
    k.ok(Cmd::AddTags {
        arns: vec![lb.clone()],
        tags: vec![("env".into(), "prod".into())],
    });
    let got = describe_tags(&k.w, &k.ctx, &arns).unwrap();
    assert_eq!(got[0].1.get("env").map(String::as_str), Some("prod"));
    assert_eq!(got[1].1.get("env").map(String::as_str), Some("dev"));
    assert_eq!(got[2].0, l);
    k.ok(Cmd::RemoveTags {
        arns: arns.clone(),
        keys: vec!["env".into(), "absent".into()],
    });
    let got = describe_tags(&k.w, &k.ctx, &arns).unwrap();
    assert!(got
        .iter()
        .all(|(_, t)| t.keys().collect::<Vec<_>>() == ["team"]));
    let gone_tg = tg.replace("/tg/", "/gone/");
    let gone_lb = lb.replace("/lb/", "/gone/");
    let cases = [
        (
            Cmd::AddTags {
                arns: vec![],
                tags: tags(1),
            },
            "ValidationError",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone()],
                tags: vec![],
            },
            "ValidationError",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone(); 21],
                tags: tags(1),
            },
            "ValidationError",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone(), "vpc-1".into()],
                tags: tags(1),
            },
            "ValidationError",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone(), gone_tg.clone()],
                tags: tags(1),
            },
            "TargetGroupNotFound",
        ),
        (
            Cmd::AddTags {
                arns: vec![gone_lb.clone()],
                tags: tags(1),
            },
            "LoadBalancerNotFound",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone()],
                tags: tags(50),
            },
            "TooManyTags",
        ),
        (
            Cmd::AddTags {
                arns: vec![lb.clone()],
                tags: vec![("aws:k".into(), "v".into())],
            },
            "ValidationError",
        ),
        (
            Cmd::RemoveTags {
                arns: vec![lb.clone()],
                keys: vec![],
            },
            "ValidationError",
        ),
        (
            Cmd::RemoveTags {
                arns: vec![gone_tg.clone()],
                keys: vec!["team".into()],
            },
            "TargetGroupNotFound",
        ),
    ];
    for (cmd, code) in cases {
        k.refused(cmd, code);
    }
    // 49 new keys next to the one left fit exactly.
    k.ok(Cmd::AddTags {
        arns: vec![lb.clone()],
        tags: tags(49),
    });
    assert_eq!(
        describe_tags(&k.w, &k.ctx, &[gone_lb]).unwrap_err().code,
        "LoadBalancerNotFound"
    );
    assert_eq!(
        describe_tags(&k.w, &k.ctx, &[]).unwrap_err().code,
        "ValidationError"
    );
}

// ---------------------------------------------------------------------------------------
// Attributes and SetSecurityGroups (spec §14)

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn value(list: &[(String, String)], key: &str) -> String {
    list.iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("{key} missing"))
        .1
        .clone()
}

#[test]
fn load_balancer_attributes_have_aws_defaults_per_type() {
    let (mut k, n) = kit();
    let nlb = k.nlb("n", &n.at(&[0]));
    let all = load_balancer_attributes(k.lb(&nlb));
    for (key, default) in [
        ("deletion_protection.enabled", "false"),
        ("load_balancing.cross_zone.enabled", "false"),
        ("access_logs.s3.enabled", "false"),
        ("access_logs.s3.bucket", ""),
        ("access_logs.s3.prefix", ""),
        ("ipv6.deny_all_igw_traffic", "true"),
        ("zonal_shift.config.enabled", "false"),
        ("dns_record.client_routing_policy", "any_availability_zone"),
        ("secondary_ips.auto_assigned.per_subnet", "0"),
    ] {
        assert_eq!(value(&all, key), default, "{key}");
    }
    assert!(!k.lb(&nlb).cross_zone());
    let spec = CreateLoadBalancer {
        lb_type: Some("gateway".into()),
        ..Kit::nlb_spec("g", &n.at(&[1]))
    };
    let gwlb = k.id(Cmd::CreateLoadBalancer(spec));
    let keys: Vec<String> = load_balancer_attributes(k.lb(&gwlb))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys,
        [
            "deletion_protection.enabled",
            "load_balancing.cross_zone.enabled"
        ]
    );
}

#[test]
fn modify_load_balancer_attributes_checks_keys_values_and_count() {
    let (mut k, n) = kit();
    let nlb = k.nlb("n", &n.at(&[0]));
    let spec = CreateLoadBalancer {
        lb_type: Some("gateway".into()),
        ..Kit::nlb_spec("g", &n.at(&[1]))
    };
    let gwlb = k.id(Cmd::CreateLoadBalancer(spec));
    let modify = |arn: &str, pairs: &[(&str, &str)]| Cmd::ModifyLoadBalancerAttributes {
        arn: arn.into(),
        attributes: attrs(pairs),
    };
    let too_many: Vec<(String, String)> = (0..21)
        .map(|_| ("deletion_protection.enabled".into(), "true".into()))
        .collect();
    let cases: Vec<(&str, Cmd, &str)> = vec![
        ("unknown key", modify(&nlb, &[("no.such.key", "1")]), "ValidationError"),
        ("badly shaped key", modify(&nlb, &[("a-b", "1")]), "ValidationError"),
        (
            "ALB key on an NLB",
            modify(&nlb, &[("idle_timeout.timeout_seconds", "60")]),
            "InvalidConfigurationRequest",
        ),
        (
            "NLB key on a GWLB",
            modify(&gwlb, &[("access_logs.s3.enabled", "true")]),
            "InvalidConfigurationRequest",
        ),
        ("not a boolean", modify(&nlb, &[("deletion_protection.enabled", "yes")]), "ValidationError"),
        (
            "out of range",
            modify(&nlb, &[("secondary_ips.auto_assigned.per_subnet", "8")]),
            "ValidationError",
        ),
        (
            "not a routing policy",
            modify(&nlb, &[("dns_record.client_routing_policy", "nearest")]),
            "ValidationError",
        ),
        ("none", modify(&nlb, &[]), "ValidationError"),
        (
            "more than 20",
            Cmd::ModifyLoadBalancerAttributes {
                arn: nlb.clone(),
                attributes: too_many,
            },
            "ValidationError",
        ),
        (
            "unknown load balancer",
            modify(
                "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/x/0123456789abcdef",
                &[("deletion_protection.enabled", "true")],
            ),
            "LoadBalancerNotFound",
        ),
    ];
    for (what, cmd, code) in cases {
        let e = k.refused(cmd, code);
        assert!(!e.message.is_empty(), "{what}");
    }
    k.ok(modify(
        &nlb,
        &[
            ("load_balancing.cross_zone.enabled", "true"),
            ("secondary_ips.auto_assigned.per_subnet", "2"),
        ],
    ));
    assert!(k.lb(&nlb).cross_zone());
    // Other keys are left as they were; the per-subnet count cannot go down.
    k.ok(modify(&nlb, &[("zonal_shift.config.enabled", "true")]));
    let all = load_balancer_attributes(k.lb(&nlb));
    assert_eq!(value(&all, "load_balancing.cross_zone.enabled"), "true");
    assert_eq!(value(&all, "zonal_shift.config.enabled"), "true");
    k.refused(
        modify(&nlb, &[("secondary_ips.auto_assigned.per_subnet", "1")]),
        "InvalidConfigurationRequest",
    );
}

#[test]
fn deletion_protection_stops_delete_load_balancer_until_turned_off() {
    let (mut k, n) = kit();
    let nlb = k.nlb("n", &n.at(&[0]));
    let protect = |on: &str| Cmd::ModifyLoadBalancerAttributes {
        arn: nlb.clone(),
        attributes: attrs(&[("deletion_protection.enabled", on)]),
    };
    k.ok(protect("true"));
    let e = k.refused(
        Cmd::DeleteLoadBalancer { arn: nlb.clone() },
        "OperationNotPermitted",
    );
    assert!(
        e.message.contains("deletion protection is enabled"),
        "{e:?}"
    );
    k.ok(protect("false"));
    k.ok(Cmd::DeleteLoadBalancer { arn: nlb.clone() });
    assert!(k.w.load_balancers.get(&nlb).is_none());
}

#[test]
fn target_group_attributes_follow_protocol_and_target_type() {
    let (mut k, n) = kit();
    let ip_tcp = k.tg("ip-tcp", &n.vpc);
    let inst_udp = k.id(Cmd::CreateTargetGroup(Kit::tg_spec(
        "i-udp", "UDP", "instance", &n.vpc,
    )));
    let geneve = k.id(Cmd::CreateTargetGroup(CreateTargetGroup {
        port: Some(6081),
        ..Kit::tg_spec("gw", "GENEVE", "ip", &n.vpc)
    }));
    let of = |k: &Kit, arn: &str| target_group_attributes(k.w.target_groups.get(arn).unwrap());
    let tcp = of(&k, &ip_tcp);
    let udp = of(&k, &inst_udp);
    let gw = of(&k, &geneve);
    for (list, key, want) in [
        (&tcp, "deregistration_delay.timeout_seconds", "300"),
        (&tcp, "preserve_client_ip.enabled", "false"),
        (
            &tcp,
            "deregistration_delay.connection_termination.enabled",
            "false",
        ),
        (
            &tcp,
            "load_balancing.cross_zone.enabled",
            "use_load_balancer_configuration",
        ),
        (&tcp, "stickiness.type", "source_ip"),
        (
            &tcp,
            "target_health_state.unhealthy.connection_termination.enabled",
            "true",
        ),
        (&udp, "preserve_client_ip.enabled", "true"),
        (
            &udp,
            "deregistration_delay.connection_termination.enabled",
            "true",
        ),
        (&gw, "stickiness.type", "source_ip_dest_ip_proto"),
        (&gw, "target_failover.on_unhealthy", "no_rebalance"),
    ] {
        assert_eq!(value(list, key), want, "{key}");
    }
    assert!(!gw.iter().any(|(k, _)| k == "proxy_protocol_v2.enabled"));
    let modify = |arn: &str, pairs: &[(&str, &str)]| Cmd::ModifyTargetGroupAttributes {
        arn: arn.into(),
        attributes: attrs(pairs),
    };
    for (cmd, code) in [
        (
            modify(&ip_tcp, &[("deregistration_delay.timeout_seconds", "3601")]),
            "ValidationError",
        ),
        (
            modify(&geneve, &[("proxy_protocol_v2.enabled", "true")]),
            "ValidationError",
        ),
        (
            modify(&ip_tcp, &[("slow_start.duration_seconds", "30")]),
            "ValidationError",
        ),
        (
            modify(&inst_udp, &[("preserve_client_ip.enabled", "false")]),
            "InvalidConfigurationRequest",
        ),
        (
            modify(
                &ip_tcp,
                &[(
                    "target_health_state.unhealthy.draining_interval_seconds",
                    "10",
                )],
            ),
            "InvalidConfigurationRequest",
        ),
        (
            modify(&geneve, &[("target_failover.on_unhealthy", "rebalance")]),
            "InvalidConfigurationRequest",
        ),
    ] {
        k.refused(cmd, code);
    }
    k.ok(modify(
        &ip_tcp,
        &[
            ("deregistration_delay.timeout_seconds", "30"),
            ("load_balancing.cross_zone.enabled", "true"),
            (
                "target_group_health.dns_failover.minimum_healthy_targets.percentage",
                "50",
            ),
        ],
    ));
    k.ok(modify(
        &geneve,
        &[
            ("target_failover.on_unhealthy", "rebalance"),
            ("target_failover.on_deregistration", "rebalance"),
        ],
    ));
    let tcp = of(&k, &ip_tcp);
    assert_eq!(value(&tcp, "deregistration_delay.timeout_seconds"), "30");
    // The group's cross-zone setting wins over its load balancer's.
    let nlb = k.nlb("n", &n.at(&[0]));
    let g = k.w.target_groups.get(&ip_tcp).unwrap();
    assert!(g.cross_zone(k.lb(&nlb)));
    assert!(!k
        .w
        .target_groups
        .get(&inst_udp)
        .unwrap()
        .cross_zone(k.lb(&nlb)));
}

#[test]
fn listener_attributes_hold_the_tcp_idle_timeout() {
    let (mut k, n) = kit();
    let nlb = k.nlb("n", &n.at(&[0]));
    let tg = k.tg("t", &n.vpc);
    let l = k.listener(&nlb, &tg, 80);
    let of = |k: &Kit| listener_attributes(&k.w, k.w.listeners.get(&l).unwrap());
    assert_eq!(of(&k), attrs(&[("tcp.idle_timeout.seconds", "350")]));
    let modify = |v: &str| Cmd::ModifyListenerAttributes {
        arn: l.clone(),
        attributes: attrs(&[("tcp.idle_timeout.seconds", v)]),
    };
    k.refused(modify("59"), "ValidationError");
    k.refused(
        Cmd::ModifyListenerAttributes {
            arn: l.clone(),
            attributes: attrs(&[("routing.http.response.server.enabled", "true")]),
        },
        "ValidationError",
    );
    k.ok(modify("6000"));
    assert_eq!(of(&k), attrs(&[("tcp.idle_timeout.seconds", "6000")]));
}

#[test]
fn set_security_groups_replaces_groups_and_the_privatelink_switch() {
    let (mut k, n) = kit();
    let a = k.security_group("a", Some(&n.vpc));
    let b = k.security_group("b", Some(&n.vpc));
    let mut spec = Kit::nlb_spec("with", &n.at(&[0]));
    spec.security_groups = vec![a.clone()];
    let with = k.id(Cmd::CreateLoadBalancer(spec));
    let without = k.nlb("without", &n.at(&[1]));
    assert!(k.lb(&with).enforce_inbound_on_privatelink);
    let set = |arn: &str, groups: &[&str], enforce: Option<&str>| Cmd::SetSecurityGroups {
        arn: arn.into(),
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        enforce_inbound_on_privatelink: enforce.map(str::to_string),
    };
    let e = k.refused(set(&without, &[&a], None), "InvalidConfigurationRequest");
    assert!(
        e.message.contains("created without any security groups"),
        "{e:?}"
    );
    for (cmd, code) in [
        (set(&with, &[], None), "ValidationError"),
        (set(&with, &[&a], Some("maybe")), "ValidationError"),
        (
            set(&with, &["sg-0123456789abcdef0"], None),
            "InvalidSecurityGroup",
        ),
    ] {
        k.refused(cmd, code);
    }
    k.ok(set(&with, &[&b, &a], Some("off")));
    let lb = k.lb(&with).clone();
    assert_eq!(lb.security_groups, vec![b.clone(), a.clone()]);
    assert_eq!(lb.enforce_inbound_on_privatelink_value(), "off");
    let eni =
        k.w.network_interfaces
            .get(&lb.subnets[0].network_interface_id)
            .unwrap();
    assert_eq!(eni.groups, vec![b.clone(), a.clone()]);
    // Without the switch the setting stays as it was.
    k.ok(set(&with, &[&a], None));
    assert!(!k.lb(&with).enforce_inbound_on_privatelink);
}
