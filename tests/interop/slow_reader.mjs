// A client that reads slower than a tool reports: the `count` tool sends a million progress
// notifications and as many log messages as fast as it can to a client that has stopped
// reading. The server's memory stays bounded (the latest progress replaces a queued one, log
// messages are dropped and counted), the client then reads the last progress and the result,
// and /metrics shows what it lost. On a POST's SSE stream and on a WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { metric, startServer } from './server.mjs';

// Under ASan (make sanitize) the server is ten times slower and its RSS holds the allocator's
// quarantine and redzones: a smaller run there, and the memory bound is checked in make test.
const sanitized = Boolean(process.env.MCPRT_SANITIZE);
const n = sanitized ? 100000 : 1000000;
function assertBounded(grownMb) {
  // Half a million queued notes of each kind would be about 200 MB.
  if (!sanitized) assert.ok(grownMb < 48, `server RSS grew ${grownMb.toFixed(1)} MB for a stalled reader`);
}
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const lost = (url, outcome) => metric(url, `mcprt_request_notifications_total{outcome="${outcome}"}`);

let server;
before(async () => { server = await startServer(['--set', 'plugins.enabled=demo']); });
after(async () => { await server.stop(); });

// Waits (polling /metrics every 100 ms) until the server has coalesced `count` more progress
// notifications than `from`: by then it has produced at least that many for the stalled client.
async function coalescedPast(count) {
  for (;;) {
    if ((await lost(server.url, 'coalesced')) >= count) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function session() {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  const init = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'slow', version: '1' } } }) });
  const sid = init.headers.get('mcp-session-id');
  await init.text();
  const s = { ...headers, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' };
  await (await fetch(server.url, { method: 'POST', headers: s, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' })).text();
  await (await fetch(server.url, { method: 'POST', headers: s, body: '{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}}' })).text();
  return sid;
}

test('a POST stream to a stalled reader stays bounded, then delivers the last progress and the result', { timeout: 120000 }, async () => {
  const sid = await session();
  const before = rssKb(server.pid);
  const coalescedBefore = await lost(server.url, 'coalesced');
  const sock = net.connect(Number(server.url.port), server.url.hostname);
  await once(sock, 'connect');
  sock.pause(); // Read nothing until the tool has outrun us by far.
  const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'count', arguments: { n, log: true }, _meta: { progressToken: 'slow' } } });
  sock.write(`POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
    `Mcp-Session-Id: ${sid}\r\nMCP-Protocol-Version: 2025-11-25\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await coalescedPast(coalescedBefore + n / 2);
  assertBounded((rssKb(server.pid) - before) / 1024);
  let text = '';
  sock.setEncoding('utf8');
  sock.resume();
  for await (const chunk of sock) {
    text += chunk;
    // The whole result event: a read may end inside it.
    const at = text.indexOf('"id":3,"result"');
    if (at >= 0 && text.indexOf('\n\n', at) >= 0) break;
  }
  sock.destroy();
  const progress = [...text.matchAll(/"progress":(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(progress.at(-1), n, 'the latest progress reaches the client');
  assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]), 'progress only grows');
  assert.match(text, new RegExp(`"structuredContent":\\{"count":${n}\\}`));
  assert.ok((await lost(server.url, 'dropped')) > n / 2, 'dropped log messages are counted');
});

// --- A WebSocket client that can stop reading: the handshake and frames by hand. ---
function frame(text) {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
    : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  return Buffer.concat([head, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}
function* messages(buffer) {
  let at = 0;
  while (buffer.length - at >= 2) {
    let len = buffer[at + 1] & 127, start = at + 2;
    if (len === 126) { len = buffer.readUInt16BE(at + 2); start = at + 4; }
    else if (len === 127) { len = Number(buffer.readBigUInt64BE(at + 2)); start = at + 10; }
    if (buffer.length < start + len) break;
    if ((buffer[at] & 0x0f) === 1) yield buffer.subarray(start, start + len).toString();
    at = start + len;
  }
  return at;
}

test('a WebSocket to a stalled reader stays bounded, then delivers the last progress and the result', { timeout: 120000 }, async () => {
  const before = rssKb(server.pid);
  const coalescedBefore = await lost(server.url, 'coalesced');
  const sock = net.connect(Number(server.url.port), server.url.hostname);
  await once(sock, 'connect');
  sock.write(`GET /mcp HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Protocol: mcp\r\n\r\n`);
  let buffer = Buffer.alloc(0);
  while (!buffer.includes('\r\n\r\n')) buffer = Buffer.concat([buffer, (await once(sock, 'data'))[0]]);
  assert.match(buffer.toString(), /^HTTP\/1.1 101/);
  buffer = buffer.subarray(buffer.indexOf('\r\n\r\n') + 4);
  sock.pause();
  sock.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'slow-ws', version: '1' } } })));
  sock.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } })));
  sock.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'count', arguments: { n, log: true }, _meta: { progressToken: 'ws' } } })));
  await coalescedPast(coalescedBefore + n / 2);
  assertBounded((rssKb(server.pid) - before) / 1024);
  sock.resume();
  const progress = [];
  let result;
  for await (const chunk of sock) {
    buffer = Buffer.concat([buffer, chunk]);
    const it = messages(buffer);
    let step;
    while (!(step = it.next()).done) {
      const m = JSON.parse(step.value);
      if (m.method === 'notifications/progress') progress.push(m.params.progress);
      if (m.id === 3) result = m.result;
    }
    buffer = buffer.subarray(step.value);
    if (result) break;
  }
  sock.destroy();
  assert.equal(progress.at(-1), n, 'the latest progress reaches the client');
  assert.deepEqual(result.structuredContent, { count: n });
});
