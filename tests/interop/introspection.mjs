// Opaque access tokens (RFC 7662): oidc-provider issues opaque tokens, and mcprt checks each
// at the issuer's introspection endpoint as its own confidential client (the secret from the
// environment). The SDK client's client-credentials flow works unchanged; an unknown or
// revoked token is 401; answers are remembered (an accepted token until its exp); the
// principal (the client) owns its sessions; with the issuer down, a remembered token still
// works and a new one gets 503.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { startServer, metric, freeFixedPort } from './server.mjs';
import { startAuthServer, makeKey } from './auth_server.mjs';

const A = { id: 'agent-a', secret: 'secret-a', scope: 'mcp:tools' };
const B = { id: 'agent-b', secret: 'secret-b', scope: 'mcp:tools' };
const RS = { id: 'mcprt-rs', secret: 'rs-secret', scope: 'mcp:tools' };

let as, server, url;

before(async () => {
  const port = await freeFixedPort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  as = await startAuthServer({
    clients: [A, B, RS],
    resources: { [resource]: 'mcp:tools' },
    keys: [await makeKey('ES256', 'k1')],
    format: 'opaque',
  });
  // The secret comes from the environment, as docs/security.md advises.
  process.env.MCPRT_AUTH_INTROSPECTION_CLIENT_SECRET = RS.secret;
  server = await startServer([
    '--set', `transport.port=${port}`,
    '--set', 'auth.mode=oauth',
    '--set', `auth.issuer=${as.issuer}`,
    '--set', `auth.resource=${resource}`,
    '--set', 'auth.scopes=mcp:tools',
    '--set', `auth.introspectionClientId=${RS.id}`,
  ]);
  delete process.env.MCPRT_AUTH_INTROSPECTION_CLIENT_SECRET;
  url = new URL(resource);
});

after(async () => {
  await server?.stop();
  await as?.stop();
});

const initialize = JSON.stringify({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'opaque', version: '1' } },
});
const post = (token, headers = {}, body = initialize) => fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers },
  body,
});

test('the SDK client with an opaque token: 401, discovery, token, introspection, call', { timeout: 30000 }, async () => {
  const provider = new ClientCredentialsProvider({ clientId: A.id, clientSecret: A.secret, scope: 'mcp:tools', expectedIssuer: as.issuer });
  const client = new Client({ name: 'opaque-sdk', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  const token = provider.tokens()?.access_token;
  assert.ok(token && token.split('.').length === 1, 'the issuer handed out an opaque token');
  assert.equal((await client.callTool({ name: 'echo', arguments: { text: 'opaque' } })).content[0].text, 'opaque');
  await client.close();
  assert.ok(as.counts.introspection >= 1);
  assert.ok(await metric(server.url, 'mcprt_auth_accepted_total{kind="opaque"}') >= 2);
});

test('each answer is remembered: one introspection per token', { timeout: 30000 }, async () => {
  const token = await as.token(A, url.href);
  const before = as.counts.introspection;
  for (let i = 0; i < 3; ++i) assert.equal((await post(token)).status, 200);
  assert.equal(as.counts.introspection, before + 1);
});

test('unknown and revoked tokens are 401 invalid_token', { timeout: 30000 }, async () => {
  const unknown = await post('not-a-token-this-issuer-made');
  assert.equal(unknown.status, 401);
  assert.match(unknown.headers.get('www-authenticate'), /error="invalid_token", error_description="the access token is not active/);
  const token = await as.token(B, url.href);
  await as.revoke(B, token);
  assert.equal((await post(token)).status, 401);
  assert.ok(await metric(server.url, 'mcprt_auth_introspections_total{outcome="inactive"}') >= 2);
  await server.waitForLog(/auth refused status=401 reason=inactive/);
  assert.doesNotMatch(server.log(), /not-a-token-this-issuer-made/, 'no token reaches the log');
  assert.doesNotMatch(server.log(), /rs-secret/, 'nor the client secret');
});

test('the client is the principal: B cannot use A\'s session', { timeout: 30000 }, async () => {
  const a = await as.token(A, url.href);
  const b = await as.token(B, url.href);
  const opened = await post(a);
  const session = opened.headers.get('mcp-session-id');
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const theirs = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  assert.equal((await post(b, theirs, list)).status, 404);
  assert.equal((await post(a, theirs, list)).status, 200);
});

test('issuer down: a remembered token still works, a new one gets 503', { timeout: 30000 }, async () => {
  const known = await as.token(A, url.href);
  assert.equal((await post(known)).status, 200);
  const fresh = await as.token(B, url.href);
  await as.stop();
  as = null;
  assert.equal((await post(known)).status, 200);
  const refused = await post(fresh);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '5');
  await server.waitForLog(/auth introspection failed/);
});
