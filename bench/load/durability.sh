#!/usr/bin/env bash
# Durability modes side by side, in one run: for each of full, batched and none, a fresh
# openvpc (release build) on a fresh data directory, driven by writers.py (1 writer,
# K writers, reads alone and beside K writers), then one table of all three with ratios.
# The clients are the native load client (CLIENT=native, the default: build it with
# `cargo build --release -p openvpc-server --example load_client`) or writers.py's Python
# processes (CLIENT=python), which on 2 cores take as much CPU per request as the server.
#
#   bench/load/durability.sh [OPENVPC_BIN]     # default target/release/openvpc
#   env: CLIENTS=16 OPS=20000 READS=5000 PORT=18490 MODES="full batched none" OUT_DIR=dir
#        CLIENT=native|python RUNS=1 POLL=0
# With POLL=1 the native client of a one-client phase polls for its answers instead of
# sleeping (writers.py --poll): on loopback, the wake-up of a sleeping client runs in the
# server's send and counts as server CPU; a client on another machine costs it nothing.
# With RUNS=N the modes run N times, in turn (so that the machine's drift over the minutes
# falls on every mode alike), and the table shows each figure's median and range.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-${OPENVPC_BIN:-$ROOT/target/release/openvpc}}
PORT=${PORT:-18490}
CLIENTS=${CLIENTS:-16}
OPS=${OPS:-20000}
READS=${READS:-5000}
MODES=${MODES:-full batched none}
CLIENT=${CLIENT:-native}
RUNS=${RUNS:-1}
POLL_ARG=""; [[ ${POLL:-0} == 1 ]] && POLL_ARG=--poll
NATIVE_BIN=${NATIVE_BIN:-$(dirname "$BIN")/examples/load_client}
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/openvpc-durability.XXXXXX")}
mkdir -p "$OUT_DIR"
[[ -x "$BIN" ]] || { echo "openvpc binary not found: $BIN (cargo build --release first)" >&2; exit 1; }
[[ "$CLIENT" != native || -x "$NATIVE_BIN" ]] || {
  echo "native load client not found: $NATIVE_BIN" \
    "(cargo build --release -p openvpc-server --example load_client, or CLIENT=python)" >&2; exit 1; }

SERVER_PID="" DATA_DIR=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "$DATA_DIR" ]]; then rm -rf "$DATA_DIR"; fi
  SERVER_PID="" DATA_DIR=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# The disk's sync cost on this machine, now: it bounds `full` (one sync per batch).
python3 - "$OUT_DIR" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "sync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
n, t, c = 200, time.perf_counter(), os.times()
for _ in range(n):
    os.write(fd, b"x" * 300)
    os.fdatasync(fd)
wall, c2 = time.perf_counter() - t, os.times()
cpu = (c2.user - c.user) + (c2.system - c.system)
print(f"sync probe: append + fdatasync {wall / n * 1e6:.0f} us wall, {cpu / n * 1e6:.0f} us CPU each (n={n})")
os.close(fd); os.unlink(path)
PY
# The machine's wake-up cost, now: a thread that echoes one byte costs this much CPU per
# round trip, the floor of any request's server CPU (load_client's --echo-probe).
[[ "$CLIENT" == native ]] && "$NATIVE_BIN" --echo-probe 20000

outs=()
for run in $(seq "$RUNS"); do
  for mode in $MODES; do
    name=$mode; [[ $RUNS -gt 1 ]] && name=$mode-$run
    DATA_DIR=$(mktemp -d)
    "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA_DIR/data" --durability "$mode" \
      >"$OUT_DIR/$name-server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do
      python3 -c 'import sys,urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=1).status != 200)' \
        "http://127.0.0.1:$PORT/_openvpc/health" 2>/dev/null && break
      kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT_DIR/$name-server.log" >&2; exit 1; }
      sleep 0.1
    done
    python3 "$HERE/writers.py" --endpoint "http://127.0.0.1:$PORT" --server-pid "$SERVER_PID" \
      --clients "$CLIENTS" --ops "$OPS" --reads "$READS" --label "$mode" --out "$OUT_DIR/$name.json" \
      --client "$CLIENT" --native-bin "$NATIVE_BIN" ${POLL_ARG} \
      >/dev/null || echo "($name: errors, see table)"
    outs+=("$OUT_DIR/$name.json")
    stop_server
  done
done
# Grouped by mode (one label's runs side by side: median and range).
sorted=()
for mode in $MODES; do
  for f in "${outs[@]}"; do [[ $(basename "$f") == "$mode.json" || $(basename "$f") == "$mode"-*.json ]] && sorted+=("$f"); done
done
python3 "$HERE/writers.py" --compare "${sorted[@]}"
echo; echo "results: $OUT_DIR"
