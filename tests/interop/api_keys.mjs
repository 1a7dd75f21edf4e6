// auth.mode=apiKeys: keys stored as SHA-256 digests in the config file, each a principal with
// scopes; no authorization server, so no metadata and a challenge without resource_metadata.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
let server;

before(async () => {
  const config = join(mkdtempSync(join(tmpdir(), 'mcprt-keys-')), 'keys.json');
  writeFileSync(config, JSON.stringify({
    auth: {
      mode: 'apiKeys',
      scopes: ['mcp:tools'],
      apiKeys: [
        { name: 'ci', sha256: sha256('key-of-ci'), scopes: ['mcp'] },
        { name: 'viewer', sha256: sha256('key-of-viewer'), scopes: ['mcp:read'] },
      ],
    },
  }));
  server = await startServer(['--config', config]);
});
after(async () => server?.stop());

const initialize = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'keys', version: '1' } },
};
const post = (headers) => fetch(server.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  body: JSON.stringify(initialize),
});

test('a listed key is its principal; others are 401, too few scopes 403', async () => {
  const ok = await post({ authorization: 'Bearer key-of-ci' });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).result.serverInfo.name, 'mcprt');
  const none = await post({});
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer scope="mcp:tools"');
  const wrong = await post({ authorization: 'Bearer key-of-nobody' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.headers.get('www-authenticate'), /error="invalid_token"/);
  assert.doesNotMatch(wrong.headers.get('www-authenticate'), /resource_metadata/);
  const viewer = await post({ authorization: 'Bearer key-of-viewer' });
  assert.equal(viewer.status, 403);
  assert.match(viewer.headers.get('www-authenticate'), /error="insufficient_scope", .*scope="mcp:tools"/);
  // The capabilities document (adapters, limits) needs a key too.
  const capabilities = new URL('/mcp/capabilities', server.url);
  assert.equal((await fetch(capabilities)).status, 401);
  assert.equal((await fetch(capabilities, { headers: { authorization: 'Bearer key-of-ci' } })).status, 200);
  // No authorization server: no protected resource metadata.
  assert.equal((await fetch(new URL('/.well-known/oauth-protected-resource', server.url))).status, 404);
  await server.waitForLog(/auth refused status=401 reason=unknown_key/);
  assert.doesNotMatch(server.log(), /key-of-/, 'no key ever reaches the log');
});
