#!/usr/bin/env bash
# Raw HTTP against a live mcprt: every header rule and every bad-input case of Streamable
# HTTP gets its documented status and JSON-RPC error, and the connection stays usable.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
start_server "$bin" --set plugins.enabled=demo,conformance --set limits.maxPayloadKb=64 || exit 1
U=$SERVER_URL
passed=0
failed=0
body=$(mktemp)

JSON=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
MODERN=(-H 'MCP-Protocol-Version: 2026-07-28')
meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"curl","version":"1"}}'

# check NAME STATUS CODE|- [grep-pattern|-] -- curl args...
check() {
  local name=$1 want_status=$2 want_code=$3 pattern=$4
  shift 5
  local status
  status=$(curl -s -o "$body" -w '%{http_code}' "$@")
  local ok=1
  [ "$status" = "$want_status" ] || ok=0
  if [ "$want_code" != - ] && ! grep -q "\"code\":$want_code" "$body"; then ok=0; fi
  if [ "$pattern" != - ] && ! grep -q -- "$pattern" "$body"; then ok=0; fi
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name: status $status (want $want_status), body: $(head -c 400 "$body")"
  fi
}

# --- 2025 sessions ---
hdrs=$(mktemp)
curl -s -D "$hdrs" -o "$body" "${JSON[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
SID=$(grep -i '^mcp-session-id:' "$hdrs" | tr -d '\r' | awk '{print $2}')
if [[ $SID =~ ^[0-9a-f]{32}$ ]] && grep -q '"protocolVersion":"2025-06-18"' "$body"; then
  passed=$((passed + 1)); echo "ok   initialize negotiates 2025-06-18 and mints a 128-bit session id"
else
  failed=$((failed + 1)); echo "FAIL initialize: $(cat "$hdrs" "$body")"
fi
S=(-H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-06-18')
check "initialized notification is accepted with 202" 202 - - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
check "initialize answers an unsupported version with the newest" 200 - '"protocolVersion":"2025-11-25"' -- \
  "${JSON[@]}" "$U" -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{}}}'
check "session ping" 200 - '"result":{}' -- "${JSON[@]}" "${S[@]}" "$U" -d '{"jsonrpc":"2.0","id":2,"method":"ping"}'
check "a raw request may carry another supported version header" 200 - '"result":{}' -- \
  "${JSON[@]}" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-03-26' "$U" -d '{"jsonrpc":"2.0","id":2,"method":"ping"}'
check "logging/setLevel returns {}" 200 - '"result":{}' -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"warning"}}'
check "logging/setLevel with a bad level is -32602" 200 -32602 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"loud"}}'
check "unknown method in a session is 200 with -32601" 200 -32601 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":4,"method":"no/such"}'
check "second initialize on a session is -32600" 400 -32600 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
check "missing session id is 400" 400 -32000 - -- "${JSON[@]}" "$U" -d '{"jsonrpc":"2.0","id":6,"method":"tools/list"}'
check "unknown session id is 404" 404 -32001 - -- "${JSON[@]}" -H 'Mcp-Session-Id: 00000000000000000000000000000000' "$U" \
  -d '{"jsonrpc":"2.0","id":7,"method":"tools/list"}'
check "unsupported MCP-Protocol-Version in a session is 400" 400 - - -- "${JSON[@]}" -H "Mcp-Session-Id: $SID" \
  -H 'MCP-Protocol-Version: 1999-01-01' "$U" -d '{"jsonrpc":"2.0","id":8,"method":"ping"}'
check "tools/call with invalid arguments is an isError result naming the field" 200 - '"isError":true' -- \
  "${JSON[@]}" "${S[@]}" "$U" -d '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":"x"}}}'
check "tools/call of an unknown tool is -32602" 200 -32602 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"nope","arguments":{}}}'
check "tools/call with non-object arguments is -32602" 200 -32602 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo","arguments":[1]}}'
check "tools/call without a name is -32602" 200 -32602 - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{}}'
check "a posted response to a request never sent is 400" 400 -32600 "no outstanding request" -- "${JSON[@]}" "${S[@]}" "$U" -d '{"jsonrpc":"2.0","id":"s1","result":{}}'
# notifications/cancelled stops an in-flight call: its stream ends with no result.
fifo2=$(mktemp -u)
mkfifo "$fifo2"
curl -s -N "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"sleep","arguments":{"ms":20000},"_meta":{"progressToken":"p"}}}' >"$fifo2" &
slowpid=$!
exec 6<"$fifo2"
IFS= read -r -t 10 first6 <&6 || true
check "notifications/cancelled is accepted with 202" 202 - - -- "${JSON[@]}" "${S[@]}" "$U" \
  -d '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow","reason":"test"}}'
rest6=$(timeout 10 cat <&6)
wait $slowpid
rm -f "$fifo2"
if [[ $first6 == "data: "* || $first6 == "id: "* ]] && ! grep -q '"id":"slow"' <<<"$rest6"; then
  passed=$((passed + 1)); echo "ok   a cancelled call's stream ends without a result"
else
  failed=$((failed + 1)); echo "FAIL cancelled call: $first6 $rest6"
fi
check "cancellations are counted" 200 - 'mcprt_requests_total{method="tools/call",outcome="cancelled"} 1' -- "${SERVER_URL%/mcp}/metrics"
check "DELETE without a session id is 400" 400 -32000 - -- -X DELETE "$U"
check "DELETE ends the session" 200 - - -- -X DELETE -H "Mcp-Session-Id: $SID" "$U"
check "the ended session is 404 afterwards" 404 -32001 - -- "${JSON[@]}" "${S[@]}" "$U" -d '{"jsonrpc":"2.0","id":12,"method":"ping"}'
check "DELETE of an unknown session is 404" 404 -32001 - -- -X DELETE -H "Mcp-Session-Id: $SID" "$U"

# --- 2026-07-28 stateless ---
M=("${JSON[@]}" "${MODERN[@]}")
check "server/discover lists versions and cache hints" 200 - '"supportedVersions":\["2026-07-28"' -- \
  "${M[@]}" -H 'Mcp-Method: server/discover' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$meta}}"
check "modern results carry resultType and serverInfo" 200 - '"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo"' -- \
  "${M[@]}" -H 'Mcp-Method: server/discover' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$meta}}"
check "modern tools/list has ttlMs and cacheScope" 200 - '"ttlMs":60000,"cacheScope":"public"' -- \
  "${M[@]}" -H 'Mcp-Method: tools/list' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{$meta}}"
check "tools/call echo" 200 - '"text":"hi"' -- "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"},$meta}}"
check "a base64 Mcp-Name is decoded before comparing" 200 - '"text":"b64"' -- "${M[@]}" -H 'Mcp-Method: tools/call' \
  -H "Mcp-Name: =?base64?$(printf echo | base64)?=" "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"b64\"},$meta}}"
check "Mcp-Name that disagrees with the body is -32020" 400 -32020 - -- "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: add' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"},$meta}}"
check "missing Mcp-Name on tools/call is -32020" 400 -32020 - -- "${M[@]}" -H 'Mcp-Method: tools/call' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"},$meta}}"
check "Mcp-Method that disagrees with the body is -32020" 400 -32020 - -- "${M[@]}" -H 'Mcp-Method: tools/list' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"server/discover\",\"params\":{$meta}}"
check "missing Mcp-Method is -32020" 400 -32020 - -- "${M[@]}" "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"server/discover\",\"params\":{$meta}}"
check "missing MCP-Protocol-Version with _meta is -32020" 400 -32020 - -- "${JSON[@]}" -H 'Mcp-Method: server/discover' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"server/discover\",\"params\":{$meta}}"
check "header version disagreeing with _meta is -32020" 400 -32020 - -- "${JSON[@]}" -H 'MCP-Protocol-Version: 2025-11-25' \
  -H 'Mcp-Method: server/discover' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"server/discover\",\"params\":{$meta}}"
check "an unknown version is -32022 listing the supported ones" 400 -32022 '"requested":"1900-01-01"' -- "${JSON[@]}" \
  -H 'MCP-Protocol-Version: 1900-01-01' -H 'Mcp-Method: server/discover' "$U" \
  -d '{"jsonrpc":"2.0","id":8,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1900-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}'
check "missing clientCapabilities is -32602" 400 -32602 - -- "${M[@]}" -H 'Mcp-Method: server/discover' "$U" \
  -d '{"jsonrpc":"2.0","id":9,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}'
check "unknown method is HTTP 404 with -32601" 404 -32601 - -- "${M[@]}" -H 'Mcp-Method: no/such' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"no/such\",\"params\":{$meta}}"
check "ping, removed in 2026-07-28, is HTTP 404 with -32601" 404 -32601 - -- "${M[@]}" -H 'Mcp-Method: ping' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\",\"params\":{$meta}}"
check "a 2026 request without _meta is 400 -32602" 400 -32602 - -- "${M[@]}" -H 'Mcp-Method: tools/list' "$U" \
  -d '{"jsonrpc":"2.0","id":10,"method":"tools/list","params":{}}'
check "an altered requestState is 400 -32602" 400 -32602 'integrity' -- "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},\"requestState\":\"eyJ9.00\",$meta}}"
check "inputResponses that are not result objects are 400 -32602" 400 -32602 - -- "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},\"inputResponses\":{\"a\":1},$meta}}"
check "a bad cursor is -32602" 200 -32602 - -- "${M[@]}" -H 'Mcp-Method: tools/list' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":{\"cursor\":\"!!\",$meta}}"
check "a modern notification is 202" 202 - - -- "${M[@]}" "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{$meta}}"
check "a modern request ignores an Mcp-Session-Id header" 200 - '"result"' -- "${M[@]}" -H 'Mcp-Method: server/discover' \
  -H 'Mcp-Session-Id: whatever' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"server/discover\",\"params\":{$meta}}"

# Closing a 2026-07-28 request's stream cancels it (the client gives up after 0.5 s).
curl -s -o /dev/null -m 0.5 "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: sleep' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/call\",\"params\":{\"name\":\"sleep\",\"arguments\":{\"ms\":20000},$meta}}"
# The server sees the close at once; poll its metrics (bounded) until it has counted it.
seen=no
for _ in $(seq 1 200); do
  if curl -s "${SERVER_URL%/mcp}/metrics" | grep -q 'mcprt_requests_total{method="tools/call",outcome="cancelled"} 2'; then
    seen=yes
    break
  fi
done
if [ $seen = yes ]; then
  passed=$((passed + 1)); echo "ok   closing a 2026-07-28 request's stream cancels it"
else
  failed=$((failed + 1)); echo "FAIL a closed 2026-07-28 request was not cancelled"
fi

# --- Bad input of any era ---
check "malformed JSON is 400 -32700" 400 -32700 - -- "${JSON[@]}" "$U" -d '{"jsonrpc":'
check "a batch is 400 -32600" 400 -32600 - -- "${JSON[@]}" "$U" -d '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
check "a wrong jsonrpc version is 400 -32600" 400 -32600 - -- "${JSON[@]}" "$U" -d '{"jsonrpc":"1.0","id":1,"method":"ping"}'
check "a null id is 400 -32600" 400 -32600 - -- "${JSON[@]}" "$U" -d '{"jsonrpc":"2.0","id":null,"method":"ping"}'
check "non-object params is 400 -32600" 400 -32600 - -- "${JSON[@]}" "$U" -d '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}'
check "a JSON scalar body is 400 -32600" 400 -32600 - -- "${JSON[@]}" "$U" -d '42'
check "Accept without text/event-stream is 406" 406 - - -- -H 'Content-Type: application/json' -H 'Accept: application/json' "$U" -d '{}'
check "Content-Type text/plain is 415" 415 - - -- -H 'Content-Type: text/plain' -H 'Accept: application/json, text/event-stream' "$U" -d '{}'
check "Content-Type with parameters is accepted" 400 -32000 - -- -H 'Content-Type: application/json; charset=utf-8' \
  -H 'Accept: application/json, text/event-stream' "$U" -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
big=$(mktemp)
head -c 70000 /dev/zero | tr '\0' 'x' | sed 's/^/{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"/; s/$/"}}/' >"$big"
check "a body over limits.maxPayloadKb is 413" 413 -32600 - -- "${JSON[@]}" "$U" --data-binary @"$big"
check "a foreign Host is 403" 403 - - -- "${JSON[@]}" -H 'Host: evil.example.com' "$U" -d '{}'
check "a foreign Origin is 403" 403 - - -- "${JSON[@]}" -H 'Origin: http://evil.example.com' "$U" -d '{}'
check "a loopback Origin on any port is allowed" 200 - '"result"' -- "${M[@]}" -H 'Origin: http://localhost:6274' \
  -H 'Mcp-Method: server/discover' "$U" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$meta}}"
check "GET without Accept text/event-stream is 406" 406 - - -- -H 'Accept: application/json' "$U"
check "GET stream is 405 until the notifier arrives" 405 - - -- -H 'Accept: text/event-stream' "$U"
check "PUT is 405" 405 - - -- -X PUT "$U"
check "other paths are 404" 404 - - -- "${SERVER_URL%/mcp}/nope"
check "healthz" 200 - '"status":"ok"' -- "${SERVER_URL%/mcp}/healthz"
check "metrics count requests by method and outcome" 200 - 'mcprt_requests_total{method="tools/call",outcome="ok"}' -- "${SERVER_URL%/mcp}/metrics"
check "metrics count rejections" 200 - 'mcprt_rejections_total{reason="payload_too_large"} 1' -- "${SERVER_URL%/mcp}/metrics"
if curl -s "${SERVER_URL%/mcp}/metrics" | grep -q "$SID"; then
  failed=$((failed + 1)); echo "FAIL metrics leak a session id"
else
  passed=$((passed + 1)); echo "ok   metrics carry no session ids"
fi

# The connection stays usable after bad input: two requests, one connection.
reuse=$(curl -s -o /dev/null -w '%{http_code} %{num_connects}\n' "${JSON[@]}" -d '{"jsonrpc":' "$U" \
  --next -o /dev/null -w '%{http_code} %{num_connects}\n' "${M[@]}" -H 'Mcp-Method: server/discover' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$meta}}")
if [ "$(echo "$reuse" | tr '\n' ' ')" = "400 1 200 0 " ]; then
  passed=$((passed + 1)); echo "ok   the connection serves the next request after a 400"
else
  failed=$((failed + 1)); echo "FAIL keep-alive after a 400: $reuse"
fi

# --- Admission: past maxInflight a request gets 429 + Retry-After; server/discover still passes. ---
stop_server
trap - EXIT
start_server "$bin" --set performance.maxInflight=1 || exit 1
U=$SERVER_URL
fifo=$(mktemp -u)
mkfifo "$fifo"
# A sleep call with a progress token streams its first event once admitted: wait for it.
curl -s -N "${M[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: sleep' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"sleep\",\"arguments\":{\"ms\":3000},\"_meta\":{\"progressToken\":1,\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}" >"$fifo" &
slow=$!
exec 4<"$fifo"
IFS= read -r -t 10 first <&4 || true
check "past maxInflight a request is 429 with a retryable error" 429 -31001 '"retryable":true' -- "${M[@]}" \
  -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},$meta}}"
if curl -s -D - -o /dev/null "${M[@]}" -H 'Mcp-Method: tools/list' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$meta}}" | grep -qi '^retry-after: 1'; then
  passed=$((passed + 1)); echo "ok   429 carries Retry-After"
else
  failed=$((failed + 1)); echo "FAIL 429 without Retry-After"
fi
check "server/discover is never refused for load" 200 - '"result"' -- "${M[@]}" -H 'Mcp-Method: server/discover' "$U" \
  -d "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\",\"params\":{$meta}}"
check "initialize is never refused for load" 200 - '"protocolVersion"' -- "${JSON[@]}" "$U" \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
rest=$(cat <&4)
if [[ $first == "data: "* || $first == "id: "* ]] && grep -q '"text":"slept 3000 ms"' <<<"$rest"; then
  passed=$((passed + 1)); echo "ok   the admitted call still completes"
else
  failed=$((failed + 1)); echo "FAIL admitted call: $first $rest"
fi
wait $slow
rm -f "$fifo" "$body" "$hdrs" "$big"
echo "http rules: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
