// Hostile HTTP/1.1 on raw sockets: malformed requests get their RFC 9110/9112 status with
// `Connection: close` before the connection closes; a client that trickles its header loses
// its connection after limits.headerTimeoutMs; a kept-alive connection closes after
// transport.idleTimeoutMs of quiet; one address cannot hold more connections than
// limits.maxConnectionsPerAddress; and a server out of file descriptors backs off instead of
// spinning, keeps serving its open connections, and accepts again once descriptors free up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { metric, startServer } from './server.mjs';
import { connect, exchange, request } from './raw_http.mjs';
import { clientTextFrame, readMessages, upgradeRequest } from './raw_ws.mjs';

test('malformed requests get 431, 414 or 400 with Connection: close, then the close', async () => {
  const server = await startServer(['--set', 'plugins.enabled=demo']);
  try {
    const host = 'Host: localhost\r\n';
    const cases = [
      ['a 100 KB header line', 431, `GET /healthz HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`],
      ['10,000 header fields', 431, `GET /healthz HTTP/1.1\r\n${host}${Array.from({ length: 10000 }, (_, i) => `X-${i}: 1\r\n`).join('')}\r\n`],
      ['a 100 KB URL', 414, `GET /${'a'.repeat(100 * 1024)} HTTP/1.1\r\n${host}\r\n`],
      ['Content-Length and Transfer-Encoding', 400, `POST /mcp HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
      ['a repeated Content-Length', 400, `POST /mcp HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}`],
      ['two different Content-Lengths', 400, `POST /mcp HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
      ['a negative Content-Length', 400, `POST /mcp HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n{}`],
      ['bare LF line ends', 400, 'GET /healthz HTTP/1.1\nHost: localhost\n\n'],
      ['a NUL in a header value', 400, `GET /healthz HTTP/1.1\r\n${host}X-A: a\0b\r\n\r\n`],
    ];
    for (const [name, status, bytes] of cases) {
      const reply = await exchange(server.url, bytes);
      assert.match(reply, new RegExp(`^HTTP/1.1 ${status} `), `${name}: ${reply.slice(0, 80)}`);
      assert.match(reply, /\r\nConnection: close\r\n/i, name);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
      assert.equal(body.error.code, -32600, name);
    }
    assert.equal(await metric(server.url, 'mcprt_rejections_total{reason="header_too_large"}'), 2);
    assert.equal(await metric(server.url, 'mcprt_rejections_total{reason="uri_too_long"}'), 1);
    assert.equal(await metric(server.url, 'mcprt_rejections_total{reason="bad_http"}'), 6);
  } finally {
    await server.stop();
  }
});

test('a client that trickles its header loses the connection after limits.headerTimeoutMs', async () => {
  const server = await startServer(['--set', 'limits.headerTimeoutMs=500']);
  try {
    // A kept-alive connection that finished a request is idle, not slow: it stays.
    const idle = await connect(server.url);
    assert.match(await request(idle, '/healthz'), /^HTTP\/1.1 200/);
    const slow = await Promise.all(Array.from({ length: 50 }, () => connect(server.url)));
    const closed = slow.map((s) => once(s, 'close'));
    for (const s of slow) s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    await Promise.all(closed); // Today's main holds them for transport.idleTimeoutMs (60 s).
    assert.equal(await metric(server.url, 'mcprt_rejections_total{reason="header_timeout"}'), 50);
    assert.match(await request(idle, '/healthz'), /^HTTP\/1.1 200/);
    idle.destroy();
  } finally {
    await server.stop();
  }
});

test('a kept-alive connection closes after transport.idleTimeoutMs of quiet; a busy one stays', { timeout: 10000 }, async () => {
  const server = await startServer(['--set', 'transport.idleTimeoutMs=400', '--set', 'transport.ioThreads=1']);
  try {
    // Both on the one I/O thread, so both wait on the same idle list.
    const quiet = await connect(server.url);
    const busy = await connect(server.url);
    assert.match(await request(quiet, '/healthz'), /^HTTP\/1.1 200/);
    const began = Date.now();
    let closedAt = 0;
    const closed = once(quiet, 'close').then(() => { closedAt = Date.now(); });
    let served = 0;
    while (!closedAt) {
      assert.match(await request(busy, '/healthz'), /^HTTP\/1.1 200/);
      served += 1;
    }
    await closed;
    assert.ok(closedAt - began >= 390, `closed after ${closedAt - began} ms`);
    assert.ok(served > 1);
    // The busy connection waited less than the timeout between its requests: still open.
    assert.match(await request(busy, '/healthz'), /^HTTP\/1.1 200/);
    busy.destroy();
  } finally {
    await server.stop();
  }
});

test('one address holds at most limits.maxConnectionsPerAddress connections (429 beyond)', async () => {
  const server = await startServer(['--set', 'limits.maxConnectionsPerAddress=4']);
  try {
    const held = await Promise.all(Array.from({ length: 4 }, () => connect(server.url)));
    for (const s of held) assert.match(await request(s, '/healthz'), /^HTTP\/1.1 200/);
    const refused = await exchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.match(refused, /^HTTP\/1.1 429 /);
    assert.match(refused, /\r\nRetry-After: 1\r\n/i);
    assert.match(refused, /maxConnectionsPerAddress/);
    // A slot frees when a connection closes.
    const gone = once(held[0], 'close');
    held[0].destroy();
    await gone;
    for (;;) {
      const reply = await exchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      if (/^HTTP\/1.1 200/.test(reply)) break;
      assert.match(reply, /^HTTP\/1.1 429 /); // The close may still be on its way to the server.
    }
    for (const s of held) s.destroy();
  } finally {
    await server.stop();
  }
});

// Seconds of CPU the process has used (utime + stime, in clock ticks of 100 Hz).
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('out of descriptors, the listener backs off, logs once, serves open connections and recovers', { timeout: 60000 }, async () => {
  const server = await startServer(['--set', 'plugins.enabled=demo'], { fdLimit: 64 });
  const sockets = [];
  try {
    const control = await connect(server.url);
    assert.match(await request(control, '/healthz'), /^HTTP\/1.1 200/);
    // More connections than descriptors: the kernel completes them, accept() fails (EMFILE).
    for (let i = 0; i < 80; ++i) sockets.push(await connect(server.url));
    // Polled every 100 ms, so that serving the polls costs the server next to nothing.
    const failures = async () => {
      await new Promise((ok) => setTimeout(ok, 100));
      const t = await request(control, '/metrics');
      return Number(/mcprt_accept_failures_total\{reason="descriptors"\} (\d+)/.exec(t)[1]);
    };
    let firstSeen;
    while (!(firstSeen = await failures()));
    const cpu0 = cpuSeconds(server.pid);
    const t0 = Date.now();
    // Five more failed accepts: the backoff doubles from 10 ms, so they span over half a second.
    while ((await failures()) < firstSeen + 5);
    const wall = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    assert.ok(cpu < wall / 2, `the server used ${cpu} s of CPU in ${wall} s (today's main spins a core)`);
    await server.waitForLog(/accept failed/);
    const warnings = server.log().split('\n').filter((l) => l.includes('accept failed')).length;
    assert.ok(warnings >= 1 && warnings <= 2, `accept failures logged ${warnings} times`);
    // The open connection is still served while accept() fails.
    assert.match(await request(control, '/healthz'), /^HTTP\/1.1 200/);
    // Free the descriptors: a new connection is served again.
    for (const s of sockets) s.destroy();
    for (;;) {
      const s = await connect(server.url);
      s.on('error', () => {});
      const reply = await Promise.race([request(s, '/healthz'), once(s, 'close').then(() => '')]);
      s.destroy();
      if (/^HTTP\/1.1 200/.test(reply)) break;
    }
    control.destroy();
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop();
  }
});

test('frames sent with the upgrade request, before the 101, are read, not lost', { timeout: 20000 }, async () => {
  // Plain connections read their own frames; with permessage-deflate offered, Beast reads them.
  for (const args of [[], ['--set', 'transport.wsDeflate=true']]) {
    const server = await startServer(['--set', 'plugins.enabled=demo', ...args]);
    try {
      const s = await connect(server.url);
      s.on('error', () => {});
      const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'early', version: '1' } } };
      s.write(Buffer.concat([upgradeRequest(), clientTextFrame(JSON.stringify(initialize)),
        clientTextFrame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }))]));
      const { head, messages } = await readMessages(s, 2);
      s.destroy();
      assert.match(head, /^HTTP\/1\.1 101/);
      assert.deepEqual(messages.map((m) => m.id), [1, 2], `both answered (${args.join(' ') || 'defaults'})`);
      assert.equal(messages[0].result.protocolVersion, '2025-11-25');
    } finally {
      await server.stop();
    }
  }
});
