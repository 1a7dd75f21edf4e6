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
