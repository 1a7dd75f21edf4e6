#!/bin/sh
# A stdio MCP worker for the adapter tests that misbehaves on purpose: on a call of
# `stop_reading` it says so on stderr and sleeps without ever reading its stdin again (nor
# answering), so what mcprt writes to it next fills the pipe and stays there.
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/^{"jsonrpc":"2.0","id":\([0-9]*\),.*/\1/p')
  case "$line" in
    *'"method":"initialize"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"input-stopper","version":"1"}}}\n' "$id" ;;
    *'"method":"tools/list"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"stop_reading","inputSchema":{"type":"object"}},{"name":"big","inputSchema":{"type":"object"}}]}}\n' "$id" ;;
    *'"name":"stop_reading"'*)
      echo "stopped reading" >&2
      exec sleep 60 ;;
    *'"method":"ping"'*)
      printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id" ;;
  esac
done
