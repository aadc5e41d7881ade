import { fileTypeFromBuffer } from 'file-type';
import type { Logger } from 'pino';
import { isFetchRefused, type GuardedFetcher } from '../fetch/index.js';
import { notFound } from '../lib/errors.js';
import { ResultCache } from '../lib/result-cache.js';
import { upstreamFailed, type GifProvider, type ProviderGif, type Rendition } from './provider.js';

/** What a picker shows is at most this large; a GIF sent in a message at most `FULL_BYTES`. */
const MEDIA_BYTES = 8 * 1024 * 1024;
export const FULL_BYTES = 20 * 1024 * 1024;

const MEDIA_TYPES = new Set(['image/gif', 'image/webp', 'image/png', 'image/jpeg']);

const HOUR = 3_600_000;

export interface Media {
  bytes: Buffer;
  contentType: string;
}

/**
 * A provider's GIFs as this server relays them. Search results are remembered for an hour, so the
 * picker's media requests that follow a search cost no API call; a GIF not remembered (evicted, or
 * searched on another node) is looked up by id. Media bytes are cached too (bounded by size), so
 * a GIF many people look at is fetched once.
 */
export class ProviderGifs {
  readonly #gifs = new ResultCache<ProviderGif | null>({ ttlMs: (g) => (g ? HOUR : 60_000), maxEntries: 10_000, maxBytes: Infinity, sizeOf: () => 0 });
  readonly #media = new ResultCache<Media>({ ttlMs: () => HOUR, maxEntries: 2_000, maxBytes: 64 * 1024 * 1024, sizeOf: (m) => m.bytes.length });

  constructor(
    readonly provider: GifProvider,
    private readonly fetcher: GuardedFetcher,
    private readonly logger: Logger,
  ) {}

  async search(q: string, limit: number): Promise<ProviderGif[]> {
    const gifs = await this.provider.search(q, limit);
    for (const gif of gifs) void this.#gifs.get(gif.id, async () => gif);
    return gifs;
  }

  /** The GIF, remembered or looked up (after `beforeLookup`, which may refuse); 404 when the provider has no such GIF. */
  async find(id: string, beforeLookup: () => void): Promise<ProviderGif> {
    const gif = await this.#gifs.get(id, async () => {
      beforeLookup();
      return this.provider.find(id);
    });
    if (!gif) throw notFound('GIF');
    return gif;
  }

  /** The bytes of one of the GIF's sizes, checked to be an image (whatever the provider says). */
  media(gif: ProviderGif, variant: 'animated' | 'still'): Promise<Media> {
    const rendition = variant === 'still' ? gif.still : gif.animated;
    return this.#media.get(rendition.url, () => this.fetch(rendition, MEDIA_BYTES));
  }

  /** The size stored when the GIF is sent in a message (not cached: it is stored right away). */
  full(gif: ProviderGif, maxBytes: number): Promise<Media> {
    return this.fetch(gif.full, Math.min(maxBytes, FULL_BYTES));
  }

  private async fetch(rendition: Rendition, maxBytes: number): Promise<Media> {
    const provider = this.provider.name;
    let body: Buffer;
    try {
      body = (await this.fetcher.get(rendition.url, { accept: 'image/gif,image/webp,image/*', maxBytes })).body;
    } catch (err) {
      const reason = isFetchRefused(err) ? err.reason : 'network';
      this.logger.warn({ provider, reason, status: isFetchRefused(err) ? err.status : undefined }, 'GIF media fetch failed');
      if (reason === 'too_large') throw upstreamFailed('This GIF is too large to send');
      if (reason === 'timeout') throw upstreamFailed('The GIF did not arrive in time; try again');
      throw upstreamFailed('The GIF could not be fetched; try again later');
    }
    const contentType = (await fileTypeFromBuffer(body))?.mime;
    if (!contentType || !MEDIA_TYPES.has(contentType)) {
      this.logger.warn({ provider, reason: 'not_an_image' }, 'GIF media fetch failed');
      throw upstreamFailed('The GIF provider sent something that is not an image');
    }
    return { bytes: body, contentType };
  }
}
