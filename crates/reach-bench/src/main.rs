//! reach-bench: generates a synthetic network of one tier and measures the reachability
//! engine on it (compile, memory, single-flow decisions on 1 and 2 threads, the exposure
//! sweep, the subnet matrix, incremental updates), checks it against the reference
//! evaluator, and draws how the costs grow from tier to tier (`reach-bench plot`).
//!
//! Exit status 1 when a check fails: the engine and the reference disagree on a sampled
//! flow, the edits flipped no watched verdict, or the watched verdicts differ from a fresh
//! compile's.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use openvpc_core::Ctx;
use openvpc_reach::{decide, exposure, reference, Changes, Endpoint, Flow, Protocol, View, Watch};
use reach_bench::mix::{self, FlowKind};
use reach_bench::report::{cpu_time, faults, ms, percentile, status_kib, us, waited, Report};
use reach_bench::synth::{self, Layout, Tier};
use serde_json::json;

#[derive(Parser, Debug)]
#[command(about = "Benchmark the reachability engine on a synthetic network")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    run: Args,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Draw how each cost grows from tier S to XL, from a results file, as an SVG.
    Plot {
        /// Results file (JSON lines, as `--record` appends them).
        #[arg(long, default_value = "docs/reach-bench-results.jsonl")]
        results: PathBuf,
        #[arg(long, default_value = "docs/reach-bench-scaling.svg")]
        out: PathBuf,
    },
    /// Time `openvpc import` of an import directory written by `--write-import`.
    Import(reach_bench::import_time::ImportArgs),
}

#[derive(clap::Args, Debug)]
struct Args {
    /// S (10 VPCs, 1,000 interfaces), M (100, 10,000), L (1,000, 100,000) or XL (10,000
    /// VPCs, 1,000,000 interfaces).
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
    /// Flows of each kind checked against the reference evaluator (default by tier).
    #[arg(long)]
    reference_flows: Option<usize>,
    /// Also write the network as an import directory (`openvpc import DIR`).
    #[arg(long)]
    write_import: Option<PathBuf>,
    /// Append the figures as one JSON line to this results file.
    #[arg(long)]
    record: Option<PathBuf>,
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
    /// Add transit gateways: every VPC attached to one of them (S: 1 gateway with 4 route
    /// tables, M: 2 with 10, L: 5 with 50, XL: 5 with 100); recorded as tier `S-tgw`, ….
    #[arg(long)]
    tgw: bool,
}

impl Args {
    fn runs(&self, section: &str) -> bool {
        !self.skip.iter().any(|s| s == section)
    }
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Some(Sub::Plot { results, out }) => {
            if let Err(e) = reach_bench::plot::plot(&results, &out) {
                eprintln!("{e}");
                std::process::exit(1);
            }
            println!("{} written from {}", out.display(), results.display());
        }
        Some(Sub::Import(args)) => std::process::exit(reach_bench::import_time::run(&args)),
        None => std::process::exit(bench(&cli.run)),
    }
}

/// The benchmark run; returns the exit status.
fn bench(args: &Args) -> i32 {
    let Some(mut tier) = Tier::by_name(&args.tier) else {
        eprintln!("unknown tier {} (S, M, L or XL)", args.tier);
        return 2;
    };
    if let Some(n) = args.accounts {
        tier.accounts = n.max(1);
    }
    if args.tgw {
        tier = tier.with_transit();
    }
    let mut rep = Report::new(args.json, &tier.label(), args.seed);
    let (t, c) = (Instant::now(), cpu_time());
    let s = synth::generate(tier, args.seed);
    let (w, l, pls) = (s.world, s.layout, s.prefix_lists);
    rep.world(&w, &l, tier, t.elapsed(), cpu_time() - c);
    if let Some(dir) = &args.write_import {
        let t = Instant::now();
        if let Err(e) = reach_bench::write::write_import(&w, dir) {
            eprintln!("writing {}: {e}", dir.display());
            return 1;
        }
        let text = format!(
            "import directory written to {} in {:.0} ms",
            dir.display(),
            ms(t.elapsed())
        );
        rep.put("write_import_ms", json!(ms(t.elapsed())), text);
    }

    let (t, c, q, (minor, major)) = (Instant::now(), cpu_time(), waited(), faults());
    let view = View::compile_with(&w, &pls);
    let (build, build_cpu, build_wait) = (t.elapsed(), cpu_time() - c, waited() - q);
    let (minor, major) = (faults().0 - minor, faults().1 - major);
    let (hwm, rss) = (status_kib("VmHWM:"), status_kib("VmRSS:"));
    rep.put(
        "build",
        json!({"compile_ms": ms(build), "compile_cpu_ms": ms(build_cpu), "compile_waited_ms": ms(build_wait),
            "compile_minor_faults": minor, "compile_major_faults": major,
            "peak_rss_mib": hwm as f64 / 1024.0, "rss_mib": rss as f64 / 1024.0}),
        format!(
            "build: compile {:.1} ms ({:.0} ms of CPU; the main thread waited {:.0} ms for a core; {minor} minor, {major} major page faults); peak memory (VmHWM, world + view) {:.0} MiB, resident {:.0} MiB",
            ms(build), ms(build_cpu), ms(build_wait), hwm as f64 / 1024.0, rss as f64 / 1024.0
        ),
    );

    let fs = mix::flows(&l, args.seed ^ 0xf10e, args.flows);
    if args.runs("decide") {
        decide_section(&mut rep, &view, &fs);
    }
    if args.runs("reference") {
        let per_kind = args.reference_flows.unwrap_or(match tier.name {
            "S" => 150,
            "M" => 30,
            "L" => 8,
            _ => 2,
        });
        reference_section(&mut rep, &w, &pls, &view, &fs, per_kind);
    }
    if args.runs("exposure") {
        let (t, c, q) = (Instant::now(), cpu_time(), waited());
        let ex = exposure(&view);
        let (sweep, sweep_cpu, sweep_wait) = (t.elapsed(), cpu_time() - c, waited() - q);
        let exposed: BTreeSet<&str> = ex.iter().map(|x| &*x.eni).collect();
        let ports: usize = ex
            .iter()
            .flat_map(|x| &x.ports)
            .map(|r| usize::from(r.end() - r.start()) + 1)
            .sum();
        rep.put(
            "exposure",
            json!({"ms": ms(sweep), "cpu_ms": ms(sweep_cpu), "waited_ms": ms(sweep_wait), "exposed_enis": exposed.len(), "records": ex.len(), "ports": ports}),
            format!(
                "exposure: every TCP/UDP port of {} ENIs swept in {:.1} ms ({:.0} ms of CPU; the main thread waited {:.0} ms for a core): {} ENIs exposed ({} records, {} (source, port) pairs)",
                view.interface_count(), ms(sweep), ms(sweep_cpu), ms(sweep_wait), exposed.len(), ex.len(), ports
            ),
        );
    }
    if args.runs("matrix") {
        matrix_section(&mut rep, &view, &l, tier);
    }
    if args.runs("update") {
        update_section(&mut rep, w, &l, &pls, view, args);
    }
    let hwm = status_kib("VmHWM:");
    let text = format!(
        "peak memory over the run (VmHWM): {:.0} MiB",
        hwm as f64 / 1024.0
    );
    rep.put("peak_rss_mib", json!(hwm as f64 / 1024.0), text);
    rep.finish(args.record.as_deref())
}

fn decide_section(rep: &mut Report, view: &View, fs: &[(FlowKind, Flow)]) {
    let mut lat = Vec::with_capacity(fs.len());
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (kind, f) in fs {
        let t = Instant::now();
        let v = black_box(decide(view, f));
        lat.push(t.elapsed());
        let k = by_kind.entry(kind.name()).or_default();
        k.0 += 1;
        k.1 += usize::from(v.reachable);
    }
    lat.sort();
    let reachable: usize = by_kind.values().map(|k| k.1).sum();
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    let flows: Vec<&Flow> = fs.iter().map(|(_, f)| f).collect();
    let one = throughput(view, &flows, 1);
    let two = throughput(view, &flows, 2);
    let rate = |d: Duration| fs.len() as f64 / d.as_secs_f64();
    let kinds: serde_json::Map<String, serde_json::Value> = by_kind
        .iter()
        .map(|(k, (n, ok))| (k.to_string(), json!({"flows": n, "reachable": ok})))
        .collect();
    let mix = by_kind
        .iter()
        .map(|(k, (n, ok))| format!("{k} {ok}/{n}"))
        .collect::<Vec<_>>();
    rep.put(
        "decide",
        json!({"flows": fs.len(), "reachable": reachable, "p50_us": us(p50), "p99_us": us(p99),
            "max_us": us(*lat.last().unwrap_or(&Duration::ZERO)),
            "flows_per_s_1_thread": rate(one), "flows_per_s_2_threads": rate(two), "kinds": kinds}),
        format!(
            "decide: {} flows ({} reachable: {}); p50 {:.2} µs, p99 {:.2} µs; {:.0} flows/s on 1 thread, {:.0} flows/s on 2 threads",
            fs.len(), reachable, mix.join(", "), us(p50), us(p99), rate(one), rate(two)
        ),
    );
}

/// Decides every flow on `threads` threads; wall time.
fn throughput(view: &View, flows: &[&Flow], threads: usize) -> Duration {
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

/// The engine and the reference evaluator on the first `per_kind` flows of each kind:
/// every disagreement (verdict, codes and components) fails the run.
fn reference_section(
    rep: &mut Report,
    w: &openvpc_core::World,
    pls: &dyn openvpc_reach::PrefixLists,
    view: &View,
    fs: &[(FlowKind, Flow)],
    per_kind: usize,
) {
    let mut taken: BTreeMap<FlowKind, usize> = BTreeMap::new();
    let sample: Vec<&(FlowKind, Flow)> = fs
        .iter()
        .filter(|(k, _)| {
            let n = taken.entry(*k).or_default();
            *n += 1;
            *n <= per_kind
        })
        .collect();
    let (mut t_ref, mut t_eng, mut agree, mut reachable) = (Duration::ZERO, Duration::ZERO, 0, 0);
    let mut disagreements = Vec::new();
    for (kind, f) in &sample {
        let t = Instant::now();
        let slow = black_box(reference::decide_with(w, pls, f));
        t_ref += t.elapsed();
        let t = Instant::now();
        let fast = black_box(decide(view, f));
        t_eng += t.elapsed();
        reachable += usize::from(fast.reachable);
        if reference::agrees(&fast, &slow) {
            agree += 1;
        } else {
            disagreements.push(format!(
                "{} {f:?}: engine {fast}; reference {slow}",
                kind.name()
            ));
        }
    }
    for d in disagreements.iter().take(5) {
        eprintln!("reference disagrees: {d}");
    }
    let n = sample.len().max(1) as f64;
    rep.put(
        "reference",
        json!({"flows": sample.len(), "agree": agree, "reachable": reachable,
            "reference_us_per_flow": us(t_ref) / n, "engine_us_per_flow": us(t_eng) / n,
            "ratio": t_ref.as_secs_f64() / t_eng.as_secs_f64().max(1e-9)}),
        format!(
            "reference: {} flows ({per_kind} of each kind, {reachable} reachable), {} agree; {:.1} µs/flow vs engine {:.2} µs/flow: ratio {:.0}×",
            sample.len(), agree, us(t_ref) / n, us(t_eng) / n, t_ref.as_secs_f64() / t_eng.as_secs_f64().max(1e-9)
        ),
    );
    if !disagreements.is_empty() {
        rep.fail(format!(
            "the engine and the reference disagree on {} of {} sampled flows",
            disagreements.len(),
            sample.len()
        ));
    }
}

/// The subnet matrix: one interface per subnet, TCP 5432 on 2 threads; all ordered pairs
/// (S, M), or the pairs within a VPC and across a peering (L; XL: of the first 1,000 VPCs).
fn matrix_section(rep: &mut Report, view: &View, l: &Layout, tier: Tier) {
    let vpcs = if tier.name == "XL" {
        1_000
    } else {
        l.vpcs.len()
    };
    let reps: Vec<Vec<&str>> = l.vpcs[..vpcs]
        .iter()
        .map(|v| v.subnets.iter().map(|(_, e)| e[0].as_str()).collect())
        .collect();
    let all_pairs = matches!(tier.name, "S" | "M");
    let peers_of = mix::peers(l);
    let t = Instant::now();
    let per_thread: Vec<(usize, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|k| {
                let (reps, peers_of) = (&reps, &peers_of);
                s.spawn(move || {
                    let (mut pairs, mut ok) = (0, 0);
                    for a in (k..reps.len()).step_by(2) {
                        let targets: Vec<usize> = if all_pairs {
                            (0..reps.len()).collect()
                        } else {
                            let peers = peers_of[a].iter().copied().filter(|&b| b < reps.len());
                            std::iter::once(a).chain(peers).collect()
                        };
                        for &src in &reps[a] {
                            for &dst in targets.iter().flat_map(|&b| &reps[b]) {
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
    let (pairs, ok) = per_thread
        .iter()
        .fold((0, 0), |(a, b), (p, o)| (a + p, b + o));
    let scope = match (all_pairs, tier.name) {
        (true, _) => "all ordered subnet pairs".to_string(),
        (false, "XL") => {
            "ordered subnet pairs within a VPC or across a peering, first 1,000 VPCs".into()
        }
        _ => "ordered subnet pairs within a VPC or across a peering".into(),
    };
    rep.put(
        "matrix",
        json!({"pairs": pairs, "reachable": ok, "ms": ms(matrix), "threads": 2, "scope": scope}),
        format!("matrix (tcp/5432, 2 threads): {pairs} subnet pairs ({scope}) in {:.0} ms, {ok} reachable", ms(matrix)),
    );
}

/// Incremental updates: each edit applied as a core command, the view updated with the ids
/// it touched, the watched flows that read a recompiled part re-decided. The edits flip
/// watched verdicts; at the end the watched verdicts must equal a fresh compile's.
fn update_section(
    rep: &mut Report,
    mut w: openvpc_core::World,
    l: &Layout,
    pls: &dyn openvpc_reach::PrefixLists,
    mut view: View,
    args: &Args,
) {
    let watched = mix::flows(l, args.seed ^ 0x3a7c4, 1000);
    let flows: Vec<Flow> = watched.iter().map(|(_, f)| f.clone()).collect();
    let t = Instant::now();
    for f in &flows {
        black_box(decide(&view, f));
    }
    let all_watched = t.elapsed();
    let mut watch = Watch::new(&view, flows);
    let reachable: Vec<bool> = watch.verdicts().iter().map(|v| v.reachable).collect();
    let edits = reach_bench::edits::edits(&w, l, &watched, &reachable, args.edits);
    let (mut upd, mut redo, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let mut transit_upd = Vec::new();
    let (mut redone, mut refused, mut flips) = (0, 0, 0);
    for (k, e) in edits.iter().enumerate() {
        let out = match w.apply(
            &Ctx::new(&e.account, synth::REGION, synth::NOW),
            e.command.clone(),
        ) {
            Ok(out) => out,
            Err(err) => {
                refused += 1;
                if refused == 1 {
                    eprintln!("edit {k} refused: {err:?}");
                }
                continue;
            }
        };
        let changes = Changes::from_command(&e.command, &out, &w);
        let before: Vec<bool> = watch.verdicts().iter().map(|v| v.reachable).collect();
        let t = Instant::now();
        let (v, touched) = view.update_traced(&w, pls, &changes);
        view = v;
        let u = t.elapsed();
        redone += watch.refresh(&view, &touched);
        let all = t.elapsed();
        upd.push(u);
        if matches!(e.command, openvpc_core::command::Command::Tgw(_)) {
            transit_upd.push(u);
        }
        redo.push(all - u);
        total.push(all);
        flips += watch
            .verdicts()
            .iter()
            .zip(&before)
            .filter(|(v, b)| v.reachable != **b)
            .count();
    }
    let fresh = View::compile_with(&w, pls);
    let same = watch
        .flows()
        .iter()
        .zip(watch.verdicts())
        .all(|(f, v)| decide(&view, f) == *v && decide(&fresh, f) == *v);
    for d in [&mut upd, &mut redo, &mut total, &mut transit_upd] {
        d.sort();
    }
    let p = |d: &[Duration], q: f64| us(percentile(d, q));
    let per_edit = redone as f64 / upd.len().max(1) as f64;
    rep.put(
        "update",
        json!({"edits": upd.len(), "refused": refused, "watched": watch.flows().len(), "flips": flips,
            "update_p50_us": p(&upd, 0.5), "update_p99_us": p(&upd, 0.99), "update_max_us": p(&upd, 1.0),
            "redecide_p50_us": p(&redo, 0.5), "redecide_p99_us": p(&redo, 0.99), "redecided_per_edit": per_edit,
            "total_p50_us": p(&total, 0.5), "total_p99_us": p(&total, 0.99), "total_max_us": p(&total, 1.0),
            "redecide_all_watched_us": us(all_watched), "equals_compile": same}),
        format!(
            "update: {} edits (revoke/restore 443 on web and endpoint groups, delete/restore peering routes, transit-gateway propagations and associations){}, 1000 watched flows, {flips} verdict flips: view update p50 {:.1} µs, p99 {:.1} µs; re-deciding the affected flows ({:.1} per edit) p50 {:.1} µs; per edit p50 {:.1} µs, p99 {:.1} µs, max {:.0} µs (re-deciding all 1000: {:.0} µs); watched verdicts equal a fresh compile's: {}",
            upd.len(),
            if refused > 0 { format!(" ({refused} refused)") } else { String::new() },
            p(&upd, 0.5), p(&upd, 0.99), per_edit, p(&redo, 0.5), p(&total, 0.5), p(&total, 0.99), p(&total, 1.0),
            us(all_watched), same
        ),
    );
    if !transit_upd.is_empty() {
        rep.put(
            "update_transit",
            json!({"edits": transit_upd.len(), "update_p50_us": p(&transit_upd, 0.5),
                "update_p99_us": p(&transit_upd, 0.99), "update_max_us": p(&transit_upd, 1.0)}),
            format!(
                "update, the {} edits of transit-gateway route tables (propagations, associations): view update p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
                transit_upd.len(), p(&transit_upd, 0.5), p(&transit_upd, 0.99), p(&transit_upd, 1.0)
            ),
        );
    }
    if flips == 0 {
        rep.fail("the edits flipped no watched verdict".into());
    }
    if refused > 0 {
        rep.fail(format!("{refused} edits were refused"));
    }
    if !same {
        rep.fail("the watched verdicts differ from a fresh compile's".into());
    }
}
