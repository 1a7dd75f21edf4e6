// HTTPS and WSS (transport.tls.*) with a test CA made at test time by the openssl CLI: the SDK
// client over both; TLS 1.2 or later with AEAD suites only; plain HTTP to the TLS port told
// so; client certificates as a credential (bound to their subject) and, with auth.mode none,
// as the only way in; a certificate file that cannot be read stops the start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startServer } from './server.mjs';
import { clientTextFrame, readMessages, upgradeRequest } from './raw_ws.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mcprt-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name) => join(dir, name);
const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

// A CA, and a certificate it signs for `cn` with `ext` (an openssl extension line).
function makeCa(name) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-subj', `/CN=${name}`);
}
function makeCert(name, ca, subject, ext) {
  writeFileSync(file(`${name}.ext`), ext);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`),
    '-CAcreateserial', '-days', '1', '-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`));
}
makeCa('ca');
makeCa('stranger-ca');
makeCert('server', 'ca', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
makeCert('robot', 'ca', '/O=Example/CN=robot', 'extendedKeyUsage=clientAuth\n');
makeCert('stranger', 'stranger-ca', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
const pem = (name) => readFileSync(file(name));
const serving = ['--set', `transport.tls.certFile=${file('server.pem')}`, '--set', `transport.tls.keyFile=${file('server.key')}`];

const initialize = JSON.stringify({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'tls', version: '1' } },
});

// One HTTPS request; `as` adds a client certificate ({ cert, key }). Resolves with
// { status, headers, body }, or rejects with the TLS error.
function request(url, { method = 'POST', headers = {}, body = initialize, as = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, agent: false, ca: pem('ca.pem'), ...as,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}

// A bare TLS handshake with `options`: resolves with the negotiated protocol, or rejects with
// the error the server's alert caused.
function handshake(url, options) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: pem('ca.pem'), ...options }, () => {
      const protocol = s.getProtocol();
      s.end();
      resolve(protocol);
    });
    s.on('error', reject);
  });
}

const robot = () => ({ cert: pem('robot.pem'), key: pem('robot.key') });
const stranger = () => ({ cert: pem('stranger.pem'), key: pem('stranger.key') });

test('the SDK client over HTTPS and WSS; TLS 1.2+ with AEAD suites only; plain HTTP told', { timeout: 60000 }, async () => {
  const server = await startServer(serving);
  try {
    assert.equal(server.url.protocol, 'https:');
    const child = await new Promise((resolve, reject) => {
      execFile(process.execPath, [join(import.meta.dirname, 'tls_client.mjs'), server.url.href],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: file('ca.pem') }, timeout: 30000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
    });
    assert.ok(child.https.tools.includes('echo'));
    assert.equal(child.https.text, 'over https');
    assert.ok(child.wss.tools.includes('echo'));
    assert.equal(child.wss.text, 'over wss');

    assert.equal(await handshake(server.url, { maxVersion: 'TLSv1.3' }), 'TLSv1.3');
    assert.equal(await handshake(server.url, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), 'TLSv1.2');
    // The client offers what it may (security level 0); the server's alert refuses.
    await assert.rejects(handshake(server.url, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    await assert.rejects(handshake(server.url, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' }),
      /alert handshake failure/);

    const plain = await fetch(server.url.href.replace(/^https/, 'http'), { method: 'POST', body: initialize });
    assert.equal(plain.status, 400);
    assert.match(await plain.text(), /This port speaks HTTPS/);
    // Everyone else is still served.
    assert.equal((await request(server.url)).status, 200);
    // An answer larger than a TLS record (16 KiB) arrives whole.
    const text = 'x'.repeat(40000);
    const big = await request(server.url, {
      headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text }, _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {},
      } } }),
    });
    assert.equal(big.status, 200);
    assert.equal(JSON.parse(big.body).result.content[0].text, text);
    const metrics = await request(new URL('/metrics', server.url), { method: 'GET' });
    const refused = Number(/mcprt_rejections_total\{reason="tls_handshake"\} (\d+)/.exec(metrics.body)?.[1]);
    assert.ok(refused >= 3, `${refused} refused handshakes counted (TLS 1.1, CBC only, plain HTTP)`);
  } finally {
    await server.stop();
  }
});

test('a client certificate is a credential, bound to its subject', { timeout: 60000 }, async () => {
  const config = file('keys.json');
  writeFileSync(config, JSON.stringify({
    auth: {
      mode: 'apiKeys', scopes: ['mcp:tools'],
      apiKeys: [{ name: 'ci', sha256: createHash('sha256').update('key-of-ci').digest('hex'), scopes: ['mcp'] }],
    },
  }));
  const server = await startServer(['--config', config, ...serving, '--set', `transport.tls.clientCaFile=${file('ca.pem')}`]);
  try {
    const mine = await request(server.url, { as: robot() });
    assert.equal(mine.status, 200);
    const session = mine.headers['mcp-session-id'];
    assert.ok(session);
    // Without a certificate (or a key), nothing; a certificate from another CA fails TLS.
    const none = await request(server.url);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer scope="mcp:tools"');
    await assert.rejects(request(server.url, { as: stranger() }));
    // The API key's principal cannot use the certificate's session.
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const theirs = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const foreign = await request(server.url, { headers: { ...theirs, authorization: 'Bearer key-of-ci' }, body: list });
    assert.equal(foreign.status, 404);
    const own = await request(server.url, { headers: theirs, body: list, as: robot() });
    assert.equal(own.status, 200);
    assert.match(own.body, /"echo"/);
    await server.waitForLog(/auth refused object=session reason=other_principal principal=key:ci/);
  } finally {
    await server.stop();
  }
});

test('with auth.mode none, a client CA makes the certificate the way in', { timeout: 60000 }, async () => {
  const server = await startServer([...serving, '--set', `transport.tls.clientCaFile=${file('ca.pem')}`]);
  try {
    assert.equal((await request(server.url, { as: robot() })).status, 200);
    // TLS 1.3 reports the missing certificate after the handshake, on the first read.
    await assert.rejects(request(server.url), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  } finally {
    await server.stop();
  }
});

test('an unreadable certificate or a key that does not match stops the start with the reason', { timeout: 30000 }, async () => {
  await assert.rejects(startServer(['--set', `transport.tls.certFile=${file('missing.pem')}`, '--set', `transport.tls.keyFile=${file('server.key')}`]),
    /transport\.tls\.certFile '.*missing\.pem'/);
  await assert.rejects(startServer(['--set', `transport.tls.certFile=${file('server.pem')}`, '--set', `transport.tls.keyFile=${file('robot.key')}`]),
    /transport\.tls\.keyFile '.*robot\.key': key values mismatch/);
  await assert.rejects(startServer(['--set', `transport.tls.certFile=${file('server.pem')}`]),
    /go together: set both/);
});

// The certificate the server presents to a new connection: its serial number.
function servedSerial(url) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: pem('ca.pem') }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.end();
      resolve(serial);
    });
    s.on('error', reject);
  });
}

test('SIGHUP reads renewed certificates: new connections get them, an open one keeps going', { timeout: 60000 }, async () => {
  makeCert('renewing', 'ca', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const certFile = file('live.pem');
  const keyFile = file('live.key');
  writeFileSync(certFile, pem('server.pem'));
  writeFileSync(keyFile, pem('server.key'));
  const srv = await startServer(['--set', `transport.tls.certFile=${certFile}`, '--set', `transport.tls.keyFile=${keyFile}`]);
  try {
    const first = await servedSerial(srv.url);
    // A connection opened before the renewal, kept alive across it.
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pem('ca.pem') });
    const before = await request(srv.url, { as: { agent } });
    assert.equal(before.status, 200);
    // Renewed in place, as certbot does: same paths, new contents.
    writeFileSync(certFile, pem('renewing.pem'));
    writeFileSync(keyFile, pem('renewing.key'));
    process.kill(srv.pid, 'SIGHUP');
    await srv.waitForLog(/config reloaded [^\n]*tls=reloaded/);
    const second = await servedSerial(srv.url);
    assert.notEqual(second, first, 'a new connection sees the renewed certificate');
    const after = await request(srv.url, { as: { agent } });
    assert.equal(after.status, 200, 'the open connection still serves');
    assert.equal(after.reused, true, 'on the connection opened before the reload');
    // A broken renewal is refused; the running certificate stays.
    writeFileSync(keyFile, pem('robot.key'));
    process.kill(srv.pid, 'SIGHUP');
    await srv.waitForLog(/tls reload refused: [^\n]*\(the running certificates stay\)/);
    await srv.waitForLog(/config reloaded [^\n]*tls=kept/);
    assert.equal(await servedSerial(srv.url), second);
    agent.destroy();
  } finally {
    await srv.stop();
  }
});

test('over WSS, frames sent with the upgrade request, before the 101, are read', { timeout: 30000 }, async () => {
  const server = await startServer(serving);
  try {
    const s = tls.connect({ host: server.url.hostname, port: Number(server.url.port), ca: pem('ca.pem') });
    s.on('error', () => {});
    await new Promise((resolve) => s.once('secureConnect', resolve));
    s.write(Buffer.concat([upgradeRequest(server.url.host), clientTextFrame(initialize)]));
    const { head, messages } = await readMessages(s, 1);
    s.destroy();
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.equal(messages[0].id, 1);
    assert.equal(messages[0].result.protocolVersion, '2025-06-18');
  } finally {
    await server.stop();
  }
});
