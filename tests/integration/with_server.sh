#!/usr/bin/env bash
# Runs a client command against a fresh mcprt (demo and conformance plugins on).
# Usage: with_server.sh BIN node SCRIPT  -> runs SCRIPT with Node 22, MCP_TEST_URL set.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
shift
start_server "$bin" --set plugins.enabled=demo,conformance
if [ "$1" = node ]; then
  shift
  MCP_TEST_URL=$SERVER_URL "$NODE22" --test --test-reporter=spec "$@"
else
  MCP_TEST_URL=$SERVER_URL "$@"
fi
