//! reach-bench: generates a synthetic network of one tier and measures the reachability
//! engine on it (compile, memory, single-flow decisions on 1 and 2 threads, the exposure
//! sweep, the subnet matrix, incremental updates), with the reference evaluator alongside.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use openvpc_core::command::Command;
use openvpc_core::route::{Cmd as RouteCmd, RouteParams};
use openvpc_core::sg::{Cmd as SgCmd, GroupRef, PeerSpec, Permission};
use openvpc_core::Ctx;
use openvpc_reach::{decide, exposure, reference, Changes, Endpoint, Flow, Protocol, View, Watch};
use reach_bench::synth::{self, Layout, Rng, Tier};
use serde_json::{json, Value};

#[derive(Parser, Debug)]
#[command(about = "Benchmark the reachability engine on a synthetic network")]
struct Args {
    /// S (10 VPCs, 1,000 interfaces), M (100 VPCs, 10,000) or L (1,000 VPCs, 100,000).
    #[arg(long, default_value = "S")]
    tier: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Flows decided for the latency and throughput figures.
    #[arg(long, default_value_t = 100_000)]
    flows: usize,
    /// Edits for the incremental-update figures.
    #[arg(long, default_value_t = 200)]
    edits: usize,
    /// Also write the network as an import directory (`openvpc import DIR`).
    #[arg(long)]
    write_import: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Sections to leave out: decide, reference, exposure, matrix, update.
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// Spread the VPCs over this many accounts instead of the tier's (1: one account holds
    /// the whole network, as the console's scale benchmark opens it).
    #[arg(long)]
    accounts: Option<usize>,
}

impl Args {
    fn runs(&self, section: &str) -> bool {
        !self.skip.iter().any(|s| s == section)
    }
}

/// Figures, in the order measured.
struct Report {
    json: bool,
    fields: serde_json::Map<String, Value>,
}

impl Report {
    fn put(&mut self, key: &str, value: Value, text: String) {
        if !self.json {
            println!("{text}");
        }
        self.fields.insert(key.into(), value);
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A field of /proc/self/status in KiB (VmHWM: peak resident set; VmRSS: now).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Peered VPC indexes of each VPC.
fn peers(l: &Layout) -> Vec<Vec<usize>> {
    let mut p = vec![Vec::new(); l.vpcs.len()];
    for (a, b, _) in &l.peerings {
        p[*a].push(*b);
        p[*b].push(*a);
    }
    p
}

fn random_eni(r: &mut Rng, l: &Layout, v: usize) -> String {
    let subnets = &l.vpcs[v].subnets;
    let (_, enis) = &subnets[r.below(subnets.len())];
    enis[r.below(enis.len())].clone()
}

/// A mix of flows: within a VPC, to a peer, to a random VPC, to the internet, from the
/// internet to a public address.
fn flows(l: &Layout, seed: u64, n: usize) -> Vec<Flow> {
    let mut r = Rng(seed);
    let peers = peers(l);
    let web = ["93.184.216.34", "142.250.72.14", "52.94.236.248"];
    (0..n)
        .map(|_| {
            let v = r.below(l.vpcs.len());
            let (protocol, port) = match r.below(6) {
                0 => (Protocol::UDP, 53),
                k => (Protocol::TCP, [443, 8080, 5432, 22, 80][k - 1]),
            };
            let (source, destination) = match r.below(10) {
                0..=3 => (
                    random_eni(&mut r, l, v),
                    Endpoint::Eni(random_eni(&mut r, l, v)),
                ),
                4..=6 if !peers[v].is_empty() => {
                    let p = peers[v][r.below(peers[v].len())];
                    (
                        random_eni(&mut r, l, v),
                        Endpoint::Eni(random_eni(&mut r, l, p)),
                    )
                }
                7 => {
                    let o = r.below(l.vpcs.len());
                    (
                        random_eni(&mut r, l, v),
                        Endpoint::Eni(random_eni(&mut r, l, o)),
                    )
                }
                8 => (
                    random_eni(&mut r, l, v),
                    Endpoint::Ip(web[r.below(3)].parse().expect("ip")),
                ),
                _ if !l.public_ips.is_empty() => (
                    "198.18.7.9".to_string(),
                    Endpoint::Ip(IpAddr::V4(l.public_ips[r.below(l.public_ips.len())])),
                ),
                _ => (
                    random_eni(&mut r, l, v),
                    Endpoint::Eni(random_eni(&mut r, l, v)),
                ),
            };
            Flow::new(&source, destination, protocol, Some(port))
        })
        .collect()
}

/// Decides every flow on `threads` threads; wall time.
fn throughput(view: &View, flows: &[Flow], threads: usize) -> Duration {
    let t = Instant::now();
    std::thread::scope(|s| {
        for chunk in flows.chunks(flows.len().div_ceil(threads).max(1)) {
            s.spawn(move || {
                for f in chunk {
                    black_box(decide(view, f));
                }
            });
        }
    });
    t.elapsed()
}

/// One edit as a core command: open/close a port on a `web` group, add/remove a route in a
/// public table. Returns the command and the account to run it as.
fn edit(l: &Layout, k: usize, r: &Rng) -> (Command, String) {
    // Edits 4j and 4j+1 open and close a port, 4j+2 and 4j+3 add and remove a route, on
    // random VPCs.
    let mut pick = Rng(r.0 ^ (k / 4) as u64);
    let g = &l.vpcs[pick.below(l.vpcs.len())];
    let with_igw: Vec<_> = l.vpcs.iter().filter(|v| v.igw.is_some()).collect();
    let with_igw = with_igw[pick.below(with_igw.len())];
    let port = 10_000 + (k / 4) as i64;
    let permission = Permission {
        protocol: Some("tcp".into()),
        from_port: Some(port),
        to_port: Some(port),
        peers: vec![PeerSpec::Cidr {
            cidr: "0.0.0.0/0".into(),
            description: None,
        }],
    };
    let route = RouteParams {
        destination_cidr_block: Some(format!("192.0.{}.0/24", (k / 4) % 256)),
        gateway_id: with_igw.igw.clone(),
        ..RouteParams::default()
    };
    match k % 4 {
        0 | 1 => {
            let (group, egress) = (GroupRef::Id(g.sgs[1].clone()), false);
            let cmd = if k % 4 == 1 {
                SgCmd::Revoke {
                    group,
                    egress,
                    permissions: vec![permission],
                    rule_ids: vec![],
                }
            } else {
                SgCmd::Authorize {
                    group,
                    egress,
                    permissions: vec![permission],
                    tags: vec![],
                }
            };
            (Command::Sg(cmd), g.account.clone())
        }
        2 => (
            Command::Route(RouteCmd::CreateRoute {
                route_table_id: with_igw.public_rtb.clone(),
                route,
            }),
            with_igw.account.clone(),
        ),
        _ => (
            Command::Route(RouteCmd::DeleteRoute {
                route_table_id: with_igw.public_rtb.clone(),
                route,
            }),
            with_igw.account.clone(),
        ),
    }
}

fn main() {
    let args = Args::parse();
    let Some(mut tier) = Tier::by_name(&args.tier) else {
        eprintln!("unknown tier {} (S, M or L)", args.tier);
        std::process::exit(2);
    };
    if let Some(n) = args.accounts {
        tier.accounts = n.max(1);
    }
    let mut rep = Report {
        json: args.json,
        fields: serde_json::Map::new(),
    };
    let t = Instant::now();
    let s = synth::generate(tier, args.seed);
    let (w, l, pls) = (s.world, s.layout, s.prefix_lists);
    let routes: usize = w.route_tables.values().map(|t| t.routes.len()).sum();
    let rules: usize = w
        .security_groups
        .values()
        .map(|g| g.ingress.len() + g.egress.len())
        .sum();
    rep.put(
        "world",
        json!({"tier": tier.name, "seed": args.seed, "vpcs": w.vpcs.len(), "subnets": w.subnets.len(),
            "enis": w.network_interfaces.len(), "peerings": l.peerings.len(), "endpoints": tier.endpoints.min(3 * tier.vpcs),
            "accounts": tier.accounts, "route_tables": w.route_tables.len(), "routes": routes,
            "security_groups": w.security_groups.len(), "sg_rules": rules, "network_acls": w.network_acls.len(),
            "generate_ms": ms(t.elapsed())}),
        format!(
            "tier {} seed {}: {} VPCs, {} subnets, {} ENIs, {} peerings, {} endpoints, {} accounts; {} route tables ({} routes), {} security groups ({} rules), {} ACLs; generated in {:.0} ms",
            tier.name, args.seed, w.vpcs.len(), w.subnets.len(), w.network_interfaces.len(), l.peerings.len(),
            tier.endpoints.min(3 * tier.vpcs), tier.accounts, w.route_tables.len(), routes, w.security_groups.len(), rules,
            w.network_acls.len(), ms(t.elapsed())
        ),
    );
    if let Some(dir) = &args.write_import {
        let t = Instant::now();
        if let Err(e) = reach_bench::write::write_import(&w, dir) {
            eprintln!("writing {}: {e}", dir.display());
            std::process::exit(1);
        }
        rep.put(
            "write_import_ms",
            json!(ms(t.elapsed())),
            format!(
                "import directory written to {} in {:.0} ms",
                dir.display(),
                ms(t.elapsed())
            ),
        );
    }

    // Build.
    let t = Instant::now();
    let mut view = View::compile_with(&w, &pls);
    let build = t.elapsed();
    let (hwm, rss) = (status_kib("VmHWM:"), status_kib("VmRSS:"));
    rep.put(
        "build",
        json!({"compile_ms": ms(build), "peak_rss_mib": hwm as f64 / 1024.0, "rss_mib": rss as f64 / 1024.0}),
        format!(
            "build: compile {:.1} ms; peak memory (VmHWM, world + view) {:.0} MiB, resident {:.0} MiB",
            ms(build),
            hwm as f64 / 1024.0,
            rss as f64 / 1024.0
        ),
    );

    let fs = flows(&l, args.seed ^ 0xf10e, args.flows);
    if args.runs("decide") {
        // Single-flow decisions.
        let mut lat = Vec::with_capacity(fs.len());
        let mut reachable = 0;
        for f in &fs {
            let t = Instant::now();
            let v = black_box(decide(&view, f));
            lat.push(t.elapsed());
            reachable += usize::from(v.reachable);
        }
        lat.sort();
        let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
        let one = throughput(&view, &fs, 1);
        let two = throughput(&view, &fs, 2);
        let rate = |d: Duration| fs.len() as f64 / d.as_secs_f64();
        rep.put(
            "decide",
            json!({"flows": fs.len(), "reachable": reachable, "p50_us": us(p50), "p99_us": us(p99),
                "max_us": us(*lat.last().unwrap_or(&Duration::ZERO)),
                "flows_per_s_1_thread": rate(one), "flows_per_s_2_threads": rate(two)}),
            format!(
                "decide: {} flows ({} reachable); p50 {:.2} µs, p99 {:.2} µs; {:.0} flows/s on 1 thread, {:.0} flows/s on 2 threads",
                fs.len(), reachable, us(p50), us(p99), rate(one), rate(two)
            ),
        );
    }
    if args.runs("reference") {
        // The reference evaluator on a sample of the same flows.
        let sample: Vec<&Flow> = fs
            .iter()
            .take(match tier.name {
                "S" => 1000,
                "M" => 200,
                _ => 40,
            })
            .collect();
        let (mut t_ref, mut t_eng, mut agree) = (Duration::ZERO, Duration::ZERO, 0);
        for f in &sample {
            let t = Instant::now();
            let slow = black_box(reference::decide_with(&w, &pls, f));
            t_ref += t.elapsed();
            let t = Instant::now();
            let fast = black_box(decide(&view, f));
            t_eng += t.elapsed();
            agree += usize::from(fast.reachable == slow.reachable && fast.codes() == slow.codes());
        }
        rep.put(
            "reference",
            json!({"flows": sample.len(), "agree": agree, "reference_us_per_flow": us(t_ref) / sample.len() as f64,
                "engine_us_per_flow": us(t_eng) / sample.len() as f64, "ratio": t_ref.as_secs_f64() / t_eng.as_secs_f64()}),
            format!(
                "reference: {} flows, {} agree; {:.1} µs/flow vs engine {:.2} µs/flow: ratio {:.0}×",
                sample.len(), agree, us(t_ref) / sample.len() as f64, us(t_eng) / sample.len() as f64,
                t_ref.as_secs_f64() / t_eng.as_secs_f64()
            ),
        );
    }
    if args.runs("exposure") {
        // The exhaustive exposure sweep.
        let t = Instant::now();
        let ex = exposure(&view);
        let sweep = t.elapsed();
        let exposed: BTreeSet<&str> = ex.iter().map(|x| &*x.eni).collect();
        let ports: usize = ex
            .iter()
            .flat_map(|x| &x.ports)
            .map(|r| usize::from(r.end() - r.start()) + 1)
            .sum();
        rep.put(
            "exposure",
            json!({"ms": ms(sweep), "exposed_enis": exposed.len(), "records": ex.len(), "ports": ports}),
            format!(
                "exposure: every TCP/UDP port of {} ENIs swept in {:.1} ms: {} ENIs exposed ({} records, {} (source, port) pairs)",
                view.interface_count(), ms(sweep), exposed.len(), ex.len(), ports
            ),
        );
    }
    if args.runs("matrix") {
        // The subnet matrix: one interface per subnet; all ordered pairs, or (L) the pairs
        // within a VPC and across a peering.
        let reps: Vec<Vec<&str>> = l
            .vpcs
            .iter()
            .map(|v| v.subnets.iter().map(|(_, e)| e[0].as_str()).collect())
            .collect();
        let all_pairs = tier.name != "L";
        let peers_of = peers(&l);
        let t = Instant::now();
        let per_vpc: Vec<(usize, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|k| {
                    let (reps, view, peers_of) = (&reps, &view, &peers_of);
                    s.spawn(move || {
                        let (mut pairs, mut ok) = (0, 0);
                        for a in (k..reps.len()).step_by(2) {
                            let targets: Vec<usize> = if all_pairs {
                                (0..reps.len()).collect()
                            } else {
                                std::iter::once(a)
                                    .chain(peers_of[a].iter().copied())
                                    .collect()
                            };
                            for &src in &reps[a] {
                                for &b in &targets {
                                    for &dst in &reps[b] {
                                        let f = Flow::new(
                                            src,
                                            Endpoint::Eni(dst.into()),
                                            Protocol::TCP,
                                            Some(5432),
                                        );
                                        pairs += 1;
                                        ok += usize::from(decide(view, &f).reachable);
                                    }
                                }
                            }
                        }
                        (pairs, ok)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("matrix thread"))
                .collect()
        });
        let matrix = t.elapsed();
        let (pairs, ok) = per_vpc.iter().fold((0, 0), |(a, b), (p, o)| (a + p, b + o));
        rep.put(
            "matrix",
            json!({"subnets": w.subnets.len(), "pairs": pairs, "reachable": ok, "ms": ms(matrix), "threads": 2,
                "scope": if all_pairs { "all ordered subnet pairs" } else { "ordered subnet pairs within a VPC or across a peering" }}),
            format!(
                "matrix (tcp/5432, 2 threads): {} subnet pairs ({}) in {:.0} ms, {} reachable",
                pairs,
                if all_pairs { "all ordered pairs" } else { "pairs within a VPC or across a peering only" },
                ms(matrix), ok
            ),
        );
    }
    if args.runs("update") {
        // Incremental updates: apply an edit as a core command, update the view with the ids
        // the command touched, re-decide the watched flows that read a recompiled part.
        let mut w = w;
        let watched = flows(&l, args.seed ^ 0x3a7c4, 1000);
        let t = Instant::now();
        for f in &watched {
            black_box(decide(&view, f));
        }
        let all_watched = t.elapsed();
        let mut watch = Watch::new(&view, watched);
        let r = Rng(args.seed ^ 0xed17);
        let (mut upd, mut redo, mut total, mut redone, mut failed) =
            (Vec::new(), Vec::new(), Vec::new(), 0, 0);
        for k in 0..args.edits {
            let (cmd, account) = edit(&l, k, &r);
            let out = match w.apply(&Ctx::new(&account, synth::REGION, 0), cmd.clone()) {
                Ok(out) => out,
                Err(e) => {
                    failed += 1;
                    if failed == 1 {
                        eprintln!("edit {k} refused: {e:?}");
                    }
                    continue;
                }
            };
            let changes = Changes::from_command(&cmd, &out, &w);
            let t = Instant::now();
            let (v, touched) = view.update_traced(&w, &pls, &changes);
            view = v;
            let u = t.elapsed();
            redone += watch.refresh(&view, &touched);
            upd.push(u);
            redo.push(t.elapsed() - u);
            total.push(t.elapsed());
        }
        let fresh = View::compile_with(&w, &pls);
        let same = watch
            .flows()
            .iter()
            .zip(watch.verdicts())
            .all(|(f, v)| decide(&view, f) == *v && decide(&fresh, f) == *v);
        for d in [&mut upd, &mut redo, &mut total] {
            d.sort();
        }
        let p = |d: &[Duration], q: f64| us(percentile(d, q));
        let per_edit = redone as f64 / upd.len().max(1) as f64;
        rep.put(
            "update",
            json!({"edits": upd.len(), "refused": failed, "watched": watch.flows().len(),
                "update_p50_us": p(&upd, 0.5), "update_p99_us": p(&upd, 0.99), "update_max_us": p(&upd, 1.0),
                "redecide_p50_us": p(&redo, 0.5), "redecide_p99_us": p(&redo, 0.99), "redecided_per_edit": per_edit,
                "total_p50_us": p(&total, 0.5), "total_p99_us": p(&total, 0.99), "total_max_us": p(&total, 1.0),
                "redecide_all_watched_us": us(all_watched), "equals_compile": same}),
            format!(
                "update: {} edits (SG rule add/remove, route add/remove){}, 1000 watched flows: view update p50 {:.1} µs, p99 {:.1} µs; re-deciding the affected flows ({:.1} per edit) p50 {:.1} µs; per edit p50 {:.1} µs, p99 {:.1} µs, max {:.0} µs (re-deciding all 1000: {:.0} µs); watched verdicts equal a fresh compile's: {}",
                upd.len(),
                if failed > 0 { format!(" ({failed} refused)") } else { String::new() },
                p(&upd, 0.5), p(&upd, 0.99), per_edit, p(&redo, 0.5), p(&total, 0.5), p(&total, 0.99), p(&total, 1.0),
                us(all_watched), same
            ),
        );
    }
    let hwm = status_kib("VmHWM:");
    rep.put(
        "peak_rss_mib",
        json!(hwm as f64 / 1024.0),
        format!(
            "peak memory over the run (VmHWM): {:.0} MiB",
            hwm as f64 / 1024.0
        ),
    );
    let ok = rep
        .fields
        .get("update")
        .and_then(|u| u["equals_compile"].as_bool())
        .unwrap_or(true);
    if args.json {
        println!("{}", Value::Object(rep.fields));
    }
    if !ok {
        std::process::exit(1);
    }
}
