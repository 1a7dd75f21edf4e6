// Cluster membership, ids and readiness, three real nodes on loopback: /readyz and
// /mcp/capabilities show the peers; ids name the node that issued
// them (and, for sessions, its incarnation); each dials the peers whose names sort
// above its own, both sides check the hello, and every node sees the others up. Then a node
// killed with SIGKILL is seen down by both others (its link resets) and, restarted with the
// same config, binds its port again at once and is up with a new incarnation; an impostor on
// its port from another cluster is refused; a SIGSTOPped node is declared down by the pings
// within cluster.deadAfterMs and comes back up after SIGCONT. Every node then exits 0.
// With mutual TLS (certificates from a CA the test makes with the openssl CLI), nodes with
// the cluster's certificates join, and a node whose certificate another CA signed, or one
// that speaks plaintext, is refused by both. Behind HAProxy (round-robin per request), 2026
// calls reach every node and a multi-round call's rounds run on two nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freeFixedPort, metric, until } from './server.mjs';
import { clusterConfigs as clusterConfigs_, startHaproxy } from './cluster_nodes.mjs';
import { openSession, rpc, readEventsOf } from './sse.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mcprt-cluster-'));
const deadAfterMs = 3000; // Roomy: ctest runs two test files at once on 2 cores.

const clusterConfigs = (names) => clusterConfigs_(dir, names);

const start = (file) => startServer(['--config', file, '--set', 'plugins.enabled=demo,conformance']);
const upLine = (peer) => new RegExp(`cluster peer=${peer} up incarnation=([0-9a-f]{16})`);

// The n-th match of `re` in the node's log (counting from its start), once there is one.
async function nth(node, re, n) {
  await node.waitForLog(new RegExp(Array(n).fill(`(?:${re.source})`).join('[\\s\\S]*?')));
  return [...node.log().matchAll(new RegExp(re.source, 'g'))][n - 1];
}

test('three nodes: up, kill -9 and restart, impostor refused, SIGSTOP and SIGCONT', { timeout: 60000 }, async () => {
  const { ports, files } = await clusterConfigs(['n1', 'n2', 'n3']);
  const nodes = { n1: await start(files.n1), n2: await start(files.n2), n3: await start(files.n3) };
  try {
    for (const [name, node] of Object.entries(nodes)) {
      assert.match(node.log(), /cluster=test node=n\d incarnation=[0-9a-f]{16} listening for peers on 127\.0\.0\.1:\d+ peers=2 \(plaintext: loopback addresses only\)/);
      for (const peer of ['n1', 'n2', 'n3'].filter((p) => p !== name)) await node.waitForLog(upLine(peer));
    }
    assert.equal(await metric(nodes.n1.url, 'mcprt_cluster_peer_up{peer="n2"}'), 1);
    assert.equal(await metric(nodes.n1.url, 'mcprt_cluster_peer_up{peer="n3"}'), 1);

    // Ids name their owner: a session and an HTTP+SSE stream its node and incarnation, a
    // task (durable across restarts) its node alone.
    const incarnation = (node) => node.log().match(/cluster=test node=n\d incarnation=([0-9a-f]{16})/)[1];
    const sid = await openSession(nodes.n1.url);
    assert.match(sid, new RegExp(`^n1\\.${incarnation(nodes.n1)}\\.[0-9a-f]{32}$`));
    const legacyStream = new AbortController();
    const legacy = await fetch(new URL('/sse', nodes.n2.url), { headers: { accept: 'text/event-stream' }, signal: legacyStream.signal });
    const endpoint = (await readEventsOf(legacy.body).next()).value.data;
    assert.match(endpoint, new RegExp(`sessionId=n2\\.${incarnation(nodes.n2)}\\.[0-9a-f]{32}$`));
    legacyStream.abort();
    // /readyz and /mcp/capabilities show the cluster.
    const readyz = async (node) => (await fetch(new URL('/readyz', node.url))).json();
    assert.deepEqual(await readyz(nodes.n1), { status: 'ready', cluster: {
      name: 'test', node: 'n1', incarnation: incarnation(nodes.n1), peers: { n2: 'up', n3: 'up' } } });
    const caps = await (await fetch(new URL('/mcp/capabilities', nodes.n2.url))).json();
    assert.deepEqual(caps.cluster.peers, { n1: 'up', n3: 'up' });
    const taskSession = await openSession(nodes.n3.url);
    const created = await rpc(nodes.n3.url, taskSession, 2, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0.01 }, task: {} });
    assert.match(created.body.result.task.taskId, /^n3\.[0-9a-f]{32}$/);
    const firstIncarnation = nodes.n1.log().match(upLine('n2'))[1];

    // kill -9: the others see the link reset, well within deadAfterMs.
    const killed = Date.now();
    nodes.n2.proc.kill('SIGKILL');
    await once(nodes.n2.proc, 'exit');
    await nodes.n1.waitForLog(/cluster peer=n2 down \(/);
    await nodes.n3.waitForLog(/cluster peer=n2 down \(/);
    assert.ok(Date.now() - killed < deadAfterMs + 1000, `down after ${Date.now() - killed} ms`);
    assert.equal(await metric(nodes.n1.url, 'mcprt_cluster_peer_up{peer="n2"}'), 0);
    const degraded = await readyz(nodes.n1);  // Still 200: n1 serves its own sessions.
    assert.equal(degraded.status, 'degraded');
    assert.deepEqual(degraded.cluster.peers, { n2: 'down', n3: 'up' });

    // An impostor from another cluster on n2's port: n1 (which dials n2) refuses it.
    const impostorFile = join(dir, 'impostor.json');
    writeFileSync(impostorFile, JSON.stringify({ cluster: {
      name: 'other', nodeName: 'n2', listen: `127.0.0.1:${ports.n2}`, heartbeatMs: 500, deadAfterMs,
      peers: [{ name: 'n1', address: `127.0.0.1:${ports.n1}` }],
    } }));
    const impostor = await start(impostorFile);
    // BASP's handshake carries the cluster's name (middleman.app-identifiers): refused there.
    await nodes.n1.waitForLog(/cluster peer=n2 unreachable at 127\.0\.0\.1:\d+ \(connect: system_error\(incompatible_application_ids\)\); retrying/);
    assert.equal(await metric(nodes.n1.url, 'mcprt_cluster_peer_up{peer="n2"}'), 0);
    assert.doesNotMatch(impostor.log(), /cluster peer=n1 up/);
    await impostor.stop();

    // The real n2 again, same config: same port at once, a new incarnation.
    nodes.n2 = await start(files.n2);
    const [, again] = await nth(nodes.n1, upLine('n2'), 2);
    assert.notEqual(again, firstIncarnation);
    await nth(nodes.n3, upLine('n2'), 2);
    await nodes.n2.waitForLog(upLine('n1'));
    await nodes.n2.waitForLog(upLine('n3'));

    // SIGSTOP: the link stays open, but pings (and BASP heartbeats) go unanswered.
    const stopped = Date.now();
    nodes.n3.proc.kill('SIGSTOP');
    await nodes.n1.waitForLog(/cluster peer=n3 down \(/);
    await nodes.n2.waitForLog(/cluster peer=n3 down \(/);
    const silentFor = Date.now() - stopped;
    assert.ok(silentFor < deadAfterMs + 2000, `declared down after ${silentFor} ms`);
    // The others keep serving meanwhile.
    assert.equal((await fetch(new URL('/healthz', nodes.n1.url))).status, 200);
    nodes.n3.proc.kill('SIGCONT');
    await nth(nodes.n1, upLine('n3'), 2);
    await nth(nodes.n2, upLine('n3'), 2);

    // Each node leaves cleanly (its peers' connectors stopped before the middleman), exit 0.
    for (const node of Object.values(nodes)) {
      const exited = once(node.proc, 'exit');
      node.proc.kill('SIGTERM');
      const [code, signal] = await exited;
      assert.equal(code, 0, `exit ${code ?? signal}: ${node.log()}`);
    }
  } finally {
    nodes.n3?.proc.kill('SIGCONT');
    for (const node of Object.values(nodes)) await node.stop();
  }
});

// A CA and node certificates signed by it, made with the openssl CLI.
const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const pem = (name) => join(dir, name);
function makeCa(name) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-keyout', pem(`${name}.key`), '-out', pem(`${name}.pem`));
}
function makeNodeCert(name, ca) {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/CN=${name}`, '-keyout', pem(`${name}.key`), '-out', pem(`${name}.csr`));
  openssl('x509', '-req', '-in', pem(`${name}.csr`), '-CA', pem(`${ca}.pem`), '-CAkey', pem(`${ca}.key`),
    '-CAcreateserial', '-days', '1', '-out', pem(`${name}.pem`));
}

test('mutual TLS: the cluster CA\'s nodes join; another CA\'s node and a plaintext one are refused', { timeout: 60000 }, async () => {
  makeCa('cluster-ca');
  makeCa('rogue-ca');
  makeNodeCert('t1', 'cluster-ca');
  makeNodeCert('t2', 'cluster-ca');
  makeNodeCert('t3', 'rogue-ca');
  const names = ['t1', 't2', 't3'];
  const ports = {};
  for (const n of names) ports[n] = await freeFixedPort();
  const config = (n, tls) => {
    const file = join(dir, `${n}-tls.json`);
    writeFileSync(file, JSON.stringify({ cluster: {
      name: 'secure', nodeName: n, listen: `127.0.0.1:${ports[n]}`, heartbeatMs: 500, deadAfterMs,
      peers: names.filter((p) => p !== n).map((p) => ({ name: p, address: `127.0.0.1:${ports[p]}` })),
      ...(tls ? { tls: { certFile: pem(`${n}.pem`), keyFile: pem(`${n}.key`), caFile: pem(`${tls}.pem`) } } : {}),
    } }));
    return file;
  };
  const t1 = await start(config('t1', 'cluster-ca'));
  const t2 = await start(config('t2', 'cluster-ca'));
  const rogue = await start(config('t3', 'rogue-ca'));
  try {
    assert.match(t1.log(), /listening for peers on 127\.0\.0\.1:\d+ peers=2 \(mutual TLS\)/);
    await t1.waitForLog(upLine('t2'));
    await t2.waitForLog(upLine('t1'));
    // t1 and t2 dial t3: the handshake fails on its foreign certificate.
    const foreign = /cluster peer=t3 unreachable at 127\.0\.0\.1:\d+ \(connect: system_error\(disconnect_during_handshake\)\); retrying/;
    await t1.waitForLog(foreign);
    await t2.waitForLog(foreign);
    await rogue.stop();
    // The same node without TLS: still refused.
    const plain = await start(config('t3', null));
    try {
      // A TLS client meets a plaintext server: no BASP handshake at all.
      await t1.waitForLog(/cluster peer=t3 unreachable at 127\.0\.0\.1:\d+ \(connect: system_error\(cannot_connect_to_node\)\); retrying/);
      assert.doesNotMatch(t1.log(), upLine('t3'));
      assert.doesNotMatch(plain.log(), /cluster peer=t[12] up/);
      assert.equal(await metric(t1.url, 'mcprt_cluster_peer_up{peer="t3"}'), 0);
      assert.equal(await metric(t1.url, 'mcprt_cluster_peer_up{peer="t2"}'), 1);
    } finally {
      await plain.stop();
    }
  } finally {
    for (const node of [t1, t2, rogue]) await node.stop();
  }
});

// One 2026-07-28 tools/call to `url`, answered as JSON.
async function call2026(url, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': params.name,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { ...params, _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
      'io.modelcontextprotocol/clientInfo': { name: 'cluster-test', version: '1' },
    } } }),
  });
  return res.json();
}

test('cluster.secretFile: an MRTR retry lands on another node and is served there', { timeout: 60000 }, async () => {
  const secret = join(dir, 'cluster.key');
  writeFileSync(secret, `${'a1'.repeat(32)}\n`);
  const { files } = await clusterConfigs(['s1', 's2']);
  const withSecret = (file) => startServer(['--config', file, '--set', 'plugins.enabled=conformance',
    '--set', `cluster.secretFile=${secret}`]);
  const s1 = await withSecret(files.s1);
  const s2 = await withSecret(files.s2);
  const alone = await startServer(['--set', 'plugins.enabled=conformance']);  // Its own key.
  try {
    const tool = { name: 'test_input_required_result_request_state', arguments: {} };
    const first = (await call2026(s1.url, tool)).result;
    assert.equal(first.resultType, 'input_required');
    const retry = { ...tool, inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
      requestState: first.requestState };
    const onS2 = await call2026(s2.url, retry);
    assert.match(onS2.result?.content?.[0]?.text ?? '', /state-ok/, JSON.stringify(onS2));
    // A server with another key cannot open it: the state is not its own.
    const elsewhere = await call2026(alone.url, retry);
    assert.equal(elsewhere.error?.code, -32602, JSON.stringify(elsewhere));
    assert.match(elsewhere.error.message, /requestState/);
  } finally {
    for (const node of [s1, s2, alone]) await node.stop();
  }
});

// Answered tools/call requests of a node, whatever their outcome.
async function toolCalls(url) {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return text.split('\n').filter((l) => l.startsWith('mcprt_requests_total{method="tools/call",'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

test('behind HAProxy (round-robin, no stickiness): 2026 calls and MRTR retries land anywhere', { timeout: 60000 }, async () => {
  const secret = join(dir, 'balanced.key');
  writeFileSync(secret, `${'b2'.repeat(32)}\n`);
  const { files } = await clusterConfigs(['h1', 'h2', 'h3']);
  const nodes = [];
  for (const n of ['h1', 'h2', 'h3']) {
    nodes.push(await startServer(['--config', files[n], '--set', 'plugins.enabled=demo,conformance',
      '--set', `cluster.secretFile=${secret}`]));
  }
  let haproxy;
  try {
    haproxy = await startHaproxy(dir, nodes.map((n) => n.url));
    const front = haproxy.url;
    const before = await Promise.all(nodes.map((n) => toolCalls(n.url)));
    for (let i = 0; i < 6; ++i) {
      const r = await call2026(front, { name: 'echo', arguments: { text: `hello ${i}` } });
      assert.equal(r.result?.content?.[0]?.text, `hello ${i}`, JSON.stringify(r));
    }
    // A node counts a call right after it hands the answer over, so the counts may trail it.
    const counts = () => Promise.all(nodes.map((n) => toolCalls(n.url)));
    const after = await until(async () => {
      const now = await counts();
      return now.reduce((s, c, i) => s + c - before[i], 0) >= 6 && now;
    }, 'the six calls counted');
    assert.deepEqual(after.map((a, i) => a - before[i]), [2, 2, 2], 'round-robin reached every node');

    // A multi-round call: its retry lands on the next node and opens the state sealed there.
    const tool = { name: 'test_input_required_result_request_state', arguments: {} };
    const first = (await call2026(front, tool)).result;
    assert.equal(first.resultType, 'input_required');
    const retried = await call2026(front, { ...tool, requestState: first.requestState,
      inputResponses: { confirm: { action: 'accept', content: { ok: true } } } });
    assert.match(retried.result?.content?.[0]?.text ?? '', /state-ok/, JSON.stringify(retried));
    const last = await until(async () => {
      const now = await counts();
      return now.reduce((s, c, i) => s + c - after[i], 0) >= 2 && now;
    }, 'the two rounds counted');
    assert.equal(last.filter((c, i) => c > after[i]).length, 2, 'the two rounds ran on two nodes');
  } finally {
    haproxy?.stop();
    for (const node of nodes) await node.stop();
  }
});
