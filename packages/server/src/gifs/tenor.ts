import { z } from 'zod';
import { PROVIDER_ID, apiUrl, getJson, parseEach, type GifProvider, type ProviderContext, type ProviderGif, type Rendition } from './provider.js';

export const TENOR_API = 'https://tenor.googleapis.com';

/** The sizes asked for (Tenor sends only these). */
const MEDIA_FILTER = 'tinygif,tinygifpreview,mediumgif,gif,gifpreview';

const Media = z.object({
  url: z.url({ protocol: /^https?$/ }),
  dims: z.tuple([z.number().int().positive(), z.number().int().positive()]),
});

const TenorGif = z.object({
  id: z.string().regex(PROVIDER_ID),
  title: z.string().nullish(),
  content_description: z.string().nullish(),
  media_formats: z.record(z.string(), z.unknown()),
});

const Results = z.object({ results: z.array(z.unknown()) });

function pick(formats: Record<string, unknown>, names: readonly string[]): Rendition | null {
  for (const name of names) {
    const media = Media.safeParse(formats[name]);
    if (media.success) return { url: media.data.url, width: media.data.dims[0], height: media.data.dims[1] };
  }
  return null;
}

function toGif(gif: z.output<typeof TenorGif>): ProviderGif | null {
  const animated = pick(gif.media_formats, ['tinygif', 'mediumgif', 'gif']);
  const still = pick(gif.media_formats, ['tinygifpreview', 'gifpreview']);
  const full = pick(gif.media_formats, ['mediumgif', 'gif', 'tinygif']);
  if (!animated || !still || !full) return null;
  return { id: gif.id, title: gif.title?.trim() || gif.content_description?.trim() || 'GIF', animated, still, full };
}

/**
 * Tenor's API v2 (developers.google.com/tenor/guides/endpoints): `GET /v2/search` and
 * `GET /v2/posts`, with `key` and `client_key`. Results are filtered to G (`contentfilter=high`).
 */
export function tenor(ctx: ProviderContext): GifProvider {
  const common = { key: ctx.apiKey, client_key: 'parley', media_filter: MEDIA_FILTER };
  return {
    name: 'tenor',
    async search(q, limit) {
      const url = apiUrl(ctx, '/v2/search', { ...common, q, limit, contentfilter: 'high' });
      const response = await getJson('tenor', ctx, url, Results);
      return parseEach(response?.results ?? [], TenorGif, toGif);
    },
    async find(id) {
      const url = apiUrl(ctx, '/v2/posts', { ...common, ids: id });
      const response = await getJson('tenor', ctx, url, Results);
      return parseEach(response?.results ?? [], TenorGif, toGif).find((g) => g.id === id) ?? null;
    },
  };
}
