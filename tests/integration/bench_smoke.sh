#!/usr/bin/env bash
# Keeps the benchmark harness from rotting: every mcprt-bench scenario and transport runs for
# about a second against a live mcprt (and the ceiling server), --compare reads what they
# wrote, and the micro-benchmarks run once. No timing is asserted: only that each completes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
bench=$2
ceiling=$3
micro=$4
out=$(mktemp -d)
start_server "$bin" --set ticker.rateHz=20
pid=$SERVER_PID
common=(--url "$SERVER_URL" --duration 1 --warmup 0.2 --connections 8 --server-pid "$pid" --out "$out")
"$bench" "${common[@]}" --transport http --label smoke-a
"$bench" "${common[@]}" --transport http-session
"$bench" "${common[@]}" --transport http-sse --tool sleep
"$bench" "${common[@]}" --transport http --rate 500 --label smoke-b
"$bench" --scenario idle --url "$SERVER_URL" --connections 50 --hold 0.5 --warmup 0.2 --server-pid "$pid" --out "$out"
"$bench" "${common[@]}" --scenario fanout --transport ws --warmup 0.5
"$bench" "${common[@]}" --scenario fanout --transport sse --warmup 0.5
stop_server
trap - EXIT

# The server closes a WebSocket that stays silent for transport.wsIdleTimeoutMs after pinging
# it at half of that; the fan-out client answers the pings, so over several timeouts every
# subscriber stays (the soak's thousand did not, before it answered).
start_server "$bin" --set plugins.enabled=ticker --set ticker.rateHz=20 \
  --set transport.wsIdleTimeoutMs=1000
kept=$("$bench" --url "$SERVER_URL" --scenario fanout --transport ws --connections 8 \
  --duration 3 --warmup 0.5 --no-json)
echo "$kept"
stop_server
trap - EXIT
if ! grep -q '^errors *none' <<<"$kept" || ! grep -q '^open *8 connections' <<<"$kept"; then
  echo "FAIL fan-out subscribers were closed for not answering the server's pings"
  exit 1
fi

start_process "ceiling listening on " "$ceiling" 0
"$bench" --url "$SERVER_URL" --duration 1 --warmup 0.2 --connections 8 --label smoke-ceiling --out "$out"
stop_server
trap 'rm -rf "$out"' EXIT

# --compare reads two records; a 100% tolerance keeps noise from failing the smoke run.
"$bench" --compare "$out"/*smoke-a.json "$out"/*smoke-b.json --tolerance 100
"$micro" --benchmark_min_time=0.01 --benchmark_filter='codec|catalog|schema|dispatch|session|actor'
# The fan-out floor probe (benches/floor), briefly: it must deliver, with two writer threads
# and with three reader threads too (and with its reader held to one CPU), its readers must
# time every message delivered, and say what CPU they took.
first_cpu=$(awk '/^Cpus_allowed_list/ {split($2, a, /[-,]/); print a[1]}' /proc/self/status)
for threads in "1 1" "2 1" "1 3" "1 1 $first_cpu"; do
  read -r writers readers cpu <<<"$threads"
  floor=$("$(dirname "$bench")/mcprt-floor" --sockets 50 --rate 100 --duration 0.5 \
    --threads "$writers" --readers "$readers" ${cpu:+--reader-cpu "$cpu"})
  echo "$floor"
  delivered=$(awk '/^delivered/ {gsub(/[(]/, "", $4); print $4}' <<<"$floor")
  timed=$(awk '/^latency/ {for (i = 1; i < NF; ++i) if ($(i + 1) == "messages,") {gsub(/[(]/, "", $i); print $i}}' <<<"$floor")
  if [ "${delivered:-0}" -eq 0 ] || [ "${timed:-0}" -lt "$delivered" ]; then
    echo "FAIL the floor probe's readers did not time every message delivered"
    exit 1
  fi
  if ! grep -Eq '^reader +[0-9.]+ CPU s \([0-9.]+ us/message\)$' <<<"$floor"; then
    echo "FAIL the floor probe did not say what CPU its readers took"
    exit 1
  fi
done
# A reader that cannot start (here: held to a CPU this machine lacks) ends the probe with an
# error; the writer does not wait for it.
status=0
timeout 20 "$(dirname "$bench")/mcprt-floor" --sockets 10 --duration 0.2 --reader-cpu 1023 ||
  status=$?
if [ "$status" -ne 2 ]; then
  echo "FAIL the floor probe with its reader on a CPU this machine lacks exited $status, not 2"
  exit 1
fi
# The job, pool and chunk figures (benches/run_jobs.sh), briefly: every call must succeed.
jobs=$(DURATION=1 WARMUP=0 bash "$(dirname "$0")/../../benches/run_jobs.sh" "$(dirname "$bin")")
echo "$jobs"
if grep 'errors:' <<<"$jobs" | grep -qv 'errors: none'; then
  echo "FAIL a run_jobs.sh scenario had errors"
  exit 1
fi
# The cluster figures (benches/run_cluster.sh: three nodes and HAProxy), briefly.
cluster=$(DURATION=1 WARMUP=0 ROUNDS=1 SUBSCRIBERS=30 CONNECTIONS=4 FANOUT_WARMUP=1 \
  bash "$(dirname "$0")/../../benches/run_cluster.sh" "$(dirname "$bin")")
echo "$cluster"
if grep 'errors:' <<<"$cluster" | grep -qv 'errors: none' || ! grep -q 'relayed' <<<"$cluster"; then
  echo "FAIL a run_cluster.sh scenario had errors"
  exit 1
fi
# The fan-out figures (benches/run_fanout.sh: the floor and mcprt's rows, two pairs so
# both orders run), briefly.
fanout=$(DURATION=0.5 WARMUP=1 SUBSCRIBERS=20 MANY=40 PAIRS=2 PEER=0 \
  bash "$(dirname "$0")/../../benches/run_fanout.sh" "$(dirname "$bin")")
echo "$fanout"
if [ "$(grep -c 'errors: none' <<<"$fanout")" -ne 11 ]; then
  echo "FAIL a run_fanout.sh row had errors"
  exit 1
fi
# The rows with a latency goal say what a round needs of the cores, from both sides' CPU.
if [ "$(grep -Ec ': (writer|server) [0-9.]+ \+ (reader|client) [0-9.]+ us per message .* 99% read no sooner than [0-9.]+ ms' <<<"$fanout")" -ne 5 ]; then
  echo "FAIL run_fanout.sh did not print the five rounds' CPU bounds"
  exit 1
fi
# Server and client held to one CPU each (here the same one: any machine has it), one pair.
pinned=$(DURATION=0.5 WARMUP=1 SUBSCRIBERS=20 MANY=40 PAIRS=1 PEER=0 SERVER_CPU="$first_cpu" \
  CLIENT_CPU="$first_cpu" bash "$(dirname "$0")/../../benches/run_fanout.sh" "$(dirname "$bin")")
echo "$pinned"
if [ "$(grep -c 'errors: none' <<<"$pinned")" -ne 9 ]; then
  echo "FAIL a run_fanout.sh row with SERVER_CPU and CLIENT_CPU had errors"
  exit 1
fi
if SERVER_CPU="$first_cpu" bash "$(dirname "$0")/../../benches/run_fanout.sh" "$(dirname "$bin")" \
  2>/dev/null; then
  echo "FAIL run_fanout.sh ran with SERVER_CPU but no CLIENT_CPU"
  exit 1
fi
if SERVER_CPU="$first_cpu" CLIENT_CPU=1023 \
  bash "$(dirname "$0")/../../benches/run_fanout.sh" "$(dirname "$bin")" 2>/dev/null; then
  echo "FAIL run_fanout.sh ran with CLIENT_CPU on a CPU this machine lacks"
  exit 1
fi
# Subscribers held (benches/run_ws_held.sh), briefly: all open, none lost, the RSS read.
held=$(DURATION=0.5 WARMUP=1 RATE=20 bash "$(dirname "$0")/../../benches/run_ws_held.sh" "$(dirname "$bin")" 50)
echo "$held"
if ! grep -q '^open *50 connections' <<<"$held" || ! grep -q '^errors *none' <<<"$held" ||
  ! grep -q 'KiB per subscriber$' <<<"$held"; then
  echo "FAIL run_ws_held.sh did not hold its subscribers or read no RSS"
  exit 1
fi
# The soak (benches/run_soak.sh), briefly: both clients error-free, the RSS read.
soak=$(DURATION=3 WARMUP=1 SAMPLE=1 SUBSCRIBERS=20 CONNECTIONS=4 CAPACITY_SECONDS=1 \
  bash "$(dirname "$0")/../../benches/run_soak.sh" "$(dirname "$bin")")
echo "$soak"
if ! grep -q '^errors: none' <<<"$soak" || ! grep -q '^rss after warm-up' <<<"$soak"; then
  echo "FAIL the soak had errors or no RSS figure"
  exit 1
fi
echo "bench smoke: 1 passed, 0 failed"
