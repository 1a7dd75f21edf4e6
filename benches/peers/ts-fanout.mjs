// Peer: the official TypeScript SDK v1 (@modelcontextprotocol/sdk) as a fan-out server, the
// comparison for mcprt's ticker (benches/run_fanout.sh). A stateful Streamable HTTP server (one
// Server and transport per Mcp-Session-Id) whose sessions subscribe to ticker://channel/<i>
// with resources/subscribe; every round it sends each subscribed session, on its GET stream,
// the same notification mcprt's ticker sends: notifications/ticker/tick {uri, seq, sentUs}.
// Usage: node ts-fanout.mjs RATE_HZ TOPICS [PORT]
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { readJson } from './read_json.mjs';

const rateHz = Number(process.argv[2] ?? 10);
const topics = Number(process.argv[3] ?? 4);
const port = Number(process.argv[4] ?? 0);

// Subscribers per channel: the sessions' servers.
const channels = Array.from({ length: topics }, () => new Set());
const sessions = new Map();

function makeServer() {
  const server = new Server({ name: 'ts-fanout-peer', version: '1.0.0' },
    { capabilities: { resources: { subscribe: true } } });
  server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    const m = /^ticker:\/\/channel\/(\d+)$/.exec(req.params.uri);
    if (m && Number(m[1]) < topics) channels[Number(m[1])].add(server);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    const m = /^ticker:\/\/channel\/(\d+)$/.exec(req.params.uri);
    if (m) channels[Number(m[1])]?.delete(server);
    return {};
  });
  return server;
}

const httpServer = http.createServer(async (req, res) => {
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  const sid = req.headers['mcp-session-id'];
  let entry = sid ? sessions.get(sid) : undefined;
  if (!entry) {
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => sessions.set(id, { server, transport }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      for (const c of channels) c.delete(server);
    };
    await server.connect(transport);
    entry = { server, transport };
  }
  await entry.transport.handleRequest(req, res, body);
});
httpServer.keepAliveTimeout = 60000;

// One round: every channel's tick to each of its subscribers, as mcprt's ticker publishes it.
let seq = 0;
function round() {
  ++seq;
  const sentUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
  for (let i = 0; i < topics; ++i) {
    const params = { uri: `ticker://channel/${i}`, seq, sentUs };
    for (const server of channels[i]) {
      server.notification({ method: 'notifications/ticker/tick', params }).catch(() => {});
    }
  }
}
// Catch up rounds that fell behind, like mcprt's ticker, so the rate holds on average.
const period = 1000 / rateHz;
let next = performance.now() + period;
function tick() {
  const now = performance.now();
  let rounds = 0;
  while (next <= now && rounds < 1000) {
    round();
    next += period;
    ++rounds;
  }
  setTimeout(tick, Math.max(0, next - performance.now()));
}
setTimeout(tick, period);

httpServer.listen(port, '127.0.0.1', () => {
  console.error(`peer listening on http://127.0.0.1:${httpServer.address().port}/mcp`);
});
