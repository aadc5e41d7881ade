import type { IncomingMessage } from 'node:http';
import type { AddLibraryGifQuery, GifSearchResult, LibraryGif, LibraryGifList, LibraryGifQuery, Upload } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Admins } from '../accounts/admins.js';
import type { Config } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { GuardedFetcher } from '../fetch/index.js';
import { presentUpload } from '../files/file.presenter.js';
import { deleteFiles } from '../files/files.repository.js';
import type { FilesService, Servable } from '../files/files.service.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { ApiError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { searchWords } from '../lib/text-search.js';
import { presentLibraryGif, presentLibraryGifBrief, presentProviderGif } from './gif.presenter.js';
import { GIPHY_API, giphy } from './giphy.js';
import * as repo from './gifs.repository.js';
import { upstreamFailed, type GifProvider, type ProviderContext } from './provider.js';
import { ProviderGifs, type Media } from './provider-gifs.js';
import { TENOR_API, tenor } from './tenor.js';

/** The provider the configuration names (Giphy before Tenor), or null: search the library. */
export function configuredProvider(gifs: Config['gifs'], fetcher: GuardedFetcher, logger: Logger): GifProvider | null {
  const context = (apiKey: string, defaultUrl: string): ProviderContext => ({
    fetcher,
    logger,
    apiKey,
    baseUrl: (gifs.providerUrl ?? defaultUrl).replace(/\/+$/, ''),
  });
  if (gifs.giphyApiKey) return giphy(context(gifs.giphyApiKey, GIPHY_API));
  if (gifs.tenorApiKey) return tenor(context(gifs.tenorApiKey, TENOR_API));
  return null;
}

/** At most this many words of a query count in a library search. */
const QUERY_WORDS = 8;

type ParsedGifId = { source: 'library'; id: string } | { source: 'provider'; id: string; provider: ProviderGifs };

/**
 * GIFs to send: searched on the configured provider (Giphy or Tenor) or else in the installation's
 * own library, which admins fill. Whatever the source, readers fetch from this server only, and a
 * GIF is sent as an attachment of kind `gif` that the sender's device uploads nothing for.
 */
export class GifsService {
  private readonly provider: ProviderGifs | null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly files: FilesService,
    private readonly admins: Admins,
    provider: GifProvider | null,
    fetcher: GuardedFetcher,
    logger: Logger,
    /** Per user: provider look-ups of GIFs this node does not remember from a search. */
    private readonly lookups: RateLimiter,
  ) {
    this.provider = provider ? new ProviderGifs(provider, fetcher, logger) : null;
  }

  async search(q: string, limit: number): Promise<GifSearchResult> {
    if (this.provider) {
      const name = this.provider.provider.name;
      return { source: name, gifs: (await this.provider.search(q, limit)).map((g) => presentProviderGif(name, g)) };
    }
    const words = searchWords(q).slice(0, QUERY_WORDS);
    const rows = words.length ? await repo.searchGifs(this.reader, words, limit) : [];
    return { source: 'library', gifs: rows.map(presentLibraryGifBrief) };
  }

  /** A GIF's animated or still form, as a stored file (library) or bytes fetched from the provider. */
  async media(gifId: string, variant: 'animated' | 'still', userId: string): Promise<{ file: Servable } | { bytes: Media; name: string; etag: string }> {
    const parsed = this.parse(gifId);
    if (parsed.source === 'library') {
      const gif = await this.libraryGif(parsed.id);
      return { file: await (variant === 'still' ? this.files.thumbnail(gif.file_id, userId) : this.files.original(gif.file_id, userId)) };
    }
    const gif = await parsed.provider.find(parsed.id, this.lookupBy(userId));
    const bytes = await parsed.provider.media(gif, variant);
    return { bytes, name: `${gif.title}.${bytes.contentType.split('/')[1]}`, etag: `${gifId}-${variant}` };
  }

  /** Stores the GIF as the caller's upload (kind gif, with its size and a still), to attach to a message. */
  async attach(gifId: string, userId: string): Promise<Upload> {
    const parsed = this.parse(gifId);
    if (parsed.source === 'library') {
      const gif = await this.libraryGif(parsed.id);
      return this.files.copyAsUpload(await this.files.readable(gif.file_id, userId), userId, `${gif.title}.gif`);
    }
    const gif = await parsed.provider.find(parsed.id, this.lookupBy(userId));
    const { bytes } = await parsed.provider.full(gif, this.files.limits.maxFileBytes);
    try {
      return presentUpload(await this.files.receiveBytes(userId, bytes, { name: `${gif.title}.gif`, only: 'gif' }, 'attachment'));
    } catch (err) {
      // The provider's fault, not the sender's: it said GIF and sent something else.
      if (err instanceof ApiError && (err.code === 'unsupported_media_type' || err.code === 'unprocessable_media')) throw upstreamFailed('The GIF provider sent a file that is not a GIF');
      throw err;
    }
  }

  async library(query: z.output<typeof LibraryGifQuery>): Promise<LibraryGifList> {
    const rows = await repo.listGifs(this.reader, query.before, query.limit + 1);
    return { gifs: rows.slice(0, query.limit).map(presentLibraryGif), hasMore: rows.length > query.limit };
  }

  async addToLibrary(userId: string, image: IncomingMessage, query: z.output<typeof AddLibraryGifQuery>): Promise<LibraryGif> {
    await this.admins.require(userId, 'add GIFs to the library');
    const tags = query.tags ?? [];
    const file = await this.files.receive(userId, image, { name: query.name ?? `${query.title}.gif`, only: 'gif' }, 'gif');
    const row = {
      id: newId(file.created_at),
      file_id: file.id,
      title: query.title,
      search_text: searchWords([query.title, ...tags].join(' ')).join(' '),
      tags: JSON.stringify(tags),
      created_by: userId,
      created_at: file.created_at,
    };
    try {
      await repo.insertGif(this.db, row);
    } catch (err) {
      await this.files.removeRows({ ids: [file.id] });
      throw err;
    }
    return presentLibraryGif({ ...row, width: file.width, height: file.height, size: file.size, variants: file.variants });
  }

  /** The library's file goes; a message that carries the GIF has its own copy and keeps it. */
  async removeFromLibrary(userId: string, gifId: string): Promise<void> {
    await this.admins.require(userId, 'remove GIFs from the library');
    const released = await this.db.transaction().execute(async (tx) => {
      const fileId = await repo.deleteGif(tx, gifId);
      if (!fileId) throw notFound('GIF');
      return deleteFiles(tx, { ids: [fileId] });
    });
    await this.files.removeBlobs(released);
  }

  private lookupBy(userId: string): () => void {
    return () => this.lookups.enforce(userId, 'GIF look-ups');
  }

  private async libraryGif(id: string): Promise<repo.LibraryGifRow> {
    const gif = await repo.findGif(this.reader, id);
    if (!gif) throw notFound('GIF');
    return gif;
  }

  /** Provider ids are `<provider>-<id>`: one of another provider than the configured one is not found. */
  private parse(gifId: string): ParsedGifId {
    const dash = gifId.indexOf('-');
    if (dash === -1) return { source: 'library', id: gifId };
    if (!this.provider || gifId.slice(0, dash) !== this.provider.provider.name) throw notFound('GIF');
    return { source: 'provider', id: gifId.slice(dash + 1), provider: this.provider };
  }
}
