// Peer: the official TypeScript SDK v2 (@modelcontextprotocol/server) serving MCP 2026-07-28
// statelessly with createMcpHandler, behind a plain node:http server. Same echo tool as mcprt.
import http from 'node:http';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import * as z from 'zod';

const factory = () => {
  const server = new McpServer({ name: 'ts-v2-peer', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Returns the given text unchanged.', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
};
const handler = createMcpHandler(factory);

const httpServer = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) {
    for await (const chunk of response.body) res.write(chunk);
  }
  res.end();
});
httpServer.keepAliveTimeout = 60000;
httpServer.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.error(`peer listening on http://127.0.0.1:${httpServer.address().port}/mcp`);
});
