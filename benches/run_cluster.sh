#!/usr/bin/env bash
# The issue-14 figures, one run: three nodes on loopback (n1 n2 n3) and HAProxy in front.
#   1. A forwarded 2025 tools/call (session on n2, called through n1) against a local one
#      (session and calls on n1), in interleaved rounds: the added latency of the relay.
#   2. Cross-node fan-out: 30, then 1,000 SSE subscribers spread over the three nodes, the
#      ticker on n1 only: delivery latency of n1's subscribers (local) against n2's and n3's
#      (the note crossed nodes once per node).
#   3. 2026 stateless throughput through HAProxy: three nodes against one (HAProxy in front of
#      both), with the nodes' CPU per call.
# Usage: benches/run_cluster.sh BUILD_DIR
# Env: DURATION (5 s), WARMUP (1 s), ROUNDS (3), SUBSCRIBERS (1000), RATE_HZ (10),
#      CONNECTIONS (32, section 3), FANOUT_WARMUP (5 s: connecting the subscribers).
# Prints "errors: none" on each line that had none (tests/integration/bench_smoke.sh checks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-5}
warmup=${WARMUP:-1}
rounds=${ROUNDS:-3}
subscribers=${SUBSCRIBERS:-1000}
rate=${RATE_HZ:-10}
connections=${CONNECTIONS:-32}
fanout_warmup=${FANOUT_WARMUP:-5}
source "$here/../tests/integration/lib.sh"
work=$(mktemp -d)
declare -A url pid

cleanup() {
  for f in "$work"/haproxy-*.pid; do  # HAProxy daemons this script started.
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for n in n1 n2 n3; do
    [ -n "${pid[$n]:-}" ] && kill "${pid[$n]}" 2>/dev/null && wait "${pid[$n]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
declare -A cport
for n in n1 n2 n3; do cport[$n]=$(free_port); done

node_config() {  # node_config NAME
  local peers=""
  for p in n1 n2 n3; do
    [ "$p" != "$1" ] && peers+="${peers:+,}{\"name\":\"$p\",\"address\":\"127.0.0.1:${cport[$p]}\"}"
  done
  echo "{\"cluster\":{\"name\":\"bench\",\"nodeName\":\"$1\",\"listen\":\"127.0.0.1:${cport[$1]}\",\"peers\":[$peers]}}" >"$work/$1.json"
}

for n in n1 n2 n3; do
  node_config "$n"
  ticker=0.001  # One round at start: only n1 publishes afterwards.
  [ "$n" = n1 ] && ticker=$rate
  MCPRT_JOBS_STORE_PATH=$work/$n.sqlite start_server "$build/mcprt" --config "$work/$n.json" \
    --set plugins.enabled=demo,ticker --set ticker.rateHz="$ticker" --set ticker.topics=4 \
    --set log.level=warning
  url[$n]=$SERVER_URL
  pid[$n]=$SERVER_PID
  trap cleanup EXIT  # start_server set its own.
done
for n in n1 n2 n3; do  # Every node sees both peers up.
  for _ in $(seq 200); do
    curl -s "${url[$n]%/mcp}/readyz" | grep -q '"status":"ready"' && break
    sleep 0.1
  done
done

haproxy_front() {  # haproxy_front NAME NODES... -> its /mcp URL
  local name=$1 port
  shift
  port=$(free_port)
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 2s\n'
    printf '  timeout client 60s\n  timeout server 60s\nfrontend f\n  bind 127.0.0.1:%s\n' "$port"
    printf '  default_backend b\nbackend b\n  balance roundrobin\n'
    for n in "$@"; do
      local u=${url[$n]#http://}
      printf '  server %s %s\n' "$n" "${u%/mcp}"
    done
  } >"$work/$name.cfg"
  haproxy -f "$work/$name.cfg" -D -p "$work/haproxy-$name.pid" >&2
  echo "http://127.0.0.1:$port/mcp"
}

field() {  # field OUTPUT LINE-PREFIX KEY -> the value after KEY on that line
  awk -v p="$2" -v k="$3" '$1 == p {for (i = 1; i <= NF; i++) if ($i == k) print $(i + 1)}' <<<"$1"
}

bench() {  # bench LABEL mcprt-bench-args... -> one line
  local label=$1 out
  shift
  out=$("$build/mcprt-bench" --duration "$duration" --warmup "$warmup" --no-json "$@")
  printf '%-44s %8s req/s  p50 %6s us  p99 %6s us  %s  errors:%s\n' "$label" \
    "$(field "$out" throughput throughput)" "$(field "$out" latency p50)" "$(field "$out" latency p99)" \
    "$(grep '^server' <<<"$out" | sed 's/^server *//' || true)" "$(awk '/^errors/ {$1 = ""; print}' <<<"$out")"
}

echo "== 1. tools/call (echo) in a 2025 session: local against relayed (n2's session through n1)"
for r in $(seq "$rounds"); do
  for c in 1 16; do
    # CPU of both nodes: the relayed call costs on the ingress and on the owner.
    bench "round $r local,    $c conn." --transport http-session --url "${url[n1]}" --connections "$c" \
      --server-pid "${pid[n1]}" --server-pid "${pid[n2]}"
    bench "round $r relayed,  $c conn." --transport http-session --url "${url[n1]}" \
      --session-url "${url[n2]}" --connections "$c" --server-pid "${pid[n1]}" --server-pid "${pid[n2]}"
  done
done

for subs in 30 "$subscribers"; do
  echo "== 2. fan-out: $subs SSE subscribers over n1 n2 n3, ticker on n1 at $rate Hz x 4 channels"
  "$build/mcprt-bench" --scenario fanout --transport sse --connections "$subs" --topics 4 \
    --url "${url[n1]},${url[n2]},${url[n3]}" --duration "$duration" --warmup "$fanout_warmup" \
    --server-pid "${pid[n1]}" --server-pid "${pid[n2]}" --server-pid "${pid[n3]}" --no-json |
    grep -E '^(delivered|latency|lost|open|server|errors|  http)' | sed 's/^errors  */errors: /'
done

echo "== 3. 2026 stateless tools/call (echo), $connections connections, HAProxy in front"
one=$(haproxy_front one n1)
three=$(haproxy_front three n1 n2 n3)
for r in $(seq "$rounds"); do
  bench "round $r one node   (HAProxy -> n1)" --transport http --url "$one" --connections "$connections" \
    --server-pid "${pid[n1]}"
  bench "round $r three nodes (HAProxy -> n1 n2 n3)" --transport http --url "$three" \
    --connections "$connections" --server-pid "${pid[n1]}" --server-pid "${pid[n2]}" --server-pid "${pid[n3]}"
done
