// The official TypeScript SDK clients drive `mcprt --stdio` through StdioClientTransport:
// v1 with a 2025-11-25 session, v2 pinned to 2026-07-28 (stateless over the pipe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { askingClient, checkAskingTools, checkStaticFixtures, checkSubscriptions } from './fixture_checks.mjs';

const server = { command: process.env.MCPRT_BIN, args: ['--stdio', '--set', 'jobs.storePath=:memory:', '--set', 'plugins.enabled=demo,ticker,conformance', '--set', 'ticker.rateHz=20'], stderr: 'ignore' };

test('v1 client over stdio: initialize, tools, progress, resources, prompts', async () => {
  const client = new ClientV1({ name: 'mcprt-stdio-v1', version: '1.0.0' });
  await client.connect(new StdioV1(server));
  assert.equal(client.getServerVersion()?.name, 'mcprt');
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'echo'));
  const r = await client.callTool({ name: 'echo', arguments: { text: 'over a pipe' } });
  assert.deepEqual(r.content, [{ type: 'text', text: 'over a pipe' }]);
  const progress = [];
  await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, {
    onprogress: (p) => progress.push(p.progress),
  });
  // All three, the last included: the server lets the client read a call's notes before its
  // answer (tests/interop/progress_order.mjs checks fifty calls in a row).
  assert.deepEqual(progress, [0, 50, 100]);
  const res = await client.readResource({ uri: 'test://static-text' });
  assert.equal(res.contents[0].text, 'This is the content of the static text resource.');
  const bad = await client.callTool({ name: 'echo', arguments: {} });
  assert.equal(bad.isError, true);
  await client.close();
});

test('v2 client pinned to 2026-07-28 over stdio', async () => {
  const client = new ClientV2({ name: 'mcprt-stdio-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StdioV2(server));
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  const r = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
  assert.equal(r.structuredContent.sum, 3);
  const p = await client.getPrompt({ name: 'test_simple_prompt' });
  assert.equal(p.messages[0].content.text, 'This is a simple prompt for testing.');
  await client.close();
});

test('fixtures over stdio: static values, sampling, elicitation and subscriptions', async () => {
  const { client, asked } = askingClient('mcprt-fixtures-stdio');
  await client.connect(new StdioV1(server));
  await checkStaticFixtures(client);
  await checkAskingTools(client, asked);
  await checkSubscriptions(client);
  await client.close();
});
