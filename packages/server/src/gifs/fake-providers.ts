import type { ServerResponse } from 'node:http';
import { startLocalServer, type LocalServer } from '../fetch/testing.js';
import { animatedGif, png } from '../testing/media.js';
import type { ProviderName } from './provider.js';

/**
 * Local fakes of Giphy's and Tenor's documented APIs on 127.0.0.1, for tests: the same paths,
 * parameters and response shapes, with media served by the fake too. `mode` makes it fail.
 */
export interface FakeGifProvider extends LocalServer {
  readonly provider: ProviderName;
  readonly apiKey: string;
  /** The GIFs it knows; search answers those whose title contains the query. */
  readonly gifs: readonly { id: string; title: string }[];
  /** What each kind of media URL serves. */
  readonly media: { animated: Buffer; still: Buffer; full: Buffer; notAGif: Buffer };
  mode: 'ok' | 'error' | 'bad_key' | 'silent' | 'garbage';
  /** API requests (not media) received, parsed. */
  apiRequests(): URL[];
  /** Media requests received. */
  mediaRequests(): LocalServer['requests'];
}

const GIFS = [
  { id: 'PartyParrot1', title: 'Party Parrot' },
  { id: 'PartyCat2', title: 'Party Cat' },
  { id: 'SleepyDog3', title: 'Sleepy Dog' },
  // Its "full" size is not a GIF, as a broken provider might send.
  { id: 'NotAGif4', title: 'Broken' },
];

export async function startFakeGifProvider(provider: ProviderName): Promise<FakeGifProvider> {
  const apiKey = `${provider}-secret-key-${Math.random().toString(36).slice(2)}`;
  const media = { animated: await animatedGif(100, 75), still: await png(100, 75), full: await animatedGif(160, 120), notAGif: await png(160, 120) };
  let fake: FakeGifProvider;
  const server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', fake.origin);
    if (url.pathname.startsWith('/media/')) return serveMedia(res, url.pathname, media);
    const key = url.searchParams.get(provider === 'giphy' ? 'api_key' : 'key');
    if (fake.mode === 'silent') return; // never answers: the server's timeout must
    if (fake.mode === 'error') return json(res, 500, { error: `internal error while serving key ${key}` });
    if (fake.mode === 'garbage') return json(res, 200, { surprise: true });
    if (fake.mode === 'bad_key' || key !== apiKey) return json(res, provider === 'giphy' ? 401 : 403, { message: `Invalid API key ${key}` });
    return provider === 'giphy' ? giphyApi(res, url, fake.origin) : tenorApi(res, url, fake.origin);
  });
  fake = Object.assign(server, {
    provider,
    apiKey,
    gifs: GIFS,
    media,
    mode: 'ok' as FakeGifProvider['mode'],
    apiRequests: () => server.requests.filter((r) => !r.url.startsWith('/media/')).map((r) => new URL(r.url, server.origin)),
    mediaRequests: () => server.requests.filter((r) => r.url.startsWith('/media/')),
  });
  return fake;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function serveMedia(res: ServerResponse, path: string, media: FakeGifProvider['media']): void {
  const [, , id, file] = path.split('/');
  const bytes = file?.startsWith('still') ? media.still : file?.startsWith('full') ? (id === 'NotAGif4' ? media.notAGif : media.full) : media.animated;
  res.writeHead(200, { 'content-type': 'image/gif', 'content-length': bytes.length });
  res.end(bytes);
}

function matching(q: string | null) {
  return GIFS.filter((g) => q && g.title.toLowerCase().includes(q.toLowerCase()));
}

/** developers.giphy.com/docs/api/schema: numbers as strings, `images` by size name. */
function giphyGif(origin: string, gif: { id: string; title: string }) {
  const size = (file: string, width: number, height: number) => ({ url: `${origin}/media/${gif.id}/${file}?cid=fake`, width: String(width), height: String(height), size: '1000' });
  return {
    type: 'gif',
    id: gif.id,
    url: `https://giphy.com/gifs/${gif.id}`,
    title: `${gif.title} GIF`,
    rating: 'g',
    images: {
      fixed_height: size('animated.gif', 100, 75),
      fixed_height_still: size('still.gif', 100, 75),
      downsized: size('full.gif', 160, 120),
      original: size('full.gif', 160, 120),
    },
  };
}

function giphyApi(res: ServerResponse, url: URL, origin: string): void {
  if (url.pathname === '/v1/gifs/search') {
    const found = matching(url.searchParams.get('q')).slice(0, Number(url.searchParams.get('limit') ?? 25));
    return json(res, 200, { data: found.map((g) => giphyGif(origin, g)), pagination: { total_count: found.length, count: found.length, offset: 0 }, meta: { status: 200, msg: 'OK' } });
  }
  const gif = GIFS.find((g) => url.pathname === `/v1/gifs/${g.id}`);
  if (gif) return json(res, 200, { data: giphyGif(origin, gif), meta: { status: 200, msg: 'OK' } });
  json(res, 404, { meta: { status: 404, msg: 'Not Found' } });
}

/** developers.google.com/tenor/guides/response-objects-and-errors: `media_formats` with `dims`. */
function tenorGif(origin: string, gif: { id: string; title: string }) {
  const format = (file: string, width: number, height: number) => ({ url: `${origin}/media/${gif.id}/${file}`, dims: [width, height], duration: 1, size: 1000 });
  return {
    id: gif.id,
    title: '',
    content_description: gif.title,
    itemurl: `https://tenor.com/view/${gif.id}`,
    media_formats: {
      tinygif: format('animated.gif', 100, 75),
      tinygifpreview: format('still.png', 100, 75),
      mediumgif: format('full.gif', 160, 120),
      gif: format('full.gif', 160, 120),
    },
  };
}

function tenorApi(res: ServerResponse, url: URL, origin: string): void {
  if (url.pathname === '/v2/search') {
    const found = matching(url.searchParams.get('q')).slice(0, Number(url.searchParams.get('limit') ?? 20));
    return json(res, 200, { results: found.map((g) => tenorGif(origin, g)), next: '' });
  }
  if (url.pathname === '/v2/posts') {
    const ids = (url.searchParams.get('ids') ?? '').split(',');
    return json(res, 200, { results: GIFS.filter((g) => ids.includes(g.id)).map((g) => tenorGif(origin, g)) });
  }
  json(res, 404, { error: { code: 404, message: 'Not found' } });
}
