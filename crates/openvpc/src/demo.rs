//! `openvpc demo`: builds the seed's world against a running server through its Query API,
//! then (given the server's data directory) decides the flows the seed makes claims about
//! and prints the matrix of the demo VPCs.
//!
//! The world: VPCs A (10.0.0.0/16), B (10.1.0.0/16) and C (10.2.0.0/16) of account
//! 111111111111, one subnet and one instance each, a security group allowing TCP 443 from
//! 10.0.0.0/8; peerings A–B and A–C with routes both ways; B also routes C's CIDR to the
//! A–B peering, which cannot carry it (peering is not transitive). When the server serves
//! PrivateLink: account 222222222222 publishes a service from its own VPC (10.0.0.0/16,
//! overlapping A) through a network load balancer, A consumes it through an interface
//! endpoint, and A gets an S3 gateway endpoint on its route table.

use std::path::PathBuf;

use openvpc_reach::{decide, Endpoint, Flow, Protocol, View};
use serde_json::{json, Value};

use crate::api::{tag, tags, CallError, Client, Service};
use crate::state::load_world;

/// The consumer account (owner of VPCs A, B and C).
pub const CONSUMER: &str = "111111111111";
/// The account publishing the PrivateLink service.
pub const PROVIDER: &str = "222222222222";
/// The port every demo flow uses.
pub const PORT: u16 = 443;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Endpoint of a running `openvpc serve` (started without --credentials).
    #[arg(long, default_value = "http://127.0.0.1:4566")]
    pub endpoint: String,
    /// The running server's --data-dir: when given, the demo decides the seed's flows and
    /// prints the matrix of the demo VPCs from it (read only).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Region to build in.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Print a JSON document instead of the narrative.
    #[arg(long)]
    pub json: bool,
}

/// One VPC of the demo with its subnet, group, instance and main route table.
#[derive(Debug, Clone, Default)]
struct Net {
    name: &'static str,
    account: &'static str,
    cidr: &'static str,
    vpc: String,
    subnet: String,
    az_id: String,
    sg: String,
    rtb: String,
    instance: String,
    eni: String,
    ip: String,
}

impl Net {
    fn json(&self) -> Value {
        json!({
            "account": self.account,
            "cidr": self.cidr,
            "vpc": self.vpc,
            "subnet": self.subnet,
            "availability_zone_id": self.az_id,
            "security_group": self.sg,
            "route_table": self.rtb,
            "instance": self.instance,
            "network_interface": self.eni,
            "private_ip": self.ip,
        })
    }
}

struct Demo {
    api: Client,
    quiet: bool,
}

type Res<T> = Result<T, CallError>;

fn need<'a>(xml: &'a str, name: &str, action: &str) -> Res<&'a str> {
    tag(xml, name)
        .ok_or_else(|| CallError::Transport(format!("{action}: no <{name}> in the answer")))
}

impl Demo {
    fn say(&self, s: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", s.as_ref());
        }
    }

    fn ec2(&self, account: &str, action: &str, params: &[(&str, &str)]) -> Res<String> {
        self.api.call(Service::Ec2, account, action, params)
    }

    fn elb(&self, account: &str, action: &str, params: &[(&str, &str)]) -> Res<String> {
        self.api.call(Service::Elb, account, action, params)
    }

    /// Whether the server knows `action` (it answers InvalidAction when it does not).
    fn serves(&self, account: &str, action: &str) -> Res<bool> {
        match self.ec2(account, action, &[]) {
            Err(CallError::Api { code, .. }) if code == "InvalidAction" => Ok(false),
            Err(CallError::Transport(e)) => Err(CallError::Transport(e)),
            _ => Ok(true),
        }
    }

    /// A VPC with one subnet (in the zone `az_id`, or the zone the account calls the
    /// Region's first, `…a`), a security group allowing TCP 443 from 10.0.0.0/8, one running
    /// instance in it, and its main route table.
    fn net(
        &self,
        name: &'static str,
        account: &'static str,
        cidr: &'static str,
        az_id: Option<&str>,
    ) -> Res<Net> {
        let mut n = Net {
            name,
            account,
            cidr,
            ..Net::default()
        };
        let tagged = |ty: &str| vec![("TagSpecification.1.ResourceType", ty.to_string())];
        let label = format!("demo-{name}");
        let with_name = |ty: &str| {
            let mut v = tagged(ty);
            v.push(("TagSpecification.1.Tag.1.Key", "Name".into()));
            v.push(("TagSpecification.1.Tag.1.Value", label.clone()));
            v
        };
        let p = |extra: &[(&'static str, String)], v: Vec<(&'static str, String)>| {
            let mut all: Vec<(&str, String)> = extra.to_vec();
            all.extend(v);
            all
        };
        let call = |action: &str, params: Vec<(&str, String)>| {
            let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            self.ec2(account, action, &refs)
        };
        let x = call(
            "CreateVpc",
            p(&[("CidrBlock", cidr.into())], with_name("vpc")),
        )?;
        n.vpc = need(&x, "vpcId", "CreateVpc")?.to_string();
        let subnet_cidr = cidr.replacen(".0.0/16", ".1.0/24", 1);
        let x = call(
            "CreateSubnet",
            p(
                &[
                    ("VpcId", n.vpc.clone()),
                    ("CidrBlock", subnet_cidr.clone()),
                    match az_id {
                        Some(z) => ("AvailabilityZoneId", z.to_string()),
                        None => ("AvailabilityZone", format!("{}a", self.api.region)),
                    },
                ],
                with_name("subnet"),
            ),
        )?;
        n.subnet = need(&x, "subnetId", "CreateSubnet")?.to_string();
        n.az_id = need(&x, "availabilityZoneId", "CreateSubnet")?.to_string();
        let x = call(
            "CreateSecurityGroup",
            p(
                &[
                    ("VpcId", n.vpc.clone()),
                    ("GroupName", format!("demo-{name}-app")),
                    ("GroupDescription", "demo: TCP 443 from 10.0.0.0/8".into()),
                ],
                with_name("security-group"),
            ),
        )?;
        n.sg = need(&x, "groupId", "CreateSecurityGroup")?.to_string();
        call(
            "AuthorizeSecurityGroupIngress",
            vec![
                ("GroupId", n.sg.clone()),
                ("IpPermissions.1.IpProtocol", "tcp".into()),
                ("IpPermissions.1.FromPort", PORT.to_string()),
                ("IpPermissions.1.ToPort", PORT.to_string()),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8".into()),
            ],
        )?;
        let x = call(
            "RunInstances",
            p(
                &[
                    ("ImageId", "ami-0e2c8caa4b6378d8c".into()),
                    ("InstanceType", "t3.micro".into()),
                    ("MinCount", "1".into()),
                    ("MaxCount", "1".into()),
                    ("SubnetId", n.subnet.clone()),
                    ("SecurityGroupId.1", n.sg.clone()),
                ],
                with_name("instance"),
            ),
        )?;
        n.instance = need(&x, "instanceId", "RunInstances")?.to_string();
        n.eni = need(&x, "networkInterfaceId", "RunInstances")?.to_string();
        n.ip = need(&x, "privateIpAddress", "RunInstances")?.to_string();
        let x = call(
            "DescribeRouteTables",
            vec![
                ("Filter.1.Name", "vpc-id".into()),
                ("Filter.1.Value.1", n.vpc.clone()),
                ("Filter.2.Name", "association.main".into()),
                ("Filter.2.Value.1", "true".into()),
            ],
        )?;
        n.rtb = need(&x, "routeTableId", "DescribeRouteTables")?.to_string();
        self.say(format!(
            "  {label:7} {} {cidr:12}  {} {subnet_cidr}  {} ({}, {})  sg {}  rtb {}",
            n.vpc, n.subnet, n.instance, n.eni, n.ip, n.sg, n.rtb
        ));
        Ok(n)
    }

    fn peer(&self, a: &Net, b: &Net) -> Res<String> {
        let x = self.ec2(
            a.account,
            "CreateVpcPeeringConnection",
            &[("VpcId", &a.vpc), ("PeerVpcId", &b.vpc)],
        )?;
        let pcx = need(&x, "vpcPeeringConnectionId", "CreateVpcPeeringConnection")?.to_string();
        self.ec2(
            b.account,
            "AcceptVpcPeeringConnection",
            &[("VpcPeeringConnectionId", &pcx)],
        )?;
        Ok(pcx)
    }

    fn route(&self, n: &Net, cidr: &str, pcx: &str) -> Res<()> {
        self.ec2(
            n.account,
            "CreateRoute",
            &[
                ("RouteTableId", &n.rtb),
                ("DestinationCidrBlock", cidr),
                ("VpcPeeringConnectionId", pcx),
            ],
        )?;
        self.say(format!(
            "  route {cidr:12} -> {pcx} in {} ({})",
            n.rtb, n.name
        ));
        Ok(())
    }

    /// The provider's VPC, load balancer and endpoint service, and A's interface endpoint.
    fn privatelink(&self, a: &Net) -> Res<Value> {
        // Zone names differ between accounts; the service must be in the consumer's zone,
        // so the provider's subnet is placed by zone id.
        let p = self.net("provider", PROVIDER, "10.0.0.0/16", Some(&a.az_id))?;
        // Load balancer and target group names are unique per account: one per run.
        let name = format!(
            "demo-svc-{}",
            a.vpc.trim_start_matches("vpc-").get(..8).unwrap_or("0")
        );
        let x = self.elb(
            PROVIDER,
            "CreateTargetGroup",
            &[
                ("Name", &name),
                ("Protocol", "TCP"),
                ("Port", "443"),
                ("VpcId", &p.vpc),
                ("TargetType", "instance"),
            ],
        )?;
        let tg = need(&x, "TargetGroupArn", "CreateTargetGroup")?.to_string();
        self.elb(
            PROVIDER,
            "RegisterTargets",
            &[
                ("TargetGroupArn", &tg),
                ("Targets.member.1.Id", &p.instance),
            ],
        )?;
        let x = self.elb(
            PROVIDER,
            "CreateLoadBalancer",
            &[
                ("Name", &name),
                ("Type", "network"),
                ("Scheme", "internal"),
                ("Subnets.member.1", &p.subnet),
            ],
        )?;
        let nlb = need(&x, "LoadBalancerArn", "CreateLoadBalancer")?.to_string();
        self.elb(
            PROVIDER,
            "CreateListener",
            &[
                ("LoadBalancerArn", &nlb),
                ("Protocol", "TCP"),
                ("Port", "443"),
                ("DefaultActions.member.1.Type", "forward"),
                ("DefaultActions.member.1.TargetGroupArn", &tg),
            ],
        )?;
        self.say(format!(
            "  NLB {nlb}\n      -> target group {tg} -> {}",
            p.instance
        ));
        // The load balancer must be active before it can back a service.
        self.elb(
            PROVIDER,
            "DescribeLoadBalancers",
            &[("LoadBalancerArns.member.1", &nlb)],
        )?;
        let x = self.ec2(
            PROVIDER,
            "CreateVpcEndpointServiceConfiguration",
            &[
                ("NetworkLoadBalancerArn.1", &nlb),
                ("AcceptanceRequired", "false"),
            ],
        )?;
        let service_id =
            need(&x, "serviceId", "CreateVpcEndpointServiceConfiguration")?.to_string();
        let service_name =
            need(&x, "serviceName", "CreateVpcEndpointServiceConfiguration")?.to_string();
        let principal = format!("arn:aws:iam::{CONSUMER}:root");
        self.ec2(
            PROVIDER,
            "ModifyVpcEndpointServicePermissions",
            &[
                ("ServiceId", &service_id),
                ("AddAllowedPrincipals.1", &principal),
            ],
        )?;
        self.say(format!(
            "  service {service_name} ({service_id}) published by {PROVIDER}, allowed to {principal}"
        ));
        let x = self.ec2(
            CONSUMER,
            "CreateVpcEndpoint",
            &[
                ("VpcEndpointType", "Interface"),
                ("VpcId", &a.vpc),
                ("ServiceName", &service_name),
                ("SubnetId.1", &a.subnet),
                ("SecurityGroupId.1", &a.sg),
                ("PrivateDnsEnabled", "false"),
            ],
        )?;
        let vpce = need(&x, "vpcEndpointId", "CreateVpcEndpoint")?.to_string();
        let first_eni = |x: &str| {
            tag(x, "networkInterfaceIdSet")
                .map(|set| tags(set, "item"))
                .and_then(|items| items.first().map(|i| i.to_string()))
        };
        let eni = match first_eni(&x) {
            Some(e) => e,
            None => {
                // Interface endpoints may list their interfaces only once available.
                let x = self.ec2(
                    CONSUMER,
                    "DescribeVpcEndpoints",
                    &[("VpcEndpointId.1", &vpce)],
                )?;
                first_eni(&x).unwrap_or_default()
            }
        };
        self.say(format!(
            "  interface endpoint {vpce} in {} ({}), network interface {eni}",
            a.vpc, a.name
        ));
        Ok(json!({
            "status": "built",
            "provider": p.json(),
            "target_group": tg,
            "load_balancer": nlb,
            "service_id": service_id,
            "service_name": service_name,
            "endpoint": vpce,
            "endpoint_network_interface": eni,
        }))
    }

    fn s3_gateway(&self, a: &Net) -> Res<Value> {
        let service = format!("com.amazonaws.{}.s3", self.api.region);
        let x = self.ec2(
            CONSUMER,
            "CreateVpcEndpoint",
            &[
                ("VpcEndpointType", "Gateway"),
                ("VpcId", &a.vpc),
                ("ServiceName", &service),
                ("RouteTableId.1", &a.rtb),
            ],
        )?;
        let vpce = need(&x, "vpcEndpointId", "CreateVpcEndpoint")?.to_string();
        self.say(format!(
            "  gateway endpoint {vpce} for {service} on {} ({})",
            a.rtb, a.name
        ));
        Ok(json!({"status": "built", "endpoint": vpce, "service_name": service}))
    }
}

/// A flow the demo decides, and what the seed says of it.
struct Check {
    name: String,
    flow: Flow,
    expect: bool,
}

pub fn run(args: DemoArgs) -> i32 {
    let api = Client::new(&args.endpoint, &args.region).unwrap_or_else(|e| crate::fail(e));
    let demo = Demo {
        api,
        quiet: args.json,
    };
    match build(&demo, &args) {
        Ok(code) => code,
        Err(e) => crate::fail(format!("demo: {e}")),
    }
}

fn build(d: &Demo, args: &DemoArgs) -> Res<i32> {
    d.say(format!(
        "Building the seed's world at {} (accounts {CONSUMER} and {PROVIDER}, {})",
        args.endpoint, args.region
    ));
    d.say("\nVPCs A, B and C, one instance each, TCP 443 allowed from 10.0.0.0/8:");
    let a = d.net("A", CONSUMER, "10.0.0.0/16", None)?;
    let b = d.net("B", CONSUMER, "10.1.0.0/16", None)?;
    let c = d.net("C", CONSUMER, "10.2.0.0/16", None)?;
    d.say("\nPeerings A-B and A-C, routes both ways; B also sends C's CIDR to A-B:");
    let ab = d.peer(&a, &b)?;
    let ac = d.peer(&a, &c)?;
    d.say(format!("  {ab} A-B (active)\n  {ac} A-C (active)"));
    d.route(&a, b.cidr, &ab)?;
    d.route(&a, c.cidr, &ac)?;
    d.route(&b, a.cidr, &ab)?;
    d.route(&b, c.cidr, &ab)?;
    d.route(&c, a.cidr, &ac)?;

    d.say("\nPrivateLink service from another account, S3 gateway endpoint:");
    let privatelink = if d.serves(PROVIDER, "DescribeVpcEndpointServiceConfigurations")? {
        match d.privatelink(&a) {
            Ok(v) => v,
            Err(CallError::Api { code, message }) if code == "InvalidAction" => {
                skipped(d, "PrivateLink", &message)
            }
            Err(e) => return Err(e),
        }
    } else {
        skipped(
            d,
            "PrivateLink",
            "this server does not serve VPC endpoint services (DescribeVpcEndpointServiceConfigurations answers InvalidAction)",
        )
    };
    let gateway = if d.serves(CONSUMER, "DescribeVpcEndpoints")? {
        match d.s3_gateway(&a) {
            Ok(v) => v,
            Err(CallError::Api { code, message }) if code == "InvalidAction" => {
                skipped(d, "S3 gateway endpoint", &message)
            }
            Err(e) => return Err(e),
        }
    } else {
        skipped(
            d,
            "S3 gateway endpoint",
            "this server does not serve VPC endpoints (DescribeVpcEndpoints answers InvalidAction)",
        )
    };

    let vpcs = vec![a.vpc.clone(), b.vpc.clone(), c.vpc.clone()];
    let mut doc = json!({
        "version": crate::reach::JSON_VERSION,
        "endpoint": args.endpoint,
        "region": args.region,
        "vpcs": {"A": a.json(), "B": b.json(), "C": c.json()},
        "peerings": {"A-B": ab, "A-C": ac},
        "privatelink": privatelink,
        "s3_gateway_endpoint": gateway,
        "checks": Value::Null,
        "matrix": Value::Null,
    });
    let matrix_cmd = format!(
        "openvpc matrix --data-dir DIR --vpc {} --vpc {} --vpc {} --protocol tcp --port {PORT}",
        a.vpc, b.vpc, c.vpc
    );
    let Some(dir) = &args.data_dir else {
        doc["matrix_command"] = json!(matrix_cmd);
        if args.json {
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        } else {
            println!(
                "\nDone. Give --data-dir (the server's) to see the verdicts here, or run:\n  {matrix_cmd}\n(DIR: the server's --data-dir)"
            );
        }
        return Ok(0);
    };

    let world = load_world(dir).unwrap_or_else(|e| crate::fail(e));
    let view = View::compile_with(&world, &world);
    let tcp = |from: &Net, to: Endpoint| Flow::new(&from.instance, to, Protocol::TCP, Some(PORT));
    let inst = |n: &Net| Endpoint::Instance(n.instance.clone());
    let mut checks = vec![
        Check {
            name: "A -> B".into(),
            flow: tcp(&a, inst(&b)),
            expect: true,
        },
        Check {
            name: "B -> A".into(),
            flow: tcp(&b, inst(&a)),
            expect: true,
        },
        Check {
            name: "A -> C".into(),
            flow: tcp(&a, inst(&c)),
            expect: true,
        },
        Check {
            name: "C -> A".into(),
            flow: tcp(&c, inst(&a)),
            expect: true,
        },
        Check {
            name: "B -> C (through A)".into(),
            flow: tcp(&b, inst(&c)),
            expect: false,
        },
        Check {
            name: "C -> B".into(),
            flow: tcp(&c, inst(&b)),
            expect: false,
        },
    ];
    if let Some(vpce) = doc["privatelink"]["endpoint"].as_str() {
        // Through the endpoint, its service's load balancer, to the provider's instance.
        checks.push(Check {
            name: "A -> service via endpoint".into(),
            flow: tcp(&a, Endpoint::Vpce(vpce.to_string())),
            expect: true,
        });
        // Unlike a gateway endpoint, an interface endpoint is reachable across a peering.
        checks.push(Check {
            name: "B -> service via A's endpoint".into(),
            flow: tcp(&b, Endpoint::Vpce(vpce.to_string())),
            expect: true,
        });
    }
    if doc["s3_gateway_endpoint"]["status"] == "built" {
        let s3 = openvpc_core::prefix_list::aws_managed_cidrs(&args.region, "s3");
        if let Some(net) = s3.first() {
            let addr = match net.hosts().next() {
                Some(h) => h,
                None => net.addr(),
            };
            checks.push(Check {
                name: format!("A -> S3 ({addr})"),
                flow: tcp(&a, Endpoint::Ip(addr)),
                expect: true,
            });
        }
    }
    let mut unexpected = 0;
    let mut rows = Vec::new();
    d.say(format!(
        "\nVerdicts (tcp {PORT}, read from {}):",
        dir.display()
    ));
    for ch in &checks {
        let v = decide(&view, &ch.flow);
        let ok = v.reachable == ch.expect;
        unexpected += usize::from(!ok);
        let why: Vec<String> = v
            .explanations
            .iter()
            .map(|e| format!("{} at {}", e.code, e.component))
            .collect();
        let line = format!(
            "  {:30} {:14}{}{}",
            ch.name,
            if v.reachable {
                "reachable"
            } else {
                "not reachable"
            },
            if why.is_empty() {
                String::new()
            } else {
                format!("  {}", why.join(", "))
            },
            if ok { "" } else { "   <-- UNEXPECTED" },
        );
        d.say(line.trim_end());
        let mut j = crate::reach::verdict_json(&ch.flow, &v);
        j["name"] = json!(ch.name);
        j["expected"] = json!(if ch.expect {
            "reachable"
        } else {
            "not-reachable"
        });
        rows.push(j);
    }
    let m = crate::matrix::compute(
        &world,
        &vpcs,
        Protocol::TCP,
        PORT,
        openvpc_reach::matrix::DEFAULT_MAX_FLOWS,
    )
    .unwrap_or_else(|e| crate::fail(e));
    doc["checks"] = json!(rows);
    doc["matrix"] = crate::matrix::matrix_json(&m);
    doc["unexpected"] = json!(unexpected);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
    } else {
        println!(
            "\n{}",
            crate::matrix::render(&m, &dir.display().to_string())
        );
        if unexpected > 0 {
            println!("{unexpected} verdict(s) differ from what the seed expects");
        }
    }
    Ok(i32::from(unexpected > 0))
}

fn skipped(d: &Demo, what: &str, why: &str) -> Value {
    d.say(format!("  {what}: skipped: {why}"));
    json!({"status": "skipped", "reason": why})
}
