// The 2025 GET stream: subscriptions, priming, one stream per session (409), resumption with
// Last-Event-ID, a foreign Last-Event-ID, and the stream ending with its session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openStream, nextMessages, rpc } from './sse.mjs';

const url = new URL(process.env.MCP_TEST_URL);

test('a subscription delivers on the GET stream; one stream per session; resume loses nothing', async () => {
  const sid = await openSession(url);
  const unknown = await rpc(url, sid, 2, 'resources/subscribe', { uri: 'nope://x' });
  assert.equal(unknown.body.error.code, -32002);
  const ok = await rpc(url, sid, 3, 'resources/subscribe', { uri: 'ticker://channel/0' });
  assert.deepEqual(ok.body.result, {});

  const first = await openStream(url, sid);
  assert.equal(first.res.status, 200);
  assert.equal(first.res.headers.get('x-accel-buffering'), 'no');
  const priming = (await first.events.next()).value;
  assert.match(priming.id, /^[0-9a-f]{8}-\d+$/);
  assert.equal(priming.retry, 2000);
  assert.equal(priming.data, '');

  const second = await openStream(url, sid);
  assert.equal(second.res.status, 409);

  const got = await nextMessages(first.events, 3);
  assert.ok(got.every((e) => e.msg.method === 'notifications/ticker/tick' && e.msg.params.uri === 'ticker://channel/0'));
  const seqs = got.map((e) => e.msg.params.seq);
  assert.deepEqual(seqs, [seqs[0], seqs[0] + 1, seqs[0] + 2], 'consecutive ticks');
  first.close();

  // Reconnect after the first of the three: the next two come again, then the rest follow.
  const resumed = await openStream(url, sid, got[0].id);
  assert.equal(resumed.res.status, 200);
  const again = await nextMessages(resumed.events, 4);
  assert.deepEqual(again.slice(0, 2).map((e) => e.id), [got[1].id, got[2].id], 'replayed with their ids');
  assert.deepEqual(again.map((e) => e.msg.params.seq), [seqs[1], seqs[2], seqs[2] + 1, seqs[2] + 2], 'no gap');

  // Another session's event id is refused; the open stream is not disturbed.
  const other = await openSession(url);
  const foreign = await openStream(url, other, got[0].id);
  assert.equal(foreign.res.status, 400);
  assert.match((await foreign.res.json()).error.message, /not an event of this session/);

  // Unsubscribing stops the ticks; DELETE ends the stream.
  assert.deepEqual((await rpc(url, sid, 4, 'resources/unsubscribe', { uri: 'ticker://channel/0' })).body.result, {});
  const del = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sid } });
  assert.equal(del.status, 200);
  let ended = false;
  for await (const ev of resumed.events) {
    if (ev.comment && ev.comment.includes('stream closed')) ended = true;
  }
  assert.ok(ended, 'the stream says why it closed');
});

test('a GET without a session is 405, with an unknown one 404', async () => {
  const none = await fetch(url, { headers: { accept: 'text/event-stream' } });
  assert.equal(none.status, 405);
  const unknown = await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': '0'.repeat(32) } });
  assert.equal(unknown.status, 404);
});

// --- 2026-07-28: subscriptions/listen ---
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

function modernHeaders(method, name) {
  const h = { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  if (name) h['mcp-name'] = name;
  return h;
}

async function listen(id, notifications) {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: modernHeaders('subscriptions/listen'),
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { _meta: META, notifications } }),
    signal: controller.signal,
  });
  const { events } = res.headers.get('content-type')?.includes('text/event-stream')
    ? { events: (await import('./sse.mjs')).readEventsOf(res.body) }
    : { events: null };
  return { res, events, close: () => controller.abort() };
}

async function callTool(name) {
  const res = await fetch(url, {
    method: 'POST',
    headers: modernHeaders('tools/call', name),
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta: META } }),
  });
  return res.json();
}

test('subscriptions/listen: acknowledged first, every frame tagged, only what was asked for', async () => {
  const l = await listen(77, { toolsListChanged: true, resourceSubscriptions: ['ticker://channel/1'] });
  assert.equal(l.res.status, 200);
  const [ack] = await nextMessages(l.events, 1);
  assert.equal(ack.msg.method, 'notifications/subscriptions/acknowledged');
  assert.deepEqual(ack.msg.params.notifications, { toolsListChanged: true, resourceSubscriptions: ['ticker://channel/1'] });
  assert.equal(ack.msg.params._meta['io.modelcontextprotocol/subscriptionId'], 77);
  const ticks = await nextMessages(l.events, 2);
  assert.ok(ticks.every((t) => t.msg.method === 'notifications/ticker/tick' && t.msg.params._meta['io.modelcontextprotocol/subscriptionId'] === 77));

  assert.match((await callTool('test_trigger_tool_change')).result.content[0].text, /test_dynamic_tool/);
  let changed;
  while (!changed) {
    const [m] = await nextMessages(l.events, 1);
    if (m.msg.method === 'notifications/tools/list_changed') changed = m.msg;
  }
  assert.equal(changed.params._meta['io.modelcontextprotocol/subscriptionId'], 77);
  await callTool('test_trigger_tool_change'); // Put the list back.
  l.close();
});

test('subscriptions/listen: a prompts-only stream hears no tool changes', async () => {
  const l = await listen(78, { promptsListChanged: true });
  const [ack] = await nextMessages(l.events, 1);
  assert.deepEqual(ack.msg.params.notifications, { promptsListChanged: true });
  await callTool('test_trigger_tool_change');
  await callTool('test_trigger_prompt_change');
  const [next] = await nextMessages(l.events, 1);
  assert.equal(next.msg.method, 'notifications/prompts/list_changed');
  await callTool('test_trigger_tool_change');
  await callTool('test_trigger_prompt_change');
  l.close();
});

test('subscriptions/listen with no valid opt-in or an unknown resource is -32602', async () => {
  for (const notifications of [{}, { somethingElse: true }, { resourceSubscriptions: ['nope://x'] }]) {
    const l = await listen(79, notifications);
    const body = await l.res.json();
    assert.equal(body.error.code, -32602, JSON.stringify(notifications));
    assert.equal(body.id, 79);
  }
});

test('list changes reach a 2026 listen stream and a 2025 session GET stream', async () => {
  const l = await listen(80, { resourcesListChanged: true });
  const [ack] = await nextMessages(l.events, 1);
  assert.deepEqual(ack.msg.params.notifications, { resourcesListChanged: true });

  const sid = await openSession(url);
  const get = await openStream(url, sid);
  assert.equal((await get.events.next()).value.data, '', 'priming event first');

  assert.match((await callTool('test_trigger_resource_change')).result.content[0].text, /Added/);
  const [changed] = await nextMessages(l.events, 1);
  assert.equal(changed.msg.method, 'notifications/resources/list_changed');
  assert.equal(changed.msg.params._meta['io.modelcontextprotocol/subscriptionId'], 80);
  const [onGet] = await nextMessages(get.events, 1);
  assert.equal(onGet.msg.method, 'notifications/resources/list_changed');
  assert.equal(onGet.msg.params._meta, undefined, 'untagged outside listen streams');

  const list = await rpc(url, sid, 5, 'resources/list');
  assert.ok(list.body.result.resources.some((r) => r.uri === 'test://dynamic-resource'));
  await callTool('test_trigger_resource_change'); // Put the list back.
  l.close();
  get.close();
});
