// Shared by the cluster tests: config files for nodes on loopback, and HAProxy in front of
// them (round-robin per request, no stickiness), started and ended by PID.
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeFixedPort } from './server.mjs';

/// One config file per node name, each listing the others as peers; `extra` adds keys to
/// every node's `cluster` section, `top` other sections.
export async function clusterConfigs(dir, names, extra = {}, top = {}) {
  const ports = {};
  for (const n of names) ports[n] = await freeFixedPort();
  const files = {};
  for (const n of names) {
    files[n] = join(dir, `${n}.json`);
    writeFileSync(files[n], JSON.stringify({
      ...top,
      cluster: {
        name: 'test', nodeName: n, listen: `127.0.0.1:${ports[n]}`, heartbeatMs: 500, deadAfterMs: 3000,
        peers: names.filter((p) => p !== n).map((p) => ({ name: p, address: `127.0.0.1:${ports[p]}` })),
        ...extra,
      },
    }));
  }
  return { ports, files };
}

/// HAProxy on a free loopback port in front of `urls`; returns its /mcp URL and stop().
export async function startHaproxy(dir, urls, name = 'haproxy') {
  const port = await freeFixedPort();
  const cfg = join(dir, `${name}.cfg`);
  writeFileSync(cfg, [
    'global', '  maxconn 256',
    // Long server and tunnel timeouts: SSE streams stay open between events.
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s',
    '  timeout tunnel 60s',
    'frontend mcp', `  bind 127.0.0.1:${port}`, '  default_backend nodes',
    // Round-robin per request, no stickiness: each request may land on any node.
    'backend nodes', '  balance roundrobin',
    ...urls.map((u, i) => `  server s${i + 1} 127.0.0.1:${new URL(u).port}`), '',
  ].join('\n'));
  // -D: the command returns once the listener is bound (or says why not); its daemon's PID
  // is in the pid file, and the test ends exactly that process.
  const pidFile = join(dir, `${name}.pid`);
  const starting = spawn('haproxy', ['-f', cfg, '-D', '-p', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  starting.stderr.on('data', (d) => { log += d; });
  const [code] = await once(starting, 'exit');
  if (code !== 0) throw new Error(`haproxy did not start: ${log}`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), stop: () => process.kill(pid, 'SIGTERM') };
}
