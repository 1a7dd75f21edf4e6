// The issuer's metadata and keys fetched over HTTPS: an `openssl s_server -WWW` on loopback
// with a certificate made at test time serves them. mcprt trusting that certificate
// (auth.issuerCaFile) verifies a token signed with the served key; one that does not trust it
// refuses the TLS peer, has no keys, and answers 503 rather than a misleading 401.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, importJWK } from 'jose';
import { makeKey } from './auth_server.mjs';
import { startServer, freeFixedPort } from './server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mcprt-https-issuer-'));
const stops = [];
after(async () => { for (const stop of stops.reverse()) await stop(); });

/// Serves `files` ({path: text}) over HTTPS from `dir` with a fresh self-signed certificate.
async function startTlsIssuer(files) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const port = await freeFixedPort();
  const www = join(dir, 'www');
  for (const [path, text] of Object.entries(files(port))) {
    mkdirSync(join(www, path, '..'), { recursive: true });
    writeFileSync(join(www, path), text);
  }
  const proc = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', join(dir, 'cert.pem'),
    '-key', join(dir, 'key.pem'), '-WWW'], { cwd: www, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; if (out.includes('ACCEPT')) resolve(); });
    proc.once('exit', (code) => reject(new Error(`s_server exited ${code}`)));
  });
  stops.push(async () => { proc.kill(); });
  return { issuer: `https://127.0.0.1:${port}`, ca: join(dir, 'cert.pem') };
}

test('keys over HTTPS: verified against the configured CA, refused without it', { timeout: 60000 }, async () => {
  const key = await makeKey('ES256', 'tls-key');
  const { d, ...pub } = key;
  const tls = await startTlsIssuer((port) => ({
    '.well-known/oauth-authorization-server': JSON.stringify({
      issuer: `https://127.0.0.1:${port}`, jwks_uri: `https://127.0.0.1:${port}/jwks.json` }),
    'jwks.json': JSON.stringify({ keys: [pub] }),
  }));
  const port = await freeFixedPort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  const args = (extra) => ['--set', `transport.port=${port}`, '--set', 'auth.mode=oauth',
    '--set', `auth.issuer=${tls.issuer}`, '--set', `auth.resource=${resource}`, ...extra];
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ iss: tls.issuer, aud: resource, sub: 'tls', exp: now + 300 })
    .setProtectedHeader({ alg: 'ES256', kid: 'tls-key' }).sign(await importJWK(key, 'ES256'));
  const ask = () => fetch(resource, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'tls', version: '1' } } }),
  });

  const trusting = await startServer(args(['--set', `auth.issuerCaFile=${tls.ca}`]));
  try {
    // The first request waits for the key fetch in flight since the start.
    assert.equal((await ask()).status, 200);
    await trusting.waitForLog(/auth keys fetched issuer=https:\/\/127\.0\.0\.1:\d+ keys=1/);
  } finally {
    await trusting.stop();
  }

  const distrusting = await startServer(args([]));
  try {
    const refused = await ask();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    await distrusting.waitForLog(/certificate verify failed/);
  } finally {
    await distrusting.stop();
  }
});
