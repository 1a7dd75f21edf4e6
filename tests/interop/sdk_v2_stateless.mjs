// The official TypeScript SDK v2 client (@modelcontextprotocol/client), pinned to MCP
// 2026-07-28, drives mcprt statelessly: server/discover, tools/list, tools/call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.env.MCP_TEST_URL);

async function connect(mode) {
  const client = new Client({ name: 'mcprt-interop-v2', version: '1.0.0' }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  return { client, transport };
}

test('v2 client pinned to 2026-07-28 discovers, lists and calls tools statelessly', async () => {
  const { client, transport } = await connect({ pin: '2026-07-28' });
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  assert.equal(client.getServerVersion()?.name, 'mcprt');
  assert.equal(transport.sessionId, undefined, 'a stateless server mints no session id');

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.deepEqual(names, [...names].sort(), 'tools/list is in a deterministic (sorted) order');
  for (const n of ['echo', 'add', 'sleep', 'test_simple_text']) assert.ok(names.includes(n), n);

  const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello 2026' } });
  assert.deepEqual(echo.content, [{ type: 'text', text: 'hello 2026' }]);
  assert.notEqual(echo.isError, true);

  const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 3.5 } });
  assert.equal(add.structuredContent.sum, 5.5);

  const bad = await client.callTool({ name: 'echo', arguments: { text: 42 } });
  assert.equal(bad.isError, true, 'a schema violation is a tool execution error');
  assert.match(bad.content[0].text, /\/text/, 'the error names the offending field');

  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => {
    assert.equal(e.code, -32602);
    return true;
  });
  await client.close();
});

test('v2 client in auto mode picks 2026-07-28 from server/discover', async () => {
  const { client } = await connect('auto');
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
  assert.equal(r.content[0].text, 'This is a simple text response for testing.');
  await client.close();
});

test('v2 client receives progress on the call stream with its own token', async () => {
  const { client } = await connect({ pin: '2026-07-28' });
  const seen = [];
  const r = await client.callTool(
    { name: 'test_tool_with_progress', arguments: {} },
    { onprogress: (p) => seen.push(p.progress) },
  );
  assert.deepEqual(seen, [0, 50, 100]);
  assert.ok(r.content[0].text.length > 0);
  await client.close();
});

test('v2 client reads resources and prompts statelessly, with 2026 not-found errors', async () => {
  const { client } = await connect({ pin: '2026-07-28' });
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates[0].uriTemplate, 'test://template/{id}/data');
  const bin = await client.readResource({ uri: 'test://static-binary' });
  assert.equal(bin.contents[0].mimeType, 'image/png');
  assert.ok(bin.contents[0].blob.length > 0);
  await assert.rejects(client.readResource({ uri: 'test://missing' }), (e) => e.code === -32602);
  const { prompts } = await client.listPrompts();
  assert.ok(prompts.some((p) => p.name === 'test_prompt_with_image'));
  const p = await client.getPrompt({ name: 'test_simple_prompt' });
  assert.equal(p.messages[0].content.text, 'This is a simple prompt for testing.');
  await client.close();
});

test('v2 client completes multi-round (input_required) tool calls and prompts', async () => {
  const client = new Client(
    { name: 'mcprt-interop-mrtr', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: {}, sampling: {}, roots: {} } },
  );
  const asked = [];
  client.setRequestHandler('elicitation/create', async (req) => {
    asked.push(req.params.message);
    const step = req.params.message.startsWith('Step 2') ? { color: 'green' } : req.params.message === 'Please confirm' ? { ok: true } : { name: 'Ada', context: 'ctx' };
    return { action: 'accept', content: step };
  });
  client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'm' }));
  client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///a' }, { uri: 'file:///b' }] }));
  await client.connect(new StreamableHTTPClientTransport(url));

  const hello = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} });
  assert.deepEqual(hello.content, [{ type: 'text', text: 'Hello, Ada!' }]);
  const sampled = await client.callTool({ name: 'test_input_required_result_sampling', arguments: {} });
  assert.equal(sampled.content[0].text, 'Sampling result: Paris');
  const roots = await client.callTool({ name: 'test_input_required_result_list_roots', arguments: {} });
  assert.equal(roots.content[0].text, 'Found 2 root(s)');
  const state = await client.callTool({ name: 'test_input_required_result_request_state', arguments: {} });
  assert.match(state.content[0].text, /state-ok/);
  asked.length = 0;
  const rounds = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
  assert.equal(rounds.content[0].text, 'Multi-round complete for Ada who likes green');
  assert.deepEqual(asked, ['Step 1: What is your name?', 'Step 2: What is your favorite color?']);
  const all = await client.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} });
  assert.equal(all.content[0].text, 'Name: Ada; Greeting: Paris; Roots: 2');
  const prompt = await client.getPrompt({ name: 'test_input_required_result_prompt' });
  assert.equal(prompt.messages[0].content.text, 'Prompt with context: ctx');
  await client.close();
});

test('x-mcp-header parameters (SEP-2243): the v2 client mirrors them, the server checks them', async () => {
  const { client } = await connect({ pin: '2026-07-28' });
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === 'test_custom_header');
  assert.equal(tool.inputSchema.properties.region['x-mcp-header'], 'Region');
  // The client sends Mcp-Param-Region, -Priority and -DryRun; a non-ASCII value goes as base64.
  const r = await client.callTool({ name: 'test_custom_header', arguments: { region: 'Zürich', priority: 7, dry_run: false } });
  assert.equal(r.content[0].text, 'region=Zürich priority=7 dry_run=false');
  await client.close();

  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const call = (headers, args) => fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'test_custom_header', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'test_custom_header', arguments: args, _meta: meta } }),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const missing = await call({}, { region: 'eu' });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.code, -32020);
  assert.match(missing.body.error.message, /Mcp-Param-Region/);
  const differ = await call({ 'Mcp-Param-Region': 'us' }, { region: 'eu' });
  assert.equal(differ.body.error.code, -32020);
  const numeric = await call({ 'mcp-param-region': 'eu', 'Mcp-Param-Priority': '3.0' }, { region: 'eu', priority: 3 });
  assert.equal(numeric.status, 200, 'header names ignore case; integers compare as numbers');
  const unpadded = await call({ 'Mcp-Param-Region': '=?base64?ZXU?=' }, { region: 'eu' });
  assert.equal(unpadded.body.error.code, -32020, 'base64 without its padding is refused');
});
