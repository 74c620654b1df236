#!/usr/bin/env bash
# Runs every test of openvpc: format and lint checks, the Rust unit and integration tests,
# the end-to-end suite that drives the real binary with boto3 and the aws CLI, and the
# fault suite (crashes, damage, full and read-only disks, hostile input), which mounts
# tmpfs and so runs as root (CI does).
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
if [[ $(id -u) -ne 0 ]]; then
  echo "tests/faults mounts tmpfs file systems: run scripts/test.sh as root" >&2
  exit 1
fi
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/faults -q
