// HTTP/1.1 on raw sockets, for tests that need what fetch hides: several connections held
// open, the exact bytes of an answer, requests fetch would refuse to send.
import net from 'node:net';
import { once } from 'node:events';

export const connect = (url) => new Promise((resolve, reject) => {
  const s = net.connect(Number(url.port), url.hostname, () => resolve(s));
  s.once('error', reject);
});
// Sends `bytes` and reads until the server closes; resolves with what came back.
export async function exchange(url, bytes) {
  const s = await connect(url);
  s.on('error', () => {}); // A reset after the answer is fine; the answer is what counts.
  const chunks = [];
  s.on('data', (c) => chunks.push(c));
  s.write(bytes);
  await once(s, 'close');
  return Buffer.concat(chunks).toString('latin1');
}
// One keep-alive GET on an open socket (with `extra` header lines, each ending in CRLF);
// resolves with the whole response text.
export function request(s, path, extra = '') {
  return new Promise((resolve) => {
    let text = '';
    const onData = (c) => {
      text += c;
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) {
        s.off('data', onData);
        resolve(text);
      }
    };
    s.on('data', onData);
    s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`);
  });
}
