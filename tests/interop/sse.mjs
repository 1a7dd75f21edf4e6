// Raw Streamable HTTP helpers for stream tests: a 2025 session, POSTs, and an SSE reader
// that yields parsed events ({id, retry, data, comment}) as they arrive.
export const BASE = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

export async function openSession(url, version = '2025-11-25') {
  const res = await fetch(url, {
    method: 'POST',
    headers: BASE,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'streams', version: '1' } } }),
  });
  await res.text();
  return res.headers.get('mcp-session-id');
}

export async function rpc(url, sid, id, method, params = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...BASE, 'mcp-session-id': sid },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  });
  return { status: res.status, body: await res.json() };
}

/// Opens the session's GET stream; returns the response and an async iterator of events.
export async function openStream(url, sid, lastEventId) {
  const headers = { accept: 'text/event-stream', 'mcp-session-id': sid };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  return { res, events: res.ok ? readEvents(res.body) : null, close: () => controller.abort() };
}

/// Events of any SSE response body.
export function readEventsOf(body) {
  return readEvents(body);
}

async function* readEvents(body) {
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of body) {
      buf += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const ev = { data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) ev.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('retry: ')) ev.retry = Number(line.slice(7));
          else if (line.startsWith('data: ')) ev.data += line.slice(6);
        }
        yield ev;
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  }
}

/// The next `n` events that carry a JSON-RPC message (skips comments and the priming event).
export async function nextMessages(events, n) {
  const out = [];
  while (out.length < n) {
    const { value, done } = await events.next();
    if (done) break;
    if (value.data) out.push({ id: value.id, msg: JSON.parse(value.data) });
  }
  return out;
}
