// The JSON body of a node:http request (undefined when empty), for the peers' POST handlers.
export async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}
