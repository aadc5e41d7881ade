// Uploads for the files scenarios: raw bytes streamed to POST /api/v1/files in 1 MiB writes, the
// way the SDK does it from Node, timed from the first byte written to the server's answer.
import http from 'node:http';

const CHUNK = 1 << 20;

/** Resolves to { ms, status, body } for one upload of `bytes` named `name`. */
export function upload(baseUrl, token, bytes, name) {
  const url = new URL(`/api/v1/files?name=${encodeURIComponent(name)}`, baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': bytes.length },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          let body = text;
          try {
            body = JSON.parse(text);
          } catch {
            // leave it as text
          }
          resolve({ ms, status: res.statusCode, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // Respect backpressure: never more than one chunk buffered in the generator.
    let offset = 0;
    const writeMore = () => {
      while (offset < bytes.length) {
        const chunk = bytes.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (!req.write(chunk)) return req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}
