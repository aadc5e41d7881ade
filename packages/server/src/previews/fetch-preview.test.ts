import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFetchAllow } from '../fetch/allowlist.js';
import { GuardedFetcher } from '../fetch/guarded-fetch.js';
import { fakeLookup, startLocalServer, type LocalServer } from '../fetch/testing.js';
import { photoWithGps, pixelFloodPng } from '../testing/media.js';
import { PreviewFetcher, decodeHtml } from './fetch-preview.js';

const head = (title: string, image = '') => `<html><head><meta property="og:title" content="${title}">${image ? `<meta property="og:image" content="${image}">` : ''}</head>`;

let pages: LocalServer;
let photo: Buffer;

beforeAll(async () => {
  photo = await photoWithGps(2000, 1500);
  pages = await startLocalServer((req, res) => {
    switch (req.url) {
      case '/latin1':
        res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' }).end(Buffer.from(head('Café crème'), 'latin1'));
        return;
      case '/huge':
        // The head comes first; the rest (3 MB) is never read.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write(head('Huge page'));
        res.end(Buffer.alloc(3 * 1024 * 1024, 'x'));
        return;
      case '/photo-page':
        res.writeHead(200, { 'content-type': 'text/html' }).end(head('With a photo', '/photo.jpg'));
        return;
      case '/photo.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
        return;
      case '/bomb-page':
        res.writeHead(200, { 'content-type': 'text/html' }).end(head('With a bomb', '/bomb.png'));
        return;
      case '/bomb.png':
        res.writeHead(200, { 'content-type': 'image/png' }).end(pixelFloodPng());
        return;
      case '/plain':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(head('Not HTML'));
        return;
      case '/untitled':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head></head><body>nothing to show</body></html>');
        return;
      case '/silent':
        return;
      default:
        res.writeHead(404).end();
    }
  });
});

afterAll(() => pages.close());

const silent = pino({ level: 'silent' });
const fetcherFor = (signal = new AbortController().signal, timeoutMs = 2_000) =>
  new PreviewFetcher(new GuardedFetcher({ allow: parseFetchAllow(`127.0.0.1:${pages.port}`), lookup: fakeLookup({}), timeoutMs }), 100_000_000, silent, signal);

describe('PreviewFetcher', () => {
  it('reads the page in its declared charset', async () => {
    expect((await fetcherFor().preview(`${pages.origin}/latin1`))?.page.title).toBe('Café crème');
  });

  it('reads only the start of a huge page', async () => {
    const found = await fetcherFor().preview(`${pages.origin}/huge`);
    expect(found?.page.title).toBe('Huge page');
  });

  it('re-encodes the image as a WebP of at most 600 px, without the photo metadata', async () => {
    const found = await fetcherFor().preview(`${pages.origin}/photo-page`);
    expect(found?.image).toMatchObject({ width: 600, height: 450 });
    const meta = await sharp(found!.image!.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
  });

  it('keeps the text of a page whose image is a decompression bomb, without decoding it', async () => {
    const found = await fetcherFor().preview(`${pages.origin}/bomb-page`);
    expect(found).toMatchObject({ page: { title: 'With a bomb' }, image: null });
  });

  it('gives no preview for a page that is not HTML, has no metadata, is missing, or never answers', async () => {
    const fetcher = fetcherFor(undefined, 300);
    for (const path of ['/plain', '/untitled', '/missing', '/silent']) expect(await fetcher.preview(`${pages.origin}${path}`)).toBeNull();
  });

  it('gives up at once when the server shuts down', async () => {
    const shutdown = new AbortController();
    const pending = fetcherFor(shutdown.signal, 10_000).preview(`${pages.origin}/silent`);
    shutdown.abort();
    expect(await pending).toBeNull();
  });

  it('fetches a link asked for many times at once only once', async () => {
    const fetcher = fetcherFor();
    const before = pages.requests.filter((r) => r.url === '/photo-page').length;
    const found = await Promise.all(Array.from({ length: 5 }, () => fetcher.preview(`${pages.origin}/photo-page`)));
    expect(new Set(found).size).toBe(1);
    expect(pages.requests.filter((r) => r.url === '/photo-page').length).toBe(before + 1);
  });
});

describe('decodeHtml', () => {
  it('uses the Content-Type charset, then <meta charset>, then UTF-8', () => {
    const latin1 = Buffer.from('<title>déjà</title>', 'latin1');
    expect(decodeHtml(latin1, 'text/html; charset="iso-8859-1"')).toBe('<title>déjà</title>');
    const meta = Buffer.concat([Buffer.from('<meta charset="shift_jis"><title>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from('</title>')]);
    expect(decodeHtml(meta, 'text/html')).toContain('<title>日本</title>');
    const equiv = Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><title>é</title>', 'latin1');
    expect(decodeHtml(equiv, null)).toContain('<title>é</title>');
    expect(decodeHtml(Buffer.from('<title>日本</title>'), 'text/html; charset=no-such-charset')).toBe('<title>日本</title>');
    expect(decodeHtml(Buffer.from('<title>日本</title>'), null)).toBe('<title>日本</title>');
  });
});
