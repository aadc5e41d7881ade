import { z } from 'zod';
import { Id, PageLimit, Timestamp, displayText } from './common.js';
import { FileName } from './files.js';
import { limits } from './limits.js';

/** Where a GIF comes from: a provider the installation is configured with, or its own library. */
export const GifSource = z.enum(['giphy', 'tenor', 'library']);
export type GifSource = z.infer<typeof GifSource>;

/** `giphy-<id>` or `tenor-<id>` for a provider's GIF; a library GIF's own id. Opaque to clients. */
export const GifId = z.string().regex(/^(?:(?:giphy|tenor)-[A-Za-z0-9_]{1,64}|[0-9A-HJKMNP-TV-Z]{26})$/, 'must be the id of a GIF from a search');

/**
 * A GIF to show in a picker, whatever its source. Both URLs are on this server: it fetches from the
 * provider itself, so the provider never learns who looks.
 */
export const Gif = z.object({
  id: GifId,
  source: GifSource,
  title: z.string(),
  /** Size of the animated rendition at `url`. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** A still of it, to show while `url` loads (or for users who prefer reduced motion). */
  previewUrl: z.string(),
  /** The animated GIF, sized for a picker. */
  url: z.string(),
});
export type Gif = z.infer<typeof Gif>;

export const GifSearchQuery = z.object({
  q: displayText(limits.gifSearchQueryMaxLength),
  limit: z.coerce.number().int().min(1).max(limits.gifSearchLimitMax).default(limits.gifSearchLimitDefault),
});
export type GifSearchQuery = z.input<typeof GifSearchQuery>;

export const GifSearchResult = z.object({ source: GifSource, gifs: z.array(Gif) });
export type GifSearchResult = z.infer<typeof GifSearchResult>;

export const GifParams = z.object({ gifId: GifId });

export const GifMediaQuery = z.object({ variant: z.enum(['animated', 'still']).default('animated') });

/** Lower-cased; searched by word prefix together with the title. */
export const GifTag = displayText(limits.gifTagMaxLength).transform((t) => t.toLowerCase());

export const AddLibraryGifQuery = z.object({
  title: displayText(limits.gifTitleMaxLength),
  /** Comma-separated, e.g. `party,parrot`. */
  tags: z
    .string()
    .max(limits.gifTagsMax * (limits.gifTagMaxLength + 1))
    .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(GifTag).max(limits.gifTagsMax))
    .transform((tags) => [...new Set(tags)])
    .optional(),
  /** The file name to keep (the title is used otherwise). */
  name: FileName.optional(),
});
export type AddLibraryGifQuery = z.input<typeof AddLibraryGifQuery>;

export const LibraryGif = Gif.extend({
  tags: z.array(z.string()),
  size: z.number().int().nonnegative(),
  createdBy: Id,
  createdAt: Timestamp,
});
export type LibraryGif = z.infer<typeof LibraryGif>;

export const LibraryGifQuery = z.object({
  /** GIFs added before this one (the next page). */
  before: Id.optional(),
  limit: PageLimit.default(limits.pageSizeDefault),
});
export type LibraryGifQuery = z.input<typeof LibraryGifQuery>;

export const LibraryGifList = z.object({
  /** Newest first. */
  gifs: z.array(LibraryGif),
  hasMore: z.boolean(),
});
export type LibraryGifList = z.infer<typeof LibraryGifList>;

export const LibraryGifParams = z.object({ gifId: Id });
