#!/usr/bin/env bash
# `mcprt --stdio` with raw lines: both eras, notifications before results, bad input answered
# on the pipe, and a clean exit when stdin ends.
set -uo pipefail
bin=$1
passed=0
failed=0
# In a fresh directory, with no jobs.storePath: a stdio server keeps its jobs in memory.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":"t"}}}' \
  '{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
  '{"jsonrpc":"2.0","id":4,"method":"ping","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1900-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
  '{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}' \
  'not json' \
  '[{"jsonrpc":"2.0","id":6,"method":"ping"}]' \
  '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":15000}}}' \
  '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"test"}}' \
  '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":15000},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
  '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":8}}' \
  | timeout 20 "$bin" --stdio --set plugins.enabled=demo,conformance 2>/dev/null)
code=$?
expect() {
  if grep -qF -- "$2" <<<"$out"; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1: missing $2"
  fi
}
[ "$code" = 0 ] && { passed=$((passed + 1)); echo "ok   exits 0 when stdin ends"; } || { failed=$((failed + 1)); echo "FAIL exit code $code"; }
expect "initialize negotiates" '"id":1,"result":{"protocolVersion":"2025-11-25"'
expect "progress 100 is written" '"progress":100'
expect "the result echoes the token" '"id":2,"result":{"content":[{"type":"text","text":"t"}]}'
expect "server/discover on the same pipe" '"id":3,"result":{"supportedVersions"'
expect "an unknown version is -32022" '"id":4,"error":{"code":-32022'
expect "a second initialize is -32600" '"id":5,"error":{"code":-32600'
expect "bad JSON is -32700" '"error":{"code":-32700'
expect "a batch is -32600" 'batches are not supported'
# Cancelled sleeps send nothing, and exit does not wait for them (timeout 20 s > 15 s sleeps).
if grep -qE '"id":(7|8),' <<<"$out"; then
  failed=$((failed + 1)); echo "FAIL a cancelled request was answered"
else
  passed=$((passed + 1)); echo "ok   cancelled requests (2025 session and 2026-07-28) get no result"
fi
# Notifications of a request come before its result.
if [ "$(grep -n '"progress":100' <<<"$out" | cut -d: -f1)" -lt "$(grep -n '"id":2,"result"' <<<"$out" | cut -d: -f1)" ]; then
  passed=$((passed + 1)); echo "ok   progress precedes the result"
else
  failed=$((failed + 1)); echo "FAIL progress after the result"
fi
if [ ! -e var ]; then
  passed=$((passed + 1)); echo "ok   no job store file without jobs.storePath"
else
  failed=$((failed + 1)); echo "FAIL a stdio server created $(ls var)"
fi
echo "stdio: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
