//! `reach-bench import`: times `openvpc import` of an import directory (as written by
//! `reach-bench --write-import`), into a fresh data directory, and samples the child's peak
//! resident set from /proc while it runs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::report::{proc_status_kib, Report};

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The import directory.
    pub dir: PathBuf,
    /// The tier it was written from (for the record).
    #[arg(long)]
    pub tier: String,
    /// Interfaces of the written network (the plot's x axis).
    #[arg(long)]
    pub enis: u64,
    /// The `openvpc` binary.
    #[arg(long, default_value = "target/release/openvpc")]
    pub openvpc: PathBuf,
    /// Append the figures as one JSON line to this results file.
    #[arg(long)]
    pub record: Option<PathBuf>,
}

/// Runs the import; returns the exit status.
pub fn run(args: &ImportArgs) -> i32 {
    let data = std::env::temp_dir().join(format!("reach-bench-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut rep = Report::new(false, &args.tier, 0);
    let t = Instant::now();
    let child = std::process::Command::new(&args.openvpc)
        .arg("import")
        .arg(&args.dir)
        .arg("--data-dir")
        .arg(&data)
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", args.openvpc.display());
            return 1;
        }
    };
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        peak = peak.max(proc_status_kib(&status_file, "VmHWM:"));
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                eprintln!("waiting for openvpc import: {e}");
                return 1;
            }
        }
    };
    let took = t.elapsed();
    let out = child
        .wait_with_output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let _ = std::fs::remove_dir_all(&data);
    if !status.success() {
        eprintln!("openvpc import failed: {status}");
        return 1;
    }
    rep.put("world", json!({"enis": args.enis}), out);
    rep.put(
        "import",
        json!({"seconds": took.as_secs_f64(), "peak_rss_mib": peak as f64 / 1024.0}),
        format!(
            "openvpc import: {:.1} s, peak memory (VmHWM, sampled) {:.0} MiB",
            took.as_secs_f64(),
            peak as f64 / 1024.0
        ),
    );
    rep.finish(args.record.as_deref())
}
