// The SDK v1 client over the 2024-11-05 HTTP+SSE transport (SSEClientTransport: GET /sse,
// POST /messages): the fixtures, sampling and elicitation, subscriptions; and the endpoint's
// refusals for a POST without an open stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { askingClient, checkAskingTools, checkStaticFixtures, checkSubscriptions } from './fixture_checks.mjs';

const base = new URL(process.env.MCP_TEST_URL);
const sseUrl = new URL('/sse', base);

test('fixtures, sampling, elicitation and subscriptions over HTTP+SSE (2024-11-05)', async () => {
  const { client, asked } = askingClient('mcprt-fixtures-legacy-sse');
  await client.connect(new SSEClientTransport(sseUrl));
  assert.equal(client.getServerVersion()?.name, 'mcprt');
  await checkStaticFixtures(client);
  await checkAskingTools(client, asked);
  await checkSubscriptions(client);
  await client.close();
});

test('a POST to /messages for no open stream is 404; without sessionId too', async () => {
  const post = (q) => fetch(new URL('/messages' + q, base), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  const unknown = await post('?sessionId=' + '0'.repeat(32));
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.code, -32001);
  assert.equal((await post('')).status, 404);
});
