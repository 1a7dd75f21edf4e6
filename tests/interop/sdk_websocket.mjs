// The SDK v1 client over WebSocketClientTransport (subprotocol mcp): the fixtures' exact
// values, sampling and elicitation on the same socket, subscriptions; and the bad-input cases
// a raw WebSocket can produce (binary frame, non-JSON, oversized frame, wrong subprotocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { askingClient, checkAskingTools, checkStaticFixtures, checkSubscriptions } from './fixture_checks.mjs';

const http = new URL(process.env.MCP_TEST_URL);
const wsUrl = new URL(http.href.replace(/^http/, 'ws'));

test('fixtures, sampling, elicitation and subscriptions over WebSocket', async () => {
  const { client, asked } = askingClient('mcprt-fixtures-ws');
  await client.connect(new WebSocketClientTransport(wsUrl));
  assert.equal(client.getServerVersion()?.name, 'mcprt');
  assert.equal(client.getServerCapabilities()?.resources?.subscribe, true);
  await checkStaticFixtures(client);
  await checkAskingTools(client, asked);
  await checkSubscriptions(client);
  await client.close();
});

// A raw socket: resolves with each text message and the close event.
function rawSocket(protocols = 'mcp') {
  const ws = new WebSocket(wsUrl, protocols);
  const messages = [];
  let waiting = null;
  ws.addEventListener('message', (e) => {
    messages.push(typeof e.data === 'string' ? JSON.parse(e.data) : e.data);
    if (waiting) waiting();
  });
  const closed = new Promise((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  const next = () => messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => { waiting = () => { waiting = null; r(messages.shift()); }; });
  return { ws, opened, closed, next };
}

test('a frame that is not JSON gets -32700 and the socket keeps serving', async () => {
  const s = rawSocket();
  await s.opened;
  s.ws.send('this is not json');
  assert.equal((await s.next()).error.code, -32700);
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
  assert.equal((await s.next()).result.protocolVersion, '2025-11-25');
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }));
  assert.deepEqual((await s.next()).result, {});
  s.ws.close();
});

test('a burst of requests, some filling several reads, is answered whole', async () => {
  const s = rawSocket();
  await s.opened;
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
  assert.equal((await s.next()).id, 0);
  // Sent without waiting: the server reads them in large, partly filled and split reads.
  const pad = 'x'.repeat(60 * 1024);
  const ids = [];
  for (let i = 1; i <= 300; ++i) {
    s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping', params: i % 50 === 0 ? { pad } : {} }));
    ids.push(i);
  }
  const answered = [];
  while (answered.length < ids.length) {
    const m = await s.next();
    assert.deepEqual(m.result, {}, JSON.stringify(m).slice(0, 200));
    answered.push(m.id);
  }
  assert.deepEqual(answered.sort((a, b) => a - b), ids);
  s.ws.close();
});

test('2026-07-28 subscriptions/listen over a WebSocket: ack first, frames tagged', async () => {
  const s = rawSocket();
  await s.opened;
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'L1', method: 'subscriptions/listen', params: { _meta: meta, notifications: { resourceSubscriptions: ['ticker://channel/2'] } } }));
  const ack = await s.next();
  assert.equal(ack.method, 'notifications/subscriptions/acknowledged');
  assert.equal(ack.params._meta['io.modelcontextprotocol/subscriptionId'], 'L1');
  const tick = await s.next();
  assert.equal(tick.method, 'notifications/ticker/tick');
  assert.equal(tick.params.uri, 'ticker://channel/2');
  assert.equal(tick.params._meta['io.modelcontextprotocol/subscriptionId'], 'L1');
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'L2', method: 'subscriptions/listen', params: { _meta: meta, notifications: {} } }));
  let refused;
  while (!refused) {
    const m = await s.next();
    if (m.id === 'L2') refused = m;
  }
  assert.equal(refused.error.code, -32602);
  s.ws.close();
});

test('a binary frame closes with 1003 and a reason', async () => {
  const s = rawSocket();
  await s.opened;
  s.ws.send(new Uint8Array([1, 2, 3]));
  const closed = await s.closed;
  assert.equal(closed.code, 1003);
  assert.match(closed.reason, /binary/);
});

test('a frame over limits.maxPayloadKb closes with 1009', async () => {
  const s = rawSocket();
  await s.opened;
  // The server runs with limits.maxPayloadKb=64.
  s.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(80 * 1024) } }));
  assert.equal((await s.closed).code, 1009);
});

test('an upgrade without the mcp subprotocol is refused with 400', async () => {
  const sock = net.connect(Number(http.port), http.hostname);
  sock.write(`GET /mcp HTTP/1.1\r\nHost: ${http.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  let reply = '';
  for await (const chunk of sock) reply += chunk;
  assert.match(reply, /^HTTP\/1.1 400/);
  assert.match(reply, /subprotocol 'mcp'/);
});
