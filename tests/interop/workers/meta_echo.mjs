// A stdio MCP server built with the official TypeScript SDK: its tool `meta` answers with the
// `_meta` its tools/call carried, so a test sees what mcprt forwarded to an adapter worker.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'meta-echo', version: '1.0.0' });
server.registerTool('meta', { description: 'Returns the request _meta it received' },
  async (extra) => ({ content: [{ type: 'text', text: JSON.stringify(extra._meta ?? {}) }] }));
await server.connect(new StdioServerTransport());
