#!/usr/bin/env bash
# openvpc vs moto HTTP load benchmark (see load.py for the workload and metrics).
# Builds nothing. Each (target, N) run gets a fresh server on loopback, so stores start empty;
# the two targets run one after the other, never concurrently.
#
#   bench/load/run.sh [OPENVPC_BIN]        # default target/release/openvpc, N=1000
#   FULL=1 bench/load/run.sh               # also N=10000
#   env: N=1000 (base N)  MOTO_N=cap on moto's N   MOTO_MAX_READ_S=cap (s) per moto describe phase (default 120)
#        QUERIES=5000  PORT=18480  MOTO_PORT=18481  TARGETS="openvpc moto"  OUT_DIR=dir
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-${OPENVPC_BIN:-$ROOT/target/release/openvpc}}
PORT=${PORT:-18480}
MOTO_PORT=${MOTO_PORT:-18481}
QUERIES=${QUERIES:-5000}
MOTO_N=${MOTO_N:-}
MOTO_MAX_READ_S=${MOTO_MAX_READ_S:-120}
TARGETS=${TARGETS:-openvpc moto}
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/openvpc-load.XXXXXX")}
NS=${N:-1000}; [[ "${FULL:-0}" == 1 ]] && NS="$NS 10000"
mkdir -p "$OUT_DIR"

SERVER_PID="" DATA_DIR=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "$DATA_DIR" ]]; then rm -rf "$DATA_DIR"; fi
  SERVER_PID="" DATA_DIR=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

wait_http() {  # wait_http URL: until GET URL answers 200 (30 s), server must stay alive
  for _ in $(seq 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; log:" >&2; cat "$LOG" >&2; return 1; }
    python3 -c 'import sys,urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=1).status != 200)' \
      "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timeout waiting for $1" >&2; return 1
}

start_server() {  # start_server TARGET: sets SERVER_PID, URL
  LOG="$OUT_DIR/$1-server.log"
  case $1 in
    openvpc)
      [[ -x "$BIN" ]] || { echo "openvpc binary not found: $BIN (build it first)" >&2; exit 1; }
      DATA_DIR=$(mktemp -d)
      "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA_DIR" >"$LOG" 2>&1 &
      SERVER_PID=$!; URL="http://127.0.0.1:$PORT"; wait_http "$URL/_openvpc/health" ;;
    moto)
      python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >"$LOG" 2>&1 &
      SERVER_PID=$!; URL="http://127.0.0.1:$MOTO_PORT"; wait_http "$URL/moto-api/" ;;
  esac
}

for n in $NS; do
  for t in $TARGETS; do
    tn=$n extra=()
    if [[ $t == moto ]]; then
      if [[ -n "$MOTO_N" && "$MOTO_N" -lt "$n" ]]; then
        tn=$MOTO_N; echo "NOTE: moto run capped at N=$tn (MOTO_N) instead of N=$n"
      fi
      extra=(--max-read-seconds "$MOTO_MAX_READ_S")
    fi
    start_server "$t"
    # a run with errors exits 1: keep going, the tables flag the errors
    python3 "$HERE/load.py" --endpoint "$URL" --n "$tn" --queries "$QUERIES" --server-pid "$SERVER_PID" \
      --label "$t" --out "$OUT_DIR/$t-$n.json" "${extra[@]}" || echo "($t N=$tn: errors, see table)"
    stop_server
  done
done

if [[ "$TARGETS" == *openvpc*moto* ]]; then
  for n in $NS; do
    python3 "$HERE/load.py" --compare "$OUT_DIR/openvpc-$n.json" "$OUT_DIR/moto-$n.json"
  done
fi
echo; echo "results: $OUT_DIR"
