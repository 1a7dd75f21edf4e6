#!/usr/bin/env bash
# The official MCP conformance suite 0.1.16 against mcprt with the conformance plugin.
# Runs the scenarios in scope (lifecycle, ping, logging, tools, DNS rebinding, SSE streams,
# the pending json-schema-2020-12) one by one; each must pass.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
start_server "$bin" --set plugins.enabled=demo,conformance
suite=$INTEROP_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js
scenarios=(
  server-initialize ping logging-set-level
  tools-list tools-call-simple-text tools-call-image tools-call-audio
  tools-call-embedded-resource tools-call-mixed-content tools-call-with-logging
  tools-call-error tools-call-with-progress
  server-sse-multiple-streams dns-rebinding-protection json-schema-2020-12
)
out=$(mktemp -d)
passed=0
failed=0
for s in "${scenarios[@]}"; do
  if "$NODE22" "$suite" server --url "$SERVER_URL" --scenario "$s" -o "$out" >"$out/$s.log" 2>&1; then
    echo "PASS $s"
    passed=$((passed + 1))
  else
    echo "FAIL $s"
    cat "$out/$s.log"
    failed=$((failed + 1))
  fi
done
rm -rf "$out"
echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
