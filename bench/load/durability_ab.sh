#!/usr/bin/env bash
# Two builds side by side in one run: for each mode, a fresh server per binary (before,
# then after), each driven by writers.py; prints the HTTP floor and the 1- and K-writer rows
# of both. A BEFORE build older than --durability runs in `full` mode only (its one mode).
#
#   bench/load/durability_ab.sh BEFORE_BIN AFTER_BIN
#   env: CLIENTS=16 OPS=4000 READS=500 PORT=18592 MODES="full none batched" OUT_DIR=dir
#        CLIENT=native|python POLL=0|1 (see durability.sh) NATIVE_BIN=load_client
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BEFORE=${1:?before binary} AFTER=${2:?after binary}
PORT=${PORT:-18592} CLIENTS=${CLIENTS:-16} OPS=${OPS:-4000} READS=${READS:-500}
MODES=${MODES:-full none batched}
POLL_ARG=""; [[ ${POLL:-0} == 1 ]] && POLL_ARG=--poll
CLIENT=${CLIENT:-native} NATIVE_BIN=${NATIVE_BIN:-$(dirname "$AFTER")/examples/load_client}
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/openvpc-ab.XXXXXX")}
mkdir -p "$OUT_DIR"
SP="" D=""
cleanup() { [[ -n "$SP" ]] && kill "$SP" 2>/dev/null && wait "$SP" 2>/dev/null; [[ -n "$D" ]] && rm -rf "$D"; SP="" D=""; }
trap cleanup EXIT
for mode in $MODES; do
  for label in before after; do
    bin=$BEFORE; [[ $label == after ]] && bin=$AFTER
    # A build from before --durability (the store was always durable) runs as `full` only.
    mode_args=(--durability "$mode")
    if ! "$bin" serve --help 2>/dev/null | grep -q -- --durability; then
      [[ $mode == full ]] || { echo "$label-$mode: $bin has no --durability; skipped"; continue; }
      mode_args=()
    fi
    D=$(mktemp -d)
    "$bin" serve --listen "127.0.0.1:$PORT" --data-dir "$D/data" "${mode_args[@]}" \
      >"$OUT_DIR/$label-$mode.log" 2>&1 &
    SP=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/_openvpc/health" >/dev/null && break; sleep 0.1; done
    python3 "$HERE/writers.py" --endpoint "http://127.0.0.1:$PORT" --server-pid "$SP" \
      --clients "$CLIENTS" --ops "$OPS" --reads "$READS" --label "$label-$mode" \
      --out "$OUT_DIR/$label-$mode.json" --client "$CLIENT" --native-bin "$NATIVE_BIN" ${POLL_ARG} | grep -E '^(http-floor|writers-[0-9]+) ' | sed "s/^/$label-$mode /"
    cleanup
  done
done
