// WebSocket on a raw socket (plain or TLS), for tests of what a client library would not send:
// frames written with the upgrade request, before the server's 101.
import crypto from 'node:crypto';

// A masked client text frame (RFC 6455 §5.2), payloads under 64 KiB.
export function clientTextFrame(text) {
  const payload = Buffer.from(text);
  const key = crypto.randomBytes(4);
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
    : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, key, Buffer.from(payload.map((b, i) => b ^ key[i % 4]))]);
}

// The upgrade request for /mcp with the mcp subprotocol.
export function upgradeRequest(host = 'localhost') {
  return Buffer.from(`GET /mcp HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
    'Sec-WebSocket-Protocol: mcp\r\n\r\n');
}

// Reads `socket` until `count` text messages came after the response head; resolves with the
// head and the messages parsed as JSON (the server's frames are unmasked and whole).
export async function readMessages(socket, count) {
  let bytes = Buffer.alloc(0);
  for await (const chunk of socket) {
    bytes = Buffer.concat([bytes, chunk]);
    const end = bytes.indexOf('\r\n\r\n');
    if (end < 0) continue;
    const messages = [];
    let at = end + 4;
    while (bytes.length >= at + 2) {
      let len = bytes[at + 1] & 0x7f;
      let start = at + 2;
      if (len === 126) {
        if (bytes.length < at + 4) break;
        len = bytes.readUInt16BE(at + 2);
        start = at + 4;
      }
      if (bytes.length < start + len) break;
      if ((bytes[at] & 0x0f) === 0x1) messages.push(JSON.parse(bytes.subarray(start, start + len)));
      at = start + len;
    }
    if (messages.length >= count) return { head: bytes.subarray(0, end).toString(), messages };
  }
  throw new Error('the connection ended first');
}
