#!/usr/bin/env bash
# Runs every test of openvpc: format and lint checks, the Rust unit and integration tests,
# and the end-to-end suite that drives the real binary with boto3 and the aws CLI.
# Needs: cargo, python3 with boto3, awscli and pytest (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
# Smoke test of the reachability benchmark (tier S, debug build): fails when the engine
# and the reference evaluator disagree, or when edits flip no watched verdict.
cargo run -p reach-bench -- --tier S --flows 20000
cargo build -p openvpc
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/e2e -q
