import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedFetcher, parseFetchAllow } from '../fetch/index.js';
import { startLocalServer, type LocalServer } from '../fetch/testing.js';
import { ApiError } from '../lib/errors.js';
import { startFakeGifProvider, type FakeGifProvider } from './fake-providers.js';
import { configuredProvider } from './gifs.service.js';

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const fetcherFor = (server: LocalServer) => new GuardedFetcher({ allow: parseFetchAllow(`127.0.0.1:${server.port}`), timeoutMs: 500 });

describe.each(['giphy', 'tenor'] as const)('the %s client', (name) => {
  let fake: FakeGifProvider;
  beforeAll(async () => {
    fake = await startFakeGifProvider(name);
  });
  afterAll(() => fake.close());

  const provider = (logger = capturingLogger().logger, apiKey = fake.apiKey) =>
    configuredProvider({ giphyApiKey: name === 'giphy' ? apiKey : null, tenorApiKey: name === 'tenor' ? apiKey : null, providerUrl: fake.origin, searchesPerMinute: 60 }, fetcherFor(fake), logger)!;

  it('is the one the configuration names (Giphy first), or none', () => {
    const fetcher = fetcherFor(fake);
    const { logger } = capturingLogger();
    expect(configuredProvider({ giphyApiKey: 'g', tenorApiKey: 't', providerUrl: null, searchesPerMinute: 1 }, fetcher, logger)?.name).toBe('giphy');
    expect(configuredProvider({ giphyApiKey: null, tenorApiKey: 't', providerUrl: null, searchesPerMinute: 1 }, fetcher, logger)?.name).toBe('tenor');
    expect(configuredProvider({ giphyApiKey: null, tenorApiKey: null, providerUrl: null, searchesPerMinute: 1 }, fetcher, logger)).toBeNull();
  });

  it('maps results to the sizes a picker and a message need', async () => {
    const [parrot] = await provider().search('parrot', 10);
    expect(parrot).toMatchObject({ id: 'PartyParrot1', animated: { width: 100, height: 75 }, still: { width: 100, height: 75 }, full: { width: 160, height: 120 } });
    expect(await provider().find('SleepyDog3')).toMatchObject({ id: 'SleepyDog3' });
    expect(await provider().find('Nothing')).toBeNull();
  });

  it('never puts the API key in an error or a log line, whatever fails', async () => {
    const { logger, lines } = capturingLogger();
    const client = provider(logger);
    try {
      for (const mode of ['error', 'bad_key', 'garbage', 'silent'] as const) {
        fake.mode = mode;
        const err = await client.search('party', 5).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, mode).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe('upstream_failed');
        expect(JSON.stringify((err as ApiError).toPayload())).not.toContain(fake.apiKey);
      }
    } finally {
      fake.mode = 'ok';
    }
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      expect(line).not.toContain(fake.apiKey);
      expect(line).not.toContain(fake.origin);
    }
  });
});

describe('malformed provider answers', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res) => {
      const images = (url: string) => ({ fixed_height: { url, width: '10', height: '10' }, fixed_height_still: { url, width: '10', height: '10' }, downsized: { url, width: '10', height: '10' } });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: [
            { id: 'Good1', title: 'Good', images: images('https://media.example/good.gif') },
            { id: '../../etc', title: 'Bad id', images: images('https://media.example/bad.gif') },
            { id: 'NoImages2', title: 'No images', images: {} },
            { id: 'NotHttp3', title: 'Bad URL', images: images('javascript:alert(1)') },
            'not even an object',
          ],
        }),
      );
    });
  });
  afterAll(() => server.close());

  it('leaves out the items it cannot use instead of failing the search', async () => {
    const giphy = configuredProvider({ giphyApiKey: 'k', tenorApiKey: null, providerUrl: server.origin, searchesPerMinute: 1 }, fetcherFor(server), capturingLogger().logger)!;
    expect((await giphy.search('x', 10)).map((g) => g.id)).toEqual(['Good1']);
  });
});
