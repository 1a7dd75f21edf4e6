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

test('SIGHUP rotates keys and scopes without a restart; a bad key list keeps the old ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcprt-keys-reload-'));
  const config = join(dir, 'keys.json');
  const write = (apiKeys, extra = {}) => writeFileSync(config, JSON.stringify({
    auth: { mode: 'apiKeys', scopes: ['mcp:tools'], apiKeys, ...extra },
  }));
  write([{ name: 'old', sha256: sha256('old-key'), scopes: ['mcp:tools'] }]);
  const srv = await startServer(['--config', config]);
  const as = (key, body = initialize, headers = {}) => fetch(srv.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  try {
    assert.equal((await as('old-key')).status, 200);
    assert.equal((await as('new-key')).status, 401);
    // Rotate: the new key in, the old one out, and calls to `echo` need mcp:echo.
    write([{ name: 'new', sha256: sha256('new-key'), scopes: ['mcp:tools'] },
      { name: 'echoer', sha256: sha256('echo-key'), scopes: ['mcp:tools', 'mcp:echo'] }],
    { toolScopes: { echo: ['mcp:echo'] } });
    process.kill(srv.pid, 'SIGHUP');
    await srv.waitForLog(/config reloaded applied=\[[^\]]*auth/);
    assert.equal((await as('old-key')).status, 401, 'the removed key is refused at once');
    assert.equal((await as('new-key')).status, 200);
    const echo = {
      jsonrpc: '2.0', id: 2, method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x' }, _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': { name: 'keys', version: '1' } } },
    };
    const modern = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
    assert.equal((await as('new-key', echo, modern)).status, 403, 'the new tool scope applies');
    assert.equal((await as('echo-key', echo, modern)).status, 200);
    // A digest that is not 64 hex digits: refused, the running keys stay.
    write([{ name: 'broken', sha256: 'not-a-digest', scopes: ['mcp:tools'] }]);
    process.kill(srv.pid, 'SIGHUP');
    await srv.waitForLog(/auth reload refused: auth\.apiKeys: [^\n]*\(the running keys and scopes stay\)/);
    assert.equal((await as('new-key')).status, 200);
  } finally {
    await srv.stop();
  }
});
