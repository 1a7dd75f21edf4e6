#!/usr/bin/env bash
# The official MCP conformance suite 0.1.16 against mcprt with the conformance plugin.
# Runs the scenarios mcprt serves today (lifecycle, ping, logging, tools, resources, prompts,
# completion, DNS rebinding, SSE streams, the pending json-schema-2020-12) one by one; each
# must pass. docs/conformance.md lists the rest and why.
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
  completion-complete resources-list resources-read-text resources-read-binary
  resources-templates-read prompts-list prompts-get-simple prompts-get-with-args
  prompts-get-embedded-resource prompts-get-with-image
  tools-call-sampling tools-call-elicitation elicitation-sep1034-defaults elicitation-sep1330-enums
  resources-subscribe resources-unsubscribe server-sse-polling
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
