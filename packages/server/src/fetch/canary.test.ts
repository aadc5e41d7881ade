import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFetchAllow } from './allowlist.js';
import { FetchRefusedError, type FetchRefusedReason } from './errors.js';
import { GuardedFetcher } from './guarded-fetch.js';
import { fakeLookup, startLocalServer, type LocalServer } from './testing.js';

/**
 * A canary server on loopback that nobody may reach: every trick below must be refused before a
 * socket opens, so the canary must end with zero connections. The page server next to it is
 * allowlisted by its exact address and port, and redirects to the canary in the same forms.
 */
let canary: LocalServer;
let pages: LocalServer;
let fetcher: GuardedFetcher;

const dns = fakeLookup({
  localhost: ['127.0.0.1', '::1'],
  'rebind.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
});

/** `{C}` is the canary's port, `{P}` the page server's. */
const fill = (template: string) => template.replaceAll('{C}', String(canary.port)).replaceAll('{P}', String(pages.port));
const redirect = (target: string) => `http://127.0.0.1:{P}/to?u=${encodeURIComponent(target)}`;

beforeAll(async () => {
  canary = await startLocalServer((_req, res) => res.end('canary'));
  pages = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pages');
    const to = url.searchParams.get('u');
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname)?.[1];
    if (to !== null) res.writeHead(302, { location: fill(to) }).end();
    else if (chain !== undefined && chain !== '0') res.writeHead(302, { location: `/chain/${Number(chain) - 1}` }).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<title>end of chain</title>');
  });
  fetcher = new GuardedFetcher({ allow: parseFetchAllow(`127.0.0.1:${pages.port}`), lookup: dns, timeoutMs: 2_000 });
});

afterAll(async () => {
  await canary.close();
  await pages.close();
});

const direct: [string, FetchRefusedReason][] = [
  ['http://127.0.0.1:{C}/', 'address'],
  ['https://127.0.0.1:{C}/', 'address'],
  ['http://localhost:{C}/', 'address'],
  ['http://LOCALHOST.:{C}/', 'address'],
  ['http://ｌｏｃａｌｈｏｓｔ:{C}/', 'address'],
  ['http://[::1]:{C}/', 'address'],
  ['http://[::ffff:127.0.0.1]:{C}/', 'address'],
  ['http://[::ffff:7f00:1]:{C}/', 'address'],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]:{C}/', 'address'],
  ['http://[::127.0.0.1]:{C}/', 'address'],
  ['http://[64:ff9b::7f00:1]:{C}/', 'address'],
  ['http://[2002:7f00:0001::]:{C}/', 'address'],
  ['http://[2001:0:7f00:1::]:{C}/', 'address'],
  ['http://2130706433:{C}/', 'address'],
  ['http://0177.0.0.1:{C}/', 'address'],
  ['http://0x7f000001:{C}/', 'address'],
  ['http://0x7f.1:{C}/', 'address'],
  ['http://127.1:{C}/', 'address'],
  ['http://127.0.0.1.:{C}/', 'address'],
  ['http://%31%32%37.0.0.1:{C}/', 'address'],
  ['http://127.0.0.1:{C}\\@example.com/', 'address'],
  ['http://0.0.0.0:{C}/', 'address'],
  ['http://[::]:{C}/', 'address'],
  ['http://10.0.0.1:{C}/', 'address'],
  ['http://172.16.0.1:{C}/', 'address'],
  ['http://192.168.1.1:{C}/', 'address'],
  ['http://169.254.169.254/latest/meta-data/', 'address'],
  ['http://[::ffff:a9fe:a9fe]/latest/meta-data/', 'address'],
  ['http://100.64.0.1:{C}/', 'address'],
  ['http://224.0.0.1:{C}/', 'address'],
  ['http://255.255.255.255:{C}/', 'address'],
  ['http://[fe80::1]:{C}/', 'address'],
  ['http://[fc00::1]:{C}/', 'address'],
  ['http://rebind.test:{C}/', 'address'],
  ['http://mixed.test:{C}/', 'address'],
  ['http://mapped.test:{C}/', 'address'],
  ['http://metadata.test/', 'address'],
  ['http://unknown.test:{C}/', 'dns'],
  ['ftp://127.0.0.1:{C}/', 'scheme'],
  ['file:///etc/passwd', 'scheme'],
  ['gopher://127.0.0.1:{C}/_GET%20/', 'scheme'],
  ['ws://127.0.0.1:{C}/', 'scheme'],
  ['data:text/html,<title>x</title>', 'scheme'],
  ['http://user:pass@127.0.0.1:{C}/', 'credentials'],
  ['http://example.com@127.0.0.1:{C}/', 'credentials'],
  ['http://user:pass@127.0.0.1:{P}/', 'credentials'],
  ['not a url', 'invalid_url'],
];

const viaRedirect: [string, string, FetchRefusedReason][] = [
  ['loopback literal', redirect('http://127.0.0.1:{C}/'), 'address'],
  ['localhost', redirect('http://localhost:{C}/'), 'address'],
  ['IPv4-mapped IPv6', redirect('http://[::ffff:127.0.0.1]:{C}/'), 'address'],
  ['IPv6 loopback', redirect('http://[::1]:{C}/'), 'address'],
  ['decimal IPv4', redirect('http://2130706433:{C}/'), 'address'],
  ['octal IPv4', redirect('http://0177.0.0.1:{C}/'), 'address'],
  ['scheme-relative', redirect('//127.0.0.1:{C}/'), 'address'],
  ['a name resolving to loopback', redirect('http://rebind.test:{C}/'), 'address'],
  ['cloud metadata', redirect('http://169.254.169.254/latest/meta-data/'), 'address'],
  ['NAT64', redirect('http://[64:ff9b::7f00:1]:{C}/'), 'address'],
  ['file:', redirect('file:///etc/passwd'), 'scheme'],
  ['ftp:', redirect('ftp://127.0.0.1:{C}/'), 'scheme'],
  ['credentials', redirect('http://user:pass@127.0.0.1:{P}/'), 'credentials'],
  ['two allowed hops, then the canary', redirect(redirect('http://127.0.0.1:{C}/')), 'address'],
  ['four redirects between allowed hops', 'http://127.0.0.1:{P}/chain/4', 'redirects'],
  ['a redirect loop', redirect(redirect(redirect(redirect(redirect('/chain/0'))))), 'redirects'],
];

describe('the canary', () => {
  it('has a table of at least 30 direct tricks', () => {
    expect(direct.length).toBeGreaterThanOrEqual(30);
  });

  it.each(direct)('refuses %s (%s)', async (template, reason) => {
    const error = await fetcher.get(fill(template)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchRefusedError);
    expect(error).toMatchObject({ reason });
    expect(canary.connections).toBe(0);
  });

  it.each(viaRedirect)('refuses a redirect from an allowed page: %s', async (_name, template, reason) => {
    const error = await fetcher.get(fill(template)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchRefusedError);
    expect(error).toMatchObject({ reason });
    expect(canary.connections).toBe(0);
  });

  it('never leaks a resolved address in the message', async () => {
    const error = await fetcher.get(fill('http://mixed.test:{C}/')).catch((e: unknown) => e);
    expect(String(error)).toContain('mixed.test');
    expect(String(error)).not.toContain('10.0.0.1');
  });

  it('saw zero connections, though it is reachable when allowlisted', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(canary.connections).toBe(0);
    // The page server handled the redirecting hops: the refusals above were not for lack of a network.
    expect(pages.requests.length).toBeGreaterThan(viaRedirect.length);

    const open = new GuardedFetcher({ allow: parseFetchAllow(`127.0.0.1:${canary.port}`), lookup: dns });
    const res = await open.get(`http://127.0.0.1:${canary.port}/`);
    expect(res.body.toString()).toBe('canary');
    expect(canary.connections).toBe(1);
  });
});
