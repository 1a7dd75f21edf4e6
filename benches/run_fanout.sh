#!/usr/bin/env bash
# The issue-15 figures, one run: the fan-out floor (bare writes to loopback sockets, one and
# eight messages per write) and mcprt's fan-out on the same box, one server per row, defaults
# but for the ticker's rate and topics (and the flush window where the row says so).
# Usage: benches/run_fanout.sh BUILD_DIR
# Env: DURATION (8 s), WARMUP (3 s; also connects the subscribers), SUBSCRIBERS (1000),
#      MANY (10000: the second WebSocket row).
# Prints one line per row; "errors: none" where a row had none (bench.smoke checks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-8}
warmup=${WARMUP:-3}
subscribers=${SUBSCRIBERS:-1000}
many=${MANY:-10000}
source "$here/../tests/integration/lib.sh"

floor() {  # floor LABEL ARGS...: the probe's writer CPU per delivery.
  local label=$1
  shift
  local out
  out=$("$build/mcprt-floor" --duration "$duration" "$@")
  awk -v l="$label" '/^delivered/ {d = $2} /^writer/ {gsub(/[(]/, "", $5); c = $5}
    END {printf "%-44s %9s/s %10s %10s %6s %8s us/delivery  errors: none\n", l, d, "-", "-", "-", c}' <<<"$out"
}

fanout() {  # fanout LABEL TRANSPORT SUBSCRIBERS RATE TOPICS PER_SUBSCRIBER [server args...]
  local label=$1 transport=$2 n=$3 rate=$4 topics=$5 per=$6
  shift 6
  start_server "$build/mcprt" --set plugins.enabled=ticker --set ticker.rateHz="$rate" \
    --set ticker.topics="$topics" --set log.level=warning "$@"
  local out
  out=$("$build/mcprt-bench" --scenario fanout --transport "$transport" --connections "$n" \
    --topics "$topics" --topics-per-subscriber "$per" --duration "$duration" --warmup "$warmup" \
    --server-pid "$SERVER_PID" --url "$SERVER_URL" --no-json)
  stop_server
  trap - EXIT
  awk -v l="$label" '
    /^delivered/ {d = $2}
    /^latency/ {p50 = $5; p99 = $9}
    /^lost/ {lost = $2}
    /^server/ {gsub(/[(]/, "", $5); c = $5}
    /^errors/ {sub(/^errors +/, ""); e = $0}
    END {printf "%-44s %9s/s %8.1f ms %8.1f ms %6s %8s us/delivery  errors: %s\n", l, d, p50 / 1000, p99 / 1000, lost, c, e}' <<<"$out"
}

echo "row                                          delivered        p50        p99   lost   server CPU"
floor "floor: 1 message per write, ${subscribers}x100/s" --sockets "$subscribers" --rate 100
floor "floor: 8 messages per write, ${subscribers}x200/s" --sockets "$subscribers" --rate 200 --batch 8
fanout "mcprt WebSocket ${subscribers}x100/s" ws "$subscribers" 100 4 1
fanout "mcprt SSE ${subscribers}x100/s" sse "$subscribers" 100 4 1
fanout "mcprt WebSocket ${many}x10/s" ws "$many" 10 4 1
fanout "mcprt WebSocket ${subscribers}x8 topics x25/s" ws "$subscribers" 25 8 8
fanout "mcprt WebSocket ${subscribers}x8 topics x25/s, flush 5 ms" ws "$subscribers" 25 8 8 \
  --set transport.flushIntervalUs=5000
