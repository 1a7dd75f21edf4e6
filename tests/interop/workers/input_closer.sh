#!/bin/sh
# A stdio MCP worker for the adapter tests that misbehaves on purpose: on a call of
# `close_input` it closes its stdin, says so on stderr, and exits with status 3 half a second
# later without answering. Calls written to it in between meet a closed pipe (EPIPE).
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/^{"jsonrpc":"2.0","id":\([0-9]*\),.*/\1/p')
  case "$line" in
    *'"method":"initialize"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"input-closer","version":"1"}}}\n' "$id" ;;
    *'"method":"tools/list"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"close_input","inputSchema":{"type":"object"}},{"name":"answer","inputSchema":{"type":"object"}}]}}\n' "$id" ;;
    *'"name":"answer"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"answered"}]}}\n' "$id" ;;
    *'"name":"close_input"'*)
      exec 0<&-
      echo "stdin closed" >&2
      sleep 0.5
      exit 3 ;;
    *'"method":"ping"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id" ;;
  esac
done
