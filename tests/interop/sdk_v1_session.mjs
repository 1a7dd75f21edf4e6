// The official TypeScript SDK v1 client (@modelcontextprotocol/sdk) drives a 2025-11-25
// session: initialize -> tools/list -> tools/call (with progress and logging) -> DELETE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const url = new URL(process.env.MCP_TEST_URL);

async function connect() {
  const client = new Client({ name: 'mcprt-interop-v1', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  return { client, transport };
}

test('v1 client opens a session, lists and calls tools, then deletes it', async () => {
  const { client, transport } = await connect();
  assert.match(transport.sessionId, /^[0-9a-f]{32}$/, '128-bit random session id');
  assert.equal(client.getServerVersion()?.name, 'mcprt');
  assert.ok(client.getServerCapabilities()?.tools, 'tools capability advertised');

  const { tools } = await client.listTools();
  const echoTool = tools.find((t) => t.name === 'echo');
  assert.deepEqual(echoTool.inputSchema.required, ['text']);

  const r = await client.callTool({ name: 'echo', arguments: { text: 'hello 2025' } });
  assert.deepEqual(r.content, [{ type: 'text', text: 'hello 2025' }]);

  const missing = await client.callTool({ name: 'echo', arguments: {} });
  assert.equal(missing.isError, true);
  assert.match(missing.content[0].text, /'text'/, 'names the missing field');

  await client.ping();

  const id = transport.sessionId;
  await transport.terminateSession();
  // The ended session is gone for everyone.
  const after = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
  });
  assert.equal(after.status, 404);
  assert.equal((await after.json()).error.code, -32001);
  await client.close();
});

test('v1 client gets progress and log notifications on the call stream', async () => {
  const { client, transport } = await connect();
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
  await client.setLoggingLevel('debug');
  const progress = [];
  const r = await client.callTool(
    { name: 'test_tool_with_progress', arguments: {} },
    undefined,
    { onprogress: (p) => progress.push(p) },
  );
  assert.deepEqual(progress.map((p) => p.progress), [0, 50, 100]);
  assert.ok(progress.every((p) => p.total === 100));
  assert.ok(r.content[0].text.length > 0, 'result echoes the progress token');

  const logged = await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
  assert.equal(logged.content[0].text, 'Tool with logging executed successfully');
  assert.deepEqual(logs.map((l) => l.data), [
    'Tool execution started',
    'Tool processing data',
    'Tool execution completed',
  ]);

  // Raising the level filters the info messages out.
  logs.length = 0;
  await client.setLoggingLevel('error');
  await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
  assert.equal(logs.length, 0);
  await transport.terminateSession();
  await client.close();
});

test('v1 client: a sleep call finishes and an unknown tool is a -32602 error', async () => {
  const { client, transport } = await connect();
  const r = await client.callTool({ name: 'sleep', arguments: { ms: 20 } });
  assert.equal(r.content[0].text, 'slept 20 ms');
  await assert.rejects(client.callTool({ name: 'nope', arguments: {} }), /-32602|Unknown tool/);
  await transport.terminateSession();
  await client.close();
});

test('v1 client lists and reads resources and gets prompts', async () => {
  const { client, transport } = await connect();
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri), ['test://static-binary', 'test://static-text', 'test://watched-resource']);
  const text = await client.readResource({ uri: 'test://static-text' });
  assert.deepEqual(text.contents, [
    { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
  ]);
  const templated = await client.readResource({ uri: 'test://template/42/data' });
  assert.deepEqual(JSON.parse(templated.contents[0].text), { id: '42', templateTest: true, data: 'Data for ID: 42' });
  await assert.rejects(client.readResource({ uri: 'test://missing' }), (e) => e.code === -32002);
  const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x', arg2: 'y' } });
  assert.equal(prompt.messages[0].content.text, "Prompt with arguments: arg1='x', arg2='y'");
  await transport.terminateSession();
  await client.close();
});
