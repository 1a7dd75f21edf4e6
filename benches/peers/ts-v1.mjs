// Peer: the official TypeScript SDK v1 (@modelcontextprotocol/sdk) with its Streamable HTTP
// server transport behind node:http. `stateless` builds a server and transport per request (the
// SDK's documented stateless idiom); `stateful` keeps one per Mcp-Session-Id.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { readJson } from './read_json.mjs';

const mode = process.argv[2] ?? 'stateless';
const port = Number(process.argv[3] ?? 0);

function makeServer() {
  const server = new McpServer({ name: `ts-v1-${mode}-peer`, version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Returns the given text unchanged.', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const sessions = new Map();

const httpServer = http.createServer(async (req, res) => {
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (mode === 'stateless') {
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    return;
  }
  const sid = req.headers['mcp-session-id'];
  let transport = sid ? sessions.get(sid) : undefined;
  if (!transport) {
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await makeServer().connect(transport);
  }
  await transport.handleRequest(req, res, body);
});
httpServer.keepAliveTimeout = 60000;
httpServer.listen(port, '127.0.0.1', () => {
  console.error(`peer listening on http://127.0.0.1:${httpServer.address().port}/mcp`);
});
