// SIGHUP re-reads the configuration: a new performance.maxInflight is applied live (visible in
// the 429 answer to a second concurrent call, then in its absence) while a WebSocket session
// and a 2025 GET stream stay connected and keep receiving; a file that no longer parses is
// refused with one log line and the running configuration stays; what cannot change live is
// named in the log; both outcomes are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, metric, callTool } from './server.mjs';
import { openSession, openStream, rpc, nextMessages } from './sse.mjs';
import { connect, exchange, request } from './raw_http.mjs';
import { openWebSocketSession } from './ws_session.mjs';

const call = callTool;

// A 1.5 s call in flight, then a quick one beside it: its status says whether there was room.
async function secondCallStatus(url) {
  const slow = call(url, 1, 'sleep', { ms: 1500 });
  while ((await metric(url, 'mcprt_inflight_requests')) < 1);
  const second = await call(url, 2, 'echo', { text: 'beside' });
  assert.equal((await slow).status, 200);
  return second.status;
}

test('SIGHUP applies maxInflight live, keeps streams, refuses a broken file', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-reload-'));
  const file = join(dir, 'mcprt.json');
  const write = (inflight, extra = {}) => writeFileSync(file, JSON.stringify({
    performance: { maxInflight: inflight }, plugins: { enabled: ['demo', 'ticker'] }, ticker: { rateHz: 20 }, ...extra,
  }));
  write(1);
  const server = await startServer(['--config', file]);
  try {
    const { url } = server;
    // A WebSocket session and a 2025 session's GET stream, both subscribed to a ticking topic.
    const { ws, next: wsNext } = await openWebSocketSession(url);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'ticker://topic/0' } }));
    await wsNext((m) => m.id === 2);
    const sid = await openSession(url);
    const stream = await openStream(url, sid);
    assert.equal((await rpc(url, sid, 3, 'resources/subscribe', { uri: 'ticker://topic/0' })).status, 200);
    await nextMessages(stream.events, 1);

    assert.equal(await secondCallStatus(url), 429);

    write(4, { notifier: { shards: 2 } });
    server.proc.kill('SIGHUP');
    await server.waitForLog(/config reloaded applied=\[performance\.maxInflight\] needs_restart=\[notifier\.shards\]/);
    assert.equal(await secondCallStatus(url), 200);
    // Both subscribers are still connected and still receive: a topic subscribed to only now
    // reaches each of them.
    const fresh = (m) => m.method === 'notifications/resources/updated' && m.params.uri === 'ticker://topic/1';
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'resources/subscribe', params: { uri: 'ticker://topic/1' } }));
    await wsNext(fresh);
    assert.equal((await rpc(url, sid, 5, 'resources/subscribe', { uri: 'ticker://topic/1' })).status, 200);
    for (;;) {
      const [event] = await nextMessages(stream.events, 1);
      assert.ok(event, 'the GET stream ended');
      if (fresh(event.msg)) break;
    }
    assert.equal(ws.readyState, WebSocket.OPEN);

    writeFileSync(file, '{"performance": {"maxInflight": ');
    server.proc.kill('SIGHUP');
    await server.waitForLog(/config reload refused: config file '.*' is not valid JSON.*\(the running configuration stays\)/);
    assert.equal(await secondCallStatus(url), 200, 'maxInflight 4 stays');
    assert.equal(await metric(url, 'mcprt_config_reloads_total{outcome="applied"}'), 1);
    assert.equal(await metric(url, 'mcprt_config_reloads_total{outcome="refused"}'), 1);
    ws.close();
    stream.close();
  } finally {
    await server.stop();
  }
});

test('SIGHUP applies limits.maxPayloadKb and limits.requestTimeoutMs to the next requests', { timeout: 30000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-reload-limits-'));
  const file = join(dir, 'mcprt.json');
  const write = (limits) => writeFileSync(file, JSON.stringify({ limits }));
  write({ maxPayloadKb: 64, requestTimeoutMs: 60000 });
  const server = await startServer(['--config', file]);
  try {
    const big = 'x'.repeat(2048);
    assert.equal((await call(server.url, 1, 'echo', { text: big })).status, 200);
    assert.equal((await call(server.url, 2, 'sleep', { ms: 600 })).status, 200);
    write({ maxPayloadKb: 1, requestTimeoutMs: 200 });
    process.kill(server.pid, 'SIGHUP');
    await server.waitForLog(/config reloaded applied=\[[^\]]*limits\.maxPayloadKb[^\]]*\]/);
    const refused = await call(server.url, 3, 'echo', { text: big });
    assert.equal(refused.status, 413);
    assert.match((await refused.json()).error.message, /\(1 KiB\)/);
    const late = await (await call(server.url, 4, 'sleep', { ms: 600 })).json();
    assert.match(late.error?.message ?? '', /timed out/, JSON.stringify(late));
  } finally {
    await server.stop();
  }
});

test('SIGHUP applies header and connection limits to what comes next; open connections stay', { timeout: 30000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-reload-transport-'));
  const file = join(dir, 'mcprt.json');
  const write = (config) => writeFileSync(file, JSON.stringify(config));
  write({ limits: { maxHeaderKb: 16, maxPayloadKb: 512 } });
  const server = await startServer(['--config', file]);
  try {
    const { url } = server;
    // Three connections open before the reload, on which requests keep being served; no other
    // connection stays open (fetch would keep one), so the count below is exact.
    const held = await Promise.all([1, 2, 3].map(() => connect(url)));
    for (const s of held) assert.match(await request(s, '/healthz'), /^HTTP\/1.1 200/);
    const pad = `X-Pad: ${'p'.repeat(4096)}\r\n`;
    assert.match(await request(held[0], '/healthz', pad), /^HTTP\/1.1 200/);
    const caps = async () => {
      const text = await request(held[1], '/mcp/capabilities');
      return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).limits;
    };
    assert.equal((await caps()).maxPayloadKb, 512);

    write({
      limits: { maxHeaderKb: 2, maxConnectionsPerAddress: 4, headerTimeoutMs: 1000, maxPayloadKb: 256 },
      performance: { batchSize: 8, queueWatermark: 0.5 },
      notifier: { subscriberQueue: 64 },
      shutdown: { drainTimeoutMs: 5000 },
    });
    process.kill(server.pid, 'SIGHUP');
    const [line] = await server.waitForLog(/config reloaded applied=\[[^\]]*\] needs_restart=\[\]/);
    for (const key of ['limits.maxHeaderKb', 'limits.maxConnectionsPerAddress', 'limits.headerTimeoutMs',
      'limits.maxPayloadKb', 'performance.batchSize', 'performance.queueWatermark', 'notifier.subscriberQueue',
      'shutdown.drainTimeoutMs']) {
      assert.ok(line.includes(key), `${key} not applied: ${line}`);
    }
    assert.equal((await caps()).maxPayloadKb, 256);
    // The three held connections count against the new cap of 4: one more fits, the next not.
    const fourth = await connect(url);
    assert.match(await request(fourth, '/healthz'), /^HTTP\/1.1 200/);
    assert.match(await exchange(url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'), /^HTTP\/1.1 429 /);
    // The same 4 KiB header is now too large (and that connection closes after the 431).
    const refused = await Promise.race([request(fourth, '/healthz', pad), once(fourth, 'close').then(() => 'closed')]);
    assert.match(refused, /^HTTP\/1.1 431 /);
    assert.match(refused, /2 KiB \(limits\.maxHeaderKb\)/);
    for (const s of held) assert.match(await request(s, '/healthz'), /^HTTP\/1.1 200/);
    for (const s of [...held, fourth]) s.destroy();
  } finally {
    await server.stop();
  }
});
