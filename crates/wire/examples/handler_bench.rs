//! In-process cost of the wire + core for Describe calls, as the state grows.
//!
//! `cargo run --release -p openvpc-wire --example handler_bench` builds worlds of 1,000 and
//! 10,000 VPCs with 2 peering connections (accepted) and 2 routes per VPC, then times
//! `handle()` — decode, validate, query, render — for DescribeVpcs by id and
//! DescribeVpcPeeringConnections filtered by one VPC. No HTTP, no journal.

mod kit;

use std::time::Instant;

use openvpc_core::{peering, route, vpc, ApiError, Command, Config, Ctx, Output, World};

type Bench = openvpc_wire::InMemory;

fn id(out: Result<Output, ApiError>) -> String {
    match out.expect("command") {
        Output::Id(id) => id,
        other => panic!("{other:?}"),
    }
}

fn build(n: usize) -> (Bench, Vec<String>) {
    let ctx = Ctx::new("111111111111", "us-east-1", 1_700_000_000_000);
    let mut world = World::new(Config::default(), 7);
    world.apply(&ctx, Command::InitScope).unwrap();
    let mut vpcs = Vec::new();
    for i in 0..n {
        let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
        vpcs.push(id(world.apply(
            &ctx,
            Command::Vpc(vpc::Cmd::Create {
                cidr_block: cidr,
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            }),
        )));
    }
    for i in 0..n {
        for step in [1, 7] {
            let (a, b) = (&vpcs[i], &vpcs[(i + step) % n]);
            let pcx = id(world.apply(
                &ctx,
                Command::Peering(peering::Cmd::Create {
                    vpc_id: a.clone(),
                    peer_vpc_id: b.clone(),
                    peer_owner_id: None,
                    peer_region: None,
                    tags: vec![],
                }),
            ));
            world.tick(ctx.now);
            world
                .apply(
                    &ctx,
                    Command::Peering(peering::Cmd::Accept { id: pcx.clone() }),
                )
                .unwrap();
            let rtb = world.vpcs.get(a).unwrap().main_route_table_id.clone();
            let dest = world.vpcs.get(b).unwrap().primary_cidr().to_string();
            world
                .apply(
                    &ctx,
                    Command::Route(route::Cmd::CreateRoute {
                        route_table_id: rtb,
                        route: route::RouteParams {
                            destination_cidr_block: Some(dest),
                            vpc_peering_connection_id: Some(pcx),
                            ..Default::default()
                        },
                    }),
                )
                .unwrap();
        }
    }
    world.tick(ctx.now);
    (Bench { world, ctx }, vpcs)
}

fn time(b: &mut Bench, label: &str, n: usize, requests: &[Vec<(String, String)>]) {
    let (t, _) = kit::time_requests(b, requests);
    println!(
        "{label:<34} N={n:<6} p50 {:>7.2} us   p99 {:>7.2} us",
        t.us(0.50),
        t.us(0.99)
    );
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    for n in [1_000, 10_000] {
        let started = Instant::now();
        let (mut b, vpcs) = build(n);
        eprintln!("built N={n} in {:.1} s", started.elapsed().as_secs_f64());
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut pick = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            vpcs[(rng % vpcs.len() as u64) as usize].clone()
        };
        let by_id: Vec<_> = (0..20_000)
            .map(|_| {
                let v = pick();
                pairs(&[
                    ("Action", "DescribeVpcs"),
                    ("Version", "2016-11-15"),
                    ("VpcId.1", &v),
                ])
            })
            .collect();
        time(&mut b, "DescribeVpcs by id", n, &by_id);
        let by_vpc: Vec<_> = (0..20_000)
            .map(|i| {
                let v = pick();
                let name = if i % 2 == 0 {
                    "requester-vpc-info.vpc-id"
                } else {
                    "accepter-vpc-info.vpc-id"
                };
                pairs(&[
                    ("Action", "DescribeVpcPeeringConnections"),
                    ("Version", "2016-11-15"),
                    ("Filter.1.Name", name),
                    ("Filter.1.Value.1", &v),
                ])
            })
            .collect();
        time(&mut b, "DescribeVpcPeeringConnections/vpc", n, &by_vpc);
    }
}
