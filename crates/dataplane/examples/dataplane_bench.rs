//! Data-plane benchmarks (run as root):
//! `cargo run --release -p openvpc-dataplane --example dataplane_bench`
//!
//! 1. A world of 200 interfaces (10 VPCs × 20, peered in a ring) realised from empty.
//! 2. One change applied to the kernel (a security-group rule; a route), median of 20.
//! 3. Cleanup of that world.
//! 4. Single-stream TCP (iperf3, 3 s after 1 s warm-up) side by side in one run, rounds
//!    interleaved: a direct veth between two namespaces, interface to interface through a
//!    peering (two routers, groups, ACLs), through an inter-Region peering (the same plus
//!    the encrypted tunnel: TUN, userspace WireGuard, the backbone between the Regions),
//!    through a transit gateway (two VPC routers and the gateway's router), and through
//!    PrivateLink (endpoint, transit, load-balancer node, NAT both sides); ratios to the
//!    direct veth per round, median.
//! 5. Latency (ICMP echo round trip, `ping -c 200 -i 0.002`, median of the rounds'
//!    averages) of the direct veth, both peerings and the transit gateway, in the same
//!    rounds.

#[path = "../tests/kit/mod.rs"]
mod kit;

use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::time::Instant;

use kit::{first, Api};
use openvpc_dataplane::build::build;
use openvpc_dataplane::kernel;
use openvpc_dataplane::model::{Link, Obj};
use openvpc_dataplane::reconcile::{reconcile, Applied};
use openvpc_dataplane::{cleanup, Names};
use openvpc_reach::View;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

struct Vpc {
    id: String,
    cidr: String,
    subnet: String,
    sg: String,
    rtb: String,
}

fn vpc(api: &mut Api, k: usize) -> Vpc {
    let cidr = format!("10.{k}.0.0/16");
    let id = first(
        &api.call(&[("Action", "CreateVpc"), ("CidrBlock", &cidr)]),
        "vpcId",
    );
    let subnet = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &id),
            ("CidrBlock", &format!("10.{k}.1.0/24")),
        ]),
        "subnetId",
    );
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &id),
            ("GroupName", "bench"),
            ("GroupDescription", "bench"),
        ]),
        "groupId",
    );
    for (proto, from, to) in [("tcp", "5201", "5210"), ("icmp", "-1", "-1")] {
        api.call(&[
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", proto),
            ("IpPermissions.1.FromPort", from),
            ("IpPermissions.1.ToPort", to),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ]);
    }
    let rtb = first(
        &api.call(&[
            ("Action", "DescribeRouteTables"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &id),
        ]),
        "routeTableId",
    );
    Vpc {
        id,
        cidr,
        subnet,
        sg,
        rtb,
    }
}

fn eni(api: &mut Api, v: &Vpc) -> String {
    first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &v.subnet),
            ("SecurityGroupId.1", &v.sg),
        ]),
        "networkInterfaceId",
    )
}

fn peer(api: &mut Api, a: &Vpc, b: &Vpc) {
    let region = api.b.ctx.region().to_string();
    peer_regions(api, a, b, &region);
}

/// Peers `a` (in the current Region) with `b` (in `b_region`), routes both ways.
fn peer_regions(api: &mut Api, a: &Vpc, b: &Vpc, b_region: &str) {
    let a_region = api.b.ctx.region().to_string();
    let pcx = first(
        &api.call(&[
            ("Action", "CreateVpcPeeringConnection"),
            ("VpcId", &a.id),
            ("PeerVpcId", &b.id),
            ("PeerRegion", b_region),
        ]),
        "vpcPeeringConnectionId",
    );
    api.settle();
    api.in_region(b_region);
    api.call(&[
        ("Action", "AcceptVpcPeeringConnection"),
        ("VpcPeeringConnectionId", &pcx),
    ]);
    api.settle();
    for (x, y, region) in [(b, a, b_region), (a, b, a_region.as_str())] {
        api.in_region(region);
        api.call(&[
            ("Action", "CreateRoute"),
            ("RouteTableId", &x.rtb),
            ("DestinationCidrBlock", &y.cidr),
            ("VpcPeeringConnectionId", &pcx),
        ]);
    }
}

/// A transit gateway joining `a` and `b` (default table: both propagate), routes both ways.
fn transit(api: &mut Api, a: &Vpc, b: &Vpc) {
    let tgw = first(
        &api.call(&[("Action", "CreateTransitGateway")]),
        "transitGatewayId",
    );
    api.settle();
    for v in [a, b] {
        api.call(&[
            ("Action", "CreateTransitGatewayVpcAttachment"),
            ("TransitGatewayId", &tgw),
            ("VpcId", &v.id),
            ("SubnetIds.1", &v.subnet),
        ]);
    }
    api.settle();
    for (x, y) in [(a, b), (b, a)] {
        api.call(&[
            ("Action", "CreateRoute"),
            ("RouteTableId", &x.rtb),
            ("DestinationCidrBlock", &y.cidr),
            ("TransitGatewayId", &tgw),
        ]);
    }
}

fn scale() {
    let names = Names::new("bench1");
    cleanup::cleanup(Some(&names)).unwrap();
    let mut api = Api::new(9);
    let vpcs: Vec<Vpc> = (0..10).map(|k| vpc(&mut api, k + 1)).collect();
    for v in &vpcs {
        for _ in 0..20 {
            eni(&mut api, v);
        }
    }
    for k in 0..vpcs.len() {
        peer(&mut api, &vpcs[k], &vpcs[(k + 1) % vpcs.len()]);
    }
    let t = Instant::now();
    let desired = build(api.world(), &View::compile(api.world()), &names);
    let built = ms(t);
    let mut applied = Applied::default();
    let report = reconcile(&mut applied, &desired);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let total = ms(t);
    println!(
        "200 interfaces ({} namespaces) from empty: {total:.0} ms (of which building the desired state {built:.1} ms)",
        desired.namespaces.len()
    );
    let mut changes = Vec::new();
    let (mut builds, mut applies) = (Vec::new(), Vec::new());
    let mut timed = |api: &Api, applied: &mut Applied| {
        let t = Instant::now();
        let d = build(api.world(), &View::compile(api.world()), &names);
        builds.push(ms(t));
        let t = Instant::now();
        let r = reconcile(applied, &d);
        applies.push(ms(t));
        assert!(r.errors.is_empty() && r.changed == 1, "{r:?}");
    };
    for k in 0..20 {
        let t = Instant::now();
        let sg = &vpcs[k % vpcs.len()].sg;
        api.call(&[
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("GroupId", sg),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", &(6000 + k).to_string()),
            ("IpPermissions.1.ToPort", &(6000 + k).to_string()),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ]);
        timed(&api, &mut applied);
        changes.push(ms(t));
        let t = Instant::now();
        api.call(&[
            ("Action", "CreateRoute"),
            ("RouteTableId", &vpcs[k % vpcs.len()].rtb),
            ("DestinationCidrBlock", &format!("172.16.{k}.0/24")),
            (
                "NetworkInterfaceId",
                &desired_first_eni(&api, &vpcs[k % vpcs.len()]),
            ),
        ]);
        timed(&api, &mut applied);
        changes.push(ms(t));
    }
    println!(
        "one change (API call + build + apply), median of {}: {:.1} ms (max {:.1} ms)",
        changes.len(),
        median(changes.clone()),
        changes.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "  of which building the desired state {:.1} ms, applying it {:.1} ms (medians)",
        median(builds),
        median(applies)
    );
    let t = Instant::now();
    let n = cleanup::cleanup(Some(&names)).unwrap();
    println!("cleanup of {n} namespaces: {:.0} ms", ms(t));
}

fn desired_first_eni(api: &Api, v: &Vpc) -> String {
    api.world()
        .network_interfaces
        .values()
        .find(|e| e.vpc_id == v.id)
        .unwrap()
        .id
        .clone()
}

/// Two namespaces joined by a bare veth (192.0.2.1/30 ↔ 192.0.2.2/30): the reference path.
fn direct_pair(d1: &str, d2: &str) {
    for ns in [d1, d2] {
        kernel::netns::create(ns, &[]).unwrap();
    }
    let link = Link {
        a_ns: d1.to_string(),
        a_name: "eth0".into(),
        a_mac: "02:00:00:00:00:01".into(),
        b_ns: d2.to_string(),
        b_name: "eth0".into(),
        b_mac: "02:00:00:00:00:02".into(),
    };
    kernel::netlink::create_veths(&[&link], std::path::Path::new(kernel::NETNS_DIR)).unwrap();
    for (ns, ip) in [(d1, [192, 0, 2, 1]), (d2, [192, 0, 2, 2])] {
        let objects = [
            Obj::up("lo"),
            Obj::up("eth0"),
            Obj::addr("eth0", std::net::Ipv4Addr::from(ip).into(), 30),
        ];
        let adds: Vec<&Obj> = objects.iter().collect();
        kernel::in_namespace(ns, || kernel::netlink::apply(None, &[], &adds)).unwrap();
    }
}

/// The average ICMP echo round trip (ms) from `ns` to `dst` over 200 echoes.
fn ping(ns: &str, dst: IpAddr) -> f64 {
    let out = Command::new("ip")
        .args([
            "netns", "exec", ns, "ping", "-n", "-q", "-c", "200", "-i", "0.002",
        ])
        .arg(dst.to_string())
        .output()
        .expect("ping");
    let text = String::from_utf8_lossy(&out.stdout);
    // "rtt min/avg/max/mdev = 0.031/0.045/0.120/0.010 ms"
    text.lines()
        .find_map(|l| l.split(" = ").nth(1))
        .and_then(|v| v.split('/').nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("ping {dst} from {ns}: {text}"))
}

/// Starts an iperf3 server in `ns` on `port` for one test.
fn iperf_server(ns: &str, port: u16) {
    let ok = Command::new("ip")
        .args(["netns", "exec", ns, "iperf3", "-s", "-1", "-D", "-p"])
        .arg(port.to_string())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "iperf3 server in {ns}");
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// Gbit/s of one iperf3 client run from `ns` to `dst:port`.
fn iperf(ns: &str, dst: IpAddr, port: u16) -> f64 {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, "iperf3", "-c"])
        .arg(dst.to_string())
        .args(["-p", &port.to_string(), "-t", "3", "-O", "1", "-J"])
        .output()
        .expect("iperf3");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("iperf3 JSON");
    doc["end"]["sum_received"]["bits_per_second"]
        .as_f64()
        .unwrap_or_else(|| panic!("iperf3: {doc}"))
        / 1e9
}

fn throughput(rounds: usize) {
    let names = Names::new("bench2");
    cleanup::cleanup(Some(&names)).unwrap();
    // Direct veth between two namespaces of this owner.
    let (d1, d2) = (
        format!("{}direct-a", names.own_prefix()),
        format!("{}direct-b", names.own_prefix()),
    );
    direct_pair(&d1, &d2);

    // Peering and PrivateLink worlds.
    let mut api = Api::new(11);
    let a = vpc(&mut api, 1);
    let b = vpc(&mut api, 2);
    let client = eni(&mut api, &a);
    let server = eni(&mut api, &b);
    peer(&mut api, &a, &b);
    api.in_region("eu-west-1");
    let far = vpc(&mut api, 3);
    let far_server = eni(&mut api, &far);
    api.in_region("us-east-1");
    peer_regions(&mut api, &a, &far, "eu-west-1");
    let hub = vpc(&mut api, 4);
    let hub_server = eni(&mut api, &hub);
    transit(&mut api, &a, &hub);
    let (endpoint_ip, target) = privatelink(&mut api, &a);
    let mut applied = Applied::default();
    let desired = build(api.world(), &View::compile(api.world()), &names);
    let r = reconcile(&mut applied, &desired);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let ns = |id: &str| desired.targets[id].clone();
    let addr =
        |id: &str| IpAddr::V4(api.world().network_interfaces.get(id).unwrap().private_ips[0]);
    let cases: Vec<(&str, String, IpAddr, String)> = vec![
        (
            "direct veth",
            d1.clone(),
            "192.0.2.2".parse().unwrap(),
            d2.clone(),
        ),
        ("peering", ns(&client), addr(&server), ns(&server)),
        (
            "inter-Region peering",
            ns(&client),
            addr(&far_server),
            ns(&far_server),
        ),
        (
            "transit gateway",
            ns(&client),
            addr(&hub_server),
            ns(&hub_server),
        ),
        ("PrivateLink", ns(&client), endpoint_ip, ns(&target)),
    ];
    let mut gbit: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    let mut ratio: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    // ICMP passes the first four paths (an interface endpoint carries TCP only).
    let pinged = 4;
    let mut rtt: Vec<Vec<f64>> = vec![Vec::new(); pinged];
    for round in 0..rounds {
        for k in 0..pinged {
            let i = (k + round) % pinged;
            rtt[i].push(ping(&cases[i].1, cases[i].2));
        }
        let mut this = vec![0.0; cases.len()];
        // Rotate the order each round so background load hits every path alike.
        for k in 0..cases.len() {
            let i = (k + round) % cases.len();
            let (_, cns, dst, sns) = &cases[i];
            let port = 5201 + i as u16;
            iperf_server(sns, port);
            eprintln!("round {round}: {} {cns} -> {dst}:{port}", cases[i].0);
            this[i] = iperf(cns, *dst, port);
        }
        for i in 0..cases.len() {
            gbit[i].push(this[i]);
            ratio[i].push(this[i] / this[0]);
        }
    }
    println!("ICMP echo round trip (ping -c 200 -i 0.002, average per round), {rounds} interleaved rounds:");
    for (i, (name, ..)) in cases.iter().take(pinged).enumerate() {
        println!(
            "  {name:<20} {} ms; median {:.3} ms; {:.1}x the direct veth",
            rtt[i]
                .iter()
                .map(|r| format!("{r:.3}"))
                .collect::<Vec<_>>()
                .join(" "),
            median(rtt[i].clone()),
            median(rtt[i].clone()) / median(rtt[0].clone())
        );
    }
    println!("single-stream TCP (iperf3 -t 3 -O 1), {rounds} interleaved rounds:");
    for (i, (name, ..)) in cases.iter().enumerate() {
        println!(
            "  {name:<20} {} Gbit/s; median {:.2} Gbit/s; ratio to direct veth {:.2}",
            gbit[i]
                .iter()
                .map(|g| format!("{g:.2}"))
                .collect::<Vec<_>>()
                .join(" "),
            median(gbit[i].clone()),
            median(ratio[i].clone())
        );
    }
    cleanup::cleanup(Some(&names)).unwrap();
}

/// The PrivateLink path's iperf3 port (5201 + its place among the measured paths).
const PRIVATELINK_PORT: &str = "5205";

/// A service in another VPC behind PrivateLink, one target; an endpoint in `a`.
fn privatelink(api: &mut Api, a: &Vpc) -> (IpAddr, String) {
    let zone = api
        .world()
        .subnets
        .get(&a.subnet)
        .unwrap()
        .availability_zone_id
        .clone();
    let p = first(
        &api.call(&[("Action", "CreateVpc"), ("CidrBlock", "10.1.0.0/16")]),
        "vpcId",
    );
    let subnet = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &p),
            ("CidrBlock", "10.1.1.0/24"),
            ("AvailabilityZoneId", &zone),
        ]),
        "subnetId",
    );
    let pv = Vpc {
        id: p.clone(),
        cidr: "10.1.0.0/16".into(),
        subnet: subnet.clone(),
        sg: String::new(),
        rtb: String::new(),
    };
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &p),
            ("GroupName", "svc"),
            ("GroupDescription", "svc"),
        ]),
        "groupId",
    );
    api.call(&[
        ("Action", "AuthorizeSecurityGroupIngress"),
        ("GroupId", &sg),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "5201"),
        ("IpPermissions.1.ToPort", "5210"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
    ]);
    let target = eni(
        api,
        &Vpc {
            sg: sg.clone(),
            ..pv
        },
    );
    let tg = first(
        &api.elb(&[
            ("Action", "CreateTargetGroup"),
            ("Name", "bench"),
            ("Protocol", "TCP"),
            ("Port", PRIVATELINK_PORT),
            ("VpcId", &p),
            ("TargetType", "ip"),
        ]),
        "TargetGroupArn",
    );
    let target_ip = api
        .world()
        .network_interfaces
        .get(&target)
        .unwrap()
        .private_ips[0]
        .to_string();
    api.elb(&[
        ("Action", "RegisterTargets"),
        ("TargetGroupArn", &tg),
        ("Targets.member.1.Id", &target_ip),
    ]);
    let nlb = first(
        &api.elb(&[
            ("Action", "CreateLoadBalancer"),
            ("Name", "bench"),
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
        ("Port", PRIVATELINK_PORT),
        ("DefaultActions.member.1.Type", "forward"),
        ("DefaultActions.member.1.TargetGroupArn", &tg),
    ]);
    api.settle();
    let x = api.call(&[
        ("Action", "CreateVpcEndpointServiceConfiguration"),
        ("NetworkLoadBalancerArn.1", &nlb),
        ("AcceptanceRequired", "false"),
    ]);
    let name = first(&x, "serviceName");
    let vpce = first(
        &api.call(&[
            ("Action", "CreateVpcEndpoint"),
            ("VpcEndpointType", "Interface"),
            ("VpcId", &a.id),
            ("ServiceName", &name),
            ("SubnetId.1", &a.subnet),
            ("SecurityGroupId.1", &a.sg),
        ]),
        "vpcEndpointId",
    );
    api.settle();
    let w = api.world();
    let e = &w.vpc_endpoints.get(&vpce).unwrap().interfaces[0].network_interface_id;
    (
        IpAddr::V4(w.network_interfaces.get(e).unwrap().private_ips[0]),
        target,
    )
}

fn main() {
    if !kit::capable() {
        std::process::exit(1);
    }
    scale();
    let rounds = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    throughput(rounds);
}
