import type { Logger } from 'pino';
import type { GuardedFetcher } from '../fetch/index.js';
import { previewImage, type PreviewImage } from '../files/inspect.js';
import { ResultCache } from '../lib/result-cache.js';
import { extractPreview, type PagePreview } from './opengraph.js';

/** What a link shows: the page's metadata and, when it names one, its image made safe to serve. */
export interface FetchedPreview {
  page: PagePreview;
  image: PreviewImage | null;
}

/** The `<head>` is all that is read: longer pages are cut here rather than refused. */
const PAGE_BYTES = 1024 * 1024;
/** Images larger than this (as sent) are not fetched to the end; the preview has no image. */
const IMAGE_BYTES = 2 * 1024 * 1024;
/** Decoding is bounded whatever the installation allows for uploads: 25 MP is 100 MB of pixels. */
const IMAGE_MAX_PIXELS = 25_000_000;

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

const CACHE = {
  previewTtlMs: 10 * 60_000,
  /** A page without a preview (or one that failed) is asked again sooner. */
  missTtlMs: 60_000,
  maxEntries: 500,
  maxBytes: 32 * 1024 * 1024,
};

/**
 * Fetches the preview of a link through the guarded fetcher: the page (HTML only, at most its
 * first megabyte), its OpenGraph, Twitter or plain metadata, then its image, re-encoded. Anything
 * refused or failing gives no preview (or no image), never an error. Results are cached per URL
 * for a few minutes, so a link posted many times is fetched once.
 */
export class PreviewFetcher {
  readonly #cache = new ResultCache<FetchedPreview | null>({
    ttlMs: (result) => (result ? CACHE.previewTtlMs : CACHE.missTtlMs),
    maxEntries: CACHE.maxEntries,
    maxBytes: CACHE.maxBytes,
    sizeOf: (result) => result?.image?.bytes.length ?? 0,
  });

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly maxPixels: number,
    private readonly logger: Logger,
    /** Aborted at shutdown: fetches in flight stop. */
    private readonly signal: AbortSignal,
  ) {}

  /** The preview of this http(s) URL, or null when it has none (or could not be fetched). */
  preview(url: string): Promise<FetchedPreview | null> {
    return this.#cache.get(url, () => this.#load(url));
  }

  clear(): void {
    this.#cache.clear();
  }

  async #load(url: string): Promise<FetchedPreview | null> {
    try {
      const res = await this.fetcher.get(url, { accept: 'text/html, application/xhtml+xml', maxBytes: PAGE_BYTES, partial: true, signal: this.signal });
      if (!HTML_TYPES.has(mimeOf(res.contentType))) return null;
      // Relative image URLs resolve against the page as served, after redirects.
      const page = extractPreview(decodeHtml(res.body, res.contentType), res.url);
      if (!page) return null;
      return { page, image: page.imageUrl ? await this.#image(page.imageUrl) : null };
    } catch (err) {
      this.logger.debug({ err, url }, 'no link preview');
      return null;
    }
  }

  async #image(url: string): Promise<PreviewImage | null> {
    try {
      const res = await this.fetcher.get(url, { accept: 'image/avif, image/webp, image/png, image/jpeg, image/gif', maxBytes: IMAGE_BYTES, signal: this.signal });
      return await previewImage(res.body, Math.min(this.maxPixels, IMAGE_MAX_PIXELS));
    } catch (err) {
      this.logger.debug({ err, url }, 'no link preview image');
      return null;
    }
  }
}

const mimeOf = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * A page's text in the charset it declares (Content-Type, else a `<meta charset>` near the
 * start), UTF-8 when it declares none or one this runtime does not know.
 */
export function decodeHtml(body: Buffer, contentType: string | null): string {
  const declared = charsetIn(contentType ?? '') ?? metaCharset(body.subarray(0, 1024).toString('latin1'));
  if (declared) {
    try {
      return new TextDecoder(declared).decode(body);
    } catch {
      // An unknown label: fall through.
    }
  }
  return new TextDecoder('utf-8').decode(body);
}

const charsetIn = (contentType: string) => /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1] ?? null;

/** `<meta charset="x">` or `<meta http-equiv="Content-Type" content="text/html; charset=x">`. */
const metaCharset = (start: string) => /<meta[^>]*?charset\s*=\s*["']?([\w.:-]+)/i.exec(start)?.[1] ?? null;
