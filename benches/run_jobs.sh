#!/usr/bin/env bash
# The issue-5 figures: job submission latency and jobs/s (durable, group commit), adapter pool
# round-trip against the same tool in-process, completion throughput as workers grow, and
# chunked result reads of the simulation adapter. One server at a time, loopback only.
# Usage: benches/run_jobs.sh BUILD_DIR   Env: DURATION (5 s), WARMUP (1 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-5}
warmup=${WARMUP:-1}
source "$here/../tests/integration/lib.sh"
work=$(mktemp -d)
trap 'stop_server; rm -rf "$work"' EXIT

bench() {  # bench LABEL mcprt-bench-args... -> "LABEL  <throughput>  <p50>  <p99>"
  local label=$1
  shift
  local out
  out=$("$build/mcprt-bench" --url "$SERVER_URL" --duration "$duration" --warmup "$warmup" --no-json "$@")
  local tput p50 p99 errs
  tput=$(awk '/^throughput/ {print $2}' <<<"$out")
  p50=$(awk '/^latency/ {for (i = 1; i <= NF; i++) if ($i == "p50") print $(i + 1)}' <<<"$out")
  p99=$(awk '/^latency/ {for (i = 1; i <= NF; i++) if ($i == "p99") print $(i + 1)}' <<<"$out")
  errs=$(awk '/^errors/ {$1 = ""; print}' <<<"$out")
  printf '%-48s %10s req/s  p50 %7s us  p99 %7s us  errors:%s\n' "$label" "$tput" "$p50" "$p99" "$errs"
}

worker_args='"--stdio","--set","plugins.enabled=demo","--set","jobs.storePath=:memory:","--set","log.level=warning"'
pool_config() {  # pool_config WORKERS -> config file with adapter "w" of WORKERS mcprt workers
  local f=$work/pool-$1.json
  echo "{\"adapters\":[{\"name\":\"w\",\"command\":\"$build/mcprt\",\"args\":[$worker_args],\"minWorkers\":$1,\"maxWorkers\":$1,\"toolPrefix\":\"w_\",\"callTimeoutMs\":60000}]}" >"$f"
  echo "$f"
}
wait_for_tool() {  # Pools register their tools once a worker listed them.
  for _ in $(seq 100); do
    curl -s "${SERVER_URL}/capabilities" | grep -q '"available":true' && return 0
    sleep 0.1
  done
  echo "the pool did not start" >&2
  return 1
}

echo "== job submission (tools/call -> durable task handle), jobs.storePath on $(df -T "$work" | awk 'NR==2 {print $2}')"
start_server "$build/mcprt" --set plugins.enabled=demo,conformance --set log.level=warning \
  --set "jobs.storePath=$work/jobs.sqlite"
bench "plain call, 1 connection (echo)" --tool echo --connections 1
bench "task submission, 1 connection" --tool slow_compute --arguments '{"seconds":0}' --tasks --connections 1
bench "task submission, 32 connections" --tool slow_compute --arguments '{"seconds":0}' --tasks --connections 32
stop_server

echo "== adapter pool round trip (1 mcprt --stdio worker) against the tool in-process"
start_server "$build/mcprt" --config "$(pool_config 1)" --set plugins.enabled=demo --set log.level=warning \
  --set "jobs.storePath=:memory:"
wait_for_tool
bench "in-process echo, 1 connection" --tool echo --connections 1
bench "pool echo (w_echo), 1 connection" --tool w_echo --arguments '{"text":"xxxxxxxxxxxxxxxx"}' --connections 1
stop_server
echo "the floor under the pool's overhead: $("$build/mcprt-pipe-floor")"

echo "== completion throughput as workers grow (w_sleep 20 ms, 16 connections)"
for n in 1 2 4; do
  start_server "$build/mcprt" --config "$(pool_config "$n")" --set plugins.enabled=demo \
    --set log.level=warning --set "jobs.storePath=:memory:"
  wait_for_tool
  bench "$n worker(s)" --tool w_sleep --arguments '{"ms":20}' --connections 16
  stop_server
done

echo "== chunked result reads (simulation, 1,000 x 10 population CSV)"
start_server "$build/mcprt" --set plugins.enabled=simulation --set log.level=warning \
  --set "jobs.storePath=:memory:" --set "simulation.resultsDir=$work/sim"
call() {
  curl -s "$SERVER_URL" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
    -H 'mcp-protocol-version: 2026-07-28' -H 'mcp-method: tools/call' -H "mcp-name: $1" \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2,\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
}
handle=$(call load_simulation "{\"path\":\"$here/../plugins/simulation/models/one_compartment.json\"}" | sed 's/.*"handle":"\([0-9a-f]*\)".*/\1/')
run=$(call run_population_simulation "{\"handle\":\"$handle\",\"config\":\"$here/../plugins/simulation/models/population.json\"}" | sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/')
bytes=$(call get_population_results "{\"run_id\":\"$run\",\"length\":1}" | sed 's/.*"total_bytes":\([0-9]*\).*/\1/')
echo "population results: $bytes bytes"
for len in 1048576 8388608; do
  for c in 1 2; do
    line=$(bench "chunks of $len bytes, $c connection(s)" --tool get_population_results \
      --arguments "{\"run_id\":\"$run\",\"length\":$len}" --connections "$c")
    tput=$(awk '{print $(NF-10)}' <<<"$line")
    echo "$line  = $(awk -v t="$(awk '{for (i = 1; i <= NF; i++) if ($i == "req/s") print $(i - 1)}' <<<"$line")" -v l="$len" -v b="$bytes" 'BEGIN {n = l < b ? l : b; printf "%.0f MB/s", t * n / 1e6}')"
  done
done
