// A real OAuth 2.1 authorization server for the tests: oidc-provider on a free loopback port,
// issuing JWT access tokens (RFC 9068) for the client-credentials grant with RFC 8707 resource
// indicators. Its signing keys are made at start (or passed in, to restart the "same" issuer
// with rotated keys); it counts the requests for its key set.
import { createServer } from 'node:http';
import { once } from 'node:events';
import Provider, { errors } from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

/// A private JWK for `alg` with key id `kid`.
export async function makeKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

/// Starts the server. `clients`: [{ id, secret, scope }]; `resources`: { url: scope } the
/// tokens may be for; `keys`: private JWKs, the first signs; `port`: reuse a port (restart);
/// `format`: 'jwt' or 'opaque' access tokens (opaque ones are checked by introspection).
export async function startAuthServer({ clients, resources, keys, port = 0, ttl = 600, format = 'jwt' }) {
  const http = createServer();
  http.listen(port, '127.0.0.1');
  await once(http, 'listening');
  const issuer = `http://127.0.0.1:${http.address().port}`;
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: c.scope,
      id_token_signed_response_alg: keys[0].alg,
    })),
    jwks: { keys },
    scopes: [...new Set(Object.values(resources).flatMap((s) => s.split(' ')))],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, resource) {
          if (!(resource in resources)) throw new errors.InvalidTarget();
          return {
            scope: resources[resource],
            audience: resource,
            accessTokenTTL: ttl,
            accessTokenFormat: format,
            jwt: { sign: { alg: keys[0].alg } },
          };
        },
      },
    },
  });
  const counts = { jwks: 0, token: 0, introspection: 0 };
  const callback = provider.callback();
  http.on('request', (req, res) => {
    if (req.url.startsWith('/jwks')) counts.jwks += 1;
    if (req.url === '/token') counts.token += 1;
    if (req.url.startsWith('/token/introspection')) counts.introspection += 1;
    callback(req, res);
  });
  return {
    issuer,
    port: http.address().port,
    counts,
    /// A token for `client` (id, secret, scope) and `resource`, with `scope` or the client's.
    async token(client, resource, scope) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource, scope: scope ?? client.scope });
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64'),
        },
        body,
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`token request failed: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    /// Revokes `token` (RFC 7009) as `client`, the client it was issued to.
    async revoke(client, token) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64'),
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      });
      if (!res.ok) throw new Error(`revocation failed: ${res.status}`);
    },
    async stop() {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}
