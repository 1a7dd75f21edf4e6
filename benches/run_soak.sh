#!/usr/bin/env bash
# The soak of issue 15: one server (defaults, demo tools and the ticker), SUBSCRIBERS WebSocket
# subscribers throughout, tools/call first closed loop (the capacity, with the subscribers
# fed), then open loop at half that for DURATION while the server's RSS is read every SAMPLE
# seconds. Prints the samples and the growth from the end of WARMUP to the end.
# Usage: benches/run_soak.sh BUILD_DIR
# Env: DURATION (600 s), WARMUP (60 s of the soak before growth counts), SAMPLE (10 s),
#      SUBSCRIBERS (1000), RATE_HZ (10: each subscriber's notes a second), CONNECTIONS (16:
#      tools/call connections), CAPACITY_SECONDS (5).
# Ends with "errors: none" when neither client saw an error or a lost note (bench.smoke checks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-600}
warmup=${WARMUP:-60}
sample=${SAMPLE:-10}
subscribers=${SUBSCRIBERS:-1000}
rate_hz=${RATE_HZ:-10}
connections=${CONNECTIONS:-16}
capacity_seconds=${CAPACITY_SECONDS:-5}
source "$here/../tests/integration/lib.sh"

start_server "$build/mcprt" --set plugins.enabled=demo,ticker --set ticker.rateHz="$rate_hz" \
  --set ticker.topics=4 --set log.level=warning
out=$(mktemp -d)
trap 'stop_server; rm -rf "$out"' EXIT
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
# tools/call's server-side duration histogram (receipt to answer), summed over its label sets.
call_buckets() {
  curl -s "${SERVER_URL%/mcp}/metrics" | awk '/^mcp_server_operation_duration_seconds_bucket/ &&
    /mcp_method_name="tools\/call"/ {match($0, /le="[^"]*"/); n[substr($0, RSTART + 4, RLENGTH - 5)] += $NF}
    END {for (le in n) print le, n[le]}' | sort -g
}
cpu_times() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6, $9}' /proc/stat; }
# The longest a 10 ms sleep of this script took, in ms: when the whole machine stops (a VM
# its host pauses), open-loop latency grows while the server's own figures do not.
mkfifo "$out/never"
exec 4<>"$out/never"  # Never readable: `read -t` below is a sleep without a fork.
watch_stalls() {
  local last=$EPOCHREALTIME now gap longest=0
  # Until told, or until the script itself is gone (an early exit must not leave it looping).
  while [ ! -e "$out/stop" ] && kill -0 "$$" 2>/dev/null; do
    read -r -t 0.01 -u 4 _ || true
    now=$EPOCHREALTIME
    gap=$(((${now/./} - ${last/./}) / 1000))
    if ((gap > longest)); then
      longest=$gap
      echo "$longest" >"$out/stall_ms"
    fi
    last=$now
  done
}

# The subscribers connect during their 5 s warm-up and read until the soak is over.
subscribed_for=$(awk -v c="$capacity_seconds" -v d="$duration" 'BEGIN {print c + d + 3}')
"$build/mcprt-bench" --scenario fanout --transport ws --connections "$subscribers" \
  --topics 4 --duration "$subscribed_for" --warmup 5 --url "$SERVER_URL" --no-json \
  >"$out/fanout.txt" &
fanout_pid=$!

capacity=$("$build/mcprt-bench" --transport http --connections "$connections" \
  --duration "$capacity_seconds" --warmup 6 --url "$SERVER_URL" --no-json |
  awk '/^throughput/ {print int($2)}')
rate=$((capacity / 2))
echo "capacity (tools/call, closed loop, ${connections} connections, ${subscribers} subscribers fed): ${capacity}/s; soak at ${rate}/s"

"$build/mcprt-bench" --transport http --connections "$connections" --rate "$rate" \
  --duration "$duration" --warmup 0 --url "$SERVER_URL" --server-pid "$SERVER_PID" --no-json \
  >"$out/rpc.txt" &
rpc_pid=$!
start=$(date +%s.%N)
call_buckets >"$out/buckets.before"
cpu_times >"$out/cpu.before"
watch_stalls &
stall_pid=$!
echo "seconds  rss_kb"
while kill -0 "$rpc_pid" 2>/dev/null && kill -0 "$SERVER_PID" 2>/dev/null; do
  now=$(date +%s.%N)
  printf '%7.0f  %s\n' "$(awk -v a="$start" -v b="$now" 'BEGIN {print b - a}')" "$(rss_kb)"
  # The next sample, or the client's end, whichever comes first.
  timeout "$sample" tail --pid="$rpc_pid" -f /dev/null || true
done | tee "$out/rss.txt"
wait "$rpc_pid"
printf '%7s  %s\n' end "$(rss_kb)" | tee -a "$out/rss.txt"
call_buckets >"$out/buckets.after"
cpu_times >"$out/cpu.after"
touch "$out/stop"
wait "$stall_pid"
wait "$fanout_pid"

echo "--- tools/call at ${rate}/s"
cat "$out/rpc.txt"
echo "--- ${subscribers} WebSocket subscribers"
cat "$out/fanout.txt"
awk -v w="$warmup" '
  $1 ~ /^[0-9]+$/ && $1 >= w && base == "" {base = $2; at = $1}
  {last = $2}
  $2 > peak {peak = $2}
  END {
    if (base == "") {print "rss: no sample after the warm-up"; exit}
    printf "rss after warm-up (%ss): %d KiB; at the end: %d KiB; peak: %d KiB; growth %+.2f%%\n",
      at, base, last, peak, (last - base) * 100 / base
  }' "$out/rss.txt"
# Where the time went: the server's own view of each call, and the machine's CPU.
awk 'NR == FNR {b[$1] = $2; next} {d[++k] = $1; c[k] = $2 - b[$1]}
  END {
    total = c[k]
    for (i = 1; i <= k; i++) {
      if (p50 == "" && c[i] >= total * 0.5) p50 = d[i]
      if (p99 == "" && c[i] >= total * 0.99) p99 = d[i]
      if (p999 == "" && c[i] >= total * 0.999) p999 = d[i]
    }
    printf "server side (receipt to answer, %d calls): p50 <= %s s, p99 <= %s s, p99.9 <= %s s\n", total, p50, p99, p999
  }' "$out/buckets.before" "$out/buckets.after"
read -r busy0 idle0 steal0 <"$out/cpu.before"
read -r busy1 idle1 steal1 <"$out/cpu.after"
awk -v b="$((busy1 - busy0))" -v i="$((idle1 - idle0))" -v s="$((steal1 - steal0))" \
  'BEGIN {t = b + i + s; printf "machine during the soak: busy %.0f%%, idle %.0f%%, stolen by the hypervisor %.1f%%\n", b * 100 / t, i * 100 / t, s * 100 / t}'
echo "longest 10 ms sleep of this script during the soak: $(cat "$out/stall_ms" 2>/dev/null || echo '?') ms"
errors=$(awk '/^errors/ {sub(/^errors +/, ""); if ($0 != "none") print}' "$out/rpc.txt" "$out/fanout.txt")
lost=$(awk '/^lost/ && $2 != 0 {print "lost " $2}' "$out/fanout.txt")
if [ -z "$errors$lost" ]; then
  echo "errors: none"
else
  echo "errors: $errors $lost"
fi
