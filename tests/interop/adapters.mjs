// Adapter pools end to end, driven by the official TypeScript SDK client: the reference
// simulation adapter (mcprt workers) runs a 1,000 × 10 population as a task with progress and
// its results read back complete; a stdio MCP server from the npm registry
// (@modelcontextprotocol/server-everything, pinned) serves its tools, resources, templates and
// prompts through a pool, and its list changes reach clients; a killed
// worker is restarted while other calls succeed; a worker that stops reading its input is
// killed while nobody waits on its pipe; per-call timeouts, task cancellation reaching
// the worker, and broken adapters (missing binary, garbage on stdout) get clear errors while
// the server keeps serving. GET /mcp/capabilities reports it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const bin = process.env.MCPRT_BIN;
const dir = mkdtempSync(join(tmpdir(), 'mcprt-adapters-'));
const mcprtWorker = (plugins, ...more) => ({
  command: bin,
  args: ['--stdio', '--set', `plugins.enabled=${plugins}`, '--set', 'jobs.storePath=:memory:', '--set', 'log.level=warning', ...more],
});
const config = {
  adapters: [
    { name: 'sim', ...mcprtWorker('simulation', '--set', `simulation.resultsDir=${join(dir, 'sim')}`), minWorkers: 1, maxWorkers: 2, toolPrefix: 'sim_', callTimeoutMs: 120000 },
    { name: 'demo', ...mcprtWorker('demo'), minWorkers: 2, maxWorkers: 2, toolPrefix: 'demo_', callTimeoutMs: 1500 },
    // One worker: a resource a tool registers lives in the worker that ran the tool.
    { name: 'everything', command: process.execPath, args: [join(here, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'], toolPrefix: 'ev_', callTimeoutMs: 10000, maxWorkers: 1, env: { ADAPTER_LISTED: 'given' } },
    { name: 'pinned', ...mcprtWorker('demo,conformance'), minWorkers: 2, maxWorkers: 2, affinity: 'session', toolPrefix: 'p_' },
    { name: 'odd', command: process.execPath, args: [join(here, 'workers/odd_schemas.mjs')], toolPrefix: 'odd_' },
    { name: 'missing', command: join(dir, 'no-such-worker') },
    { name: 'quitter', command: 'sh', args: ['-c', 'exit 3'] },
    { name: 'garbage', command: 'sh', args: ['-c', 'echo this is not json-rpc; exec sleep 30'], startTimeoutMs: 500 },
    { name: 'closer', command: 'sh', args: [join(here, 'workers/input_closer.sh')], minWorkers: 1, maxWorkers: 1, maxInflightPerWorker: 4, toolPrefix: 'closer_' },
    { name: 'stopper', command: 'sh', args: [join(here, 'workers/input_stopper.sh')], minWorkers: 1, maxWorkers: 1, maxInflightPerWorker: 4, toolPrefix: 'stopper_' },
  ],
};
writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

let server, url, log = '';
before(async () => {
  // A secret in the server's environment, which no worker may see.
  server = spawn(bin, ['--listen', '127.0.0.1:0', '--config', join(dir, 'config.json'), '--set', 'plugins.enabled=demo', '--set', `jobs.storePath=${join(dir, 'jobs.sqlite')}`],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MCPRT_TEST_SERVER_SECRET: 'not-for-workers' } });
  url = await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/mcprt listening on (\S+)\r?\n/);
      if (m) resolve(new URL(m[1]));
    });
    server.once('exit', () => reject(new Error('server exited early: ' + log)));
  });
}, { timeout: 30000 });
after(async () => {
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const [code] = await exited;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'the server stops cleanly with its workers');
});

async function connect(capabilities = {}) {
  const client = new Client({ name: 'adapters-test', version: '1.0.0' }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(url));
  return client;
}
const capabilitiesDoc = async () => (await fetch(new URL('/mcp/capabilities', url))).json();
const adapter = async (name) => (await capabilitiesDoc()).adapters.find((a) => a.name === name);
const text = (r) => r.content.map((c) => c.text).join('');

// Tools appear once each pool's first worker has listed them: wait for that.
async function waitForTools(client, names) {
  for (;;) {
    const have = new Set((await client.listTools()).tools.map((t) => t.name));
    if (names.every((n) => have.has(n))) return;
    await new Promise((ok) => setTimeout(ok, 100)); // Pools start in the background.
  }
}

test('simulation adapter: load, parameters, one run, 1,000 × 10 population with progress, chunked results', { timeout: 120000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['sim_load_simulation', 'sim_run_population_simulation', 'sim_get_population_results']);
  const loaded = await client.callTool({ name: 'sim_load_simulation', arguments: { path: join(repo, 'plugins/simulation/models/one_compartment.json') } });
  const handle = loaded.structuredContent.handle;
  assert.match(handle, /^[0-9a-f]{16}$/);
  assert.equal((await client.callTool({ name: 'sim_get_parameter_value', arguments: { handle, name: 'ke_per_h' } })).structuredContent.value, 0.15);
  await client.callTool({ name: 'sim_set_parameter_value', arguments: { handle, name: 'dose_mg', value: 200 } });
  const one = (await client.callTool({ name: 'sim_run_simulation', arguments: { handle } })).structuredContent;
  assert.ok(one.cmax_mg_L > 0 && one.auc_mg_h_L > 0);
  assert.equal(one.concentrations_mg_L.length, 49);

  const progress = [];
  const run = await client.callTool(
    { name: 'sim_run_population_simulation', arguments: { handle, config: join(repo, 'plugins/simulation/models/population.json') } },
    undefined, { onprogress: (p) => progress.push(p), timeout: 110000 });
  const summary = run.structuredContent;
  assert.equal(summary.rows, 10000);
  assert.ok(progress.length >= 10, `progress notifications: ${progress.length}`);
  assert.equal(progress.at(-1).progress, 10000);
  assert.equal(progress.at(-1).total, 10000);

  let csv = '', offset = 0;
  for (;;) {
    const chunk = await client.callTool({ name: 'sim_get_population_results', arguments: { run_id: summary.run_id, offset } });
    csv += text(chunk);
    if (chunk.structuredContent.next_offset === null) break;
    offset = chunk.structuredContent.next_offset;
  }
  assert.equal(csv.length, summary.bytes);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 10001); // Header + every subject × replicate.
  assert.equal(lines[0].split(',').length, 8 + 49);
  assert.equal(lines.at(-1).split(',').slice(0, 2).join(','), '999,9');
  // The advertised resource is readable through the adapter: its template joined the catalog.
  assert.equal(summary.resource, `sim://results/${summary.run_id}/{chunk}`);
  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  assert.ok(templates.includes('sim://results/{run}/{chunk}'), templates.join(' '));
  const first = await client.readResource({ uri: `sim://results/${summary.run_id}/0` });
  assert.equal(first.contents[0].mimeType, 'text/csv');
  assert.ok(csv.startsWith(first.contents[0].text), 'chunk 0 is the start of the results');
  await assert.rejects(client.readResource({ uri: `sim://results/${summary.run_id}/99` }), /not found/i);
  // A 2026-07-28 request hears the code that revision gives a missing resource.
  const modern = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'resources/read',
      'mcp-name': `sim://results/${summary.run_id}/99` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'resources/read', params: {
      uri: `sim://results/${summary.run_id}/99`, _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': { name: 'adapters-test', version: '1' } } } }),
  });
  const answer = await modern.json();
  assert.equal(answer.error?.code, -32602, JSON.stringify(answer));
  await client.close();
});

test('a stdio MCP server from the npm registry serves its tools through a pool', { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['ev_echo', 'ev_get-sum']);
  assert.equal(text(await client.callTool({ name: 'ev_echo', arguments: { message: 'through mcprt' } })), 'Echo: through mcprt');
  assert.match(text(await client.callTool({ name: 'ev_get-sum', arguments: { a: 2, b: 3 } })), /5/);
  const health = await adapter('everything');
  assert.equal(health.available, true);
  assert.match(health.version, /everything/);
  assert.match(log, /adapter=everything worker=0: .*STDIO/); // Its stderr, named, in our log.
  // The worker's environment: PATH and what the adapter lists, not the server's secrets.
  const env = JSON.parse(text(await client.callTool({ name: 'ev_get-env', arguments: {} })));
  assert.equal(env.ADAPTER_LISTED, 'given');
  assert.ok(env.PATH, 'PATH is passed on');
  assert.equal(env.MCPRT_TEST_SERVER_SECRET, undefined, 'the server environment stays with the server');
  await client.close();
});

test("the npm server's resources, templates and prompts are served through its pool", { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['ev_echo']);
  const resources = (await client.listResources()).resources.map((r) => r.uri);
  const doc = 'demo://resource/static/document/architecture.md';
  assert.ok(resources.includes(doc), resources.join(' '));
  const read = await client.readResource({ uri: doc });
  assert.equal(read.contents[0].mimeType, 'text/markdown');
  assert.match(read.contents[0].text, /^# Everything Server/);
  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  assert.ok(templates.includes('demo://resource/dynamic/text/{resourceId}'), templates.join(' '));
  // resource_links the worker returns point into its templates: they read through mcprt.
  const links = await client.callTool({ name: 'ev_get-resource-links', arguments: { count: 2 } });
  const link = links.content.find((c) => c.type === 'resource_link');
  assert.ok(link, JSON.stringify(links.content));
  const linked = await client.readResource({ uri: link.uri });
  assert.equal(linked.contents[0].uri, link.uri);
  // Prompts, prefixed like the tools; required arguments checked by mcprt first.
  const prompts = (await client.listPrompts()).prompts;
  const args = prompts.find((p) => p.name === 'ev_args-prompt');
  assert.ok(args, prompts.map((p) => p.name).join(' '));
  assert.deepEqual(args.arguments.map((a) => [a.name, Boolean(a.required)]), [['city', true], ['state', false]]);
  const got = await client.getPrompt({ name: 'ev_args-prompt', arguments: { city: 'Oslo', state: 'Viken' } });
  assert.match(got.messages[0].content.text, /Oslo/);
  await assert.rejects(client.getPrompt({ name: 'ev_args-prompt', arguments: {} }), /city/);
  await client.close();
});

test("a worker's schemas that RapidJSON would crash on are validated, and the server lives", { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['odd_pattern_map', 'odd_booleans']);
  const call = async (name, args) => client.callTool({ name, arguments: args });
  assert.equal(text(await call('odd_pattern_map', { arm: 1 })), 'ok');
  const wrong = await call('odd_pattern_map', { arm: 'x' });
  assert.equal(wrong.isError, true);
  const extra = await call('odd_pattern_map', { b: 1 });
  assert.equal(extra.isError, true);
  assert.match(text(extra), /unexpected field 'b'/);
  assert.equal(text(await call('odd_booleans', { any: 1, all: 2 })), 'ok');
  assert.equal((await call('odd_booleans', { none: 1 })).isError, true);
  assert.equal(text(await client.callTool({ name: 'echo', arguments: { text: 'still here' } })), 'still here');
  await client.close();
});

test("a worker's list_changed is re-announced and its new resource is readable", { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['ev_gzip-file-as-resource']);
  const changed = new Promise((resolve) => client.setNotificationHandler(
    ResourceListChangedNotificationSchema, () => resolve()));
  const made = await client.callTool({ name: 'ev_gzip-file-as-resource',
    arguments: { name: 'hello.txt.gz', data: 'data:text/plain;base64,aGVsbG8gbWNwcnQ=', outputType: 'resourceLink' } });
  const link = made.content.find((c) => c.type === 'resource_link');
  assert.ok(link, JSON.stringify(made.content));
  await changed; // The worker said resources/list_changed; mcprt listed again and told us.
  const resources = (await client.listResources()).resources.map((r) => r.uri);
  assert.ok(resources.includes(link.uri), `${link.uri} in ${resources.join(' ')}`);
  const blob = (await client.readResource({ uri: link.uri })).contents[0].blob;
  assert.equal(gunzipSync(Buffer.from(blob, 'base64')).toString(), 'hello mcprt');
  await client.close();
});

test('a killed worker fails its call clearly and is restarted; other calls succeed', { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['demo_sleep', 'demo_echo']);
  const before = await adapter('demo');
  assert.equal(before.processes.length, 2);
  // Occupy one worker (each takes one call at a time), then kill exactly that one.
  const slow = client.callTool({ name: 'demo_sleep', arguments: { ms: 5000 } }).then(() => 'answered', (e) => e.message);
  let busy;
  while (!(busy = (await adapter('demo')).processes.find((p) => p.inflight === 1))) await new Promise((ok) => setTimeout(ok, 20));
  process.kill(busy.pid, 'SIGKILL');
  assert.match(await slow, /adapter 'demo' worker exited \(signal 9\) while running 'sleep'/);
  const echoes = await Promise.all([1, 2, 3].map((i) => client.callTool({ name: 'demo_echo', arguments: { text: `still ${i}` } })));
  assert.deepEqual(echoes.map(text), ['still 1', 'still 2', 'still 3']);
  for (;;) {
    const h = await adapter('demo');
    if (h.restarts === before.restarts + 1 && h.workers.ready === 2) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await client.close();
});

test('a call written to a worker whose input is already closed says the worker exited, with its status', { timeout: 30000 }, async () => {
  // The worker closes its stdin and exits 500 ms later: a call written in between meets EPIPE
  // before the exit is known. It must report the exit, not that the worker "does not read".
  const client = await connect();
  await waitForTools(client, ['closer_close_input', 'closer_answer']);
  const first = client.callTool({ name: 'closer_close_input', arguments: {} }).then(() => 'answered', (e) => e.message);
  while (!/adapter=closer worker=0: stdin closed/.test(log)) await new Promise((ok) => setTimeout(ok, 10));
  const second = await client.callTool({ name: 'closer_answer', arguments: {} }).then(() => 'answered', (e) => e.message);
  assert.match(second, /adapter 'closer' worker exited \(exit status 3\) before it received 'answer'; the call did not run/);
  assert.match(await first, /adapter 'closer' worker exited \(exit status 3\) while running 'close_input'/);
  await client.close();
});

test('a worker that stops reading its input is killed after a second, and nobody waits on its pipe', { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['stopper_stop_reading', 'stopper_big', 'demo_echo']);
  const first = client.callTool({ name: 'stopper_stop_reading', arguments: {} }).then(() => 'answered', (e) => e.message);
  while (!/adapter=stopper worker=0: stopped reading/.test(log)) await new Promise((ok) => setTimeout(ok, 10));
  // 256 KiB of arguments: the pipe (64 KiB) fills and stays full.
  const big = client.callTool({ name: 'stopper_big', arguments: { text: 'x'.repeat(262144) } }).then(() => 'answered', (e) => e.message);
  // Meanwhile the server serves everyone else, on the same connection's I/O thread too.
  const echo = await client.callTool({ name: 'demo_echo', arguments: { text: 'meanwhile' } });
  assert.equal(text(echo), 'meanwhile');
  const killed = /adapter 'stopper' worker exited \(signal 9, killed because it left \d+ bytes of its input unread for 1000 ms\)/;
  assert.match(await big, killed);
  assert.match(await big, /while running 'big'; the call did not complete/);
  assert.match(await first, killed);
  assert.match(log, /adapter=stopper worker=0: it left \d+ bytes of its input unread for 1000 ms; killing it/);
  await client.close();
});

test('per-call timeout, and a cancelled task frees its worker', { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['demo_sleep']);
  await assert.rejects(client.callTool({ name: 'demo_sleep', arguments: { ms: 4000 } }), /callTimeoutMs \(1500 ms\)/);
  // 2025-11-25 task on an adapter tool, then tasks/cancel: the worker's call is cancelled.
  const sid = (await fetch(url, { method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }) })).headers.get('mcp-session-id');
  const post = async (id, method, params) => (await fetch(url, { method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) })).json();
  const created = await post(2, 'tools/call', { name: 'demo_sleep', arguments: { ms: 1400 }, task: {} });
  const taskId = created.result.task.taskId;
  for (;;) { if ((await adapter('demo')).workers.busy >= 1) break; await new Promise((ok) => setTimeout(ok, 20)); }
  assert.equal((await post(3, 'tasks/cancel', { taskId })).result.status, 'cancelled');
  assert.equal((await adapter('demo')).workers.busy, 0);
  await client.close();
});

test('affinity: session pins each 2025 session to one worker', { timeout: 30000 }, async () => {
  const a = await connect();
  const b = await connect();
  await waitForTools(a, ['p_sleep', 'p_count_runs']);
  // a's call occupies one worker, so b's first call lands on the other and pins b there.
  const slow = a.callTool({ name: 'p_sleep', arguments: { ms: 500 } });
  while ((await adapter('pinned')).workers.busy < 1) await new Promise((ok) => setTimeout(ok, 20));
  const runs = async (client) => text(await client.callTool({ name: 'p_count_runs', arguments: {} }));
  assert.equal(await runs(b), 'run 1');
  await slow;
  // Both workers idle now: without the pin, b would go to the first one and read its counter.
  assert.equal(await runs(b), 'run 2');
  assert.equal(await runs(b), 'run 3');
  assert.equal(await runs(a), 'run 1');
  await a.close();
  await b.close();
});

test("a worker's log notifications reach the client of the call", { timeout: 30000 }, async () => {
  const client = await connect();
  await waitForTools(client, ['p_test_tool_with_logging']);
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params.data));
  await client.callTool({ name: 'p_test_tool_with_logging', arguments: {} });
  assert.deepEqual(logs, ['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  await client.close();
});

test('broken adapters get clear errors and the server serves everything else', { timeout: 30000 }, async () => {
  const missing = await adapter('missing');
  assert.equal(missing.available, false);
  assert.match(missing.lastError, /no-such-worker.*No such file or directory/);
  for (;;) {
    const garbage = await adapter('garbage');
    if (garbage.lastError) { assert.match(garbage.lastError, /killed because it did not answer initialize/); break; }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.match(log, /adapter=garbage worker=0 wrote a line that is not JSON-RPC to stdout/);
  for (;;) {
    const quitter = await adapter('quitter');
    if (quitter.lastError) { assert.equal(quitter.lastError, 'worker exited (exit status 3) before it was ready'); break; }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const metrics = await (await fetch(new URL('/metrics', url))).text();
  assert.match(metrics, /mcprt_adapter_workers\{adapter="demo",state="idle"\} 2/);
  assert.match(metrics, /mcprt_adapter_calls_total\{adapter="demo",outcome="crashed"\} 1/);
  const doc = await capabilitiesDoc();
  assert.equal(doc.limits.maxPayloadKb, 512);
  assert.equal(doc.timeouts.adapters.demo, 1500);
  const client = await connect();
  assert.equal(text(await client.callTool({ name: 'echo', arguments: { text: 'fine' } })), 'fine');
  await client.close();
});
