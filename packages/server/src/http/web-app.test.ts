import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { expectError, rawFetch } from '../testing/raw.js';

/** Sends a request line exactly as written (fetch would normalise `..` away) and returns the status line and body. */
function rawGet(t: TestServer, target: string): Promise<string> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    // Written, not ended: a half-closed socket may be closed before an answer that takes a tick.
    const socket = net.connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the web app at /', () => {
  let webDir: string;
  let t: TestServer;
  const secret = path.join(os.tmpdir(), `parley-secret-${process.pid}.txt`);

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Parley</title><script type="module" src="/assets/app-1a2b.js"></script>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1a2b.js'), 'console.log("app")');
    fs.writeFileSync(path.join(webDir, 'manifest.webmanifest'), '{"name":"Parley"}');
    fs.writeFileSync(secret, 'not for the web');
    t = await startTestServer('sqlite', { PARLEY_WEB_DIR: webDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(webDir, { recursive: true, force: true });
    fs.rmSync(secret, { force: true });
  });

  it('serves index.html with a strict CSP, for / and for any page path of the app', async () => {
    for (const page of ['/', '/c/01ARZ3NDEKTSV4RRFFQ69G5FAV', '/settings']) {
      const res = await rawFetch(t.url + page, 'GET');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('<title>Parley</title>');
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves built assets with their type and a long cache; a missing asset is a 404, not the page', async () => {
    const js = await rawFetch(t.url + '/assets/app-1a2b.js', 'GET');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await rawFetch(t.url + '/manifest.webmanifest', 'GET')).headers.get('content-type')).toBe('application/manifest+json');
    expectError(await rawFetch(t.url + '/assets/missing.js', 'GET'), 404, 'not_found');
  });

  it('keeps /api/ paths JSON: an unknown API path is a JSON 404, not the app', async () => {
    expectError(await rawFetch(t.url + '/api/v1/no-such-route', 'GET'), 404, 'not_found');
    expect((await rawFetch(t.url + '/api/v1/openapi.json', 'GET')).status).toBe(200);
    expect((await rawFetch(t.url + '/healthz', 'GET')).status).toBe(200);
  });

  it('never serves a file outside its directory, however the path is written', async () => {
    const name = path.basename(secret);
    const up = path.relative(webDir, path.dirname(secret)).split(path.sep).join('/');
    for (const target of [`/${up}/${name}`, `/${up.replaceAll('..', '%2e%2e')}/${name}`, `/${up.replaceAll('/', '%2f')}%2f${name}`, `/..%5c..%5c${name}`, '/%00index.html', '/%E0%A4%A']) {
      const answer = await rawGet(t, target);
      expect(answer, target).not.toContain('not for the web');
      expect(answer, target).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
  });
});

describe('the web app when it is not built', () => {
  it('answers / with a 404 that says how to build it; the API works', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-empty-'));
    const t = await startTestServer('sqlite', { PARLEY_WEB_DIR: empty });
    try {
      const res = await rawFetch(t.url + '/', 'GET');
      expect(expectError(res, 404, 'not_found').message).toContain('npm run build');
      expect((await rawFetch(t.url + '/healthz', 'GET')).status).toBe(200);
    } finally {
      await t.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
