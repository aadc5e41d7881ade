import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFetchAllow } from './allowlist.js';
import { FetchRefusedError, type FetchRefusedReason } from './errors.js';
import { GuardedFetcher, type FetchPolicy } from './guarded-fetch.js';
import { closedPort, fakeLookup, startLocalServer, type LocalServer } from './testing.js';

const MB = 1024 * 1024;
const page = '<!doctype html><html><head><title>Hello</title></head><body>hi</body></html>';

let pages: LocalServer;
/** Set by the streaming routes when their response closes: bytes written, and whether it all went out. */
let streamed: Promise<{ sent: number; finished: boolean }>;

/** Writes `total` bytes in 64 KB chunks, waiting for the client to read (backpressure). */
async function stream(res: ServerResponse, total: number): Promise<{ sent: number; finished: boolean }> {
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  while (sent < total && !res.destroyed) {
    sent += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
  await closed;
  return { sent, finished: res.writableFinished };
}

beforeAll(async () => {
  pages = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pages');
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname)?.[1];
    if (chain !== undefined) {
      if (chain === '0') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      else res.writeHead(302, { location: `/chain/${Number(chain) - 1}` }).end();
      return;
    }
    switch (url.pathname) {
      case '/page':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-extra': 'yes' }).end(page);
        return;
      case '/to':
        res.writeHead(307, { location: url.searchParams.get('u') ?? '/page' }).end();
        return;
      case '/missing':
        res.writeHead(404).end('nope');
        return;
      case '/bytes':
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(Number(url.searchParams.get('n')), 'b'));
        return;
      case '/big-declared':
        res.writeHead(200, { 'content-length': String(3 * MB) });
        streamed = stream(res, 3 * MB);
        return;
      case '/big-chunked':
        res.writeHead(200, { 'content-type': 'text/html' });
        streamed = stream(res, 3 * MB);
        return;
      case '/endless':
        res.writeHead(200, { 'content-type': 'text/html' });
        streamed = stream(res, 1024 * MB);
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(page));
        return;
      case '/gzip-bomb':
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(64 * MB)));
        return;
      case '/silent':
        return; // never answers
      case '/trickle':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html>'); // and never ends
        return;
      default:
        res.writeHead(500).end();
    }
  });
});

afterAll(() => pages.close());

const fetcherFor = (policy: Partial<FetchPolicy> = {}) =>
  new GuardedFetcher({ allow: parseFetchAllow(`127.0.0.1:${pages.port}`), lookup: fakeLookup({}), ...policy });

async function refusal(promise: Promise<unknown>, reason: FetchRefusedReason): Promise<FetchRefusedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchRefusedError);
  expect(error).toMatchObject({ reason });
  return error as FetchRefusedError;
}

describe('GuardedFetcher', () => {
  it('fetches a page from an allowlisted address', async () => {
    const res = await fetcherFor().get(`${pages.origin}/page`, { accept: 'text/html' });
    expect(res).toMatchObject({ url: `${pages.origin}/page`, status: 200, contentType: 'text/html; charset=utf-8' });
    expect(res.headers['x-extra']).toBe('yes');
    expect(res.body.toString()).toBe(page);
    expect(pages.requests.at(-1)?.headers).toMatchObject({ accept: 'text/html', 'user-agent': 'ParleyBot/1.0 (+link previews)' });
  });

  it('follows a 2-hop redirect chain and reports the final URL', async () => {
    const res = await fetcherFor().get(`${pages.origin}/chain/2`);
    expect(res.url).toBe(`${pages.origin}/chain/0`);
    expect(res.body.toString()).toBe(page);
  });

  it('follows exactly 3 redirects, and refuses a 4th', async () => {
    await expect(fetcherFor().get(`${pages.origin}/chain/3`)).resolves.toMatchObject({ status: 200 });
    await refusal(fetcherFor().get(`${pages.origin}/chain/4`), 'redirects');
    await expect(fetcherFor({ maxRedirects: 4 }).get(`${pages.origin}/chain/4`)).resolves.toMatchObject({ status: 200 });
  });

  it('refuses a non-2xx answer with its status', async () => {
    const error = await refusal(fetcherFor().get(`${pages.origin}/missing`), 'status');
    expect(error.status).toBe(404);
  });

  it('refuses a 3 MB body announced by Content-Length', async () => {
    await refusal(fetcherFor().get(`${pages.origin}/big-declared`), 'too_large');
    await streamed;
  });

  it('refuses a 3 MB chunked body once it passes the cap', async () => {
    const error = await refusal(fetcherFor().get(`${pages.origin}/big-chunked`), 'too_large');
    expect(error.message).toContain(String(2 * MB));
    await streamed;
  });

  it('stops reading and closes the socket at the cap (an endless body ends early)', async () => {
    await refusal(fetcherFor().get(`${pages.origin}/endless`), 'too_large');
    // Without the abort the server would block on backpressure and never see the close.
    const { sent, finished } = await streamed;
    expect(finished).toBe(false);
    expect(sent).toBeLessThan(64 * MB);
  });

  it('applies a per-call cap, a body exactly at the cap passing', async () => {
    await refusal(fetcherFor().get(`${pages.origin}/bytes?n=1001`, { maxBytes: 1000 }), 'too_large');
    const res = await fetcherFor().get(`${pages.origin}/bytes?n=1000`, { maxBytes: 1000 });
    expect(res.body.length).toBe(1000);
  });

  it('with partial, answers with the first bytes up to the cap and reads no further', async () => {
    const declared = await fetcherFor().get(`${pages.origin}/big-declared`, { maxBytes: 100_000, partial: true });
    expect(declared.body.length).toBe(100_000);
    await streamed;
    const endless = await fetcherFor().get(`${pages.origin}/endless`, { maxBytes: 100_000, partial: true });
    expect(endless.body.length).toBe(100_000);
    expect((await streamed).sent).toBeLessThan(64 * MB);
    const small = await fetcherFor().get(`${pages.origin}/page`, { maxBytes: 100_000, partial: true });
    expect(small.body.toString()).toBe(page);
  });

  it('stops at once when its signal aborts (shutdown), with reason aborted', async () => {
    const controller = new AbortController();
    const pending = fetcherFor({ timeoutMs: 10_000 }).get(`${pages.origin}/silent`, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await refusal(pending, 'aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
    await refusal(fetcherFor().get(`${pages.origin}/page`, { signal: AbortSignal.abort() }), 'aborted');
  });

  it('decodes gzip, counting the cap on the decoded size (a gzip bomb is refused)', async () => {
    const res = await fetcherFor().get(`${pages.origin}/gzip`);
    expect(res.body.toString()).toBe(page);
    expect(res.headers['content-encoding']).toBeUndefined();
    await refusal(fetcherFor().get(`${pages.origin}/gzip-bomb`), 'too_large');
  });

  it('times out on a server that never answers, within the configured time', async () => {
    const started = Date.now();
    const error = await refusal(fetcherFor({ timeoutMs: 300 }).get(`${pages.origin}/silent`), 'timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toContain('127.0.0.1');
  });

  it('times out on a body that never ends, and on DNS that never answers', async () => {
    await refusal(fetcherFor({ timeoutMs: 300 }).get(`${pages.origin}/trickle`), 'timeout');
    const hang = () => new Promise<never>(() => {});
    await refusal(fetcherFor({ timeoutMs: 300, lookup: hang }).get('http://slow.test/'), 'timeout');
  });

  it('sends no Cookie, and Authorization or custom headers only to the first URL', async () => {
    const headers = { cookie: 'session=secret', authorization: 'Bearer k', 'x-api-key': 'k', 'user-agent': 'spoof' };
    const other = await startLocalServer((_req, res) => res.end('other'));
    const fetcher = fetcherFor({ allow: parseFetchAllow(`127.0.0.1:${pages.port} 127.0.0.1:${other.port}`) });
    try {
      await fetcher.get(`${pages.origin}/to?u=/page`, { headers });
      const [first, second] = pages.requests.slice(-2).map((r) => r.headers);
      expect(first).toMatchObject({ authorization: 'Bearer k', 'x-api-key': 'k', 'user-agent': 'ParleyBot/1.0 (+link previews)' });
      expect(first?.cookie).toBeUndefined();
      expect(second?.authorization).toBeUndefined();
      expect(second?.['x-api-key']).toBe('k');
      expect(second?.cookie).toBeUndefined();

      await fetcher.get(`${pages.origin}/to?u=${encodeURIComponent(`${other.origin}/`)}`, { headers });
      const seen = other.requests.at(-1)?.headers;
      expect(seen?.authorization).toBeUndefined();
      expect(seen?.['x-api-key']).toBeUndefined();
      expect(seen?.cookie).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('connects to the address it checked, keeping the hostname in Host (one lookup per hop)', async () => {
    const lookup = fakeLookup({ 'pages.test': ['127.0.0.1'] });
    const fetcher = new GuardedFetcher({ allow: parseFetchAllow(`pages.test:${pages.port}`), lookup });
    const res = await fetcher.get(`http://pages.test:${pages.port}/to?u=/page`);
    expect(res.url).toBe(`http://pages.test:${pages.port}/page`);
    expect(pages.requests.at(-1)?.headers.host).toBe(`pages.test:${pages.port}`);
    expect(lookup.calls).toEqual(['pages.test', 'pages.test']);
  });

  it('sends the hostname as TLS SNI while connecting to the checked address', async () => {
    const names: string[] = [];
    // No certificate: the handshake stops right after the server has read the SNI.
    const server = tls.createServer({ SNICallback: (name, cb) => (names.push(name), cb(new Error('no certificate'), undefined)) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const lookup = fakeLookup({ 'secure.test': ['127.0.0.1'] });
      const fetcher = new GuardedFetcher({ allow: parseFetchAllow(`secure.test:${port}`), lookup });
      await refusal(fetcher.get(`https://secure.test:${port}/`), 'network');
      expect(names).toEqual(['secure.test']);
    } finally {
      server.close();
    }
  });

  it('refuses an unknown host as dns, and a refused connection as network', async () => {
    await refusal(fetcherFor().get('http://nowhere.test/'), 'dns');
    const port = await closedPort();
    const error = await refusal(fetcherFor({ allow: parseFetchAllow(`127.0.0.1:${port}`) }).get(`http://127.0.0.1:${port}/`), 'network');
    expect(error.message).not.toContain('ECONNREFUSED');
  });
});
