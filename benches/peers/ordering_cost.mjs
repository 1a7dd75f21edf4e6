// What the note-before-answer rule costs a client: the official TypeScript SDK client (v1)
// calls the demo's `sleep` with ms=0 over stdio and over WebSocket, with a progress token (the
// server sends a progress note, then the answer: the rule applies) and without (the answer
// alone), and prints the median and p90 round trip of each in µs. Leaves out HTTP, where the
// rule needs nothing. Usage: node ordering_cost.mjs MCPRT_BINARY [CALLS]
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';

const [bin, callsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 500);
const args = ['--set', 'jobs.storePath=:memory:', '--set', 'plugins.enabled=demo', '--set', 'log.level=warning'];

async function measure(client, withProgress) {
  const us = [];
  for (let i = 0; i < calls; ++i) {
    const t = process.hrtime.bigint();
    await client.callTool({ name: 'sleep', arguments: { ms: 0 } }, undefined, withProgress ? { onprogress: () => {} } : {});
    us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  us.sort((a, b) => a - b);
  return `median ${us[Math.floor(calls / 2)].toFixed(0)} µs, p90 ${us[Math.floor(calls * 0.9)].toFixed(0)} µs`;
}

async function report(name, client) {
  await measure(client, false); // Warm up.
  console.log(`${name} answer alone:          ${await measure(client, false)}`);
  console.log(`${name} progress, then answer: ${await measure(client, true)}`);
  await client.close();
}

const stdio = new Client({ name: 'ordering-cost', version: '1' });
await stdio.connect(new StdioClientTransport({ command: bin, args: ['--stdio', ...args], stderr: 'ignore' }));
await report('stdio    ', stdio);

const server = spawn(bin, ['--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
const url = await new Promise((resolve) => server.stderr.on('data', (d) => {
  log += d;
  const m = log.match(/mcprt listening on http(\S+)\r?\n/);
  if (m) resolve(new URL('ws' + m[1]));
}));
const ws = new Client({ name: 'ordering-cost', version: '1' });
await ws.connect(new WebSocketClientTransport(url));
await report('WebSocket', ws);
server.kill('SIGTERM');
