#!/usr/bin/env python3
"""Runs reach-bench and handler_bench of two release builds side by side, rounds
interleaved (before, after, before, after, ...), and prints each figure's median over the
rounds and the ratio after/before.

Usage: side_by_side.py BEFORE_TARGET_DIR AFTER_TARGET_DIR [--rounds N] [--tier M]
where each TARGET_DIR holds release/reach-bench and release/examples/handler_bench
(cargo build --release -p reach-bench && cargo build --release -p openvpc-wire --example handler_bench).
"""
import argparse
import json
import re
import statistics
import subprocess

HANDLER_LINE = re.compile(r"^(.*?)\s+N=(\d+)\s+p50\s+([\d.]+) us\s+p99\s+([\d.]+) us")


# reach-bench figures compared (section.field of its --json report).
REACH_FIGURES = [
    "world.generate_ms",
    "build.compile_ms",
    "decide.p50_us",
    "decide.p99_us",
    "decide.flows_per_s_1_thread",
    "reference.engine_us_per_flow",
    "matrix.ms",
    "exposure.ms",
    "update.update_p50_us",
    "update.total_p50_us",
]


def reach(target, tier):
    out = subprocess.run([f"{target}/release/reach-bench", "--tier", tier, "--seed", "1", "--json"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    # The equality checks must hold on both sides.
    assert report["reference"]["agree"] == report["reference"]["flows"], report["reference"]
    assert report["update"]["equals_compile"] is True, report["update"]
    figures = {}
    for name in REACH_FIGURES:
        section, field = name.split(".")
        figures[f"reach {tier} {name}"] = report[section][field]
    return figures


def handler(target):
    out = subprocess.run([f"{target}/release/examples/handler_bench"], check=True,
                         capture_output=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        m = HANDLER_LINE.match(line)
        if m:
            label, n, p50, p99 = m.group(1).strip(), m.group(2), float(m.group(3)), float(m.group(4))
            figures[f"handler {label} N={n} p50 us"] = p50
            figures[f"handler {label} N={n} p99 us"] = p99
    return figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tier", default="M")
    args = ap.parse_args()
    runs = {"before": [], "after": []}
    for r in range(args.rounds):
        for side in ("before", "after"):
            target = getattr(args, side)
            figures = reach(target, args.tier)
            figures.update(handler(target))
            runs[side].append(figures)
            print(f"round {r + 1} {side} done", flush=True)
    keys = [k for k in runs["before"][0] if all(k in f for f in runs["before"] + runs["after"])]
    print(f"| figure (median of {args.rounds}) | before | after | after/before |")
    print("| --- | --- | --- | --- |")
    for k in keys:
        b = statistics.median(f[k] for f in runs["before"])
        a = statistics.median(f[k] for f in runs["after"])
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"| {k} | {b:.4g} | {a:.4g} | {ratio} |")


if __name__ == "__main__":
    main()
