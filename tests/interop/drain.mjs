// SIGTERM drains: /readyz answers 503 at once, a new call gets 503 with Retry-After (so a
// balancer or client goes elsewhere), while a 3 s call admitted before the signal finishes and
// is answered; then open streams end with a reconnect hint (an SSE `retry:` and the chunked
// end; WebSocket close 1012) instead of being cut, and the server exits 0. /readyz before:
// ready; with an adapter whose workers cannot start: degraded (still 200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, callTool } from './server.mjs';
import { openSession, openStream, readEventsOf } from './sse.mjs';
import { openWebSocketSession } from './ws_session.mjs';

const call = callTool;
const readyz = (url) => fetch(new URL('/readyz', url));

test('SIGTERM: readyz and new calls 503 at once, the admitted 3 s call finishes, exit 0', { timeout: 30000 }, async () => {
  const server = await startServer(['--set', 'plugins.enabled=demo', '--set', 'shutdown.drainTimeoutMs=20000']);
  const ready = await readyz(server.url);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready' });

  const slow = call(server.url, 1, 'sleep', { ms: 3000 });
  // The call is admitted once the server counts it in flight.
  while (!/mcprt_inflight_requests 1/.test(await (await fetch(new URL('/metrics', server.url))).text()));
  const started = Date.now();
  const exited = once(server.proc, 'exit');
  server.proc.kill('SIGTERM');
  await server.waitForLog(/draining signal=SIGTERM inflight=1/);

  const draining = await readyz(server.url);
  assert.equal(draining.status, 503);
  assert.deepEqual(await draining.json(), { status: 'draining' });
  const refused = await call(server.url, 2, 'echo', { text: 'too late' });
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '5');
  assert.match((await refused.json()).error.message, /shutting down/);

  const answered = await slow;
  assert.equal(answered.status, 200);
  const body = await answered.text();
  assert.match(body, /"result"/, body);
  assert.ok(Date.now() - started < 15000);
  const [code] = await exited;
  assert.equal(code, 0, server.log());
  assert.match(server.log(), /drained in \d+ ms; stopping/);
  await server.stop();
});

// Every event of an SSE body until it ends; throws when the connection is cut instead.
async function allEvents(events) {
  const out = [];
  for await (const ev of events) out.push(ev);
  return out;
}

test('SIGTERM: a WebSocket call finishes, then streams end with a reconnect hint, not a cut', { timeout: 30000 }, async () => {
  const server = await startServer(['--set', 'plugins.enabled=demo', '--set', 'transport.sseRetryMs=1500']);
  const { url } = server;
  const sid = await openSession(url);
  const stream = await openStream(url, sid);
  assert.equal(stream.res.status, 200);
  const legacy = await fetch(new URL('/sse', url), { headers: { accept: 'text/event-stream' } });
  assert.equal(legacy.status, 200);
  const legacyEvents = readEventsOf(legacy.body);
  assert.equal((await legacyEvents.next()).value.data.startsWith('/messages?sessionId='), true);

  const { ws, next: wsNext } = await openWebSocketSession(url);
  // A 1.5 s call on the WebSocket, in flight once its first progress note arrives.
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'sleep', arguments: { ms: 1500 }, _meta: { progressToken: 'p' } } }));
  await wsNext((m) => m.method === 'notifications/progress');
  const closed = new Promise((resolve) => ws.addEventListener('close', resolve, { once: true }));

  const exited = once(server.proc, 'exit');
  const getEvents = allEvents(stream.events);
  const legacyRest = allEvents(legacyEvents);
  server.proc.kill('SIGTERM');
  await server.waitForLog(/draining signal=SIGTERM inflight=1 /);
  // A new request on the open WebSocket is refused as over HTTP; the admitted call finishes.
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'late' } } }));
  const refused = await wsNext((m) => m.id === 3);
  assert.match(refused.error?.message ?? '', /shutting down/, JSON.stringify(refused));
  const slept = await wsNext((m) => m.id === 2);
  assert.ok(slept.result && !slept.result.isError, JSON.stringify(slept));

  for (const events of [await getEvents, await legacyRest]) {
    const last = events.at(-1);
    assert.equal(last.comment, 'server shutting down', JSON.stringify(events));
    assert.equal(last.retry, 1500);
  }
  const close = await closed;
  assert.equal(close.code, 1012);
  assert.match(close.reason, /reconnect/);
  const [code] = await exited;
  assert.equal(code, 0, server.log());
  assert.match(server.log(), /ended streams=3 with a reconnect hint \(retry_ms=1500\); still_open=0/);
  await server.stop();
});

test('readyz: an adapter without a ready worker makes the server degraded, not unready', { timeout: 30000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-readyz-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    adapters: [{ name: 'broken', command: join(dir, 'no-such-worker') }],
  }));
  const server = await startServer(['--config', join(dir, 'config.json'), '--set', 'plugins.enabled=demo']);
  try {
    const res = await readyz(server.url);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'degraded', adapters: ['broken'] });
  } finally {
    await server.stop();
  }
});
