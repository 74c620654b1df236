#!/usr/bin/env bash
# Runs every test of openvpc: format and lint checks, the Rust unit and integration tests,
# the end-to-end suite that drives the real binary with boto3, the aws CLI and Ansible's
# amazon.aws, the AWS SDK for JavaScript v3 suite, and the fault suite (crashes, damage,
# full and read-only disks, hostile input), which mounts tmpfs and so runs as root (CI does).
# Needs: cargo, python3 with boto3, awscli, pytest and tests/clients/ansible/requirements.txt,
# node with `npm ci --prefix tests/clients/js` (see README; .ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
# Smoke test of the reachability benchmark (tier S, debug build).
cargo run -p reach-bench -- --tier S
cargo build -p openvpc
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/e2e -q
if [[ ! -d tests/clients/js/node_modules ]]; then
  echo "tests/clients/js needs its packages: npm ci --prefix tests/clients/js" >&2
  exit 1
fi
(cd tests/clients/js && OPENVPC_BIN="$OLDPWD/target/debug/openvpc" node --test --test-concurrency=1 .)
if [[ $(id -u) -ne 0 ]]; then
  echo "tests/faults mounts tmpfs file systems: run scripts/test.sh as root" >&2
  exit 1
fi
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/faults -q
