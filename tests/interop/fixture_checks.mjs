// Checks of the conformance fixtures' exact values through an SDK v1 client, shared by every
// transport's test (Streamable HTTP, WebSocket, stdio) so each proves the same surface.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/// A v1 client that answers sampling and elicitation like the conformance suite's client,
/// and records what the server asked.
export function askingClient(name) {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {} } });
  const asked = [];
  client.setRequestHandler(CreateMessageRequestSchema, (req) => {
    asked.push(req);
    return { role: 'assistant', content: { type: 'text', text: 'This is a test response from the client' }, model: 'test-model', stopReason: 'endTurn' };
  });
  client.setRequestHandler(ElicitRequestSchema, (req) => {
    asked.push(req);
    return { action: 'accept', content: { username: 'testuser', email: 'test@example.com' } };
  });
  return { client, asked };
}

/// Sampling and elicitation travel to the client mid-call and their answers come back.
export async function checkAskingTools(client, asked) {
  const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Test prompt for sampling' } });
  assert.deepEqual(sampled.content, [{ type: 'text', text: 'LLM response: This is a test response from the client' }]);
  assert.equal(asked.at(-1).method, 'sampling/createMessage');
  assert.deepEqual(asked.at(-1).params.messages, [{ role: 'user', content: { type: 'text', text: 'Test prompt for sampling' } }]);
  assert.equal(asked.at(-1).params.maxTokens, 100);

  const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Please provide your information' } });
  assert.equal(elicited.content[0].text, 'User response: action=accept, content={"username":"testuser","email":"test@example.com"}');
  assert.equal(asked.at(-1).params.message, 'Please provide your information');

  const defaults = await client.callTool({ name: 'test_elicitation_sep1034_defaults', arguments: {} });
  assert.match(defaults.content[0].text, /^Elicitation completed: action=accept/);
  const props = asked.at(-1).params.requestedSchema.properties;
  assert.deepEqual(props.age, { type: 'integer', default: 30 });
  assert.deepEqual(props.status.enum, ['active', 'inactive', 'pending']);
}

/// The static fixtures: tools' content, resources, the template, prompts.
export async function checkStaticFixtures(client) {
  const img = await client.callTool({ name: 'test_image_content', arguments: {} });
  assert.deepEqual(img.content, [{ type: 'image', data: PNG, mimeType: 'image/png' }]);
  const err = await client.callTool({ name: 'test_error_handling', arguments: {} });
  assert.deepEqual(err, { content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }], isError: true });
  const bin = await client.readResource({ uri: 'test://static-binary' });
  assert.deepEqual(bin.contents, [{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG }]);
  const tpl = await client.readResource({ uri: 'test://template/123/data' });
  assert.equal(tpl.contents[0].text, '{"id":"123","templateTest":true,"data":"Data for ID: 123"}');
  const prompt = await client.getPrompt({ name: 'test_prompt_with_image' });
  assert.deepEqual(prompt.messages[1], { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } });
}

/// Subscribing to a ticker topic delivers notifications/resources/updated on the client's
/// connection; unknown resources are -32002; unsubscribing stops them.
export async function checkSubscriptions(client) {
  await assert.rejects(client.subscribeResource({ uri: 'nope://x' }), (e) => e.code === -32002);
  const updates = [];
  let wake;
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
    if (updates.length === 3 && wake) wake();
  });
  const three = new Promise((resolve) => { wake = resolve; });
  await client.subscribeResource({ uri: 'ticker://topic/1' });
  await three;
  assert.deepEqual(updates.slice(0, 3), ['ticker://topic/1', 'ticker://topic/1', 'ticker://topic/1']);
  await client.unsubscribeResource({ uri: 'ticker://topic/1' });
}
