// Run by tls.mjs as a child with NODE_EXTRA_CA_CERTS set to the test CA (Node reads it only
// at start): the SDK client calls `echo` over HTTPS (Streamable HTTP) and over WSS, and prints
// what it got as one JSON line.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';

const url = new URL(process.argv[2]);

async function over(transport, text) {
  const client = new Client({ name: 'mcprt-tls', version: '1' });
  await client.connect(transport);
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const answer = await client.callTool({ name: 'echo', arguments: { text } });
  await client.close();
  return { tools, text: answer.content[0].text };
}

const https = await over(new StreamableHTTPClientTransport(url), 'over https');
const wss = await over(new WebSocketClientTransport(new URL(url.href.replace(/^https/, 'wss'))), 'over wss');
process.stdout.write(JSON.stringify({ https, wss }) + '\n');
