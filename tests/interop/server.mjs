// Starts build/mcprt (MCPRT_BIN) on a free loopback port for one test file and stops it by its
// PID. Readiness is the server's own "listening" line: no sleeps.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = process.env.MCPRT_BIN;

/// Starts a server with `args` (after --listen and a private job store). With `fdLimit`, the
/// server runs under `ulimit -n fdLimit`. Resolves with { url, proc, pid, log(), stop() }.
export async function startServer(args = [], { fdLimit } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-test-'));
  const full = ['--listen', '127.0.0.1:0', '--set', `jobs.storePath=${join(dir, 'jobs.sqlite')}`, ...args];
  const proc = fdLimit
    ? spawn('sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, bin, ...full], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(bin, full, { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const url = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      text += d;
      const m = text.match(/mcprt listening on (\S+)\r?\n/);
      if (m) resolve(new URL(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${text}`)));
  });
  return {
    url,
    proc,
    pid: proc.pid,
    log: () => text,
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

/// A free loopback port (for a server whose public URL must be known before it starts).
export async function freePort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/// The value of a metric line (`name{labels}`) in the server's /metrics, or 0.
export async function metric(url, series) {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
