//! In-process cost of PrivateLink discovery and endpoint describes as services grow.
//!
//! `cargo run --release -p openvpc-wire --example privatelink_bench` publishes endpoint
//! services (each behind its own NLB, with a permission for every consumer account) and
//! creates interface endpoints across ten consumer accounts, all through `handle()` with
//! Query parameters (the server's path minus HTTP and the journal). At 100 and 1,000
//! services (500 and 5,000 endpoints) it times DescribeVpcEndpointServices (whole
//! catalogue, per returned item; and by name) and DescribeVpcEndpoints (by id; by VPC).

mod kit;

use std::time::Instant;

use openvpc_core::{Command, Config, Ctx, World};
use openvpc_wire::params::Params;
use openvpc_wire::{actions, elbv2};

const PROVIDER: &str = "900000000000";
const CONSUMERS: usize = 10;

type Bench = openvpc_wire::InMemory;

/// Driving the in-memory backend as one account or another.
trait Driver {
    fn as_account(&mut self, account: &str);
    fn call(&mut self, account: &str, pairs: &[(&str, &str)]) -> String;
}

impl Driver for Bench {
    fn as_account(&mut self, account: &str) {
        self.ctx = Ctx::new(account, self.ctx.region(), self.ctx.now);
        if !self.world.scope_ready(self.ctx.scope()) {
            self.world.apply(&self.ctx, Command::InitScope).unwrap();
        }
        self.world.tick(self.ctx.now);
    }

    fn call(&mut self, account: &str, pairs: &[(&str, &str)]) -> String {
        self.as_account(account);
        let params = Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let action = params.peek("Action").unwrap().to_string();
        let resp = if params.peek("Version") == Some("2015-12-01") {
            elbv2::handle(&action, &params, self, "bench")
        } else {
            actions::handle(&action, &params, self, "bench")
        };
        assert_eq!(resp.status, 200, "{action}: {}", resp.body);
        resp.body
    }
}

/// The text of the first `<tag>…</tag>` in `body`.
fn first(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body.find(&open).expect(tag) + open.len();
    let end = body[start..].find('<').unwrap() + start;
    body[start..end].to_string()
}

fn consumer(i: usize) -> String {
    format!("{:012}", 910_000_000_000u64 + i as u64)
}

struct World2 {
    b: Bench,
    provider_subnets: Vec<String>,
    zone_ids: Vec<String>,
    services: Vec<String>,
    endpoints: Vec<String>,
    consumer_vpcs: Vec<(String, String, String)>, // (account, vpc, subnet)
}

fn setup() -> World2 {
    let ctx = Ctx::new(PROVIDER, "us-east-1", 1_700_000_000_000);
    let mut b = Bench {
        world: World::new(Config::default(), 11),
        ctx,
    };
    let vpc = first(
        &b.call(
            PROVIDER,
            &[
                ("Action", "CreateVpc"),
                ("Version", "2016-11-15"),
                ("CidrBlock", "10.0.0.0/16"),
            ],
        ),
        "vpcId",
    );
    let mut provider_subnets = Vec::new();
    let mut zone_ids = Vec::new();
    for (i, az) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        let body = b.call(
            PROVIDER,
            &[
                ("Action", "CreateSubnet"),
                ("Version", "2016-11-15"),
                ("VpcId", &vpc),
                ("CidrBlock", &format!("10.0.{}.0/20", i * 16)),
                ("AvailabilityZone", az),
            ],
        );
        provider_subnets.push(first(&body, "subnetId"));
        zone_ids.push(first(&body, "availabilityZoneId"));
    }
    let mut consumer_vpcs = Vec::new();
    for c in 0..CONSUMERS {
        let acct = consumer(c);
        for v in 0..10 {
            let vpc = first(
                &b.call(
                    &acct,
                    &[
                        ("Action", "CreateVpc"),
                        ("Version", "2016-11-15"),
                        ("CidrBlock", &format!("10.{v}.0.0/16")),
                    ],
                ),
                "vpcId",
            );
            let subnet = first(
                &b.call(
                    &acct,
                    &[
                        ("Action", "CreateSubnet"),
                        ("Version", "2016-11-15"),
                        ("VpcId", &vpc),
                        ("CidrBlock", &format!("10.{v}.0.0/20")),
                        ("AvailabilityZoneId", &zone_ids[0]),
                    ],
                ),
                "subnetId",
            );
            consumer_vpcs.push((acct.clone(), vpc, subnet));
        }
    }
    World2 {
        b,
        provider_subnets,
        zone_ids,
        services: Vec::new(),
        endpoints: Vec::new(),
        consumer_vpcs,
    }
}

/// Publishes services up to `total`, each with 5 endpoints from the consumers.
fn grow(s: &mut World2, total: usize) {
    let principals: Vec<String> = (0..CONSUMERS)
        .map(|c| format!("arn:aws:iam::{}:root", consumer(c)))
        .collect();
    while s.services.len() < total {
        let i = s.services.len();
        let name = format!("nlb-{i}");
        let body = s.b.call(
            PROVIDER,
            &[
                ("Action", "CreateLoadBalancer"),
                ("Version", "2015-12-01"),
                ("Name", &name),
                ("Type", "network"),
                ("Scheme", "internal"),
                ("Subnets.member.1", &s.provider_subnets[0]),
                ("Subnets.member.2", &s.provider_subnets[1]),
            ],
        );
        let arn = first(&body, "LoadBalancerArn");
        let body = s.b.call(
            PROVIDER,
            &[
                ("Action", "CreateVpcEndpointServiceConfiguration"),
                ("Version", "2016-11-15"),
                ("NetworkLoadBalancerArn.1", &arn),
                ("AcceptanceRequired", "false"),
            ],
        );
        let (id, service_name) = (first(&body, "serviceId"), first(&body, "serviceName"));
        let mut perm: Vec<(String, String)> = vec![
            (
                "Action".into(),
                "ModifyVpcEndpointServicePermissions".into(),
            ),
            ("Version".into(), "2016-11-15".into()),
            ("ServiceId".into(), id.clone()),
        ];
        for (k, p) in principals.iter().enumerate() {
            perm.push((format!("AddAllowedPrincipals.{}", k + 1), p.clone()));
        }
        let perm_ref: Vec<(&str, &str)> =
            perm.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        s.b.call(PROVIDER, &perm_ref);
        for e in 0..5 {
            let (acct, vpc, subnet) = s.consumer_vpcs[(i * 5 + e) % s.consumer_vpcs.len()].clone();
            let body = s.b.call(
                &acct,
                &[
                    ("Action", "CreateVpcEndpoint"),
                    ("Version", "2016-11-15"),
                    ("VpcEndpointType", "Interface"),
                    ("VpcId", &vpc),
                    ("ServiceName", &service_name),
                    ("SubnetId.1", &subnet),
                ],
            );
            s.endpoints.push(first(&body, "vpcEndpointId"));
        }
        s.services.push(service_name);
    }
}

fn time(
    s: &mut World2,
    label: &str,
    account: &str,
    requests: &[Vec<(String, String)>],
    per_item: Option<&str>,
) {
    s.b.as_account(account);
    let (t, last) = kit::time_requests(&mut s.b, requests);
    let items = per_item.map_or(0, |tag| last.matches(&format!("<{tag}>")).count());
    let per = if items > 0 {
        format!(
            "   {items:>5} items, {:.2} us/item",
            t.us(0.5) / items as f64
        )
    } else {
        String::new()
    };
    println!(
        "{label:<44} services={:<5} endpoints={:<5} p50 {:>8.2} us  p99 {:>8.2} us{per}",
        s.services.len(),
        s.endpoints.len(),
        t.us(0.5),
        t.us(0.99)
    );
}

fn req(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    let mut s = setup();
    eprintln!("consumer AZ id {}", s.zone_ids[0]);
    for total in [100, 1000] {
        let started = Instant::now();
        grow(&mut s, total);
        eprintln!(
            "published {total} services in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let who = consumer(3);
        let catalogue: Vec<_> = (0..200)
            .map(|_| {
                req(&[
                    ("Action", "DescribeVpcEndpointServices"),
                    ("Version", "2016-11-15"),
                ])
            })
            .collect();
        time(
            &mut s,
            "DescribeVpcEndpointServices (catalogue)",
            &who,
            &catalogue,
            Some("serviceType"),
        );
        let by_name: Vec<_> = (0..5000)
            .map(|i| {
                req(&[
                    ("Action", "DescribeVpcEndpointServices"),
                    ("Version", "2016-11-15"),
                    ("ServiceName.1", &s.services[(i * 37) % s.services.len()]),
                ])
            })
            .collect();
        time(
            &mut s,
            "DescribeVpcEndpointServices (by name)",
            &who,
            &by_name,
            None,
        );
        let mine: Vec<String> =
            s.b.world
                .vpc_endpoints
                .values()
                .filter(|e| e.scope.account == who)
                .map(|e| e.id.clone())
                .collect();
        let by_id: Vec<_> = (0..5000)
            .map(|i| {
                req(&[
                    ("Action", "DescribeVpcEndpoints"),
                    ("Version", "2016-11-15"),
                    ("VpcEndpointId.1", &mine[(i * 13) % mine.len()]),
                ])
            })
            .collect();
        time(&mut s, "DescribeVpcEndpoints (by id)", &who, &by_id, None);
        let vpc = s
            .consumer_vpcs
            .iter()
            .find(|(a, _, _)| *a == who)
            .unwrap()
            .1
            .clone();
        let by_vpc: Vec<_> = (0..500)
            .map(|_| {
                req(&[
                    ("Action", "DescribeVpcEndpoints"),
                    ("Version", "2016-11-15"),
                    ("Filter.1.Name", "vpc-id"),
                    ("Filter.1.Value.1", &vpc),
                ])
            })
            .collect();
        time(
            &mut s,
            "DescribeVpcEndpoints (by vpc-id filter)",
            &who,
            &by_vpc,
            Some("vpcEndpointId"),
        );
    }
}
