//! The growth of each cost from tier S to XL, drawn from a results file as one SVG.
//!
//! The results file holds one JSON object per line, as `reach-bench --record FILE` (a
//! benchmark run) and `reach-bench import --record FILE` (an `openvpc import`) append them.
//! For each tier the latest record that has a figure is plotted.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

/// One plotted cost: where it is in a record, its unit and its target at XL, if any.
struct Metric {
    title: &'static str,
    unit: &'static str,
    path: &'static [&'static str],
    target: Option<f64>,
}

const METRICS: [Metric; 6] = [
    Metric {
        title: "compile",
        unit: "ms",
        path: &["build", "compile_ms"],
        target: Some(10_000.0),
    },
    Metric {
        title: "peak memory",
        unit: "MiB",
        path: &["peak_rss_mib"],
        target: Some(6_144.0),
    },
    Metric {
        title: "decide p50",
        unit: "µs",
        path: &["decide", "p50_us"],
        target: Some(5.0),
    },
    Metric {
        title: "exposure sweep",
        unit: "ms",
        path: &["exposure", "ms"],
        target: Some(15_000.0),
    },
    Metric {
        title: "view update p99",
        unit: "µs",
        path: &["update", "update_p99_us"],
        target: Some(1_000.0),
    },
    Metric {
        title: "openvpc import",
        unit: "s",
        path: &["import", "seconds"],
        target: Some(60.0),
    },
];

fn field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// (interfaces, value) per tier for one metric, from the latest record holding it.
fn points(records: &[Value], m: &Metric) -> Vec<(f64, f64)> {
    let mut by_tier: BTreeMap<u64, f64> = BTreeMap::new();
    // Worlds with transit gateways (`--tgw`) are another series, not a tier of this one.
    for r in records.iter().filter(|r| r.get("transit").is_none()) {
        let enis = field(r, &["world", "enis"]).and_then(Value::as_u64);
        let value = field(r, m.path).and_then(Value::as_f64);
        if let (Some(enis), Some(value)) = (enis, value) {
            by_tier.insert(enis, value.max(1e-3));
        }
    }
    by_tier.into_iter().map(|(e, v)| (e as f64, v)).collect()
}

/// Reads the results file at `results` and writes the plot to `out`.
pub fn plot(results: &Path, out: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(results).map_err(|e| format!("{}: {e}", results.display()))?;
    let mut records = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", results.display(), n + 1))?;
        records.push(v);
    }
    let mut svg = String::new();
    draw(&records, &mut svg).map_err(|e| e.to_string())?;
    std::fs::write(out, svg).map_err(|e| format!("{}: {e}", out.display()))
}

fn draw(records: &[Value], svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (1200, 760)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "reach-bench: cost by tier (S 1k, M 10k, L 100k, XL 1M interfaces; dashed: XL target)",
        ("sans-serif", 20),
    )?;
    for (area, m) in root.split_evenly((2, 3)).iter().zip(&METRICS) {
        let pts = points(records, m);
        let values = pts.iter().map(|p| p.1).chain(m.target);
        let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo > hi {
            (1.0, 10.0)
        } else {
            (lo / 2.0, hi * 2.0)
        };
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{} ({})", m.title, m.unit), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d((500f64..2e6f64).log_scale(), (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("interfaces")
            .x_label_formatter(&|x| format!("{x:.0e}"))
            .y_label_formatter(&|y| format!("{y:.3}"))
            .draw()?;
        chart.draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(2)))?;
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))?;
        if let Some(t) = m.target {
            let line = vec![(5e5, t), (2e6, t)];
            chart.draw_series(DashedLineSeries::new(line, 6, 4, RED.stroke_width(2)))?;
        }
    }
    root.present()?;
    Ok(())
}
