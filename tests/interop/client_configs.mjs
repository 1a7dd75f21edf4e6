// docs/clients.md, run: every JSON block there has the shape its client documents (Claude
// Desktop and Cursor: `mcpServers`, VS Code: `servers` with a `type`), and every entry works
// against mcprt as written — stdio entries started with their command, args and env and
// initialized by the official SDK client; URL entries connected to a live server (the test
// server's port in place of 8080).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer, bin } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const page = readFileSync(join(here, '../../docs/clients.md'), 'utf8');
// Each ```json block with the heading it sits under.
const blocks = [];
let heading = '';
for (const part of page.split(/^```/m).entries()) {
  const [i, text] = part;
  if (i % 2 === 0) {
    const h = [...text.matchAll(/^## (.+)$/gm)].at(-1);
    if (h) heading = h[1];
  } else if (text.startsWith('json\n')) {
    blocks.push({ client: heading, config: JSON.parse(text.slice(5)) });
  }
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function tryStdio(entry) {
  const command = entry.command === '/usr/bin/mcprt' ? bin : entry.command;
  const client = new Client({ name: 'client-configs-test', version: '1' });
  await client.connect(new StdioClientTransport({ command, args: entry.args ?? [], env: { ...process.env, ...(entry.env ?? {}) }, stderr: 'ignore' }));
  const tools = (await client.listTools()).tools.map((t) => t.name);
  assert.ok(tools.includes('echo'), tools.join(' '));
  await client.close();
}

async function tryUrl(entry) {
  const url = new URL(entry.url);
  assert.equal(url.pathname, '/mcp');
  url.port = server.url.port;
  const client = new Client({ name: 'client-configs-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(url));
  assert.equal((await client.callTool({ name: 'echo', arguments: { text: 'from the docs' } })).content[0].text, 'from the docs');
  await client.close();
}

test('docs/clients.md has a block for each client', () => {
  assert.deepEqual(blocks.map((b) => b.client), ['Claude Desktop', 'VS Code', 'Cursor']);
});

for (const { client, config } of blocks) {
  test(`${client}: the documented format, and each entry works`, async () => {
    const key = client === 'VS Code' ? 'servers' : 'mcpServers';
    assert.deepEqual(Object.keys(config), [key], `${client} keeps its servers under "${key}"`);
    for (const [name, entry] of Object.entries(config[key])) {
      if (client === 'VS Code') {
        assert.ok(['stdio', 'http'].includes(entry.type), `${name}: type`);
      }
      if (entry.url) {
        assert.ok(client !== 'Claude Desktop', 'Claude Desktop takes remote servers as connectors, not in this file');
        assert.ok(client !== 'VS Code' || entry.type === 'http');
        await tryUrl(entry);
      } else {
        assert.equal(typeof entry.command, 'string', `${name}: command`);
        assert.ok(Array.isArray(entry.args) && entry.args.includes('--stdio'), `${name}: --stdio`);
        await tryStdio(entry);
      }
    }
  });
}
