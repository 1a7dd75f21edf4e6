// A raw WebSocket MCP session (Node 22's WebSocket, subprotocol `mcp`) for tests that watch the
// frames themselves: initialized, with a way to wait for the next message that matches.
import { once } from 'node:events';

/// Opens ws(s):// for `url` and initializes a 2025-11-25 session. Resolves with { ws, send(msg),
/// next(pred) }: `next` resolves with (and takes) the first message, arrived or to come, that
/// `pred` accepts.
export async function openWebSocketSession(url) {
  const ws = new WebSocket(url.href.replace(/^http/, 'ws'), 'mcp');
  await once(ws, 'open');
  const messages = [];
  let waiting = null;
  ws.addEventListener('message', (e) => { messages.push(JSON.parse(e.data)); waiting?.(); });
  const next = async (pred) => {
    for (;;) {
      const i = messages.findIndex(pred);
      if (i >= 0) return messages.splice(i, 1)[0];
      await new Promise((r) => { waiting = r; });
    }
  };
  const send = (msg) => ws.send(JSON.stringify(msg));
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ws', version: '1' } } });
  await next((m) => m.id === 1);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { ws, send, next };
}
