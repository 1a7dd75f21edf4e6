// SIGTERM stops the server promptly while long-lived subscribers are connected: a WebSocket
// session, a 2024-11-05 /sse stream and a 2025 GET stream (their sessions must all end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSession, openStream } from './sse.mjs';

test('SIGTERM with open WebSocket, HTTP+SSE and GET streams exits cleanly', { timeout: 20000 }, async () => {
  const server = spawn(process.env.MCPRT_BIN, ['--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MCPRT_JOBS_STORE_PATH: ':memory:' },
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/mcprt listening on (\S+)\r?\n/); // A whole line, not a chunk of one.
      if (m) resolve(new URL(m[1]));
    });
    server.once('exit', () => reject(new Error('server exited early: ' + log)));
  });
  const ws = new WebSocket(url.href.replace(/^http/, 'ws'), 'mcp');
  await once(ws, 'open');
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 's', version: '1' } } }));
  await once(ws, 'message');
  const sse = await fetch(new URL('/sse', url), { headers: { accept: 'text/event-stream' } });
  assert.equal(sse.status, 200);
  const sid = await openSession(url);
  const get = await openStream(url, sid);
  assert.equal(get.res.status, 200);

  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, log);
  ws.close();
  get.close();
});
