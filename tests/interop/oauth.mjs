// mcprt as an OAuth 2.1 resource server, against a real authorization server (oidc-provider on
// loopback): the SDK client's client-credentials flow (401 → metadata → token → 200), every
// refusal a client can meet with its status and challenge, key rotation at the issuer, the
// issuer going down, and two principals who cannot reach each other's sessions and streams.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { SignJWT, UnsecuredJWT, importJWK } from 'jose';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, metric, freeFixedPort } from './server.mjs';
import { startAuthServer, makeKey } from './auth_server.mjs';

const A = { id: 'agent-a', secret: 'secret-a', scope: 'mcp:tools' };
const B = { id: 'agent-b', secret: 'secret-b', scope: 'mcp:tools' };
const C = { id: 'agent-c', secret: 'secret-c', scope: 'mcp:read' };
const D = { id: 'agent-d', secret: 'secret-d', scope: 'mcp:tools mcp:math files' };
const OTHER = 'http://other.example/mcp';

let k1, as, server, resource, url, config;

function startIssuer(keys, port = 0) {
  return startAuthServer({
    clients: [A, B, C, D],
    resources: { [resource]: 'mcp:tools mcp:read mcp:math files', [OTHER]: 'mcp:tools' },
    keys,
    port,
  });
}

before(async () => {
  k1 = await makeKey('ES256', 'k1');
  const port = await freeFixedPort();
  resource = `http://127.0.0.1:${port}/mcp`;
  as = await startIssuer([k1]);
  // Per-tool and per-URI scopes live in the file (file-only keys).
  config = join(mkdtempSync(join(tmpdir(), 'mcprt-oauth-')), 'auth.json');
  writeFileSync(config, JSON.stringify({
    auth: { toolScopes: { add: ['mcp:math'] }, resourceScopes: { 'test://static-': ['files:read'] } },
  }));
  server = await startServer([
    '--config', config,
    '--set', `transport.port=${port}`,
    '--set', 'auth.mode=oauth',
    '--set', `auth.issuer=${as.issuer}`,
    '--set', `auth.resource=${resource}`,
    '--set', 'auth.scopes=mcp:tools',
    '--set', 'auth.jwksMinRefetchSeconds=0',
    '--set', 'plugins.enabled=demo,conformance',
  ]);
  url = new URL(resource);
});

after(async () => {
  await server?.stop();
  await as?.stop();
});

const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = (version = '2025-06-18') => ({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'oauth-test', version: '1' } },
});
const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };

function post(body, headers = {}, target = url) {
  return fetch(target, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
}
const bearer = (token) => ({ authorization: `Bearer ${token}` });

/// A token signed with one of the test's keys, with the claims mcprt checks (overridable).
async function forge(key, claims = {}, header = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = { iss: as.issuer, aud: resource, sub: 'forged', scope: 'mcp:tools', iat: now, exp: now + 300, ...claims };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return new SignJWT(body)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .sign(await importJWK(key, key.alg));
}

function challengeOf(res) {
  const h = res.headers.get('www-authenticate') ?? '';
  const params = {};
  for (const m of h.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme: h.split(' ')[0], ...params };
}

test('the SDK client: 401, metadata discovery, a client-credentials token, then the call', async () => {
  const tokensBefore = as.counts.token;
  const provider = new ClientCredentialsProvider({
    clientId: A.id, clientSecret: A.secret, scope: 'mcp:tools', expectedIssuer: as.issuer,
  });
  const client = new Client({ name: 'oauth-sdk', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  assert.equal(echoed.content[0].text, 'hi');
  assert.ok(as.counts.token > tokensBefore, 'the client got its token from the issuer');
  assert.ok(provider.tokens()?.access_token, 'the provider holds the token');
  await client.close();
});

test('protected resource metadata: both paths, GET, HEAD and OPTIONS, CORS for any origin', async () => {
  for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    const res = await fetch(new URL(path, url), { headers: { origin: 'https://app.example' } });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const doc = await res.json();
    assert.equal(doc.resource, resource);
    assert.deepEqual(doc.authorization_servers, [as.issuer]);
    assert.deepEqual(doc.scopes_supported, ['mcp:tools']);
    assert.deepEqual(doc.bearer_methods_supported, ['header']);
    const head = await fetch(new URL(path, url), { method: 'HEAD' });
    assert.equal(head.status, 200);
    const options = await fetch(new URL(path, url), { method: 'OPTIONS' });
    assert.equal(options.status, 204);
    assert.match(options.headers.get('access-control-allow-methods'), /GET/);
  }
  // The document's resource is the configured one whatever Host the request names.
  const viaAlias = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', `http://localhost:${url.port}`));
  assert.equal((await viaAlias.json()).resource, resource);
});

test('refusals: status and challenge for each way a credential can be wrong', async () => {
  const metadataUrl = `${url.origin}/.well-known/oauth-protected-resource/mcp`;
  const stranger = await makeKey('ES256', 'not-published');
  const now = Math.floor(Date.now() / 1000);
  const hs256 = await new SignJWT({ iss: as.issuer, aud: resource, sub: 'x', exp: now + 300 })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .sign(new TextEncoder().encode(JSON.stringify({ kty: k1.kty, crv: k1.crv, x: k1.x, y: k1.y })));
  const cases = [
    { name: 'no token', headers: {}, error: undefined, reason: 'missing' },
    { name: 'garbage', headers: bearer('not-a-token'), error: 'invalid_token', reason: 'malformed' },
    { name: 'two tokens', headers: { authorization: 'Bearer a b' }, error: 'invalid_token', reason: 'malformed' },
    { name: 'expired', headers: bearer(await forge(k1, { exp: now - 3600 })), error: 'invalid_token', reason: 'expired' },
    { name: 'no exp', headers: bearer(await forge(k1, { exp: undefined })), error: 'invalid_token', reason: 'expired' },
    { name: 'not yet valid', headers: bearer(await forge(k1, { nbf: now + 3600 })), error: 'invalid_token', reason: 'not_yet_valid' },
    { name: 'wrong issuer', headers: bearer(await forge(k1, { iss: 'http://127.0.0.1:1' })), error: 'invalid_token', reason: 'issuer' },
    { name: 'wrong audience (a real token for another resource)', headers: bearer(await as.token(A, OTHER)), error: 'invalid_token', reason: 'audience' },
    { name: 'unknown kid', headers: bearer(await forge(stranger)), error: 'invalid_token', reason: 'unknown_key' },
    { name: 'alg none', headers: bearer(new UnsecuredJWT({ iss: as.issuer, aud: resource, sub: 'x', exp: now + 300 }).encode()), error: 'invalid_token', reason: 'algorithm' },
    { name: 'HS256 keyed with the public key', headers: bearer(hs256), error: 'invalid_token', reason: 'algorithm' },
  ];
  for (const c of cases) {
    const before = await metric(url, `mcprt_auth_failures_total{reason="${c.reason}"}`);
    const res = await post(ping, c.headers);
    assert.equal(res.status, 401, c.name);
    const ch = challengeOf(res);
    assert.equal(ch.scheme, 'Bearer', c.name);
    assert.equal(ch.resource_metadata, metadataUrl, c.name);
    assert.equal(ch.scope, 'mcp:tools', c.name);
    assert.equal(ch.error, c.error, c.name);
    assert.equal((await res.json()).error.code, -32000, c.name);
    assert.equal(await metric(url, `mcprt_auth_failures_total{reason="${c.reason}"}`), before + 1, c.name);
  }
  // A valid token in the query string is refused, not read.
  const good = await as.token(A, resource);
  const inQuery = await post(ping, {}, new URL(`?access_token=${good}`, url));
  assert.equal(inQuery.status, 401);
  assert.equal(challengeOf(inQuery).error, 'invalid_request');
  // Too little scope: 403 naming every scope the request needs, in one challenge.
  const narrow = await as.token(C, resource, 'mcp:read');
  const forbidden = await post(ping, bearer(narrow));
  assert.equal(forbidden.status, 403);
  const ch = challengeOf(forbidden);
  assert.equal(ch.error, 'insufficient_scope');
  assert.equal(ch.scope, 'mcp:tools');
  assert.equal(ch.resource_metadata, metadataUrl);
  // The scheme is case-insensitive; the same token works.
  assert.equal((await post(initialize(), { authorization: `bearer ${good}` })).status, 200);
  // A broader scope covers a narrower one ("mcp" covers "mcp:tools").
  assert.equal((await post(initialize(), bearer(await forge(k1, { scope: 'mcp' })))).status, 200);
});

test('per-tool and per-URI scopes: 403 with every scope needed, lists show what may be used', async () => {
  const plain = await as.token(A, resource);  // mcp:tools
  const broad = await as.token(D, resource);  // mcp:tools mcp:math files
  const call = (token, name, args) => call2026(token, 'tools/call', { name, arguments: args });
  const list = async (token, method) => (await call2026(token, method, {})).result;
  // tools/list leaves out what the caller may not call, and says the list is per caller.
  const plainTools = await list(plain, 'tools/list');
  assert.ok(!plainTools.tools.some((t) => t.name === 'add'));
  assert.ok(plainTools.tools.some((t) => t.name === 'echo'));
  assert.equal(plainTools.cacheScope, 'private');
  assert.ok((await list(broad, 'tools/list')).tools.some((t) => t.name === 'add'));
  // Calling it anyway: 403 before anything streams, naming every scope the call needs.
  const headers = { ...json, ...bearer(plain), 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'add' };
  const refused = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 }, _meta: META_2026 } }, headers);
  assert.equal(refused.status, 403);
  const ch = challengeOf(refused);
  assert.equal(ch.error, 'insufficient_scope');
  assert.equal(ch.scope, 'mcp:tools mcp:math');
  assert.equal((await call(broad, 'add', { a: 1, b: 2 })).result.content[0].text, '3');
  // Resources under a configured prefix: "files" covers "files:read".
  const plainResources = await list(plain, 'resources/list');
  assert.ok(!plainResources.resources.some((r) => r.uri.startsWith('test://static-')));
  assert.ok((await list(broad, 'resources/list')).resources.some((r) => r.uri === 'test://static-text'));
  const read = await call2026(broad, 'resources/read', { uri: 'test://static-text' });
  assert.ok(read.result.contents[0].text.length > 0);
  // Over a WebSocket no HTTP status is left: a JSON-RPC error with the scopes in data.
  const ws = new WebSocket(`ws://127.0.0.1:${url.port}/mcp`, { protocols: ['mcp'], headers: bearer(plain) });
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  const answer = new Promise((resolve) => { ws.onmessage = (e) => resolve(JSON.parse(e.data)); });
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 }, _meta: META_2026 } }));
  const err = (await answer).error;
  assert.equal(err.code, -31003);
  assert.deepEqual(err.data.scopes, ['mcp:tools', 'mcp:math']);
  ws.close();
});

test('two principals: B cannot use the session, stream or legacy session A opened', async () => {
  const tokenA = await as.token(A, resource);
  const tokenB = await as.token(B, resource);
  const opened = await post(initialize(), bearer(tokenA));
  assert.equal(opened.status, 200);
  const sid = opened.headers.get('mcp-session-id');
  const asA = { ...bearer(tokenA), 'mcp-session-id': sid };
  const asB = { ...bearer(tokenB), 'mcp-session-id': sid };
  assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, asA)).status, 202);
  const before = await metric(url, 'mcprt_auth_cross_principal_total{object="session"}');
  // POST, GET stream (with and without Last-Event-ID) and DELETE: 404 as for an unknown id.
  const byB = await post(ping, asB);
  assert.equal(byB.status, 404);
  assert.equal((await byB.json()).error.code, -32001);
  for (const extra of [{}, { 'last-event-id': `${sid}-1` }]) {
    const get = await fetch(url, { headers: { ...asB, accept: 'text/event-stream', ...extra } });
    assert.equal(get.status, 404);
    await get.body?.cancel();
  }
  assert.equal((await fetch(url, { method: 'DELETE', headers: asB })).status, 404);
  assert.equal(await metric(url, 'mcprt_auth_cross_principal_total{object="session"}'), before + 4);
  // A still owns it: a fresh token of A's (same principal) works.
  const again = await as.token(A, resource);
  assert.equal((await post(ping, { ...bearer(again), 'mcp-session-id': sid })).status, 200);

  // Legacy HTTP+SSE: the stream belongs to A; B's POST to its sessionId is 404.
  const ac = new AbortController();
  const sse = await fetch(new URL('/sse', url), { headers: { ...bearer(tokenA), accept: 'text/event-stream' }, signal: ac.signal });
  assert.equal(sse.status, 200);
  const reader = sse.body.getReader();
  let text = '';
  while (!text.includes('sessionId=')) text += new TextDecoder().decode((await reader.read()).value);
  const legacyId = text.match(/sessionId=([0-9a-f]+)/)[1];
  const messages = new URL(`/messages?sessionId=${legacyId}`, url);
  const legacyB = await fetch(messages, { method: 'POST', headers: { ...json, ...bearer(tokenB) }, body: JSON.stringify(ping) });
  assert.equal(legacyB.status, 404);
  const legacyA = await fetch(messages, { method: 'POST', headers: { ...json, ...bearer(tokenA) }, body: JSON.stringify(initialize('2024-11-05')) });
  assert.equal(legacyA.status, 202);
  const legacyNone = await fetch(messages, { method: 'POST', headers: json, body: JSON.stringify(ping) });
  assert.equal(legacyNone.status, 401);
  ac.abort();
  const sseNone = await fetch(new URL('/sse', url), { headers: { accept: 'text/event-stream' } });
  assert.equal(sseNone.status, 401);
});

const META_2026 = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: {}, extensions: { 'io.modelcontextprotocol/tasks': {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'oauth-test', version: '1' },
};

/// A 2026-07-28 request (no session) with `token`.
async function call2026(token, method, params = {}, meta = {}) {
  const headers = { ...json, ...bearer(token), 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  const name = params.name ?? params.uri ?? params.taskId;
  if (name !== undefined) headers['mcp-name'] = name;
  const res = await post({ jsonrpc: '2.0', id: 7, method, params: { ...params, _meta: { ...META_2026, ...meta } } }, headers);
  return res.json();
}

/// A 2025-11-25 session of `token`: a function that sends one request on it.
async function session2025(token) {
  const opened = await post(initialize('2025-11-25'), bearer(token));
  const sid = opened.headers.get('mcp-session-id');
  const headers = { ...bearer(token), 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  return async (method, params) => (await post({ jsonrpc: '2.0', id: 9, method, params }, headers)).json();
}

test('two principals: B cannot reach A\'s task, idempotency key or requestState', async () => {
  const tokenA = await as.token(A, resource);
  const tokenB = await as.token(B, resource);
  const a = await session2025(tokenA);
  const b = await session2025(tokenB);
  const created = await a('tools/call', { name: 'slow_compute', arguments: { seconds: 0, label: 'mine' }, task: {} });
  const taskId = created.result.task.taskId;
  const before = await metric(url, 'mcprt_auth_cross_principal_total{object="task"}');
  for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel']) {
    const refused = await b(method, { taskId });
    assert.equal(refused.error?.code, -32602, method);
    assert.match(refused.error.message, /no task with id/, method);
  }
  assert.equal(await metric(url, 'mcprt_auth_cross_principal_total{object="task"}'), before + 3);
  assert.deepEqual((await b('tasks/list', {})).result.tasks, []);
  assert.match((await a('tasks/result', { taskId })).result.content[0].text, /mine/);
  assert.ok((await a('tasks/list', {})).result.tasks.some((t) => t.taskId === taskId));
  // 2026-07-28 tasks/get, with B's token: unknown too.
  assert.equal((await call2026(tokenB, 'tasks/get', { taskId })).error?.code, -32602);

  // The same idempotency key names a different call for each principal.
  const key = { 'io.mcprt/idempotencyKey': 'shared-key', 'io.modelcontextprotocol/clientCapabilities': {} };
  const runsA = (await call2026(tokenA, 'tools/call', { name: 'count_runs', arguments: {} }, key)).result.content[0].text;
  const runsB = (await call2026(tokenB, 'tools/call', { name: 'count_runs', arguments: {} }, key)).result.content[0].text;
  assert.notEqual(runsB, runsA, "B's call ran: A's result is not B's");
  assert.equal((await call2026(tokenA, 'tools/call', { name: 'count_runs', arguments: {} }, key)).result.content[0].text, runsA);

  // requestState sealed for A does not open for B.
  const tool = { name: 'test_input_required_result_request_state', arguments: {} };
  const first = (await call2026(tokenA, 'tools/call', tool)).result;
  assert.equal(first.resultType, 'input_required');
  const again = { ...tool, inputResponses: { confirm: { action: 'accept', content: { ok: true } } }, requestState: first.requestState };
  const byB = await call2026(tokenB, 'tools/call', again);
  assert.equal(byB.error?.code, -32602);
  assert.match(byB.error.message, /requestState/);
  assert.match((await call2026(tokenA, 'tools/call', again)).result.content[0].text, /state-ok/);
});

test('a stream ends when its token expires', async () => {
  const soon = Math.floor(Date.now() / 1000) + 2;
  const token = await forge(k1, { exp: soon, sub: 'short-lived' });
  // With leeway 60 s the token is accepted for a while past exp; the stream still ends at exp.
  const opened = await post(initialize(), bearer(token));
  const sid = opened.headers.get('mcp-session-id');
  const get = await fetch(url, { headers: { ...bearer(token), 'mcp-session-id': sid, accept: 'text/event-stream' } });
  assert.equal(get.status, 200);
  const started = Date.now();
  // The server closes the connection under the stream (the client reconnects with a new token).
  await assert.rejects(async () => { for await (const _ of get.body) { /* until it ends */ } }, /terminated/);
  assert.ok(Date.now() >= soon * 1000 - 1000, 'not before exp');
  assert.ok(Date.now() - started < 30000);
});

test('WebSocket: the upgrade needs a token; with one the connection serves its principal', async () => {
  const refused = await new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'mcp' },
    });
    req.on('response', (res) => { res.resume(); resolve(res); });
    req.on('upgrade', () => reject(new Error('upgraded without a token')));
    req.on('error', reject);
    req.end();
  });
  assert.equal(refused.statusCode, 401);
  assert.match(refused.headers['www-authenticate'], /resource_metadata=/);

  const token = await as.token(A, resource);
  const ws = new WebSocket(`ws://127.0.0.1:${url.port}/mcp`, { protocols: ['mcp'], headers: bearer(token) });
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  const answer = new Promise((resolve) => { ws.onmessage = (e) => resolve(JSON.parse(e.data)); });
  ws.send(JSON.stringify(initialize()));
  assert.equal((await answer).result.serverInfo.name, 'mcprt');
  ws.close();
});

test('key rotation at the issuer: a new kid is fetched and accepted without a restart', async () => {
  const fetchesBefore = as.counts.jwks;
  const oldToken = await as.token(A, resource);
  await as.stop();
  const k2 = await makeKey('RS256', 'k2');
  as = await startIssuer([k2, k1], new URL(as.issuer).port);
  const newToken = await as.token(A, resource);
  assert.match(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url')).kid, /^k2$/);
  assert.equal((await post(initialize(), bearer(newToken))).status, 200);
  assert.ok(as.counts.jwks >= 1, 'mcprt fetched the new key set');
  assert.ok(fetchesBefore >= 1);
  assert.equal((await post(initialize(), bearer(oldToken))).status, 200, 'k1 is still published');
});

test('issuer down: keys already fetched still verify', async () => {
  const token = await as.token(A, resource);
  assert.equal((await post(initialize(), bearer(token))).status, 200);
  await as.stop();
  assert.equal((await post(initialize(), bearer(token))).status, 200);
  // An unknown kid cannot be fetched now: 401, and the server keeps serving.
  assert.equal((await post(ping, bearer(await forge(await makeKey('ES256', 'k9'))))).status, 401);
  assert.equal((await post(initialize(), bearer(token))).status, 200);
  as = null;
});

test('SIGHUP: the metadata publishes the new scopes_supported', async () => {
  const metadata = async () => (await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', url))).json());
  assert.deepEqual((await metadata()).scopes_supported, ['mcp:tools']);
  writeFileSync(config, JSON.stringify({
    auth: { scopesSupported: ['mcp:tools', 'mcp:math', 'files:read'], toolScopes: { add: ['mcp:math'] },
      resourceScopes: { 'test://static-': ['files:read'] } },
  }));
  process.kill(server.pid, 'SIGHUP');
  await server.waitForLog(/config reloaded applied=\[auth\]/);
  assert.deepEqual((await metadata()).scopes_supported, ['mcp:tools', 'mcp:math', 'files:read']);
});
