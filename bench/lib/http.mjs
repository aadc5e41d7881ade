// A small JSON client on node:http with keep-alive. It is used instead of fetch because its
// per-request overhead is lower and predictable, which matters when we time history requests.
import http from 'node:http';

export class HttpClient {
  constructor(baseUrl, { maxSockets = 64 } = {}) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /**
   * Resolves to { status, body } (body parsed as JSON when it is JSON); never rejects on a status.
   * A GET on a kept-alive socket that the server closed meanwhile (its idle timeout) is retried once.
   */
  async request(method, path, options = {}) {
    try {
      return await this.once(method, path, options);
    } catch (err) {
      if (method !== 'GET' || !(err.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up'))) throw err;
      return this.once(method, path, options);
    }
  }

  once(method, path, { body, token } = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              parsed = JSON.parse(text);
            } catch {
              // leave it as text
            }
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request(), but throws unless the status is one of `expect`. */
  async json(method, path, { body, token, expect = [200, 201] } = {}) {
    const res = await this.request(method, path, { body, token });
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path} → ${res.status} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  close() {
    this.agent.destroy();
  }
}

/** Reads the few Prometheus figures the benchmark reports (sum of all series of each name). */
export async function readMetrics(client, names) {
  const res = await client.request('GET', '/metrics');
  const text = typeof res.body === 'string' ? res.body : '';
  const out = {};
  for (const name of names) {
    let total = null;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== ' ' && rest[0] !== '{') continue;
      total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    out[name] = total;
  }
  return out;
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
