// Hostile JSON through every way in (Streamable HTTP, HTTP+SSE /messages, WebSocket, stdio):
// nesting deep enough to overflow a recursive parser's stack, text that is not UTF-8 (raw bytes,
// or an escaped lone surrogate), and a sum that overflows a double. Each is refused with -32700
// or answered with valid JSON, every answer is valid UTF-8, and the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { bin, startServer } from './server.mjs';

const deep = '['.repeat(150000); // About 150 KB: well inside limits.maxPayloadKb.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'hostile', version: '1' },
};
const modern = (method, name) => ({
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2026-07-28',
  'Mcp-Method': method,
  ...(name ? { 'Mcp-Name': name } : {}),
});
// Bodies as bytes, so that invalid UTF-8 reaches the server as written.
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const echoWith = (textJson) => bytes(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":`, textJson, `},"_meta":${JSON.stringify(meta)}}}`);

let server;
before(async () => { server = await startServer(['--set', 'plugins.enabled=demo']); });
after(async () => { await server.stop(); });

async function post(body, headers) {
  const r = await fetch(server.url, { method: 'POST', headers, body });
  const raw = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, text: strictUtf8.decode(raw) }; // Throws on invalid UTF-8.
}
async function alive() {
  assert.equal((await fetch(new URL('/healthz', server.url))).status, 200);
}

test('150,000 nested brackets over HTTP are refused with -32700 and HTTP 400; the server lives', async () => {
  const r = await post(deep, modern('tools/list'));
  assert.equal(r.status, 400);
  const body = JSON.parse(r.text);
  assert.equal(body.error.code, -32700);
  assert.match(body.error.message, /nesting deeper than 128 levels/);
  const params = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(200)}`;
  assert.equal((await post(params, modern('tools/call', 'echo'))).status, 400);
  await alive();
});

test('text that is not UTF-8 is refused with -32700, raw or as an escaped lone surrogate', async () => {
  for (const body of [
    echoWith('"a\xc3\x28b"'), // An invalid two-byte sequence.
    echoWith('"\xed\xa0\x80"'), // A raw surrogate.
    echoWith('"\\udc00"'), // An escaped lone low surrogate.
    echoWith('"\\ud800x"'), // An escaped lone high surrogate.
    bytes('{"jsonrpc":"2.0","id":1,"method":"to\xff"}'),
  ]) {
    const r = await post(body, modern('tools/call', 'echo'));
    assert.equal(r.status, 400, r.text);
    assert.equal(JSON.parse(r.text).error.code, -32700);
  }
  // Valid UTF-8, escaped or not, still echoes.
  const ok = await post(echoWith('"h\\u00e9 \xe2\x82\xac \\ud83d\\ude00"'), modern('tools/call', 'echo'));
  assert.equal(JSON.parse(ok.text).result.content[0].text, 'hé € 😀');
  await alive();
});

test('a sum that overflows a double is a tool error in valid JSON', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add', arguments: { a: 1.7976931348623157e308, b: 1.7976931348623157e308 }, _meta: meta } });
  const r = await post(body, modern('tools/call', 'add'));
  assert.equal(r.status, 200);
  const result = JSON.parse(r.text).result; // Today's main answered `"structuredContent":{"sum":}`.
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /too large/);
});

test('bytes that are not UTF-8 in a header never come back as invalid UTF-8', async () => {
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(server.url.port), server.url.hostname);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: { _meta: meta } });
    sock.write(bytes(`POST /mcp HTTP/1.1\r\nHost: ${server.url.host}\r\nContent-Type: application/json\r\n` +
      'Accept: application/json, text/event-stream\r\nMcp-Method: tools/list\r\nMCP-Protocol-Version: 2026-\xff\xfe\r\n' +
      `Connection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    const chunks = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks)));
    sock.on('error', reject);
  });
  const text = strictUtf8.decode(reply);
  assert.match(text, /^HTTP\/1.1 400/);
  JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
});

test('over HTTP+SSE (/messages) the same bodies get -32700 on the stream, which keeps serving', async () => {
  const ac = new AbortController();
  const sse = await fetch(new URL('/sse', server.url), { headers: { Accept: 'text/event-stream' }, signal: ac.signal });
  const reader = sse.body.pipeThrough(new TextDecoderStream('utf-8', { fatal: true })).getReader();
  let buffered = '';
  async function nextEvent() {
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end >= 0) {
        const ev = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = ev.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) return { event: /^event: (.*)$/m.exec(ev)?.[1], data };
        continue;
      }
      const { value, done } = await reader.read();
      assert.equal(done, false, 'the stream stays open');
      buffered += value;
    }
  }
  const endpoint = await nextEvent();
  assert.equal(endpoint.event, 'endpoint');
  const messages = new URL(endpoint.data, server.url);
  const send = (body) => fetch(messages, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  await send(deep);
  assert.equal(JSON.parse((await nextEvent()).data).error.code, -32700);
  await send(echoWith('"\\udc00"'));
  assert.equal(JSON.parse((await nextEvent()).data).error.code, -32700);
  await send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'h', version: '1' } } }));
  assert.equal(JSON.parse((await nextEvent()).data).result.protocolVersion, '2024-11-05');
  ac.abort();
  await alive();
});

test('over WebSocket the same frames get -32700 and the socket keeps serving', async () => {
  const ws = new WebSocket(new URL(server.url.href.replace(/^http/, 'ws')), 'mcp');
  const inbox = [];
  let wake = null;
  ws.addEventListener('message', (e) => { inbox.push(JSON.parse(e.data)); wake?.(); });
  await new Promise((ok, fail) => { ws.addEventListener('open', ok); ws.addEventListener('error', fail); });
  const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => { wake = () => { wake = null; r(inbox.shift()); }; }));
  ws.send(deep);
  assert.equal((await next()).error.code, -32700);
  ws.send(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\udc00"}}`);
  assert.equal((await next()).error.code, -32700);
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'h', version: '1' } } }));
  assert.equal((await next()).result.protocolVersion, '2025-11-25');
  ws.close();
  await alive();
});

test('over stdio the same lines get -32700 and the pipe keeps serving', async () => {
  const proc = spawn(bin, ['--stdio', '--set', 'jobs.storePath=:memory:', '--set', 'plugins.enabled=demo'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    assert.equal(done, false, 'the server answers');
    return JSON.parse(value);
  };
  proc.stdin.write(deep + '\n');
  assert.equal((await next()).error.code, -32700);
  proc.stdin.write(bytes('{"jsonrpc":"2.0","id":1,"method":"to\xff"}\n'));
  assert.equal((await next()).error.code, -32700);
  proc.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'h', version: '1' } } }) + '\n');
  assert.equal((await next()).result.protocolVersion, '2025-11-25');
  proc.stdin.end();
  const [code] = await new Promise((r) => proc.once('exit', (...a) => r(a)));
  assert.equal(code, 0);
});
