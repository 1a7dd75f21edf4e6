// Forward to the owner: three nodes behind HAProxy (round-robin per request, no stickiness)
// and the official TypeScript SDK client. A 2025 session opened through the balancer is
// served wherever its requests land: tools/call with progress, a subscription whose updates a
// third node publishes (federated notifier) on the GET stream, sampling answers, tasks polled
// through every node, DELETE. 2026 tasks are polled through the others, and a call with an
// idempotency key finds its first attempt wherever the retry lands. Then node loss: kill -9
// (its sessions 404 within cluster.deadAfterMs, its tasks 503 and retryable, the others serve
// on), a restart (old session ids 404 by incarnation, tasks come back), and SIGSTOP (a stream
// relayed from the stopped owner ends with a reconnect hint; its sessions 404). With API keys:
// the credential is checked where the request lands and the owner enforces who may use a
// session; a GET stream resumes with Last-Event-ID through another node; 2024-11-05
// /messages POSTs are relayed to their stream's node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServer, until } from './server.mjs';
import { clusterConfigs, startHaproxy } from './cluster_nodes.mjs';
import { askingClient } from './fixture_checks.mjs';
import { openWebSocketSession } from './ws_session.mjs';
import { BASE, openSession, openStream, readEventsOf, rpc } from './sse.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mcprt-forward-'));
const deadAfterMs = 3000;
const names = ['f1', 'f2', 'f3'];

// f3 ticks five times a second; f1 and f2 only once, at start: an update a subscriber of f1
// or f2 gets later came from f3 through the federated notifier.
// Each node keeps its store across restarts (its tasks outlive the process).
const start = (file, name) => startServer(['--config', file, '--set', 'plugins.enabled=demo,conformance,ticker',
  '--set', `ticker.rateHz=${name === 'f3' ? 5 : 0.001}`, '--set', `jobs.storePath=${join(dir, `${name}.sqlite`)}`]);

// Sums a counter family's samples whose labels include every `labels` pair.
async function counted(urls, family, labels = {}) {
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(new URL('/metrics', url))).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${family}{`)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').at(-1));
    }
  }
  return sum;
}

const META_2026 = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'forward-test', version: '1' },
};

// One stateless 2026-07-28 request: status and JSON body.
async function rpc2026(url, method, params = {}, meta = {}) {
  const headers = { ...BASE, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  const name = params.name ?? params.taskId;
  if (name !== undefined) headers['mcp-name'] = name;
  const res = await fetch(url, { method: 'POST', headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: { ...META_2026, ...meta } } }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

async function startCluster() {
  const { files } = await clusterConfigs(dir, names, { deadAfterMs });
  const nodes = {};
  for (const n of names) nodes[n] = await start(files[n], n);
  for (const n of names) {
    for (const p of names.filter((x) => x !== n)) await nodes[n].waitForLog(new RegExp(`cluster peer=${p} up`));
  }
  return { files, nodes };
}

test('a 2025 session through HAProxy: every request served wherever it lands', { timeout: 90000 }, async () => {
  const { nodes } = await startCluster();
  const urls = Object.values(nodes).map((n) => n.url);
  let haproxy;
  const clients = [];
  try {
    haproxy = await startHaproxy(dir, urls, 'forward-haproxy');
    // initialize through the balancer, until the session's owner is not the ticking node.
    let client; let transport; let asked;
    for (;;) {
      ({ client, asked } = askingClient('forward-test'));
      transport = new StreamableHTTPClientTransport(haproxy.url);
      await client.connect(transport);
      clients.push(client);
      if (!transport.sessionId.startsWith('f3.')) break;
    }
    const owner = transport.sessionId.split('.')[0];
    assert.match(transport.sessionId, /^f[12]\.[0-9a-f]{16}\.[0-9a-f]{32}$/);

    // tools/call with progress, on a stream relayed from the owner.
    const progress = [];
    const counted5 = await client.callTool({ name: 'count', arguments: { n: 5 } }, undefined,
      { onprogress: (p) => progress.push(p.progress) });
    assert.deepEqual(counted5.structuredContent, { count: 5 });
    assert.deepEqual(progress, [1, 2, 3, 4, 5]);

    // Subscribe (wherever it lands, the owner subscribes): f3 publishes, the update reaches
    // the owner's subscriber through the federated notifier and the client's GET stream.
    const updates = [];
    let wake;
    const three = new Promise((resolve) => { wake = resolve; });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
      if (updates.length === 3) wake();
    });
    await client.subscribeResource({ uri: 'ticker://topic/0' });
    await three;
    assert.deepEqual(updates.slice(0, 3), Array(3).fill('ticker://topic/0'));
    assert.ok(await counted([nodes.f3.url], 'mcprt_cluster_notes_sent_total', { peer: owner }) >= 3);
    await client.unsubscribeResource({ uri: 'ticker://topic/0' });

    // Sampling: the server's request goes out on a relayed stream, the answers land anywhere.
    for (let i = 0; i < 3; ++i) {
      const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: `p${i}` } });
      assert.deepEqual(sampled.content, [{ type: 'text', text: 'LLM response: This is a test response from the client' }]);
    }
    assert.equal(asked.filter((r) => r.method === 'sampling/createMessage').length, 3);
    assert.ok(await counted(urls, 'mcprt_cluster_forwards_total', { kind: 'answer', result: 'ok' }) >= 1,
      'an answer was relayed to the owner');

    // A task made by the session runs on its owner; polled through every node.
    const sid = transport.sessionId;
    const made = await rpc(haproxy.url, sid, 50, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.05 }, task: {} });
    const taskId = made.body.result.task.taskId;
    assert.ok(taskId.startsWith(`${owner}.`), taskId);
    for (const url of urls) {
      const got = await rpc(url, sid, 51, 'tasks/get', { taskId });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.result.taskId, taskId);
    }
    // Every kind reached the owner from elsewhere, and each was answered.
    assert.ok(await counted(urls, 'mcprt_cluster_forwards_total', { kind: 'post', result: 'ok' }) >= 1);
    assert.ok(await counted([nodes[owner].url], 'mcprt_cluster_served_total') >= 3);

    // DELETE through the balancer: the session is gone on every node.
    await transport.terminateSession();
    for (const url of urls) assert.equal((await rpc(url, sid, 52, 'ping')).status, 404);

    // 2026: a task made on one node, polled through the others.
    const created = (await rpc2026(nodes.f1.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.05 } })).body.result;
    assert.match(created.taskId, /^f1\.[0-9a-f]{32}$/);
    for (const url of [nodes.f2.url, nodes.f3.url]) {
      const got = await rpc2026(url, 'tasks/get', { taskId: created.taskId });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.result.taskId, created.taskId);
    }
    assert.ok(await counted([nodes.f2.url, nodes.f3.url], 'mcprt_cluster_forwards_total', { kind: 'task', result: 'ok' }) >= 2);
    // The same over a WebSocket held on f3: the operation is relayed, the answer is a message.
    const ws = await openWebSocketSession(nodes.f3.url);
    ws.send({ jsonrpc: '2.0', id: 77, method: 'tasks/get', params: { taskId: created.taskId, _meta: META_2026 } });
    const overWs = await ws.next((m) => m.id === 77);
    assert.equal(overWs.result?.taskId, created.taskId, JSON.stringify(overWs));
    ws.ws.close();

    // An idempotency key: each retry, wherever it lands, finds the first attempt.
    const key = { 'io.mcprt/idempotencyKey': 'forward-key' };
    const call = { name: 'slow_compute', arguments: { seconds: 0.05 } };
    const ids = new Set();
    for (const url of urls) ids.add((await rpc2026(url, 'tools/call', call, key)).body.result.taskId);
    // And over a WebSocket on each node: the key's home answers with the same task.
    for (const url of urls) {
      const pipe = await openWebSocketSession(url);
      pipe.send({ jsonrpc: '2.0', id: 78, method: 'tools/call', params: { ...call, _meta: { ...META_2026, ...key } } });
      ids.add((await pipe.next((m) => m.id === 78)).result?.taskId);
      pipe.ws.close();
    }
    assert.equal(ids.size, 1, [...ids].join(' '));
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    haproxy?.stop();
    for (const node of Object.values(nodes)) await node.stop();
  }
});

test('node loss: kill -9, restart and SIGSTOP, as clients see them', { timeout: 90000 }, async () => {
  const { files, nodes } = await startCluster();
  try {
    // f2 owns a session and a long 2026 task; f1 and f3 their own sessions.
    const lost = await openSession(nodes.f2.url);
    const kept = await openSession(nodes.f1.url);
    const task = (await rpc2026(nodes.f2.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 30 } })).body.result;
    assert.equal((await rpc(nodes.f3.url, lost, 2, 'ping')).status, 200, 'served from f3 while f2 is up');

    const killed = Date.now();
    nodes.f2.proc.kill('SIGKILL');
    await once(nodes.f2.proc, 'exit');
    // Its sessions: 404 (the client re-initializes), within deadAfterMs, not after a hang.
    await until(async () => (await rpc(nodes.f3.url, lost, 3, 'ping')).status === 404, 'a 404 for the dead node\'s session');
    assert.ok(Date.now() - killed < deadAfterMs + 1000, `404 after ${Date.now() - killed} ms`);
    // Its tasks: 503 and retryable (they come back with the node), not 404.
    const down = await rpc2026(nodes.f1.url, 'tasks/get', { taskId: task.taskId });
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.equal(down.retryAfter, '1');
    assert.equal(down.body.error.data.retryable, true);
    // The others serve their own sessions, and each other's.
    assert.equal((await rpc(nodes.f3.url, kept, 4, 'ping')).status, 200);
    assert.equal((await rpc(nodes.f1.url, kept, 5, 'ping')).status, 200);

    // Restarted with the same config: the old session id names a gone incarnation (404 at
    // once); the task is back (its store outlived the process).
    // The new process's "up", not any earlier one: each node's log from before the restart on.
    const seen = { f1: nodes.f1.log().length, f3: nodes.f3.log().length };
    nodes.f2 = await start(files.f2, 'f2');
    await nodes.f1.waitForLog(/cluster peer=f2 up/, { after: seen.f1 });
    await nodes.f3.waitForLog(/cluster peer=f2 up/, { after: seen.f3 });
    assert.equal((await rpc(nodes.f1.url, lost, 6, 'ping')).status, 404);
    assert.ok(await counted([nodes.f1.url], 'mcprt_cluster_forwards_total', { result: 'restarted' }) >= 1);
    const back = await rpc2026(nodes.f3.url, 'tasks/get', { taskId: task.taskId });
    assert.equal(back.status, 200, JSON.stringify(back));
    assert.equal(back.body.result?.taskId, task.taskId, JSON.stringify(back));

    // SIGSTOP f3 while a stream of its session is relayed through f1: the stream ends with a
    // reconnect hint once f3 counts as down, and its sessions then answer 404.
    const frozen = await openSession(nodes.f3.url);
    const stream = await openStream(nodes.f1.url, frozen);
    assert.equal(stream.res.status, 200);
    const primed = await stream.events.next();
    assert.equal(primed.value.data, '');
    // f3 ticks: its updates reach the subscriber through the relayed stream.
    assert.equal((await rpc(nodes.f2.url, frozen, 9, 'resources/subscribe', { uri: 'ticker://topic/1' })).status, 200);
    const update = JSON.parse((await stream.events.next()).value.data);
    assert.deepEqual(update, { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'ticker://topic/1' } });
    nodes.f3.proc.kill('SIGSTOP');
    const stopped = Date.now();
    let last;
    for await (const ev of stream.events) last = ev;
    assert.ok(Date.now() - stopped < deadAfterMs + 2000, `stream ended after ${Date.now() - stopped} ms`);
    assert.ok(last.retry > 0, JSON.stringify(last));
    assert.match(last.comment ?? '', /down or restarted/);
    assert.equal((await rpc(nodes.f1.url, frozen, 7, 'ping')).status, 404);
    assert.equal((await rpc(nodes.f1.url, kept, 8, 'ping')).status, 200, 'f1 serves its own meanwhile');
    const beforeCont = nodes.f1.log().length;
    nodes.f3.proc.kill('SIGCONT');
    await nodes.f1.waitForLog(/cluster peer=f3 up/, { after: beforeCont });
  } finally {
    nodes.f3?.proc.kill('SIGCONT');
    for (const node of Object.values(nodes)) await node.stop();
  }
});

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

test('identity, resumption and HTTP+SSE across nodes', { timeout: 60000 }, async () => {
  const auth = { auth: { mode: 'apiKeys', scopes: ['mcp:tools'], apiKeys: [
    { name: 'alice', sha256: sha256('key-of-alice'), scopes: ['mcp'] },
    { name: 'bob', sha256: sha256('key-of-bob'), scopes: ['mcp'] },
  ] } };
  const { files } = await clusterConfigs(dir, ['g1', 'g2', 'g3'], { deadAfterMs }, auth);
  const nodes = {};
  for (const n of ['g1', 'g2', 'g3']) {
    nodes[n] = await startServer(['--config', files[n], '--set', 'plugins.enabled=demo,conformance']);
  }
  const alice = { authorization: 'Bearer key-of-alice' };
  const bob = { authorization: 'Bearer key-of-bob' };
  const post = (url, headers, body) => fetch(url, { method: 'POST', headers: { ...BASE, ...headers }, body: JSON.stringify(body) });
  try {
    for (const n of ['g1', 'g2', 'g3']) {
      for (const p of ['g1', 'g2', 'g3'].filter((x) => x !== n)) await nodes[n].waitForLog(new RegExp(`cluster peer=${p} up`));
    }
    const init = await post(nodes.g1.url, alice, { jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ids', version: '1' } } });
    const sid = init.headers.get('mcp-session-id');
    assert.match(sid, /^g1\./);
    const ping = (url, headers) => post(url, { ...headers, 'mcp-session-id': sid }, { jsonrpc: '2.0', id: 2, method: 'ping' });
    // The credential is checked where the request lands: none at all is 401 there.
    assert.equal((await ping(nodes.g2.url, {})).status, 401);
    // The owner enforces whose session it is: alice's from anywhere, bob's nowhere.
    assert.equal((await ping(nodes.g2.url, alice)).status, 200);
    assert.equal((await ping(nodes.g3.url, bob)).status, 404);
    assert.equal((await ping(nodes.g1.url, bob)).status, 404);

    // Resumption through other nodes: a GET stream relayed by g2 primes an event id; the
    // stream goes; a list change queues while no stream is open; a GET on g3 with
    // Last-Event-ID gets it.
    const getHeaders = { ...alice, accept: 'text/event-stream', 'mcp-session-id': sid };
    const first = new AbortController();
    const s1 = await fetch(nodes.g2.url, { headers: getHeaders, signal: first.signal });
    assert.equal(s1.status, 200);
    const events1 = readEventsOf(s1.body);
    const primed = (await events1.next()).value;
    assert.ok(primed.id, JSON.stringify(primed));
    first.abort();
    const changed = await post(nodes.g3.url, { ...alice, 'mcp-session-id': sid },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'test_trigger_tool_change', arguments: {} } });
    assert.equal(changed.status, 200);
    const again = new AbortController();
    const s2 = await fetch(nodes.g3.url, { headers: { ...getHeaders, 'last-event-id': primed.id }, signal: again.signal });
    assert.equal(s2.status, 200);
    const events2 = readEventsOf(s2.body);
    let note;
    for await (const ev of events2) {
      if (ev.data.includes('list_changed')) { note = ev; break; }
    }
    again.abort();
    assert.equal(JSON.parse(note.data).method, 'notifications/tools/list_changed');
    assert.ok(note.id && note.id !== primed.id);

    // 2024-11-05 HTTP+SSE: the stream is where it was opened; its POSTs land anywhere.
    const legacy = new AbortController();
    const sse = await fetch(new URL('/sse', nodes.g1.url), { headers: { ...alice, accept: 'text/event-stream' }, signal: legacy.signal });
    const legacyEvents = readEventsOf(sse.body);
    const endpoint = (await legacyEvents.next()).value.data;
    assert.match(endpoint, /sessionId=g1\./);
    const messages = new URL(endpoint, nodes.g2.url);
    assert.equal((await post(messages, bob, { jsonrpc: '2.0', id: 1, method: 'ping' })).status, 404);
    const accepted = await post(messages, alice, { jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'legacy', version: '1' } } });
    assert.equal(accepted.status, 202);
    let answered;
    for await (const ev of legacyEvents) {
      if (ev.data.includes('"id":1')) { answered = JSON.parse(ev.data); break; }
    }
    legacy.abort();
    assert.equal(answered.result.protocolVersion, '2024-11-05');
    assert.ok(await counted([nodes.g2.url], 'mcprt_cluster_forwards_total', { kind: 'legacy_post', result: 'ok' }) >= 1);
  } finally {
    for (const node of Object.values(nodes)) await node.stop();
  }
});

test('a draining node finishes the calls it relayed, then exits 0', { timeout: 60000 }, async () => {
  const { files } = await clusterConfigs(dir, ['d1', 'd2'], { deadAfterMs });
  const d1 = await startServer(['--config', files.d1, '--set', 'plugins.enabled=demo']);
  const d2 = await startServer(['--config', files.d2, '--set', 'plugins.enabled=demo']);
  try {
    await d1.waitForLog(/cluster peer=d2 up/);
    const sid = await openSession(d2.url);
    // A 1.5 s call relayed by d1 to d2's session; d1 gets SIGTERM while it runs.
    const call = rpc(d1.url, sid, 2, 'tools/call', { name: 'sleep', arguments: { ms: 1500 } });
    await until(async () => (await counted([d2.url], 'mcprt_cluster_served_total')) >= 1, 'the call to reach d2');
    const exited = once(d1.proc, 'exit');
    d1.proc.kill('SIGTERM');
    const answered = await call;
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.ok(answered.body.result, JSON.stringify(answered.body));
    const [code] = await exited;
    assert.equal(code, 0, d1.log());
  } finally {
    await d1.stop();
    await d2.stop();
  }
});
