// A subscriber that never reads stays within its queue bound (its overflow is dropped and
// counted) while 100 others keep receiving every tick in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openSession, openStream, nextMessages, rpc } from './sse.mjs';

const url = new URL(process.env.MCP_TEST_URL);
const READERS = 100;
const TICKS = 250;

async function metric(name) {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : NaN;
}

test('a stalled subscriber is bounded; 100 others keep up with no gaps', async () => {
  // The stalled one: a raw connection that sends its GET and then never reads.
  const stalledSid = await openSession(url);
  await rpc(url, stalledSid, 2, 'resources/subscribe', { uri: 'ticker://channel/0' });
  const stalled = net.connect(Number(url.port), url.hostname);
  await new Promise((resolve) => stalled.once('connect', resolve));
  stalled.pause();
  stalled.write(`GET /mcp HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${stalledSid}\r\n\r\n`);

  // Each reader starts reading as soon as its stream opens.
  const readers = [];
  const reading = [];
  for (let i = 0; i < READERS; i++) {
    const sid = await openSession(url);
    await rpc(url, sid, 2, 'resources/subscribe', { uri: 'ticker://channel/0' });
    const r = await openStream(url, sid);
    readers.push(r);
    reading.push(nextMessages(r.events, TICKS));
  }
  const received = await Promise.all(reading);
  for (const got of received) {
    const seqs = got.map((e) => e.msg.params.seq);
    assert.equal(seqs.length, TICKS);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, 'no gap');
  }
  // Meanwhile the stalled subscriber overflowed: drops were counted and no queue ever
  // exceeded notifier.subscriberQueue (64 in this run).
  const dropped = await metric('mcprt_notifications_total{outcome="dropped"}');
  const peak = await metric('mcprt_subscriber_queue_peak_frames');
  assert.ok(dropped > 0, `dropped ${dropped}`);
  assert.ok(peak <= 64, `peak ${peak}`);
  for (const r of readers) r.close();
  stalled.destroy();
});
