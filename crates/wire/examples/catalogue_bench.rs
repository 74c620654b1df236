//! In-process cost of DescribeVpcEndpointServices over the AWS service catalogue (the data
//! file's 445 services), beside DescribeVpcs by id as the yardstick, in one run.
//!
//! `cargo run --release -p openvpc-wire --example catalogue_bench` times `handle()` —
//! decode, validate, query, render — for the whole catalogue, one page of 100, one service
//! by name, a `service-name` wildcard filter, and DescribeVpcs of the default VPC.

mod kit;

use std::time::Instant;

use openvpc_core::{Command, Config, Ctx, World};

type Bench = openvpc_wire::InMemory;

/// Times `requests` runs of one request; returns its p50 in microseconds.
fn time(b: &mut Bench, label: &str, pairs: &[(&str, &str)], requests: usize) -> f64 {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (t, _) = kit::time_requests(b, &vec![pairs; requests]);
    println!(
        "{label:<44} min {:>9.2} us   p50 {:>9.2} us   p99 {:>9.2} us",
        t.us(0.0),
        t.us(0.50),
        t.us(0.99)
    );
    t.us(0.50)
}

fn main() {
    let ctx = Ctx::new("111111111111", "us-east-1", 1_700_000_000_000);
    let mut world = World::new(Config::default(), 7);
    world.apply(&ctx, Command::InitScope).unwrap();
    let vpc = world.vpcs.in_scope(ctx.scope()).next().unwrap().id.clone();
    let mut b = Bench { world, ctx };
    let v = "2016-11-15";
    let base = time(
        &mut b,
        "DescribeVpcs by id (yardstick)",
        &[
            ("Action", "DescribeVpcs"),
            ("Version", v),
            ("VpcId.1", &vpc),
        ],
        20_000,
    );
    let rows: [(&str, Vec<(&str, &str)>); 4] = [
        ("DescribeVpcEndpointServices, all", vec![]),
        (
            "DescribeVpcEndpointServices, MaxResults=100",
            vec![("MaxResults", "100")],
        ),
        (
            "DescribeVpcEndpointServices, one by name",
            vec![("ServiceName.1", "com.amazonaws.us-east-1.sts")],
        ),
        (
            "DescribeVpcEndpointServices, service-name=*.ecr.*",
            vec![
                ("Filter.1.Name", "service-name"),
                ("Filter.1.Value.1", "*.ecr.*"),
            ],
        ),
    ];
    // The core's part alone: the catalogue's views, filtered.
    let mut core = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        let views =
            openvpc_core::endpoint_service::describe_services(&b.world, &b.ctx, &[], &[], &[])
                .unwrap();
        core.push(start.elapsed().as_nanos() as u64);
        assert!(views.len() > 400);
    }
    core.sort_unstable();
    println!(
        "{:<44} min {:>9.2} us   p50 {:>9.2} us",
        "core describe_services, all",
        core[0] as f64 / 1000.0,
        core[100] as f64 / 1000.0
    );
    for (label, extra) in rows {
        let mut pairs = vec![("Action", "DescribeVpcEndpointServices"), ("Version", v)];
        pairs.extend(extra);
        let p50 = time(&mut b, label, &pairs, 2_000);
        println!("{:<44} {:>8.1} x the yardstick", "", p50 / base);
    }
}
