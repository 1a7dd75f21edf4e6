#!/usr/bin/env bash
# Runs a client command against a fresh mcprt (demo, ticker and conformance plugins on).
# Usage: with_server.sh BIN [--set key=value ...] node SCRIPT
#   -> runs SCRIPT with Node 22, MCP_TEST_URL and MCPRT_PID set.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
shift
extra=()
while [ "${1:-}" = --set ]; do
  extra+=("$1" "$2")
  shift 2
done
start_server "$bin" --set plugins.enabled=demo,ticker,conformance "${extra[@]}"
export MCPRT_PID=$SERVER_PID
if [ "$1" = node ]; then
  shift
  MCP_TEST_URL=$SERVER_URL "$NODE22" --test --test-reporter=spec "$@"
else
  MCP_TEST_URL=$SERVER_URL "$@"
fi
