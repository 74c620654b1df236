#!/usr/bin/env bash
# User-space instructions per request, counted by valgrind's callgrind: a figure that does
# not move with the machine's load, where CPU time on a shared VM moves by 2x from hour to
# hour. Counts what the server's connection tasks run (HTTP, routing, SigV4, decoding, the
# engine, rendering), not the kernel's share of a request (socket calls, wake-ups) nor the
# journal thread's (so compare `none` with `none`).
#
#   bench/load/instructions.sh BIN [BIN...]      # needs valgrind (apt install valgrind)
#   env: OPS=4000 MODE=none PORT=18493 CLIENTS=1
#
# Each BIN serves a fresh data directory under callgrind; one client (writers.py's cycle:
# CreateVpc, CreateVpc, CreateVpcPeeringConnection, AcceptVpcPeeringConnection) makes OPS
# mutations; prints instructions per mutation.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OPS=${OPS:-4000} MODE=${MODE:-none} PORT=${PORT:-18493} CLIENTS=${CLIENTS:-1}
command -v valgrind >/dev/null || { echo "valgrind not found (apt install valgrind)" >&2; exit 1; }
[[ $# -ge 1 ]] || { echo "usage: $0 BIN [BIN...]" >&2; exit 1; }

SP="" D=""
cleanup() { [[ -n "$SP" ]] && kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null; [[ -n "$D" ]] && rm -rf "$D"; SP="" D=""; }
trap cleanup EXIT

for bin in "$@"; do
  D=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$D/cg.out" \
    --toggle-collect='openvpc_server::http::conn::serve::*' \
    "$bin" serve --listen "127.0.0.1:$PORT" --data-dir "$D/data" --durability "$MODE" \
    >"$D/log" 2>&1 &
  SP=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/_openvpc/health" >/dev/null && break; sleep 0.2; done
  python3 "$HERE/writers.py" --endpoint "http://127.0.0.1:$PORT" --server-pid "$SP" \
    --clients "$CLIENTS" --ops "$OPS" --reads 1 --label x --phases writers-1 >/dev/null
  kill -INT "$SP"; wait "$SP" 2>/dev/null || true; SP=""
  total=$(callgrind_annotate "$D/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !n++ {gsub(",", "", $1); print $1}')
  echo "$bin ($MODE): $((total / OPS)) instructions per mutation (OPS=$OPS)"
  cleanup
done
