import { routes } from '@parley/protocol';
import { sendBytes, sendFile } from '../files/serve.js';
import type { BlobStore } from '../files/blob-store.js';
import type { Api } from '../http/api.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { GifsService } from './gifs.service.js';

export interface GifRateLimits {
  /** Searches per user. */
  search: RateLimiter;
  /** Uploads per user (a GIF attached is an upload). */
  uploads: RateLimiter;
}

export function registerGifRoutes(api: Api, gifs: GifsService, store: BlobStore, limits: GifRateLimits): void {
  api.handle(routes.searchGifs, async ({ auth, query }) => {
    limits.search.enforce(auth.userId, 'GIF searches');
    return gifs.search(query.q, query.limit);
  });
  api.handleRaw(routes.getGifMedia, async ({ auth, params, query }, request, reply) => {
    const media = await gifs.media(params.gifId, query.variant, auth.userId);
    if ('file' in media) return sendFile(request, reply, store, media.file);
    return sendBytes(request, reply, media.bytes.bytes, { contentType: media.bytes.contentType, name: media.name, etag: media.etag });
  });
  api.handle(routes.attachGif, async ({ auth, params }) => {
    limits.uploads.enforce(auth.userId, 'uploads');
    return gifs.attach(params.gifId, auth.userId);
  });
  api.handle(routes.listLibraryGifs, async ({ query }) => gifs.library(query));
  api.handleRaw(routes.addLibraryGif, async ({ auth, query }, request) => {
    limits.uploads.enforce(auth.userId, 'uploads');
    return gifs.addToLibrary(auth.userId, request.raw, query);
  });
  api.handle(routes.deleteLibraryGif, async ({ auth, params }) => {
    await gifs.removeFromLibrary(auth.userId, params.gifId);
    return { ok: true as const };
  });
}
