//! `openvpc matrix`: which subnets (and interfaces) reach which, for one protocol and port.

use std::fmt::Write;
use std::path::PathBuf;

use openvpc_core::World;
use openvpc_reach::matrix::{self, CellState, Matrix, Sampling, DEFAULT_MAX_FLOWS};
use openvpc_reach::{Protocol, View};
use serde_json::{json, Value};

use crate::reach::{explanation_json, kind_of_id, ProtocolArg, JSON_VERSION};
use crate::state::load_world;

#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    /// Data directory to read (a running server's `--data-dir`, or an import's); never written.
    #[arg(long, default_value = "openvpc-data")]
    pub data_dir: PathBuf,
    /// VPCs whose subnets to compare (repeatable; default: every VPC). Rows and columns
    /// follow the order given.
    #[arg(long = "vpc", value_name = "ID")]
    pub vpcs: Vec<String>,
    /// Protocol: tcp, udp, icmp, icmpv6 or an IANA protocol number.
    #[arg(long, value_parser = ProtocolArg::parse, default_value = "tcp")]
    pub protocol: ProtocolArg,
    /// Destination port (TCP, UDP) or ICMP type.
    #[arg(long, default_value_t = 443)]
    pub port: u16,
    /// Decide every ordered pair of interfaces while there are at most this many pairs;
    /// beyond, one representative interface per subnet (its lowest id).
    #[arg(long, default_value_t = DEFAULT_MAX_FLOWS)]
    pub max_flows: usize,
    /// Print a JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Computes the matrix of `vpcs` (every VPC when empty) over a world, compiling it once.
pub fn compute(
    world: &World,
    vpcs: &[String],
    protocol: Protocol,
    port: u16,
    max_flows: usize,
) -> Result<Matrix, String> {
    if let Some(v) = vpcs.iter().find(|v| world.vpcs.get(v.as_str()).is_none()) {
        return Err(format!("--vpc {v}: no such VPC in this state"));
    }
    let view = View::compile_with(world, world);
    Ok(matrix::matrix(
        world,
        &view,
        vpcs,
        protocol,
        Some(port),
        max_flows,
    ))
}

pub fn run(args: MatrixArgs) -> i32 {
    let world = load_world(&args.data_dir).unwrap_or_else(|e| crate::fail(e));
    let m = compute(
        &world,
        &args.vpcs,
        args.protocol.protocol(),
        args.port,
        args.max_flows,
    )
    .unwrap_or_else(|e| crate::fail(e));
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&matrix_json(&m)).expect("JSON")
        );
    } else {
        print!("{}", render(&m, &args.data_dir.display().to_string()));
    }
    0
}

fn mark(s: CellState) -> &'static str {
    match s {
        CellState::Reachable => "✓",
        CellState::Blocked => "✗",
        CellState::Partial => "◐",
        CellState::Unknown => "?",
        CellState::Empty => "·",
    }
}

fn port_text(m: &Matrix) -> String {
    match (m.protocol, m.port) {
        (Protocol::ICMP, Some(t)) => format!("icmp type {t}"),
        (p, Some(n)) => format!("{} port {n}", p.name()),
        (p, None) => p.name().to_string(),
    }
}

/// The table, the legend of subnets and the blockers of every pair that is not reachable.
/// `data_dir` goes into the suggested `openvpc reach` commands.
pub fn render(m: &Matrix, data_dir: &str) -> String {
    let mut out = String::new();
    let n = m.subnets.len();
    let sampling = match m.sampling {
        Sampling::EveryInterface => "every pair of interfaces",
        Sampling::Representative => "one representative interface per subnet",
    };
    let _ = writeln!(
        out,
        "Reachability matrix, {}: {n} subnet{}, {} flow{} ({sampling})",
        port_text(m),
        if n == 1 { "" } else { "s" },
        m.flow_count(),
        if m.flow_count() == 1 { "" } else { "s" },
    );
    if n == 0 {
        let _ = writeln!(out, "no subnet in scope has a workload interface");
    } else {
        let labels: Vec<String> = (1..=n).map(|i| format!("S{i}")).collect();
        let w = labels.iter().map(|l| l.len()).max().unwrap_or(2).max(2) + 2;
        let mut head = String::new();
        for l in &labels {
            let _ = write!(head, "{l:^w$}");
        }
        let _ = writeln!(out, "\n{:7}  {}", "from\\to", head.trim_end());
        for (i, l) in labels.iter().enumerate() {
            let _ = write!(out, "{l:7}  ");
            let mut row = String::new();
            for j in 0..n {
                let _ = write!(row, "{:^w$}", mark(m.cell(i, j).state()));
            }
            let _ = writeln!(out, "{}", row.trim_end());
        }
        let _ = writeln!(
            out,
            "\n✓ reachable   ✗ not reachable   ◐ some interfaces only   ? unknown (a component openvpc does not model)   · no pair to decide"
        );
        let _ = writeln!(out);
        let idw = m.subnets.iter().map(|s| s.id.len()).max().unwrap_or(0);
        let cw = m.subnets.iter().map(|s| s.cidr.len()).max().unwrap_or(0);
        let vw = m.subnets.iter().map(|s| s.vpc.len()).max().unwrap_or(0);
        for (l, s) in labels.iter().zip(&m.subnets) {
            let name = s
                .name
                .as_deref()
                .map(|n| format!("  {n}"))
                .unwrap_or_default();
            let k = s.interfaces.len();
            let _ = writeln!(
                out,
                "{l:>4}  {:idw$}  {:cw$}  {:vw$}  {k} interface{}{name}",
                s.id,
                s.cidr,
                s.vpc,
                if k == 1 { "" } else { "s" },
            );
        }
        let blocked: Vec<_> = m
            .cells
            .iter()
            .filter(|c| {
                matches!(
                    c.state(),
                    CellState::Blocked | CellState::Partial | CellState::Unknown
                )
            })
            .collect();
        if !blocked.is_empty() {
            let _ = writeln!(out, "\nBlocked pairs:");
        }
        for c in blocked {
            let _ = writeln!(
                out,
                "\n  {} -> {}  ({} -> {}): {} of {} flow{} {}",
                labels[c.from],
                labels[c.to],
                m.subnets[c.from].id,
                m.subnets[c.to].id,
                c.flows.len() - c.reachable(),
                c.flows.len(),
                if c.flows.len() == 1 { "" } else { "s" },
                if c.state() == CellState::Unknown {
                    "unknown (not modelled)"
                } else {
                    "blocked"
                },
            );
            for b in c.blockers() {
                let e = &b.explanation;
                let kind = kind_of_id(&e.component);
                let kind = if kind.is_empty() {
                    String::new()
                } else {
                    format!(" ({kind})")
                };
                let dir = match e.direction {
                    openvpc_reach::Direction::Forward => "forward",
                    openvpc_reach::Direction::Return => "return",
                };
                let rule = e
                    .rule()
                    .map(|r| {
                        let what = if e.detail.acl_rule.is_some() {
                            "rule"
                        } else {
                            "route"
                        };
                        format!(", {what} {r}")
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    {}  at {}{kind}, {dir} path{rule}{}",
                    e.code,
                    e.component,
                    if b.flows > 1 {
                        format!(" [{} flows]", b.flows)
                    } else {
                        String::new()
                    }
                );
                let _ = writeln!(out, "      {}", e.message());
            }
            if let Some(f) = c.flows.iter().find(|f| !f.verdict.reachable) {
                let _ = writeln!(
                    out,
                    "    trace: openvpc reach --data-dir {data_dir} --from {} --to {} --protocol {} --port {}",
                    f.source,
                    f.destination,
                    m.protocol.name(),
                    m.port.unwrap_or(0),
                );
            }
        }
    }
    if !m.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped (no workload interface):");
        for s in &m.skipped {
            let _ = writeln!(out, "  {}  {}  {}", s.id, s.cidr, s.vpc);
        }
    }
    out
}

/// The stable JSON document of a matrix.
pub fn matrix_json(m: &Matrix) -> Value {
    let subnet = |s: &matrix::MatrixSubnet| {
        json!({
            "id": s.id,
            "vpc": s.vpc,
            "cidr": s.cidr,
            "availability_zone": s.availability_zone,
            "name": s.name,
            "interfaces": s.interfaces,
        })
    };
    let pairs: Vec<Value> = m
        .cells
        .iter()
        .map(|c| {
            json!({
                "from": m.subnets[c.from].id,
                "to": m.subnets[c.to].id,
                "verdict": c.state().as_str(),
                "flows": c.flows.len(),
                "reachable_flows": c.reachable(),
                "codes": c.codes().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "blockers": c.blockers().iter().map(|b| {
                    let mut v = explanation_json(&b.explanation);
                    v["flows"] = json!(b.flows);
                    v
                }).collect::<Vec<_>>(),
                "interfaces": c.flows.iter().map(|f| json!({
                    "source": f.source,
                    "destination": f.destination,
                    "reachable": f.verdict.reachable,
                    "codes": f.verdict.codes().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "protocol": m.protocol.name(),
        "port": m.port,
        "sampling": m.sampling.as_str(),
        "subnets": m.subnets.iter().map(subnet).collect::<Vec<_>>(),
        "skipped_subnets": m.skipped.iter().map(subnet).collect::<Vec<_>>(),
        "pairs": pairs,
    })
}
