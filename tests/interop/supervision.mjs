// Supervision seen by the official TypeScript SDK client (v1, a 2025-11-25 session over
// Streamable HTTP): a plugin whose actor dies (the faults plugin's `crash` throws in it) leaves
// the tool list at once and tools/list_changed reaches the client; a call that was waiting on
// that actor fails at once (not at its ten-minute step, nor at the request deadline); the
// plugin is restarted after its backoff and serves again; or, with supervision.stayDown, it
// stays out. The server's metrics count the exit and the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServer, metric } from './server.mjs';

// A client that counts tools/list_changed and lets a test wait for the n-th one.
async function connect(url) {
  const client = new Client({ name: 'supervision', version: '1.0.0' });
  let changes = 0;
  const waiters = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes += 1;
    for (const w of waiters.splice(0)) w();
  });
  await client.connect(new StreamableHTTPClientTransport(url));
  const changed = async (n) => {
    while (changes < n) await new Promise((resolve) => waiters.push(resolve));
  };
  return { client, changed };
}

const names = async (client) => (await client.listTools()).tools.map((t) => t.name).sort();

test('a crashed plugin leaves the list, its held call fails at once, and it comes back', { timeout: 30000 }, async () => {
  const server = await startServer([
    '--set', 'plugins.enabled=demo,faults',
    '--set', 'supervision.backoffMs=200',
    '--set', 'limits.requestTimeoutMs=60000',
  ]);
  const { client, changed } = await connect(server.url);
  try {
    assert.deepEqual((await names(client)).filter((n) => n === 'crash' || n === 'hold'), ['crash', 'hold']);
    const started = Date.now();
    // The hold call is held by the plugin's actor (its progress 0 says so) before the crash.
    let holding;
    const isHeld = new Promise((resolve) => { holding = resolve; });
    const held = client
      .callTool({ name: 'hold', arguments: { ms: 600000 } }, undefined, { onprogress: () => holding() })
      .catch((e) => e);  // Caught now: it fails while the crash call is awaited.
    await isHeld;
    const crashed = await client.callTool({ name: 'crash', arguments: {} }).catch((e) => e);
    assert.match(String(crashed.message ?? crashed), /-32603|before answering/);
    const heldError = await held;
    assert.match(String(heldError.message ?? heldError), /Tool 'hold' stopped before answering/);
    assert.ok(Date.now() - started < 10000, `held call failed after ${Date.now() - started} ms`);

    await changed(1);  // Removed from the catalog.
    await changed(2);  // Restarted: back in the catalog.
    const after = await names(client);
    assert.ok(after.includes('hold') && after.includes('echo'), `tools after restart: ${after}`);
    const again = await client.callTool({ name: 'hold', arguments: { ms: 0 } });
    assert.equal(again.content[0].text, 'held');
    assert.equal(await metric(server.url, 'mcprt_plugin_actor_exits_total{plugin="faults"}'), 1);
    assert.equal(await metric(server.url, 'mcprt_plugin_restarts_total{outcome="ok",plugin="faults"}'), 1);
  } finally {
    await client.close();
    await server.stop();
  }
});

test('with supervision.stayDown the crashed plugin stays out and the rest keeps serving', { timeout: 30000 }, async () => {
  const server = await startServer([
    '--set', 'plugins.enabled=demo,faults',
    '--set', 'supervision.stayDown=faults',
  ]);
  const { client, changed } = await connect(server.url);
  try {
    await client.callTool({ name: 'crash', arguments: {} }).catch(() => {});
    await changed(1);
    const after = await names(client);
    assert.ok(!after.includes('crash') && !after.includes('hold'), `tools: ${after}`);
    assert.ok(after.includes('echo'));
    const unknown = await client.callTool({ name: 'hold', arguments: {} }).catch((e) => e);
    assert.match(String(unknown.message ?? JSON.stringify(unknown)), /hold/);
    assert.equal((await client.callTool({ name: 'echo', arguments: { text: 'still here' } })).content[0].text, 'still here');
    assert.equal(await metric(server.url, 'mcprt_plugin_restarts_total{outcome="ok",plugin="faults"}'), 0);
  } finally {
    await client.close();
    await server.stop();
  }
});
