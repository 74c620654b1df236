//! VPC endpoints and PrivateLink: fixture builders (endpoints, endpoint services, network
//! load balancers, listeners, target groups) and hand-written fixtures, each asserting the
//! verdict and the blocker codes (and, through `check_with`, that the reference agrees).

use openvpc_core::elb::{
    HealthCheck, LbSubnet, Listener, LoadBalancer, LoadBalancerType, Target as ElbTarget,
    TargetGroup,
};
use openvpc_core::endpoint::{EndpointInterface, EndpointType, State, SubnetChoice, VpcEndpoint};
use openvpc_core::endpoint_service::{EndpointService, ServiceState, ServiceType};
use openvpc_core::peering::Status;
use openvpc_core::prefix_list;
use openvpc_core::route::{Destination, Origin, Route, Target};
use openvpc_core::Kind;

use super::kit::{self, Net, VpcIds, REGION};
use super::{check_with, flow, tcp};
use crate::explain::{Code, Direction, HopKind, Verdict};
use crate::{decide, Endpoint, Flow, Protocol, View};

use Code::*;

// ---- builders ------------------------------------------------------------------------------

impl Net {
    /// Moves a subnet (and the interfaces in it) to another Availability Zone.
    pub fn subnet_zone(&mut self, subnet: &str, name: &str, id: &str) {
        let s = self.w.subnets.get_mut(subnet).expect("subnet");
        s.availability_zone = name.into();
        s.availability_zone_id = id.into();
        for e in self.w.network_interfaces.values_mut() {
            if e.subnet_id == subnet {
                e.availability_zone = name.into();
            }
        }
    }

    fn endpoint_base(&mut self, vpc: &VpcIds, kind: EndpointType, service: &str) -> VpcEndpoint {
        let v = self.w.vpcs.get(&vpc.id).expect("vpc");
        let scope = v.scope.clone();
        VpcEndpoint {
            id: self.w.ids.id(Kind::VpcEndpoint),
            scope: scope.clone(),
            endpoint_type: kind,
            vpc_id: vpc.id.clone(),
            service_name: service.into(),
            service_region: scope.region.clone(),
            service_id: None,
            state: State::Available,
            policy_document: None,
            route_table_ids: Vec::new(),
            subnets: Vec::new(),
            interfaces: Vec::new(),
            groups: Vec::new(),
            ip_address_type: "ipv4".into(),
            dns_options: None,
            private_dns_enabled: false,
            dns_suffix: "abcdefgh".into(),
            connection_id: None,
            created: 0,
            step_due: 0,
            deleted_at: None,
            last_error: None,
        }
    }

    /// A gateway endpoint to AWS service `service` (`s3`, `dynamodb`) of `vpc`'s Region,
    /// with its prefix-list route in `tables`.
    pub fn gateway_endpoint(&mut self, vpc: &VpcIds, service: &str, tables: &[&str]) -> String {
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        let mut ep = self.endpoint_base(
            vpc,
            EndpointType::Gateway,
            &format!("com.amazonaws.{region}.{service}"),
        );
        ep.route_table_ids = tables.iter().map(|t| t.to_string()).collect();
        let id = ep.id.clone();
        self.w.vpc_endpoints.insert(ep);
        let pl = prefix_list::aws_managed_id(&region, service);
        for t in tables {
            self.gateway_route(t, &pl, &id);
        }
        id
    }

    /// A route `pl → vpce` in table `rtb` (as a gateway endpoint association makes).
    pub fn gateway_route(&mut self, rtb: &str, pl: &str, vpce: &str) {
        self.w
            .route_tables
            .get_mut(rtb)
            .expect("rtb")
            .routes
            .push(Route {
                destination: Destination::PrefixList(pl.into()),
                target: Target::GatewayEndpoint(vpce.into()),
                origin: Origin::CreateRoute,
            });
    }

    /// An interface endpoint of `vpc` to `service` (a `vpce-svc-…` id, or an AWS service
    /// short name such as `ec2`), with one interface per (subnet, address), in `groups`.
    pub fn interface_endpoint(
        &mut self,
        vpc: &VpcIds,
        service: &str,
        at: &[(&str, &str)],
        groups: &[&str],
    ) -> (String, Vec<String>) {
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        let (name, sid) = if service.starts_with("vpce-svc-") {
            (
                format!("com.amazonaws.vpce.{region}.{service}"),
                Some(service.to_string()),
            )
        } else {
            (format!("com.amazonaws.{region}.{service}"), None)
        };
        let mut ep = self.endpoint_base(vpc, EndpointType::Interface, &name);
        ep.service_id = sid;
        ep.groups = groups.iter().map(|g| g.to_string()).collect();
        let mut enis = Vec::new();
        for (subnet, ip) in at {
            let e = self.eni(subnet, ip, groups);
            let eni = self.eni_mut(&e);
            eni.interface_type = "vpc_endpoint".into();
            eni.requester_managed = true;
            let zone = eni.availability_zone.clone();
            ep.subnets.push(SubnetChoice {
                subnet_id: subnet.to_string(),
                ipv4: None,
                ipv6: None,
            });
            ep.interfaces.push(EndpointInterface {
                subnet_id: subnet.to_string(),
                availability_zone: zone,
                network_interface_id: e.clone(),
            });
            enis.push(e);
        }
        let id = ep.id.clone();
        self.w.vpc_endpoints.insert(ep);
        (id, enis)
    }

    pub fn endpoint_state(&mut self, vpce: &str, state: State) {
        self.w.vpc_endpoints.get_mut(vpce).expect("vpce").state = state;
    }

    /// A network load balancer with one node per (subnet, address), in `groups`.
    pub fn nlb(&mut self, vpc: &VpcIds, at: &[(&str, &str)], groups: &[&str]) -> String {
        let hex = self.w.ids.hex17();
        let name = format!("nlb-{}", &hex[..6]);
        let arn = format!(
            "arn:aws:elasticloadbalancing:{REGION}:{}:loadbalancer/net/{name}/{hex}",
            kit::ACCOUNT
        );
        let mut subnets = Vec::new();
        for (subnet, ip) in at {
            let e = self.eni(subnet, ip, groups);
            self.eni_mut(&e).interface_type = "network_load_balancer".into();
            let s = self.w.subnets.get(subnet).expect("subnet");
            subnets.push(LbSubnet {
                subnet_id: subnet.to_string(),
                availability_zone: s.availability_zone.clone(),
                availability_zone_id: s.availability_zone_id.clone(),
                network_interface_id: e,
                private_ip: ip.parse().expect("ip"),
                requested_ip: true,
                public_ip: None,
            });
        }
        self.w.load_balancers.insert(LoadBalancer {
            arn: arn.clone(),
            scope: kit::scope(REGION),
            name,
            lb_type: LoadBalancerType::Network,
            scheme: "internal".into(),
            vpc_id: vpc.id.clone(),
            subnets,
            security_groups: groups.iter().map(|g| g.to_string()).collect(),
            enforce_inbound_on_privatelink: true,
            attributes: Default::default(),
            ip_address_type: "ipv4".into(),
            dns_name: "nlb.example".into(),
            canonical_hosted_zone_id: "Z26RNL4JYFTOTI".into(),
            created: 0,
            active_at: 0,
            tags: Default::default(),
        });
        arn
    }

    /// An endpoint service in front of `nlbs`.
    pub fn endpoint_service(&mut self, nlbs: &[&str]) -> String {
        let id = self.w.ids.id(Kind::VpcEndpointService);
        self.w.endpoint_services.insert(EndpointService {
            id: id.clone(),
            scope: kit::scope(REGION),
            service_type: ServiceType::Interface,
            state: ServiceState::Available,
            acceptance_required: false,
            network_load_balancer_arns: nlbs.iter().map(|a| a.to_string()).collect(),
            gateway_load_balancer_arns: Vec::new(),
            supported_ip_address_types: vec!["ipv4".into()],
            supported_regions: Vec::new(),
            private_dns: None,
            permissions: Vec::new(),
            created: 0,
        });
        id
    }

    /// A target group (`instance` or `ip`) with `targets` (id, port override).
    pub fn target_group(
        &mut self,
        vpc: &VpcIds,
        target_type: &str,
        port: u16,
        targets: &[(&str, Option<u16>)],
    ) -> String {
        let hex = self.w.ids.hex17();
        let name = format!("tg-{}", &hex[..6]);
        let arn = format!(
            "arn:aws:elasticloadbalancing:{REGION}:{}:targetgroup/{name}/{hex}",
            kit::ACCOUNT
        );
        self.w.target_groups.insert(TargetGroup {
            arn: arn.clone(),
            scope: kit::scope(REGION),
            name,
            protocol: "TCP".into(),
            port,
            vpc_id: vpc.id.clone(),
            target_type: target_type.into(),
            ip_address_type: "ipv4".into(),
            health_check: HealthCheck {
                enabled: true,
                protocol: "TCP".into(),
                port: "traffic-port".into(),
                path: None,
                interval_seconds: 30,
                timeout_seconds: 10,
                healthy_threshold: 5,
                unhealthy_threshold: 2,
                matcher: None,
            },
            targets: targets
                .iter()
                .map(|(id, p)| ElbTarget {
                    id: id.to_string(),
                    port: Some(p.unwrap_or(port)),
                    availability_zone: None,
                })
                .collect(),
            attributes: Default::default(),
            created: 0,
            tags: Default::default(),
        });
        arn
    }

    /// A listener of `lb` on (`protocol`, `port`) forwarding to `tg`.
    pub fn listener(&mut self, lb: &str, protocol: &str, port: u16, tg: &str) -> String {
        let hex = self.w.ids.hex17();
        let arn = format!("{}/{hex}", lb.replace(":loadbalancer/", ":listener/"));
        self.w.listeners.insert(Listener {
            arn: arn.clone(),
            scope: kit::scope(REGION),
            load_balancer_arn: lb.into(),
            protocol: Some(protocol.into()),
            port: Some(port),
            target_group_arn: tg.into(),
            ssl_policy: None,
            certificates: Vec::new(),
            attributes: Default::default(),
            tags: Default::default(),
        });
        arn
    }
}

// ---- random endpoints for the property test ------------------------------------------------

/// What [`random_endpoints`] made, for the generator's pools.
#[derive(Debug, Default)]
pub struct Made {
    /// Gateway endpoint ids (route targets).
    pub targets: Vec<String>,
    /// Endpoint interface addresses and load balancer addresses.
    pub addrs: Vec<String>,
    /// Interface endpoint ids (flow destinations and sources).
    pub vpces: Vec<String>,
    /// Endpoint interfaces (flow destinations and sources).
    pub enis: Vec<String>,
}

/// Random gateway endpoints (some not available, some routed from the main table with
/// `pl-a`), and random interface endpoints to AWS services or to endpoint services in
/// front of a network load balancer with one listener and a target group of instances or
/// addresses (some targets missing, some endpoints pending, some in a zone the load
/// balancer is not in). `below(k)` draws in `0..k`.
pub fn random_endpoints(
    n: &mut Net,
    below: &mut dyn FnMut(usize) -> usize,
    vpcs: &[VpcIds],
    subnets: &[(VpcIds, String)],
    instances: &[String],
) -> Made {
    let chance = |p: usize, below: &mut dyn FnMut(usize) -> usize| below(100) < p;
    let mut made = Made::default();
    for v in vpcs {
        if chance(40, below) {
            let vpce = n.gateway_endpoint(v, "s3", &[]);
            if chance(20, below) {
                let s = [State::Pending, State::Deleting, State::Deleted][below(3)];
                n.endpoint_state(&vpce, s);
            }
            if chance(50, below) {
                n.gateway_route(&v.rtb, "pl-a", &vpce);
            }
            made.targets.push(vpce);
        }
    }
    let groups_of = |n: &Net, v: &VpcIds, below: &mut dyn FnMut(usize) -> usize| -> Vec<String> {
        n.w.security_groups
            .values()
            .filter(|g| g.vpc_id == v.id)
            .map(|g| g.id.clone())
            .filter(|_| below(100) < 60)
            .collect()
    };
    let host = |n: &Net, s: &str, k: usize| -> String {
        let cidr =
            n.w.subnets
                .get(s)
                .expect("subnet")
                .cidr
                .expect("an IPv4 block");
        cidr.hosts().nth(k).expect("host").to_string()
    };
    for round in 0..2 {
        if !chance(70, below) {
            continue;
        }
        // A provider: a load balancer, a listener, a target group.
        let (pv, ps) = subnets[below(subnets.len())].clone();
        let lb_ip = host(n, &ps, 199 + round);
        let g = if chance(50, below) {
            groups_of(n, &pv, below)
        } else {
            Vec::new()
        };
        let g: Vec<&str> = g.iter().map(|x| x.as_str()).collect();
        let lb = n.nlb(&pv, &[(&ps, &lb_ip)], &g);
        made.addrs.push(lb_ip);
        let ip_targets = chance(40, below);
        let mut targets: Vec<String> = Vec::new();
        for _ in 0..1 + below(2) {
            let t = if ip_targets {
                let in_vpc: Vec<String> =
                    n.w.network_interfaces
                        .values()
                        .filter(|e| e.vpc_id == pv.id && e.interface_type == "interface")
                        .filter_map(|e| e.private_ips.first().map(|a| a.to_string()))
                        .collect();
                if in_vpc.is_empty() || chance(15, below) {
                    "10.0.1.99".to_string()
                } else {
                    in_vpc[below(in_vpc.len())].clone()
                }
            } else if instances.is_empty() || chance(15, below) {
                "i-404".to_string()
            } else {
                instances[below(instances.len())].clone()
            };
            targets.push(t);
        }
        let port = [22, 80, 443][below(3)];
        let targets: Vec<(&str, Option<u16>)> = targets
            .iter()
            .map(|t| (t.as_str(), [None, None, Some(22), Some(8080)][below(4)]))
            .collect();
        let tg = n.target_group(
            &pv,
            if ip_targets { "ip" } else { "instance" },
            port,
            &targets,
        );
        let tg = if chance(10, below) {
            "tg-404".to_string()
        } else {
            tg
        };
        let protocol = ["TCP", "TCP", "TLS", "UDP", "TCP_UDP"][below(5)];
        n.listener(&lb, protocol, [443, 443, 443, 22][below(4)], &tg);
        let svc = n.endpoint_service(&[&lb]);
        if chance(10, below) {
            n.w.endpoint_services.get_mut(&svc).unwrap().state = ServiceState::Pending;
        }
        // A consumer: an interface endpoint to the service or to an AWS service.
        let (cv, cs) = subnets[below(subnets.len())].clone();
        let ip = host(n, &cs, 209 + round);
        let g = groups_of(n, &cv, below);
        let g: Vec<&str> = g.iter().map(|x| x.as_str()).collect();
        let service = if chance(75, below) {
            svc.as_str()
        } else {
            "ec2"
        };
        let (vpce, enis) = n.interface_endpoint(&cv, service, &[(&cs, &ip)], &g);
        if chance(20, below) {
            let s = [State::PendingAcceptance, State::Rejected, State::Pending][below(3)];
            n.endpoint_state(&vpce, s);
        }
        if chance(15, below) {
            n.subnet_zone(&cs, "us-east-1b", "use1-az2");
        }
        made.addrs.push(ip);
        made.vpces.push(vpce);
        made.enis.extend(enis);
    }
    made
}

// ---- fixtures ------------------------------------------------------------------------------

/// Decides with the world's own prefix lists, both evaluators.
fn check(n: &Net, f: Flow, reachable: bool, codes: &[Code]) -> Verdict {
    check_with(n, &n.w, f, reachable, codes)
}

/// The last interface of the forward path.
fn target_hop(v: &Verdict) -> &crate::Hop {
    v.forward
        .iter()
        .rev()
        .find(|h| h.kind == HopKind::NetworkInterface)
        .expect("an interface")
}

fn kinds(hops: &[crate::Hop]) -> Vec<HopKind> {
    hops.iter().map(|h| h.kind).collect()
}

/// A consumer VPC and a provider VPC with the *same* CIDR (10.0.0.0/16): the client
/// 10.0.1.20 and an interface endpoint (10.0.1.50, group `ep_sg` admitting TCP 443 from
/// 10.0.0.0/16) in the consumer; in the provider a network load balancer (10.0.2.100 in
/// subnet 10.0.2.0/24) listening on TCP 443 and forwarding to port 8080 of instance
/// `server` (10.0.1.20 too), whose group admits TCP 8080 from the load balancer's address.
struct Pl {
    n: Net,
    consumer: VpcIds,
    provider: VpcIds,
    cs: String,
    ps: String,
    client: String,
    ep_sg: String,
    vpce: String,
    vpce_eni: String,
    server: String,
    server_i: String,
    server_sg: String,
    svc: String,
    lb: String,
    tg: String,
}

fn privatelink() -> Pl {
    let mut n = Net::new();
    let consumer = n.vpc("10.0.0.0/16", None);
    let provider = n.vpc("10.0.0.0/16", None);
    let cs = n.subnet(&consumer, "10.0.1.0/24");
    let client = n.eni(&cs, "10.0.1.20", &[&consumer.sg]);
    let ep_sg = n.sg(&consumer);
    n.rule(&ep_sg, false, "tcp", Some((443, 443)), "10.0.0.0/16");
    let ps = n.subnet(&provider, "10.0.1.0/24");
    let lbs = n.subnet(&provider, "10.0.2.0/24");
    let server_sg = n.sg(&provider);
    n.rule(
        &server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.2.100/32",
    );
    let server = n.eni(&ps, "10.0.1.20", &[&server_sg]);
    let server_i = n.instance(&server);
    let lb = n.nlb(&provider, &[(&lbs, "10.0.2.100")], &[]);
    let tg = n.target_group(&provider, "instance", 8080, &[(&server_i, None)]);
    n.listener(&lb, "TCP", 443, &tg);
    let svc = n.endpoint_service(&[&lb]);
    let (vpce, enis) = n.interface_endpoint(&consumer, &svc, &[(&cs, "10.0.1.50")], &[&ep_sg]);
    Pl {
        n,
        consumer,
        provider,
        cs,
        ps,
        client,
        ep_sg,
        vpce,
        vpce_eni: enis[0].clone(),
        server,
        server_i,
        server_sg,
        svc,
        lb,
        tg,
    }
}

#[test]
fn privatelink_end_to_end_with_overlapping_cidrs() {
    let p = privatelink();
    // By endpoint id, by interface id and by address: the same path.
    for dst in [p.vpce.clone(), p.vpce_eni.clone(), "10.0.1.50".into()] {
        let v = check(&p.n, tcp(&p.client, &dst, 443), true, &[]);
        let k = kinds(&v.forward);
        for want in [
            HopKind::InterfaceEndpoint,
            HopKind::EndpointService,
            HopKind::LoadBalancer,
            HopKind::LoadBalancerListener,
            HopKind::TargetGroup,
        ] {
            assert!(k.contains(&want), "{want:?} missing\n{v}");
        }
        // The target sees the load balancer's address, on the target port.
        let last = target_hop(&v);
        assert_eq!(last.component.as_ref(), p.server);
        assert_eq!(last.header.src.to_string(), "10.0.2.100");
        assert_eq!(last.header.dst.to_string(), "10.0.1.20");
        assert_eq!(last.header.dst_port, Some(8080));
        // The reply goes target → load balancer, then endpoint → client.
        assert_eq!(v.return_path[0].component.as_ref(), p.server);
        assert_eq!(v.return_path.last().unwrap().component.as_ref(), p.client);
        assert!(v
            .return_path
            .iter()
            .any(|h| h.header.dst.to_string() == "10.0.2.100"));
    }
    // The client's own address exists in the provider too (the server): no confusion.
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    assert!(v
        .forward
        .iter()
        .all(|h| h.component.as_ref() != p.client || h.kind == HopKind::NetworkInterface));
}

#[test]
fn privatelink_blocked_at_the_targets_group_which_must_allow_the_load_balancer() {
    let mut p = privatelink();
    // The target admits the consumer's client address: useless, it sees the NLB's.
    p.n.clear_rules(&p.server_sg, false);
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.1.20/32",
    );
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[EniSgRulesMismatch],
    );
    let e = &v.explanations[0];
    assert_eq!(e.component.as_ref(), p.server_sg);
    assert!(e.message().contains(&p.server_i), "{v}");
    assert!(e.message().contains("10.0.2.100"), "{v}");
    // The provider's VPC CIDR covers the load balancer.
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.0.0/16",
    );
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    // A reference to the load balancer's security group works too.
    let mut p = privatelink();
    let lb_sg = p.n.sg(&p.provider);
    p.n.rule(&lb_sg, true, "tcp", Some((8080, 8080)), "10.0.0.0/16");
    let node = p.n.w.load_balancers.get(&p.lb).unwrap().subnets[0]
        .network_interface_id
        .clone();
    p.n.eni_mut(&node).groups = vec![lb_sg.clone()];
    p.n.clear_rules(&p.server_sg, false);
    p.n.rule(&p.server_sg, false, "tcp", Some((8080, 8080)), &lb_sg);
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    // The load balancer's own outbound rules apply toward its targets.
    p.n.clear_rules(&lb_sg, true);
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), false, &[SgHasNoRules]);
    assert_eq!(v.explanations[0].component.as_ref(), lb_sg);
}

#[test]
fn privatelink_with_several_targets_needs_one() {
    let mut p = privatelink();
    let other = p.n.eni(&p.ps, "10.0.1.30", &[&p.provider.sg]);
    let other_i = p.n.instance(&other);
    p.n.w.target_groups.get_mut(&p.tg).unwrap().targets.insert(
        0,
        ElbTarget {
            id: other_i.clone(),
            port: Some(8080),
            availability_zone: None,
        },
    );
    // The first target's default group does not admit the NLB; the second does.
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    assert_eq!(target_hop(&v).component.as_ref(), p.server);
    // Neither: both named.
    p.n.clear_rules(&p.server_sg, false);
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[EniSgRulesMismatch, SgHasNoRules],
    );
    assert_eq!(v.explanations.len(), 2, "{v}");
    assert!(v
        .explanations
        .iter()
        .any(|e| e.message().contains(&other_i)));
    assert!(v
        .explanations
        .iter()
        .any(|e| e.message().contains(&p.server_i)));
    // A stopped instance is no target.
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.2.100/32",
    );
    p.n.w.instances.get_mut(&p.server_i).unwrap().state = openvpc_core::eni::InstanceState::Stopped;
    check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[BadState, EniSgRulesMismatch],
    );
}

#[test]
fn privatelink_ip_targets_and_provider_acls() {
    let mut p = privatelink();
    let tg =
        p.n.target_group(&p.provider, "ip", 8443, &[("10.0.1.20", None)]);
    p.n.w
        .listeners
        .values_mut()
        .for_each(|l| l.target_group_arn = tg.clone());
    // The IP target is resolved in the provider's VPC (not the consumer's 10.0.1.20).
    check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[EniSgRulesMismatch],
    );
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8443, 8443)),
        "10.0.2.0/24",
    );
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    assert_eq!(target_hop(&v).header.dst_port, Some(8443));
    // The target subnet's ACL, both ways, is the provider's business.
    let acl = p.n.acl(&p.provider, &[&p.ps]);
    p.n.entry(
        &acl,
        100,
        false,
        "6",
        true,
        "10.0.2.0/24",
        Some((8443, 8443)),
        None,
    );
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[SubnetAclRestriction],
    );
    assert_eq!(v.explanations[0].direction, Direction::Return);
    p.n.entry(
        &acl,
        100,
        true,
        "6",
        true,
        "10.0.2.0/24",
        Some((1024, 65535)),
        None,
    );
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    // An IP no interface holds: the provider's local route has nobody home.
    p.n.w.target_groups.get_mut(&tg).unwrap().targets[0].id = "10.0.1.99".into();
    check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[VpcLocalRouteCidrRestriction],
    );
}

#[test]
fn privatelink_listener_and_target_group() {
    let mut p = privatelink();
    // No listener on the port.
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 8443),
        false,
        &[EniSgRulesMismatch, Elbv2ListenersMismatch],
    );
    let e = v
        .explanations
        .iter()
        .find(|e| e.code == Elbv2ListenersMismatch)
        .unwrap();
    assert_eq!(e.component.as_ref(), p.lb);
    assert!(e.message().contains("8443"), "{v}");
    // A listener whose target group is gone.
    p.n.w.target_groups.remove(&p.tg);
    check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[Elbv2ListenerHasNoTg],
    );
    // An empty target group.
    let tg = p.n.target_group(&p.provider, "instance", 8080, &[]);
    p.n.w
        .listeners
        .values_mut()
        .for_each(|l| l.target_group_arn = tg.clone());
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[Elbv2ListenerHasNoTg],
    );
    let listener = p.n.w.listeners.values().next().unwrap().arn.clone();
    assert_eq!(v.explanations[0].component.as_ref(), listener);
    assert!(v.explanations[0].message().contains(&tg), "{v}");
    // Interface endpoints carry TCP only.
    let p = privatelink();
    let v = check(
        &p.n,
        flow(&p.client, &p.vpce, Protocol::UDP, Some(443)),
        false,
        &[ProtocolRestriction, EniSgRulesMismatch],
    );
    assert!(v
        .explanations
        .iter()
        .any(|e| e.component.as_ref() == p.vpce));
}

#[test]
fn endpoint_pending_acceptance_is_not_reachable() {
    let mut p = privatelink();
    // Without interfaces (an endpoint imported that way).
    let ep = p.n.w.vpc_endpoints.get_mut(&p.vpce).unwrap();
    ep.state = State::PendingAcceptance;
    let saved = std::mem::take(&mut ep.interfaces);
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), false, &[BadState]);
    assert_eq!(v.explanations[0].component.as_ref(), p.vpce);
    assert!(
        v.explanations[0].message().contains("pendingAcceptance"),
        "{v}"
    );
    // As the core has it from creation: interfaces, but no acceptance yet.
    p.n.w.vpc_endpoints.get_mut(&p.vpce).unwrap().interfaces = saved;
    for s in [State::PendingAcceptance, State::Rejected, State::Pending] {
        p.n.endpoint_state(&p.vpce, s);
        let v = check(&p.n, tcp(&p.client, &p.vpce_eni, 443), false, &[BadState]);
        assert_eq!(v.explanations[0].component.as_ref(), p.vpce);
        assert!(v.return_path.is_empty());
    }
    p.n.endpoint_state(&p.vpce, State::Available);
    // The service itself can be in a bad state.
    p.n.w.endpoint_services.get_mut(&p.svc).unwrap().state = ServiceState::Deleting;
    let v = check(&p.n, tcp(&p.client, &p.vpce, 443), false, &[BadState]);
    assert_eq!(v.explanations[0].component.as_ref(), p.svc);
}

#[test]
fn service_not_in_the_consumers_zone() {
    let mut p = privatelink();
    p.n.subnet_zone(&p.cs, "us-east-1b", "use1-az2");
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[VpceServiceNotInstalledInAz],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.vpce);
    assert!(v.explanations[0].message().contains("use1-az2"), "{v}");
    // A second endpoint interface in the service's zone: the one in the client's zone is
    // still chosen for `vpce-…`; naming the other one works.
    let s2 = p.n.subnet(&p.consumer, "10.0.3.0/24");
    let e2 = p.n.eni(&s2, "10.0.3.50", &[&p.ep_sg]);
    p.n.eni_mut(&e2).interface_type = "vpc_endpoint".into();
    p.n.w
        .vpc_endpoints
        .get_mut(&p.vpce)
        .unwrap()
        .interfaces
        .push(EndpointInterface {
            subnet_id: s2.clone(),
            availability_zone: "us-east-1a".into(),
            network_interface_id: e2.clone(),
        });
    check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[VpceServiceNotInstalledInAz],
    );
    let v = check(&p.n, tcp(&p.client, &e2, 443), true, &[]);
    assert!(v.forward.iter().any(|h| h.kind == HopKind::TargetGroup));
    // A client in the service's zone gets the interface of its own zone.
    let c2 = p.n.eni(&s2, "10.0.3.20", &[&p.consumer.sg]);
    let v = check(&p.n, tcp(&c2, &p.vpce, 443), true, &[]);
    assert!(v.forward.iter().any(|h| h.component.as_ref() == e2));
    // Targets in another zone than the entry node get nothing while cross-zone load
    // balancing is off (AWS's default for network load balancers)…
    let mut p = privatelink();
    p.n.subnet_zone(&p.ps, "us-east-1c", "use1-az3");
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[Elbv2NoTargetsInAz],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.lb);
    assert!(v.explanations[0].message().contains("cross-zone"), "{v}");
    // …and with it on, targets outside the load balancer's zones still get nothing.
    p.n.w
        .load_balancers
        .get_mut(&p.lb)
        .unwrap()
        .attributes
        .insert("load_balancing.cross_zone.enabled".into(), "true".into());
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[ElbInstalledAzRestriction],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.lb);
}

#[test]
fn endpoint_as_source_into_its_own_vpc() {
    let p = privatelink();
    let v = check(
        &p.n,
        tcp(&p.vpce_eni, &p.client, 22),
        false,
        &[VpceIntraVpcTraffic],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.vpce);
    check(
        &p.n,
        tcp(&p.vpce, "10.0.1.20", 22),
        false,
        &[VpceIntraVpcTraffic],
    );
}

#[test]
fn interface_endpoint_blocked_by_its_security_group() {
    let mut p = privatelink();
    p.n.clear_rules(&p.ep_sg, false);
    p.n.rule(&p.ep_sg, false, "tcp", Some((443, 443)), "10.9.0.0/16");
    let v = check(
        &p.n,
        tcp(&p.client, &p.vpce, 443),
        false,
        &[EniSgRulesMismatch],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.ep_sg);
    assert_eq!(v.explanations.len(), 1, "{v}");
    // An AWS service endpoint: the path ends at the service.
    let (ec2, enis) =
        p.n.interface_endpoint(&p.consumer, "ec2", &[(&p.cs, "10.0.1.60")], &[&p.ep_sg]);
    check(
        &p.n,
        tcp(&p.client, &ec2, 443),
        false,
        &[EniSgRulesMismatch],
    );
    p.n.rule(&p.ep_sg, false, "tcp", Some((443, 443)), "10.0.1.0/24");
    let v = check(&p.n, tcp(&p.client, &enis[0], 443), true, &[]);
    let last = v.forward.last().unwrap();
    assert_eq!(last.kind, HopKind::Service);
    assert_eq!(last.component.as_ref(), "com.amazonaws.us-east-1.ec2");
}

#[test]
fn interface_endpoint_reached_across_peering() {
    let mut p = privatelink();
    let b = p.n.vpc("10.7.0.0/16", None);
    let sb = p.n.subnet(&b, "10.7.1.0/24");
    let eb = p.n.eni(&sb, "10.7.1.10", &[&b.sg]);
    let pcx = p.n.peering(&p.consumer, &b, Status::Active);
    p.n.route(&b.rtb, "10.0.0.0/16", &pcx);
    // The endpoint's group admits only 10.0.0.0/16; the consumer has no route back.
    check(
        &p.n,
        tcp(&eb, &p.vpce, 443),
        false,
        &[EniSgRulesMismatch, NoRouteToDestination],
    );
    p.n.rule(&p.ep_sg, false, "tcp", Some((443, 443)), "10.7.0.0/16");
    p.n.route(&p.consumer.rtb, "10.7.0.0/16", &pcx);
    let v = check(&p.n, tcp(&eb, &p.vpce, 443), true, &[]);
    assert!(v
        .forward
        .iter()
        .any(|h| h.kind == HopKind::PeeringConnection));
    assert!(v.forward.iter().any(|h| h.kind == HopKind::TargetGroup));
    // Not across a peering that is not active.
    p.n.set_peering(&pcx, Status::PendingAcceptance);
    check(&p.n, tcp(&eb, &p.vpce, 443), false, &[BadStateRoute]);
}

/// One VPC (10.0.0.0/16) with an S3 gateway endpoint on its main table; a peer B
/// (10.1.0.0/16).
fn s3() -> (Net, VpcIds, String, String, VpcIds, String, String) {
    let mut n = Net::new();
    let a = n.vpc("10.0.0.0/16", None);
    let sa = n.subnet(&a, "10.0.1.0/24");
    let ea = n.eni(&sa, "10.0.1.10", &[&a.sg]);
    let vpce = n.gateway_endpoint(&a, "s3", &[&a.rtb.clone()]);
    let b = n.vpc("10.1.0.0/16", None);
    let sb = n.subnet(&b, "10.1.1.0/24");
    let eb = n.eni(&sb, "10.1.1.10", &[&b.sg]);
    let pcx = n.peering(&a, &b, Status::Active);
    n.route(&a.rtb, "10.1.0.0/16", &pcx);
    n.route(&b.rtb, "10.0.0.0/16", &pcx);
    (n, a, ea, vpce, b, eb, pcx)
}

/// An address of the synthetic S3 prefix list of us-east-1.
fn s3_address() -> String {
    let nets = prefix_list::aws_managed_cidrs(REGION, "s3");
    match nets[0] {
        ipnet::IpNet::V4(n) => n.hosts().nth(5).unwrap().to_string(),
        ipnet::IpNet::V6(_) => unreachable!(),
    }
}

#[test]
fn gateway_endpoint_protocols() {
    let (mut n, a, ea, vpce, ..) = s3();
    let s3 = s3_address();
    let v = check(&n, tcp(&ea, &s3, 443), true, &[]);
    let last = v.forward.last().unwrap();
    assert_eq!(last.kind, HopKind::Service);
    assert_eq!(last.component.as_ref(), "com.amazonaws.us-east-1.s3");
    // `View::compile` takes the world's lists by default.
    assert!(decide(&View::compile(&n.w), &tcp(&ea, &s3, 443)).reachable);
    let v = check(
        &n,
        flow(&ea, &s3, Protocol::UDP, Some(443)),
        false,
        &[VpceGatewayProtocolRestriction],
    );
    assert_eq!(v.explanations[0].component.as_ref(), vpce);
    check(&n, flow(&ea, &s3, Protocol::ICMP, None), true, &[]);
    check(
        &n,
        flow(&ea, &s3, Protocol::ICMP, Some(13)),
        false,
        &[VpceGatewayProtocolRestriction],
    );
    // Security groups may name the prefix list in outbound rules.
    let pl = prefix_list::aws_managed_id(REGION, "s3");
    n.clear_rules(&a.sg, true);
    n.rule(&a.sg, true, "tcp", Some((443, 443)), &pl);
    check(&n, tcp(&ea, &s3, 443), true, &[]);
    check(&n, tcp(&ea, &s3, 80), false, &[EniSgRulesMismatch]);
    // An endpoint not available: its route is a blackhole.
    n.endpoint_state(&vpce, State::Deleting);
    check(&n, tcp(&ea, &s3, 443), false, &[BadStateRoute]);
    n.w.vpc_endpoints.remove(&vpce);
    check(&n, tcp(&ea, &s3, 443), false, &[BadStateRoute]);
}

#[test]
fn gateway_endpoint_refused_from_a_peered_vpc() {
    let (mut n, a, _, vpce, b, eb, pcx) = s3();
    let s3 = s3_address();
    let pl = prefix_list::aws_managed_id(REGION, "s3");
    // B has no route to S3 at all…
    check(&n, tcp(&eb, &s3, 443), false, &[NoRouteToDestination]);
    // …sending the list to the peering delivers only into A's CIDR (non-transitive)…
    n.route(&b.rtb, &pl, &pcx);
    let v = check(
        &n,
        tcp(&eb, &s3, 443),
        false,
        &[PcxRequiresAddressInVpcCidr],
    );
    assert_eq!(v.explanations[0].component.as_ref(), pcx);
    // …and naming A's endpoint in B's table (as an import may hold) is refused.
    n.remove_route(&b.rtb, &pl);
    n.gateway_route(&b.rtb, &pl, &vpce);
    let v = check(
        &n,
        tcp(&eb, &s3, 443),
        false,
        &[VpceGatewayEgressSourceAddressRestriction],
    );
    let e = &v.explanations[0];
    assert_eq!(e.component.as_ref(), vpce);
    assert!(
        e.message().contains(&a.id) && e.message().contains("peering"),
        "{v}"
    );
}

#[test]
fn endpoint_destination_names() {
    let p = privatelink();
    assert_eq!(
        Endpoint::parse(&p.vpce),
        Some(Endpoint::Vpce(p.vpce.clone()))
    );
    assert_eq!(Endpoint::parse(&p.svc), None);
    check(
        &p.n,
        tcp(&p.client, "vpce-0000", 443),
        false,
        &[NoSourceOrDestination],
    );
    let (n, _, ea, vpce, ..) = s3();
    let v = check(&n, tcp(&ea, &vpce, 443), false, &[NoSourceOrDestination]);
    assert!(
        v.explanations[0].message().contains("gateway endpoint"),
        "{v}"
    );
}

// ---- a client reaching a network load balancer directly (§14.1, §14.5, §17.2) ------------

/// The [`privatelink`] world with a client in the provider's VPC (10.0.1.30, default
/// group), sending to the load balancer node's address 10.0.2.100.
fn direct() -> (Pl, String) {
    let mut p = privatelink();
    let c = p.n.eni(&p.ps, "10.0.1.30", &[&p.provider.sg]);
    (p, c)
}

fn set_attribute(n: &mut Net, tg_or_lb: &str, key: &str, value: &str) {
    let w = &mut n.w;
    let attributes = match w.load_balancers.get_mut(tg_or_lb) {
        Some(lb) => &mut lb.attributes,
        None => &mut w.target_groups.get_mut(tg_or_lb).unwrap().attributes,
    };
    attributes.insert(key.into(), value.into());
}

#[test]
fn direct_client_through_a_load_balancer_without_groups() {
    let (mut p, c) = direct();
    // No groups on the load balancer: the listener takes the client; the instance target
    // sees the client's own address (client IP preservation), which its group must allow.
    let v = check(
        &p.n,
        tcp(&c, "10.0.2.100", 443),
        false,
        &[EniSgRulesMismatch],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.server_sg);
    assert!(v.explanations[0].message().contains("10.0.1.30"), "{v}");
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.1.30/32",
    );
    let v = check(&p.n, tcp(&c, "10.0.2.100", 443), true, &[]);
    let k = kinds(&v.forward);
    for want in [
        HopKind::LoadBalancer,
        HopKind::LoadBalancerListener,
        HopKind::TargetGroup,
    ] {
        assert!(k.contains(&want), "{want:?} missing\n{v}");
    }
    assert_eq!(target_hop(&v).header.src.to_string(), "10.0.1.30");
    // The reply goes target → node, then node → client from the node's address.
    assert_eq!(v.return_path.last().unwrap().component.as_ref(), c);
    assert_eq!(
        v.return_path.last().unwrap().header.src.to_string(),
        "10.0.2.100"
    );
    // Without preservation the target sees the node, as through PrivateLink.
    set_attribute(&mut p.n, &p.tg, "preserve_client_ip.enabled", "false");
    let v = check(&p.n, tcp(&c, "10.0.2.100", 443), true, &[]);
    assert_eq!(target_hop(&v).header.src.to_string(), "10.0.2.100");
    // No listener on the port.
    let v = check(
        &p.n,
        tcp(&c, "10.0.2.100", 80),
        false,
        &[Elbv2ListenersMismatch],
    );
    assert_eq!(v.explanations[0].component.as_ref(), p.lb);
    let d = &v.explanations[0].detail;
    assert_eq!(d.load_balancer.as_deref(), Some(p.lb.as_str()));
    assert_eq!(d.header.and_then(|h| h.dst_port), Some(80));
}

#[test]
fn the_load_balancer_hop_names_listener_target_group_and_target() {
    let (mut p, c) = direct();
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.1.30/32",
    );
    let v = check(&p.n, tcp(&c, "10.0.2.100", 443), true, &[]);
    let lb = v
        .forward
        .iter()
        .find(|h| h.kind == HopKind::LoadBalancer)
        .expect("a load balancer hop");
    let crate::Applied::LoadBalancer(b) = &lb.applied else {
        panic!("{:?}", lb.applied);
    };
    let listener = &b.listener;
    assert!(listener.arn.contains(":listener/"), "{listener:?}");
    assert_eq!(
        (listener.port, listener.protocol.as_deref()),
        (Some(443), Some("TCP"))
    );
    assert_eq!(&*b.target_group, p.tg.as_str());
    let t = b.target.as_ref().expect("the target");
    assert_eq!((&*t.id, t.port), (p.server_i.as_str(), 8080));
    assert_eq!(
        t.address.map(|a| a.to_string()).as_deref(),
        Some("10.0.1.20")
    );

    // Network Insights: the load balancer's component names them in AWS's members.
    let r = crate::insights::convert(&p.n.w, &kit::scope(REGION), &v);
    let comp = r
        .forward
        .iter()
        .find(|x| x.component.id == p.lb)
        .expect("the load balancer's component");
    assert_eq!(comp.component.arn.as_deref(), Some(p.lb.as_str()));
    let l = comp
        .elastic_load_balancer_listener
        .as_ref()
        .expect("listener");
    assert_eq!(l.id, *listener.arn);
    let [x] = comp.explanations.as_slice() else {
        panic!("{:?}", comp.explanations);
    };
    assert_eq!(x.load_balancer_arn.as_deref(), Some(p.lb.as_str()));
    assert_eq!(x.load_balancer_listener_port, Some(443));
    let tg = x.load_balancer_target_group.as_ref().expect("target group");
    assert_eq!(tg.id, p.tg);
    let target = x.load_balancer_target.as_ref().expect("target");
    assert_eq!(
        target.instance.as_ref().map(|i| i.id.as_str()),
        Some(p.server_i.as_str())
    );
    assert_eq!(
        (target.port, x.load_balancer_target_port),
        (Some(8080), Some(8080))
    );

    // A blocker met on the way to the target names the target and the listener.
    p.n.clear_rules(&p.server_sg, false);
    let v = check(&p.n, tcp(&c, "10.0.2.100", 443), false, &[SgHasNoRules]);
    let e = &v.explanations[0];
    assert_eq!(
        e.detail.target.as_ref().map(|t| &*t.id),
        Some(p.server_i.as_str())
    );
    assert_eq!(e.detail.listener.as_ref().map(|l| l.port), Some(Some(443)));
    assert!(
        e.message().starts_with(&format!("target {}: ", p.server_i)),
        "{v}"
    );
    let r = crate::insights::convert(&p.n.w, &kit::scope(REGION), &v);
    let x = &r.explanations[0];
    assert_eq!(
        x.load_balancer_target_group.as_ref().map(|g| g.id.as_str()),
        Some(p.tg.as_str())
    );
    assert_eq!(x.load_balancer_target_port, Some(8080));
    assert_eq!(
        x.network_interface.as_ref().map(|n| n.id.as_str()),
        Some(p.server.as_str())
    );
}

#[test]
fn load_balancer_groups_apply_to_clients_and_to_privatelink_unless_turned_off() {
    let (mut p, c) = direct();
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.0.0/16",
    );
    let lb_sg = p.n.sg(&p.provider);
    p.n.rule(&lb_sg, true, "tcp", None, "0.0.0.0/0");
    let node = p.n.w.load_balancers.get(&p.lb).unwrap().subnets[0]
        .network_interface_id
        .clone();
    p.n.eni_mut(&node).groups = vec![lb_sg.clone()];
    p.n.w.load_balancers.get_mut(&p.lb).unwrap().security_groups = vec![lb_sg.clone()];
    // Inbound rules of the load balancer's group: none yet.
    for f in [tcp(&c, "10.0.2.100", 443), tcp(&p.client, &p.vpce, 443)] {
        let v = check(&p.n, f, false, &[SgHasNoRules]);
        assert_eq!(v.explanations[0].component.as_ref(), lb_sg);
    }
    // PrivateLink traffic is judged by the consumer's address, the direct client by its own.
    p.n.rule(&lb_sg, false, "tcp", Some((443, 443)), "10.0.1.20/32");
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    let v = check(
        &p.n,
        tcp(&c, "10.0.2.100", 443),
        false,
        &[EniSgRulesMismatch],
    );
    assert_eq!(v.explanations[0].component.as_ref(), lb_sg);
    // EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic off: PrivateLink skips them.
    p.n.clear_rules(&lb_sg, false);
    p.n.w
        .load_balancers
        .get_mut(&p.lb)
        .unwrap()
        .enforce_inbound_on_privatelink = false;
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
    check(&p.n, tcp(&c, "10.0.2.100", 443), false, &[SgHasNoRules]);
}

#[test]
fn cross_zone_load_balancing_is_off_by_default() {
    let (mut p, c) = direct();
    p.n.rule(
        &p.server_sg,
        false,
        "tcp",
        Some((8080, 8080)),
        "10.0.0.0/16",
    );
    // The target moves to another zone the load balancer is also in.
    let far = p.n.subnet(&p.provider, "10.0.3.0/24");
    p.n.subnet_zone(&far, "us-east-1b", "use1-az2");
    let node2 = p.n.eni(&far, "10.0.3.100", &[]);
    let s = p.n.w.subnets.get(&far).unwrap().clone();
    p.n.w
        .load_balancers
        .get_mut(&p.lb)
        .unwrap()
        .subnets
        .push(openvpc_core::elb::LbSubnet {
            subnet_id: far.clone(),
            availability_zone: s.availability_zone.clone(),
            availability_zone_id: s.availability_zone_id.clone(),
            network_interface_id: node2,
            private_ip: "10.0.3.100".parse().unwrap(),
            requested_ip: true,
            public_ip: None,
        });
    p.n.subnet_zone(&p.ps, "us-east-1b", "use1-az2");
    for f in [tcp(&c, "10.0.2.100", 443), tcp(&p.client, &p.vpce, 443)] {
        let v = check(&p.n, f, false, &[Elbv2NoTargetsInAz]);
        assert_eq!(v.explanations[0].component.as_ref(), p.lb);
    }
    // The node in the target's zone serves it.
    check(&p.n, tcp(&c, "10.0.3.100", 443), true, &[]);
    // Cross-zone on the load balancer, or on the target group alone.
    set_attribute(&mut p.n, &p.tg, "load_balancing.cross_zone.enabled", "true");
    check(&p.n, tcp(&c, "10.0.2.100", 443), true, &[]);
    set_attribute(
        &mut p.n,
        &p.tg,
        "load_balancing.cross_zone.enabled",
        "false",
    );
    set_attribute(&mut p.n, &p.lb, "load_balancing.cross_zone.enabled", "true");
    check(
        &p.n,
        tcp(&c, "10.0.2.100", 443),
        false,
        &[Elbv2NoTargetsInAz],
    );
    set_attribute(
        &mut p.n,
        &p.tg,
        "load_balancing.cross_zone.enabled",
        "use_load_balancer_configuration",
    );
    check(&p.n, tcp(&p.client, &p.vpce, 443), true, &[]);
}

#[test]
fn provider_to_consumer_is_disconnected_not_a_garbled_route() {
    // The provider's server and the consumer's client share 10.0.1.20: from the server the
    // address is its own, the VPCs are not connected (PrivateLink is one way).
    let p = privatelink();
    let v = check(
        &p.n,
        tcp(&p.server, &p.client, 443),
        false,
        &[SgHasNoRules, DisconnectedVpcs],
    );
    let e = v
        .explanations
        .iter()
        .find(|e| e.code == DisconnectedVpcs)
        .unwrap();
    assert_eq!(e.component.as_ref(), p.consumer.id);
    assert!(e.message().contains("not connected"), "{v}");
    assert!(!e.message().contains("route no route"), "{v}");
}

#[test]
fn endpoint_state_moved_by_its_timer_updates_part_by_part() {
    let mut p = privatelink();
    p.n.endpoint_state(&p.vpce, State::Pending);
    let before = View::compile(&p.n.w);
    let flow = tcp(&p.client, &p.vpce_eni, 443);
    assert!(!decide(&before, &flow).reachable);
    // What the endpoint's timer does: pending → available.
    p.n.endpoint_state(&p.vpce, State::Available);
    let changes = crate::Changes::ids([p.vpce.clone()]);
    let after = before
        .try_update(&p.n.w, &changes)
        .expect("an endpoint's state is a part of the view");
    let fresh = decide(&View::compile(&p.n.w), &flow);
    assert!(fresh.reachable, "{fresh}");
    assert_eq!(decide(&after, &flow), fresh);
}
