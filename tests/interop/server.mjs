// Starts build/mcprt (MCPRT_BIN) on a free loopback port for one test file and stops it by its
// PID. Readiness is the server's own "listening" line: no sleeps.
import { after } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = process.env.MCPRT_BIN;

// Servers still running when a test file ends (a failed assertion skipped its stop()): killed
// here so a failure is reported at once instead of the file hanging until ctest's timeout.
const running = new Set();
after(() => { for (const proc of running) proc.kill('SIGKILL'); });

/// Starts a server with `args` (after --listen and a private job store). With `fdLimit`, the
/// server runs under `ulimit -n fdLimit`. Resolves with
/// { url, proc, pid, log(), waitForLog(re, { after }), stop() }.
export async function startServer(args = [], { fdLimit } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-test-'));
  const full = ['--listen', '127.0.0.1:0', '--set', `jobs.storePath=${join(dir, 'jobs.sqlite')}`, ...args];
  const proc = fdLimit
    ? spawn('sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, bin, ...full], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(bin, full, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let text = '';
  let waiters = [];
  proc.stderr.on('data', (d) => {
    text += d;
    waiters = waiters.filter((check) => !check());
  });
  proc.once('close', (code, signal) => {
    for (const check of waiters) check(new Error(`server exited (${code ?? signal}): ${text}`));
    waiters = [];
  });
  // Resolves with the first match of `re` in the log, now or when the line arrives: a log line
  // and an HTTP answer travel on different pipes, so a line written before the answer may be
  // read after it.
  // With `after` (a length of log() taken earlier), only what was written since counts.
  const waitForLog = (re, { after = 0 } = {}) => new Promise((resolve, reject) => {
    const check = (failed) => {
      const m = text.slice(after).match(re);
      if (m) resolve(m);
      else if (failed) reject(failed);
      return Boolean(m || failed);
    };
    if (!check()) waiters.push(check);
  });
  const listening = await waitForLog(/mcprt listening on (\S+)\r?\n/);
  return {
    url: new URL(listening[1]),
    proc,
    pid: proc.pid,
    log: () => text,
    waitForLog,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit');
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// A free loopback port below the kernel's ephemeral range (32768 and up on Linux), for a port
/// that must be named before its server starts: servers other tests start on port 0 get
/// ephemeral ports, so they cannot take it between this check and the bind.
export async function freeFixedPort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const s = net.createServer();
    const bound = await new Promise((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise((r) => s.close(r));
      return port;
    }
  }
}

/// The value of a metric line (`name{labels}`) in the server's /metrics, or 0.
export async function metric(url, series) {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/// Polls `check` until it returns a truthy value, which it resolves with (each poll is a real
/// request; none waits on a timer). Counters a server bumps right after it answers need this.
export async function until(check, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await check();
    if (r) return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/// One stateless 2026-07-28 `tools/call` of `name` with `args` (the routing headers and `_meta`
/// that version needs); resolves with the fetch Response.
export function callTool(url, id, name, args) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id, method: 'tools/call',
      params: {
        name, arguments: args,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'mcprt-tests', version: '1' },
        },
      },
    }),
  });
}
