#!/usr/bin/env bash
# Regenerates docs/coverage.md from the wire's action tables and
# crates/wire/src/coverage/slice.txt (the test docs_coverage_is_current fails while it is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
OPENVPC_REGENERATE=1 cargo test -q -p openvpc-wire --lib coverage::tests::docs_coverage_is_current
echo "docs/coverage.md regenerated"
