// The SDK v1 client drives the conformance fixtures over Streamable HTTP: exact values,
// server→client requests (sampling, elicitation) on the call's stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { askingClient, checkAskingTools, checkStaticFixtures, checkSubscriptions } from './fixture_checks.mjs';

const url = new URL(process.env.MCP_TEST_URL);

test('fixtures over Streamable HTTP: static values, sampling, elicitation, subscriptions', async () => {
  const { client, asked } = askingClient('mcprt-fixtures-http');
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  await checkStaticFixtures(client);
  await checkAskingTools(client, asked);
  await checkSubscriptions(client); // Delivered on the GET stream the SDK opens after init.
  await transport.terminateSession();
  await client.close();
});

test('a client without the sampling capability gets an isError result, not a hang', async () => {
  const client = new Client({ name: 'mcprt-no-sampling', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  const r = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'x' } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /capability/);
  await transport.terminateSession();
  await client.close();
});
