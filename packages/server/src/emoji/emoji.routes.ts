import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { EmojiService } from './emoji.service.js';

/** Whether an If-None-Match header (a list, weak or strong) names this entity tag. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

export function registerEmojiRoutes(api: Api, emoji: EmojiService, uploadLimit: RateLimiter): void {
  api.handleRaw(routes.listCustomEmoji, async (_ctx, request, reply) => {
    const list = await emoji.list();
    const etag = `"${list.version}"`;
    reply.header('etag', etag);
    // Stored by the browser, and revalidated every time: a new emoji shows at the next fetch.
    reply.header('cache-control', 'private, no-cache');
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return list;
  });
  api.handleRaw(routes.addCustomEmoji, async ({ auth, query }, request) => {
    uploadLimit.enforce(auth.userId, 'uploads');
    return emoji.add(auth.userId, query.name, request.raw);
  });
  api.handle(routes.deleteCustomEmoji, async ({ auth, params }) => {
    await emoji.remove(auth.userId, params.emojiName);
    return { ok: true as const };
  });
}
