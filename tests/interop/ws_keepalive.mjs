// The WebSocket connection's own frames, seen from a raw TCP client: keep-alive pings while the
// client is silent, the connection closed when it stays silent, a close echoed, and protocol
// errors answered with RFC 6455's codes. The server runs with transport.wsIdleTimeoutMs=1000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';

const http = new URL(process.env.MCP_TEST_URL);

// A client frame: FIN, `opcode`, masked (a client must mask), payloads under 64 KiB.
function clientFrame(opcode, payload = Buffer.alloc(0), { masked = true } = {}) {
  const key = crypto.randomBytes(4);
  const mask = masked ? 0x80 : 0;
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, mask | payload.length])
    : Buffer.from([0x80 | opcode, mask | 126, payload.length >> 8, payload.length & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([head, key, body]);
}

// Opens a raw WebSocket on /mcp; yields the server's frames ({op, payload}) and the socket's end.
async function rawClient() {
  const socket = net.connect(Number(http.port), http.hostname);
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  socket.write(`GET /mcp HTTP/1.1\r\nHost: ${http.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
    'Sec-WebSocket-Protocol: mcp\r\n\r\n');
  let buffer = Buffer.alloc(0);
  let upgraded = false;
  let onUpgrade;
  const upgrade = new Promise((resolve) => { onUpgrade = resolve; });
  const frames = [];
  let waiting = null;
  const ended = new Promise((resolve) => socket.once('close', resolve));
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!upgraded) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      assert.match(buffer.subarray(0, end).toString(), /^HTTP\/1\.1 101/);
      buffer = buffer.subarray(end + 4);
      upgraded = true;
      onUpgrade();
    }
    for (;;) {
      if (buffer.length < 2) break;
      let len = buffer[1] & 0x7f;
      let at = 2;
      if (len === 126) { if (buffer.length < 4) break; len = buffer.readUInt16BE(2); at = 4; }
      else if (len === 127) { if (buffer.length < 10) break; len = Number(buffer.readBigUInt64BE(2)); at = 10; }
      if (buffer.length < at + len) break;
      frames.push({ op: buffer[0] & 0x0f, payload: buffer.subarray(at, at + len) });
      buffer = buffer.subarray(at + len);
    }
    if (waiting && frames.length) waiting();
  });
  const next = () => frames.length ? Promise.resolve(frames.shift())
    : new Promise((resolve) => { waiting = () => { waiting = null; resolve(frames.shift()); }; });
  await upgrade;  // A client sends frames only once the handshake is answered.
  return { socket, next, ended };
}

// Fails the test if `promise` does not settle within `ms` (a bound, not a synchronisation).
function within(ms, promise, what) {
  let timer;
  return Promise.race([promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); })]);
}

test('a silent client is pinged; answering keeps it open, and requests are still served', async () => {
  const c = await rawClient();
  for (let i = 0; i < 3; ++i) {
    const f = await within(3000, c.next(), 'a keep-alive ping');
    assert.equal(f.op, 0x9);
    c.socket.write(clientFrame(0xa, f.payload));  // The pong.
  }
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
  c.socket.write(clientFrame(0x1, Buffer.from(JSON.stringify(initialize))));
  let answer = await within(3000, c.next(), 'the answer');
  while (answer.op === 0x9) answer = await within(3000, c.next(), 'the answer');  // A ping may come first.
  assert.equal(answer.op, 0x1);
  assert.equal(JSON.parse(answer.payload).result.protocolVersion, '2025-11-25');
  c.socket.end();
});

test('a client that never answers a ping is disconnected', async () => {
  const c = await rawClient();
  const f = await within(3000, c.next(), 'a keep-alive ping');
  assert.equal(f.op, 0x9);
  await within(4000, c.ended, 'the disconnect');
});

test('a close frame is answered with the same code, then the connection ends', async () => {
  const c = await rawClient();
  c.socket.write(clientFrame(0x8, Buffer.from([0x03, 0xe8, ...Buffer.from('bye')])));  // 1000
  const f = await within(3000, c.next(), 'the close frame');
  assert.equal(f.op, 0x8);
  assert.equal(f.payload.readUInt16BE(0), 1000);
  await within(3000, c.ended, 'the end of the connection');
});

test('protocol errors close with their codes: 1002 unmasked, 1007 not UTF-8, 1003 binary', async () => {
  const cases = [
    { frame: clientFrame(0x1, Buffer.from('{}'), { masked: false }), code: 1002 },
    { frame: clientFrame(0x1, Buffer.from([0xc3, 0x28])), code: 1007 },
    { frame: clientFrame(0x2, Buffer.from([1, 2, 3])), code: 1003 },
  ];
  for (const { frame, code } of cases) {
    const c = await rawClient();
    c.socket.write(frame);
    const f = await within(3000, c.next(), `the close frame (${code})`);
    assert.equal(f.op, 0x8);
    assert.equal(f.payload.readUInt16BE(0), code);
    await within(3000, c.ended, 'the end of the connection');
  }
});
