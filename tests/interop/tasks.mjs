// Durable jobs as tasks, end to end against the real server: the 2025-11-25 experimental task
// methods over a session (status notifications on the GET stream, tasks/list scope), the
// 2026-07-28 extension, idempotent retries, cancellation, the job timeout, and a kill -9 with
// a restart on the same job store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, openSession, openStream, rpc } from './sse.mjs';
import { startServer as startSharedServer, metric } from './server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mcprt-tasks-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// A server with the conformance plugin and `sets` (`key=value`, applied after the defaults).
function startServer(...sets) {
  return startSharedServer(['--set', 'plugins.enabled=conformance', ...sets.flatMap((s) => ['--set', s])]);
}

async function stop(server, signal = 'SIGTERM') {
  const exited = once(server.proc, 'exit');
  server.proc.kill(signal);
  await exited;
  await server.stop();
}

const META_2026 = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'tasks-test', version: '1' },
};

// One stateless 2026-07-28 request (with the routing headers it needs).
async function rpc2026(url, method, params = {}, meta = {}) {
  const headers = { ...BASE, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  const name = params.name ?? params.taskId;
  if (name !== undefined) headers['mcp-name'] = name;
  const res = await fetch(url, {
    method: 'POST', headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: { ...META_2026, ...meta } } }),
  });
  return res.json();
}

async function pollUntil(check, what) {
  for (let i = 0; i < 200; i++) {
    const r = await check();
    if (r) return r;
    await new Promise((ok) => setTimeout(ok, 50)); // Polling is how task clients wait.
  }
  throw new Error('gave up waiting for ' + what);
}

test('2025-11-25 tasks: create, poll, result, status notifications, list scope, errors', { timeout: 30000 }, async () => {
  const server = await startServer(`jobs.storePath=${join(dir, 'a.sqlite')}`);
  try {
    const { url } = server;
    const init = await fetch(url, {
      method: 'POST', headers: BASE,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    const sid = init.headers.get('mcp-session-id');
    const caps = (await init.json()).result.capabilities;
    assert.deepEqual(caps.tasks, { list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const tools = (await rpc(url, sid, 2, 'tools/list')).body.result.tools;
    assert.deepEqual(tools.find((t) => t.name === 'slow_compute').execution, { taskSupport: 'optional' });
    assert.equal(tools.find((t) => t.name === 'greet').execution, undefined);

    const stream = await openStream(url, sid);
    const created = (await rpc(url, sid, 3, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.3, label: 'x' }, task: { ttl: 60000 } })).body.result;
    const id = created.task.taskId;
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(created.task.status, 'working');
    assert.equal(created.task.ttl, 3600000);
    assert.equal(typeof created.task.pollInterval, 'number');
    assert.equal((await rpc(url, sid, 4, 'tasks/get', { taskId: id })).body.result.taskId, id);

    const result = (await rpc(url, sid, 5, 'tasks/result', { taskId: id })).body.result;
    assert.equal(result.content[0].text, 'Computed x after 0s');
    assert.deepEqual(result._meta['io.modelcontextprotocol/related-task'], { taskId: id });
    // The session's stream heard the task end.
    for await (const ev of stream.events) {
      if (!ev.data) continue;
      const note = JSON.parse(ev.data);
      if (note.method === 'notifications/tasks/status' && note.params.taskId === id && note.params.status === 'completed') break;
    }
    stream.close();

    const listed = (await rpc(url, sid, 6, 'tasks/list')).body.result.tasks.map((t) => t.taskId);
    assert.ok(listed.includes(id));
    const other = await openSession(url);
    assert.deepEqual((await rpc(url, other, 2, 'tasks/list')).body.result.tasks, []);

    const unknown = (await rpc(url, sid, 7, 'tasks/get', { taskId: 'no-such-task' })).body;
    assert.equal(unknown.error.code, -32602);
    assert.equal((await rpc(url, sid, 8, 'tasks/cancel', { taskId: id })).body.error.code, -32602);
    assert.equal((await rpc(url, sid, 9, 'tools/call', { name: 'greet', arguments: { name: 'a' }, task: {} })).body.error.code, -32601);
    assert.equal((await rpc(url, sid, 10, 'tools/call', { name: 'failing_job', arguments: {} })).body.error.code, -32601);

    // A tool error is a failed task in 2025-11-25; tasks/result still returns the tool's result.
    const failing = (await rpc(url, sid, 11, 'tools/call', { name: 'failing_job', arguments: {}, task: {} })).body.result.task.taskId;
    const failed = (await rpc(url, sid, 12, 'tasks/result', { taskId: failing })).body.result;
    assert.equal(failed.isError, true);
    assert.equal((await rpc(url, sid, 13, 'tasks/get', { taskId: failing })).body.result.status, 'failed');

    // Cancel stops a running task at once.
    const long = (await rpc(url, sid, 14, 'tools/call', { name: 'slow_compute', arguments: { seconds: 30 }, task: {} })).body.result.task.taskId;
    const cancelled = (await rpc(url, sid, 15, 'tasks/cancel', { taskId: long })).body.result;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await rpc(url, sid, 16, 'tasks/get', { taskId: long })).body.result.status, 'cancelled');

    // The jobs' metrics: started, ended by state, none live, the store's size.
    const series = async (name) => metric(url, name);
    assert.ok(await series('mcprt_jobs_started_total') >= 3);
    await pollUntil(async () => await series('mcprt_jobs_ended_total{state="cancelled"}') === 1, 'the cancelled job counted');
    // A tool error is a job that completed (the tool answered); 2025-11-25 shows it as failed.
    await pollUntil(async () => await series('mcprt_jobs_ended_total{state="completed"}') >= 2, 'the completed jobs counted');
    await pollUntil(async () => await series('mcprt_jobs_live') === 0, 'no job live');
    assert.ok(await series('mcprt_job_store_bytes') > 0);
  } finally {
    await stop(server);
  }
});

test('idempotency key: a repeated call returns the first result and runs once', { timeout: 20000 }, async () => {
  const server = await startServer(`jobs.storePath=${join(dir, 'b.sqlite')}`);
  try {
    const { url } = server;
    const sid = await openSession(url);
    const keyed = () => ({ name: 'count_runs', arguments: {}, _meta: { 'io.mcprt/idempotencyKey': 'k-1' } });
    const first = (await rpc(url, sid, 2, 'tools/call', keyed())).body.result.content[0].text;
    const again = (await rpc(url, sid, 3, 'tools/call', keyed())).body.result.content[0].text;
    assert.equal(again, first);
    const fresh = (await rpc(url, sid, 4, 'tools/call', { name: 'count_runs', arguments: {} })).body.result.content[0].text;
    assert.equal(fresh, 'run ' + (Number(first.split(' ')[1]) + 1));
    // The same key for another tool is refused, not silently answered.
    const clash = (await rpc(url, sid, 5, 'tools/call', { name: 'greet', arguments: { name: 'a' }, _meta: { 'io.mcprt/idempotencyKey': 'k-1' } })).body;
    assert.equal(clash.error.code, -32602);
    // A retried task creation returns the same task (2026-07-28, stateless).
    const call = { name: 'slow_compute', arguments: { seconds: 0.2 } };
    const key = { 'io.mcprt/idempotencyKey': 'task-key' };
    const a = await rpc2026(url, 'tools/call', call, key);
    const b = await rpc2026(url, 'tools/call', call, key);
    assert.equal(a.result.resultType, 'task');
    assert.equal(b.result.taskId, a.result.taskId);
  } finally {
    await stop(server);
  }
});

test('the job timeout stops a running task: failed, "timed out"', { timeout: 20000 }, async () => {
  const server = await startServer(`jobs.storePath=${join(dir, 'c.sqlite')}`, 'jobs.defaultTimeoutMs=300');
  try {
    const created = await rpc2026(server.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 30 } });
    const id = created.result.taskId;
    const done = await pollUntil(async () => {
      const r = (await rpc2026(server.url, 'tasks/get', { taskId: id })).result;
      return r.status !== 'working' && r;
    }, 'the timeout');
    assert.equal(done.status, 'failed');
    assert.match(done.statusMessage, /timed out after 300 ms/);
    assert.equal(typeof done.error.code, 'number');
  } finally {
    await stop(server);
  }
});

test('kill -9 and restart: finished results are served, running work reads interrupted', { timeout: 30000 }, async () => {
  const store = `jobs.storePath=${join(dir, 'd.sqlite')}`;
  const first = await startServer(store);
  const sid = await openSession(first.url);
  const finished = (await rpc(first.url, sid, 2, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0, label: 'kept' }, task: {} })).body.result.task.taskId;
  await rpc(first.url, sid, 3, 'tasks/result', { taskId: finished });
  const running = (await rpc(first.url, sid, 4, 'tools/call', { name: 'slow_compute', arguments: { seconds: 60 }, task: {} })).body.result.task.taskId;
  await stop(first, 'SIGKILL');

  const second = await startServer(store);
  try {
    const { url } = second;
    const fresh = await openSession(url); // A new session: the task outlived the old one.
    const kept = (await rpc(url, fresh, 2, 'tasks/result', { taskId: finished })).body.result;
    assert.equal(kept.content[0].text, 'Computed kept after 0s');
    const lost = (await rpc(url, fresh, 3, 'tasks/get', { taskId: running })).body.result;
    assert.equal(lost.status, 'failed');
    assert.equal(lost.statusMessage, 'interrupted by restart');
    const lostResult = (await rpc(url, fresh, 4, 'tasks/result', { taskId: running })).body;
    assert.match(lostResult.error.message, /interrupted by restart/);
    // And from a stateless 2026-07-28 request, with the result inlined.
    const modern = (await rpc2026(url, 'tasks/get', { taskId: finished })).result;
    assert.equal(modern.status, 'completed');
    assert.equal(modern.result.content[0].text, 'Computed kept after 0s');
  } finally {
    await stop(second);
  }
});

test('a full job store fails the call that cannot be recorded, and the server keeps serving', { timeout: 20000 }, async () => {
  const server = await startServer(`jobs.storePath=${join(dir, 'e.sqlite')}`, 'jobs.maxStoreMb=1', 'limits.maxPayloadKb=4096');
  try {
    const { url } = server;
    const sid = await openSession(url);
    const key = (k) => ({ 'io.mcprt/idempotencyKey': k });
    const big = (await rpc(url, sid, 2, 'tools/call', { name: 'greet', arguments: { name: 'x'.repeat(1500000) }, _meta: key('big') })).body;
    assert.equal(big.error.code, -32603);
    assert.match(big.error.message, /could not be recorded: database or disk is full/);
    await server.waitForLog(/job store write failed for job [0-9a-f]{32}: database or disk is full/);
    // The same key now reads the recorded failure instead of running again.
    const again = (await rpc(url, sid, 3, 'tools/call', { name: 'greet', arguments: { name: 'x' }, _meta: key('big') })).body;
    assert.match(again.error.message, /could not be recorded/);
    // Everything small still works: keyed calls, tasks, plain calls.
    const small = (await rpc(url, sid, 4, 'tools/call', { name: 'greet', arguments: { name: 'y' }, _meta: key('small') })).body;
    assert.equal(small.result.content[0].text, 'Hello, y!');
    const task = (await rpc(url, sid, 5, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0 }, task: {} })).body.result.task.taskId;
    assert.equal((await rpc(url, sid, 6, 'tasks/result', { taskId: task })).body.result.content[0].text, 'Computed slow_compute after 0s');
  } finally {
    await stop(server);
  }
});
