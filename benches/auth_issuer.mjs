// A real authorization server for benches/run_auth.sh: oidc-provider (from the test peers) on
// loopback, and a free port for the mcprt that will trust it. Prints one line,
// `issuer listening on ISSUER PORT TOKEN`, with a JWT access token for http://127.0.0.1:PORT/mcp
// (scope mcp:tools, ES256, valid for an hour), then serves until killed.
import { startAuthServer, makeKey } from '../tests/interop/auth_server.mjs';
import { freePort } from '../tests/interop/server.mjs';

const port = await freePort();
const resource = `http://127.0.0.1:${port}/mcp`;
const client = { id: 'bench', secret: 'bench-secret', scope: 'mcp:tools' };
const as = await startAuthServer({
  clients: [client], resources: { [resource]: 'mcp:tools' }, keys: [await makeKey('ES256', 'bench')], ttl: 3600,
});
const token = await as.token(client, resource);
process.stderr.write(`issuer listening on ${as.issuer} ${port} ${token}\n`);
