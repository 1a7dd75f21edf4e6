#!/usr/bin/env bash
# WebSocket subscribers held: the server's RSS growth per subscriber, issue 15's "15,000
# WebSocket subscribers held, RSS per idle subscriber <= 4 KiB". One server on its defaults
# but for the ticker (1 round per second over 4 topics, so every subscriber gets a note a
# second); N subscribers (default 15,000, this machine's descriptor limit is 20,000 per
# process) connect during the warm-up and each follows one topic. RSS is read from /proc
# before they connect and at the end of the measured window, while they are all open.
# Usage: benches/run_ws_held.sh BUILD_DIR [N]
# Env: WARMUP (10 s: the subscribers connect), DURATION (8 s), RATE (the ticker's rounds per
# second, 1; mcprt-bench fails a window in which nothing was delivered).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
n=${2:-15000}
source "$here/../tests/integration/lib.sh"

start_server "$build/mcprt" --set plugins.enabled=ticker --set ticker.rateHz="${RATE:-1}" \
  --set log.level=warning
before=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$SERVER_PID/status")
out=$("$build/mcprt-bench" --scenario fanout --transport ws --connections "$n" --topics 4 \
  --topics-per-subscriber 1 --duration "${DURATION:-8}" --warmup "${WARMUP:-10}" --server-pid "$SERVER_PID" \
  --url "$SERVER_URL" --no-json)
stop_server
trap - EXIT
grep -E '^(open|lost|errors)' <<<"$out"
awk -v before="$before" -v n="$n" '/^server/ {
    for (i = 1; i < NF; ++i) if ($(i + 1) == "KiB") after = $i
  }
  END {printf "RSS %d -> %d KiB: %.2f KiB per subscriber\n", before, after, (after - before) / n}' <<<"$out"
