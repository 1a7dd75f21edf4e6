// What an operator watches: the OpenTelemetry-named metrics pass `promtool check metrics`; a
// W3C trace context in `_meta` reaches an adapter worker (a TypeScript SDK server) and the
// access log; the access log names the call, never its arguments; session durations are kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer, callTool, until } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mcprt-observe-'));
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const tracestate = 'vendor=abc';
const baggage = 'tenant=blue';

let server;
before(async () => {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    adapters: [{ name: 'traced', command: process.execPath, args: [join(here, 'workers/meta_echo.mjs')],
      minWorkers: 1, maxWorkers: 1, toolPrefix: 'traced_' }],
    log: { access: true, format: 'json' },
  }));
  server = await startServer(['--config', join(dir, 'config.json')]);
  await server.waitForLog(/adapter=traced registered tools=\d+/);
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a traceparent in _meta reaches the worker and the access log', async () => {
  const client = new Client({ name: 'observability-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(server.url));
  const result = await client.callTool({ name: 'traced_meta', arguments: {}, _meta: { traceparent, tracestate, baggage } });
  const seen = JSON.parse(result.content[0].text);
  assert.equal(seen.traceparent, traceparent);
  assert.equal(seen.tracestate, tracestate);
  assert.equal(seen.baggage, baggage);
  const line = (await server.waitForLog(/\{[^\n]*"msg":"access"[^\n]*"tool":"traced_meta"[^\n]*\}/))[0];
  const entry = JSON.parse(line);
  assert.equal(entry.trace_id, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(entry.status, 'ok');
  assert.equal(entry.transport, 'http');
  assert.equal(entry.method, 'tools/call');
  assert.match(entry.duration_ms, /^\d+\.\d{3}$/);
  await client.close();
});

test('a malformed traceparent is not passed on', async () => {
  const client = new Client({ name: 'observability-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(server.url));
  const result = await client.callTool({ name: 'traced_meta', arguments: {},
    _meta: { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01', tracestate } });
  const seen = JSON.parse(result.content[0].text);
  assert.equal(seen.traceparent, undefined, 'an all-zero trace id is invalid');
  assert.equal(seen.tracestate, undefined, 'tracestate goes with its traceparent');
  await client.close();
});

test('the access log names the call, never its arguments', async () => {
  const secret = 'argument-text-that-must-not-be-logged';
  const r = await callTool(server.url, 7, 'echo', { text: secret });
  assert.equal(r.status, 200);
  const bad = await callTool(server.url, 8, 'echo', { nope: 1 });
  assert.equal(bad.status, 200);
  await server.waitForLog(/"msg":"access"[^\n]*"tool":"echo"[^\n]*"status":"tool_error"/);
  assert.ok(!server.log().includes(secret), 'no payload in the log');
});

test('metrics follow the OpenTelemetry MCP names and pass promtool check metrics', async () => {
  // A 2025 session opened and deleted, so its duration is recorded.
  const client = new Client({ name: 'observability-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(server.url);
  await client.connect(transport);
  await client.callTool({ name: 'echo', arguments: { text: 'x' } });
  await transport.terminateSession();
  await client.close();
  // The session's duration is recorded when its actor ends, just after the DELETE is answered.
  const sessionLine = /^mcp_server_session_duration_seconds_count\{mcp_protocol_version="2025-11-25",network_protocol_name="http",network_transport="tcp"\} 1$/m;
  const text = await until(async () => {
    const now = await (await fetch(new URL('/metrics', server.url))).text();
    return sessionLine.test(now) && now;
  }, 'the session duration recorded');
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.error, undefined, 'promtool runs');
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal((check.stdout + check.stderr).trim(), '', 'promtool has nothing to say');
  const series = (re) => text.split('\n').filter((l) => re.test(l));
  assert.ok(series(/^mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="traced_meta"[^}]*mcp_method_name="tools\/call"/).length > 0, text);
  assert.ok(series(/^mcp_server_operation_duration_seconds_count\{error_type="tool_error"[^}]*gen_ai_tool_name="echo"/).length > 0);
  assert.ok(series(/^mcp_server_operation_duration_seconds_bucket\{[^}]*le="300"/).length > 0, 'buckets reach 300 s');
  assert.ok(series(/^mcp_server_session_duration_seconds_count\{mcp_protocol_version="2025-11-25",network_protocol_name="http",network_transport="tcp"\} 1$/).length === 1, text);
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds', 'process_start_time_seconds']) {
    assert.ok(series(new RegExp(`^${name} \\d`)).length === 1, name);
  }
  assert.ok(series(/^mcprt_build_info\{version="0\.1\.0",caf_version="0\.17\.\d+"/).length === 1);
});
