//! The figures of a run: printed as text (or one JSON object), appended to a results file,
//! and the checks that failed.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use openvpc_core::World;
use serde_json::{json, Map, Value};

use crate::synth::{Layout, Tier};

/// Figures, in the order measured, and the checks that failed.
#[derive(Debug)]
pub struct Report {
    json: bool,
    fields: Map<String, Value>,
    failures: Vec<String>,
}

impl Report {
    /// A run of `tier` from `seed`; notes the time, the commit and the machine's load.
    pub fn new(json: bool, tier: &str, seed: u64) -> Report {
        let mut fields = Map::new();
        fields.insert("tier".into(), json!(tier));
        fields.insert("seed".into(), json!(seed));
        fields.insert("load_at_start".into(), json!(load_average()));
        fields.insert("commit".into(), json!(commit()));
        fields.insert(
            "cores".into(),
            json!(std::thread::available_parallelism().map_or(1, |n| n.get())),
        );
        Report {
            json,
            fields,
            failures: Vec::new(),
        }
    }

    /// Records a figure and prints its text (unless printing JSON).
    pub fn put(&mut self, key: &str, value: Value, text: String) {
        if !self.json {
            println!("{text}");
        }
        self.fields.insert(key.into(), value);
    }

    /// A failed check: printed, and the run exits 1.
    pub fn fail(&mut self, why: String) {
        eprintln!("CHECK FAILED: {why}");
        self.failures.push(why);
    }

    /// The generated network's size.
    pub fn world(&mut self, w: &World, l: &Layout, tier: Tier, took: Duration, cpu: Duration) {
        let routes: usize = w.route_tables.values().map(|t| t.routes.len()).sum();
        let rules: usize = w
            .security_groups
            .values()
            .map(|g| g.ingress.len() + g.egress.len())
            .sum();
        let targets: usize = w.target_groups.values().map(|g| g.targets.len()).sum();
        let interface_endpoints: usize = l.services.iter().map(|s| s.endpoints.len()).sum();
        let gateway_endpoints: usize = l.gateway_endpoints.values().map(Vec::len).sum();
        self.put(
            "world",
            json!({"vpcs": w.vpcs.len(), "subnets": w.subnets.len(), "enis": w.network_interfaces.len(),
                "peerings": l.peerings.len(), "gateway_endpoints": gateway_endpoints,
                "interface_endpoints": interface_endpoints, "services": w.endpoint_services.len(),
                "load_balancers": w.load_balancers.len(), "targets": targets, "accounts": tier.accounts,
                "route_tables": w.route_tables.len(), "routes": routes, "security_groups": w.security_groups.len(),
                "sg_rules": rules, "network_acls": w.network_acls.len(), "generate_ms": ms(took), "generate_cpu_ms": ms(cpu)}),
            format!(
                "tier {}: {} VPCs, {} subnets, {} ENIs, {} peerings, {} gateway endpoints, {} endpoint services (NLBs, {} targets), {} interface endpoints, {} accounts; {} route tables ({} routes), {} security groups ({} rules), {} ACLs; generated in {:.0} ms ({:.0} ms of CPU)",
                tier.label(), w.vpcs.len(), w.subnets.len(), w.network_interfaces.len(), l.peerings.len(),
                gateway_endpoints, w.endpoint_services.len(), targets, interface_endpoints, tier.accounts,
                w.route_tables.len(), routes, w.security_groups.len(), rules, w.network_acls.len(), ms(took), ms(cpu)
            ),
        );
        if tier.transit {
            self.transit(w);
        }
    }

    /// The transit gateways' size: attachments, route tables, routes in effect.
    fn transit(&mut self, w: &World) {
        use openvpc_core::tgw::{table_routes, RouteType};
        let (mut statics, mut propagated, mut blackholes) = (0, 0, 0);
        for t in w.tgw_route_tables.values() {
            for r in table_routes(w, t) {
                match (r.route_type, r.attachment.is_some()) {
                    (_, false) => blackholes += 1,
                    (RouteType::Static, true) => statics += 1,
                    (RouteType::Propagated, true) => propagated += 1,
                }
            }
        }
        let associated = w
            .tgw_attachments
            .values()
            .filter(|a| a.association.is_some())
            .count();
        self.put(
            "transit",
            json!({"transit_gateways": w.transit_gateways.len(), "attachments": w.tgw_attachments.len(),
                "associated": associated, "route_tables": w.tgw_route_tables.len(),
                "static_routes": statics, "propagated_routes": propagated, "blackhole_routes": blackholes}),
            format!(
                "transit: {} transit gateways, {} VPC attachments ({associated} associated), {} route tables: {propagated} propagated, {statics} static and {blackholes} blackhole routes in effect",
                w.transit_gateways.len(), w.tgw_attachments.len(), w.tgw_route_tables.len()
            ),
        );
    }

    /// Prints the JSON, appends the record, says which checks failed; the exit status.
    pub fn finish(mut self, record: Option<&Path>) -> i32 {
        self.fields
            .insert("load_at_end".into(), json!(load_average()));
        self.fields.insert("failures".into(), json!(self.failures));
        let line = Value::Object(self.fields).to_string();
        if self.json {
            println!("{line}");
        }
        if let Some(path) = record {
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(e) = appended {
                eprintln!("{}: {e}", path.display());
                return 1;
            }
        }
        i32::from(!self.failures.is_empty())
    }
}

pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A field of /proc/self/status in KiB (VmHWM: peak resident set; VmRSS: now).
pub fn status_kib(field: &str) -> u64 {
    proc_status_kib("/proc/self/status", field)
}

/// A field of a /proc/<pid>/status file in KiB.
pub fn proc_status_kib(path: &str, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) this process has used, at the kernel's tick resolution
/// (10 ms): on a loaded machine wall-clock times include waits for a core, CPU times do not.
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Time the calling thread spent runnable but waiting for a core (the kernel's run delay,
/// `/proc/thread-self/schedstat`, nanoseconds): on a loaded machine it is where wall-clock
/// time beyond CPU time goes.
pub fn waited() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = stat
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// Page faults of this process so far: (minor, major). A major fault waits for the disk.
pub fn faults() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let field = |n: usize| {
        rest.split_whitespace()
            .nth(n)
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field(7), field(9))
}

/// The 1-, 5- and 15-minute load averages.
pub fn load_average() -> Vec<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| {
            s.split_whitespace()
                .take(3)
                .filter_map(|x| x.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The checked-out commit, when run inside a git work tree.
fn commit() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
