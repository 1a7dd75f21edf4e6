// SIGTERM drains: /readyz answers 503 at once, a new call gets 503 with Retry-After (so a
// balancer or client goes elsewhere), while a 3 s call admitted before the signal finishes and
// is answered; then the server exits 0. /readyz before: ready; with an adapter whose workers
// cannot start: degraded (still 200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, callTool } from './server.mjs';

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
