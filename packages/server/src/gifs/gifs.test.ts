import { ParleyClient, type Gif, type GifSearchResult, type LibraryGif, type Upload } from '@parley/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { failure, record, seen } from '../testing/clients.js';
import { describeEachDialect, useTestServer, type SuiteServer } from '../testing/harness.js';
import { animatedGif, png } from '../testing/media.js';
import { api, expectError } from '../testing/raw.js';
import { startFakeGifProvider, type FakeGifProvider } from './fake-providers.js';
import type { ProviderName } from './provider.js';

/** Starts the fake first, then a server configured to use it (hooks run in the order registered). */
function withFakeProvider(provider: ProviderName, dialect: Parameters<typeof useTestServer>[0]): { fake: () => FakeGifProvider; suite: SuiteServer } {
  const env: Record<string, string> = {};
  let fake: FakeGifProvider | undefined;
  beforeAll(async () => {
    fake = await startFakeGifProvider(provider);
    Object.assign(env, {
      [provider === 'giphy' ? 'PARLEY_GIPHY_API_KEY' : 'PARLEY_TENOR_API_KEY']: fake.apiKey,
      PARLEY_GIF_PROVIDER_URL: fake.origin,
      // The fake is on loopback, which the guarded fetcher refuses unless allowed.
      PARLEY_FETCH_ALLOW: `127.0.0.1:${fake.port}`,
      PARLEY_FETCH_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => fake?.close());
  return { fake: () => fake!, suite: useTestServer(dialect, env) };
}

for (const provider of ['giphy', 'tenor'] as const) {
  describeEachDialect(`GIF search on ${provider}`, (dialect) => {
    const { fake, suite } = withFakeProvider(provider, dialect);
    let alice: ParleyClient;
    let bob: ParleyClient;
    let eve: ParleyClient;
    let dm: string;

    beforeAll(async () => {
      [alice, bob, eve] = await suite.users(['alice', 'bob', 'eve']);
      dm = (await alice.createDm(bob.user!.id)).conversation.id;
    });

    const keyParam = provider === 'giphy' ? 'api_key' : 'key';
    const searchPath = provider === 'giphy' ? '/v1/gifs/search' : '/v2/search';

    it('asks the provider with the key and the query, and answers in its own shape with no provider URL', async () => {
      const result = await alice.gifs.search('party', { limit: 5 });
      expect(result.source).toBe(provider);
      expect(result.gifs.map((g) => g.title)).toEqual(provider === 'giphy' ? ['Party Parrot GIF', 'Party Cat GIF'] : ['Party Parrot', 'Party Cat']);
      const parrot = result.gifs[0]!;
      expect(parrot).toEqual({
        id: `${provider}-PartyParrot1`,
        source: provider,
        title: expect.any(String),
        width: 100,
        height: 75,
        previewUrl: `/api/v1/gifs/${provider}-PartyParrot1/media?variant=still`,
        url: `/api/v1/gifs/${provider}-PartyParrot1/media`,
      });

      const request = fake().apiRequests().find((u) => u.pathname === searchPath)!;
      expect(request.searchParams.get(keyParam)).toBe(fake().apiKey);
      expect(request.searchParams.get('q')).toBe('party');
      expect(request.searchParams.get('limit')).toBe('5');
      if (provider === 'giphy') expect(request.searchParams.get('rating')).toBe('g');
      else expect([request.searchParams.get('client_key'), request.searchParams.get('contentfilter')]).toEqual(['parley', 'high']);

      const raw = await api(suite.t, 'GET', '/gifs/search', { token: alice.token, query: { q: 'party' } });
      expect(raw.status).toBe(200);
      for (const leak of [fake().origin, '127.0.0.1', fake().apiKey, 'giphy.com', 'tenor.com']) expect(raw.text).not.toContain(leak);
    });

    it('serves the animated GIF and its still from this server; the provider never sees the reader', async () => {
      const [gif] = (await bob.gifs.search('parrot')).gifs as [Gif];
      const before = fake().mediaRequests().length;
      const animated = await bob.downloadFile(gif.url);
      expect(animated.contentType).toBe('image/gif');
      expect(Buffer.from(animated.bytes).equals(fake().media.animated)).toBe(true);
      const still = await bob.downloadFile(gif.previewUrl);
      expect(still.contentType).toBe('image/png');
      expect(Buffer.from(still.bytes).equals(fake().media.still)).toBe(true);

      const fetched = fake().mediaRequests().slice(before);
      expect(fetched).toHaveLength(2);
      for (const { headers } of fetched) {
        expect(headers.authorization).toBeUndefined();
        expect(headers.cookie).toBeUndefined();
        expect(headers['x-forwarded-for']).toBeUndefined();
        expect(headers['user-agent']).toMatch(/^ParleyBot/);
      }
      // Once fetched, the same GIF is served from the cache.
      await alice.downloadFile(gif.url);
      expect(fake().mediaRequests().length - before).toBe(2);

      const res = await fetch(suite.t.url + gif.url, { headers: { authorization: `Bearer ${bob.token}` } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(res.headers.get('content-disposition')).toMatch(/^inline/);
    });

    it('looks up by id a GIF it did not see in a search (another node searched); unknown ids are 404', async () => {
      const looked = fake().apiRequests().length;
      const sleepy = await alice.downloadFile(`/api/v1/gifs/${provider}-SleepyDog3/media`);
      expect(Buffer.from(sleepy.bytes).equals(fake().media.animated)).toBe(true);
      const lookup = fake().apiRequests().slice(looked);
      expect(lookup).toHaveLength(1);
      expect(lookup[0]!.searchParams.get(keyParam)).toBe(fake().apiKey);
      expect((await failure(alice.downloadFile(`/api/v1/gifs/${provider}-NoSuchGif/media`))).code).toBe('not_found');
      const other = provider === 'giphy' ? 'tenor' : 'giphy';
      expect((await failure(alice.downloadFile(`/api/v1/gifs/${other}-PartyParrot1/media`))).code).toBe('not_found');
      expect((await failure(alice.gifs.attach(`${provider}-NoSuchGif`))).code).toBe('not_found');
    });

    it('attaching stores the GIF as my upload of kind gif; sent, it plays for members and is 404 for others', async () => {
      const [gif] = (await alice.gifs.search('parrot')).gifs as [Gif];
      const upload = await alice.gifs.attach(gif.id);
      expect(upload).toMatchObject({ kind: 'gif', contentType: 'image/gif', width: 160, height: 120, attached: false });
      expect(upload.thumbnailUrl).not.toBeNull();
      expect(upload.name).toMatch(/\.gif$/);

      const received = record(bob, 'message.created');
      const sent = await alice.sendMessage(dm, '', { attachments: [upload.id] });
      expect(sent.attachments[0]).toMatchObject({ id: upload.id, kind: 'gif', width: 160, height: 120 });
      const live = await seen(received, (e) => e.message.id === sent.id, 'bob receives the GIF');

      const file = await bob.downloadFile(live.message.attachments[0]!.url);
      expect(file.contentType).toBe('image/gif');
      expect(file.contentDisposition).toMatch(/^inline/);
      expect(Buffer.from(file.bytes).equals(fake().media.full)).toBe(true);
      expect((await sharp(Buffer.from(file.bytes)).metadata()).pages).toBe(2);
      const still = await sharp(Buffer.from((await bob.downloadFile(live.message.attachments[0]!.thumbnailUrl!)).bytes)).metadata();
      expect(still.format).toBe('webp');

      for (const url of [live.message.attachments[0]!.url, live.message.attachments[0]!.thumbnailUrl!]) {
        expect((await failure(eve.downloadFile(url))).code).toBe('not_found');
      }
    });

    it('a provider that sends something else than a GIF to attach is a 502, and nothing is stored', async () => {
      const before = await alice.storageUsage();
      const err = await failure(alice.gifs.attach(`${provider}-NotAGif4`));
      expect([err.status, err.code]).toEqual([502, 'upstream_failed']);
      expect((await alice.storageUsage()).usedBytes).toBe(before.usedBytes);
    });

    it('provider failures, bad keys and timeouts are a clear 502 that never shows the key', async () => {
      try {
        for (const [mode, message] of [
          ['error', /could not be reached/],
          ['bad_key', /refused this server's API key/],
          ['garbage', /does not understand/],
          ['silent', /did not answer in time/],
        ] as const) {
          fake().mode = mode;
          const res = await api(suite.t, 'GET', '/gifs/search', { token: alice.token, query: { q: `fail ${mode}` } });
          const error = expectError(res, 502, 'upstream_failed');
          expect(error.message, mode).toMatch(message);
          expect(res.text).not.toContain(fake().apiKey);
          expect(res.text).not.toContain(fake().origin);
        }
      } finally {
        fake().mode = 'ok';
      }
    });

    it('validates q and limit at the edge', async () => {
      for (const query of [{}, { q: '' }, { q: '   ' }, { q: 'x'.repeat(101) }, { q: 'ok', limit: '0' }, { q: 'ok', limit: '51' }, { q: 'ok', limit: 'lots' }] as Record<string, string>[]) {
        expectError(await api(suite.t, 'GET', '/gifs/search', { token: alice.token, query }), 400, 'validation_failed');
      }
      expectError(await api(suite.t, 'GET', '/gifs/not%20an%20id/media', { token: alice.token }), 400, 'validation_failed');
    });
  });
}

describeEachDialect('the GIF library (no provider)', (dialect) => {
  const suite = useTestServer(dialect, { PARLEY_RATE_GIF_SEARCH_PER_MINUTE: '30' });
  let admin: ParleyClient;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let eve: ParleyClient;
  let group: string;

  beforeAll(async () => {
    // The first account of an installation is its admin.
    [admin, alice, bob, eve] = await suite.users(['admin', 'alice', 'bob', 'eve']);
    group = (await alice.createGroup('GIF fans', [bob.user!.id])).conversation.id;
  });

  it('admins add GIFs with a title and tags; search matches word prefixes of both, in any case', async () => {
    const parrot = await admin.gifs.addToLibrary(await animatedGif(120, 90), { title: 'Party Parrot', tags: ['Celebrate', 'bird'] });
    expect(parrot).toMatchObject({ source: 'library', title: 'Party Parrot', tags: ['celebrate', 'bird'], width: 120, height: 90, createdBy: admin.user!.id });
    await admin.gifs.addToLibrary(await animatedGif(60, 40), { title: 'Sleepy cat', tags: ['nap'] });

    const titles = async (q: string) => (await alice.gifs.search(q)).gifs.map((g) => g.title);
    expect((await alice.gifs.search('parrot')).source).toBe('library');
    expect(await titles('PARROT')).toEqual(['Party Parrot']);
    expect(await titles('celeb')).toEqual(['Party Parrot']);
    expect(await titles('bird party')).toEqual(['Party Parrot']);
    expect(await titles('nap')).toEqual(['Sleepy cat']);
    expect(await titles('dog')).toEqual([]);
    expect(await titles('arrot')).toEqual([]);
    expect(await titles('100%')).toEqual([]);

    const [found] = (await alice.gifs.search('parrot')).gifs as [Gif];
    expect(found.id).toBe(parrot.id);
    const animated = await alice.downloadFile(found.url);
    expect(animated.contentType).toBe('image/gif');
    expect((await sharp(Buffer.from(animated.bytes)).metadata()).pages).toBe(2);
    expect((await sharp(Buffer.from((await alice.downloadFile(found.previewUrl)).bytes)).metadata()).format).toBe('webp');
    // The media route answers for library GIFs too.
    expect(Buffer.from((await alice.downloadFile(`/api/v1/gifs/${found.id}/media`)).bytes).equals(Buffer.from(animated.bytes))).toBe(true);

    const { gifs, hasMore } = await bob.gifs.library({ limit: 1 });
    expect([gifs.map((g) => g.title), hasMore]).toEqual([['Sleepy cat'], true]);
    expect((await bob.gifs.library({ before: gifs[0]!.id })).gifs.map((g) => g.title)).toEqual(['Party Parrot']);
  });

  it('only admins add or remove, only GIFs are taken, and a refusal stores nothing', async () => {
    const library = async () => (await admin.gifs.library()).gifs.map((g) => g.id);
    const before = await library();
    const used = (await admin.storageUsage()).usedBytes;
    expect((await failure(alice.gifs.addToLibrary(await animatedGif(), { title: 'Mine' }))).status).toBe(403);
    expect((await failure(alice.gifs.removeFromLibrary(before[0]!))).status).toBe(403);
    const notGif = await failure(admin.gifs.addToLibrary(await png(), { title: 'Still' }));
    expect([notGif.status, notGif.code]).toEqual([415, 'unsupported_media_type']);
    expect((await failure(admin.gifs.addToLibrary(await animatedGif(), { title: '' }))).code).toBe('validation_failed');
    expect((await failure(admin.gifs.addToLibrary(await animatedGif(), { title: 'Tags', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }))).code).toBe('validation_failed');
    expect(await library()).toEqual(before);
    expect((await admin.storageUsage()).usedBytes).toBe(used);
    expect((await failure(admin.gifs.removeFromLibrary('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).code).toBe('not_found');
  });

  it('a library GIF is sent as a copy of kind gif, which outlives its removal from the library', async () => {
    const [gif] = (await alice.gifs.search('sleepy')).gifs as [Gif];
    const upload = await alice.gifs.attach(gif.id);
    expect(upload).toMatchObject({ kind: 'gif', width: 60, height: 40, attached: false });
    const sent = await alice.sendMessage(group, 'nap time', { attachments: [upload.id] });
    const url = sent.attachments[0]!.url;
    expect((await bob.downloadFile(url)).contentType).toBe('image/gif');
    expect((await failure(eve.downloadFile(url))).code).toBe('not_found');

    await admin.gifs.removeFromLibrary(gif.id);
    expect((await alice.gifs.search('sleepy')).gifs).toEqual([]);
    expect((await failure(alice.downloadFile(gif.url))).code).toBe('not_found');
    expect((await failure(alice.gifs.attach(gif.id))).code).toBe('not_found');
    expect((await bob.downloadFile(url)).contentType).toBe('image/gif');
  });

  it('answers 401 to anonymous requests on every GIF route', async () => {
    const id = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const [method, path, query] of [
      ['GET', '/gifs/search', { q: 'cat' }],
      ['GET', `/gifs/${id}/media`, {}],
      ['POST', `/gifs/${id}/attach`, {}],
      ['GET', '/gifs/library', {}],
      ['POST', '/gifs/library', { title: 'Cat' }],
      ['DELETE', `/gifs/library/${id}`, {}],
    ] as const) {
      expectError(await api(suite.t, method, path, { query }), 401, 'unauthorized');
    }
  });

  it('search is rate-limited per user', async () => {
    const [carol] = await suite.users(['carol'], false);
    const results = [];
    for (let i = 0; i < 31; i++) results.push(await api(suite.t, 'GET', '/gifs/search', { token: carol!.token, query: { q: `cat ${i}` } }));
    expect(results.slice(0, 30).every((r) => r.status === 200)).toBe(true);
    expectError(results[30]!, 429, 'rate_limited');
    expect(results[30]!.headers.get('retry-after')).not.toBeNull();
    // Others are not affected.
    expect((await bob.gifs.search('cat')).source).toBe('library');
  });
});

describe('SDK typing', () => {
  it('types the GIF methods from the protocol', () => {
    const client = new ParleyClient({ baseUrl: 'http://127.0.0.1:9' });
    expectTypeOf(client.gifs.search).returns.resolves.toEqualTypeOf<GifSearchResult>();
    expectTypeOf(client.gifs.attach).returns.resolves.toEqualTypeOf<Upload>();
    expectTypeOf(client.gifs.addToLibrary).returns.resolves.toEqualTypeOf<LibraryGif>();
    expectTypeOf<GifSearchResult['gifs'][number]>().toEqualTypeOf<Gif>();
  });
});
