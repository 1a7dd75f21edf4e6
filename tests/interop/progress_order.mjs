// The official TypeScript SDK client (v1) sees every progress notification of a call, the last
// one included, over stdio and over WebSocket. That client dispatches notifications a
// microtask after responses, so a progress notification that reaches it in the same read as
// the call's result is dropped (its handler is gone by then): the server must not let them
// arrive together. Fifty calls in a row on each transport, each seeing exactly 0, 50, 100.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';

const bin = process.env.MCPRT_BIN;
const plugins = ['--set', 'jobs.storePath=:memory:', '--set', 'plugins.enabled=demo,conformance'];
const calls = 50;

async function fiftyCalls(client) {
  const seen = [];
  for (let i = 0; i < calls; ++i) {
    const progress = [];
    await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    seen.push(progress.join(','));
  }
  const complete = seen.filter((s) => s === '0,50,100').length;
  assert.equal(complete, calls, `calls that saw 0,50,100: ${complete} of ${calls}; saw ${JSON.stringify(seen)}`);
}

test('stdio: every call sees progress 0, 50 and 100', { timeout: 60000 }, async () => {
  const client = new Client({ name: 'progress-stdio', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: bin, args: ['--stdio', ...plugins], stderr: 'ignore' }));
  try {
    await fiftyCalls(client);
  } finally {
    await client.close();
  }
});

test('WebSocket: every call sees progress 0, 50 and 100', { timeout: 60000 }, async () => {
  const server = spawn(bin, ['--listen', '127.0.0.1:0', ...plugins], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/mcprt listening on http(\S+)\r?\n/);
      if (m) resolve(new URL('ws' + m[1]));
    });
    server.once('exit', () => reject(new Error('server exited early: ' + log)));
  });
  try {
    const client = new Client({ name: 'progress-ws', version: '1.0.0' });
    await client.connect(new WebSocketClientTransport(url));
    try {
      await fiftyCalls(client);
    } finally {
      await client.close();
    }
  } finally {
    server.kill('SIGTERM');
  }
});
