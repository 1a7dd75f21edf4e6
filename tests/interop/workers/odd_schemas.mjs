// A stdio MCP server (the official SDK's low-level Server) whose tools carry schemas that are
// valid JSON Schema but that RapidJSON 1.1 crashes on as written: boolean subschemas, and
// patternProperties beside additionalProperties: false. Every call answers "ok".
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ListToolsRequestSchema, CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'odd-schemas', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: 'pattern_map', inputSchema: { type: 'object', patternProperties: { '^a': { type: 'integer' } }, additionalProperties: false } },
    { name: 'booleans', inputSchema: { type: 'object', properties: { any: { anyOf: [{ type: 'string' }, true] }, all: { allOf: [true] }, none: { not: true } } } },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
await server.connect(new StdioServerTransport());
