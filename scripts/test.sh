#!/usr/bin/env bash
# Runs every test of openvpc: format and lint checks, the Rust unit and integration tests,
# the end-to-end suite that drives the real binary with boto3, the aws CLI and Ansible's
# amazon.aws, the AWS SDK for JavaScript v3 suite, the console's unit tests and its browser
# test, the tutorial (every block still prints what it shows), and the fault suite
# (crashes, damage, full and read-only disks, hostile input), which mounts tmpfs and so runs
# as root (CI does).
# Needs: cargo, python3 with boto3, awscli, pytest and tests/clients/ansible/requirements.txt,
# node with `npm ci --prefix tests/clients/js` and tests/browser's packages (npm ci),
# chromium, curl and jq (see README; .ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
# Smoke test of the reachability benchmark (tier S, and with transit gateways; debug
# build): fails when the engine and the reference evaluator disagree, or when edits flip
# no watched verdict.
cargo run -p reach-bench -- --tier S --flows 20000
cargo run -p reach-bench -- --tier S --tgw --flows 20000
cargo build -p openvpc
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/e2e -q
if [[ ! -d tests/clients/js/node_modules ]]; then
  echo "tests/clients/js needs its packages: npm ci --prefix tests/clients/js" >&2
  exit 1
fi
(cd tests/clients/js && OPENVPC_BIN="$OLDPWD/target/debug/openvpc" node --test --test-concurrency=1 .)
# The console: layout and SigV4 (against AWS's test vectors) in Node, then the page in
# chromium; screenshots in target/console-screenshots.
node --test crates/console/tests/
OPENVPC_BIN="$PWD/target/debug/openvpc" SCREENSHOTS="$PWD/target/console-screenshots" \
  node --test tests/browser/console.test.mjs
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 scripts/tutorial.py
if [[ $(id -u) -ne 0 ]]; then
  echo "tests/faults mounts tmpfs file systems: run scripts/test.sh as root" >&2
  exit 1
fi
OPENVPC_BIN="$PWD/target/debug/openvpc" python3 -m pytest tests/faults -q
