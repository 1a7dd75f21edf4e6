// The SDK v1 client over WebSocket against a server holding notes for the longest flush
// window (transport.flushIntervalUs=1000000, ticker.rateHz=50): a tool's answer is not held
// with the notes (it ends the wait, and the notes waiting with it come too), and the held
// updates still arrive, in order. Before the window was the I/O thread's, an answer that came
// after a note waited out the window (about 0.9 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const wsUrl = new URL(process.env.MCP_TEST_URL.replace(/^http/, 'ws'));
const windowMs = 1000;

test('answers are not held by the flush window; held updates arrive', { timeout: 30000 }, async () => {
  const client = new Client({ name: 'mcprt-flush', version: '1' });
  await client.connect(new WebSocketClientTransport(wsUrl));
  try {
    let updates = 0;
    let firstUpdate;
    const first = new Promise((resolve) => { firstUpdate = resolve; });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      assert.equal(n.params.uri, 'ticker://topic/0');
      updates += 1;
      firstUpdate();
    });
    await client.subscribeResource({ uri: 'ticker://topic/0' });
    await first;
    for (let i = 0; i < 5; i += 1) {
      // Not a wait for an event: it puts the call inside a held window. The ticker ticks every
      // 20 ms, so by then a note has woken the connection and the server holds it.
      await new Promise((resolve) => { setTimeout(resolve, 100); });
      const before = updates;
      const began = performance.now();
      const result = await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
      const took = performance.now() - began;
      assert.equal(result.content[0].text, `call ${i}`);
      assert.ok(took < windowMs / 2, `answer ${i} took ${took.toFixed(1)} ms: held by the window`);
      assert.ok(updates >= before);
    }
    assert.ok(updates > 1, `${updates} updates`);
  } finally {
    await client.close();
  }
});
