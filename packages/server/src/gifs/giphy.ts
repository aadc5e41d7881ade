import { z } from 'zod';
import { PROVIDER_ID, apiUrl, getJson, parseEach, type GifProvider, type ProviderContext, type ProviderGif, type Rendition } from './provider.js';

export const GIPHY_API = 'https://api.giphy.com';

/** One size in `images`: Giphy writes numbers as strings ("200"). */
const Image = z.object({
  url: z.url({ protocol: /^https?$/ }).optional(),
  width: z.coerce.number().int().positive().optional(),
  height: z.coerce.number().int().positive().optional(),
});

const GiphyGif = z.object({
  id: z.string().regex(PROVIDER_ID),
  title: z.string().nullish(),
  images: z.record(z.string(), z.unknown()),
});

const SearchResponse = z.object({ data: z.array(z.unknown()) });
const GetResponse = z.object({ data: z.unknown() });

/** The first of these sizes that has a URL and dimensions. */
function pick(images: Record<string, unknown>, names: readonly string[]): Rendition | null {
  for (const name of names) {
    const image = Image.safeParse(images[name]);
    if (image.success && image.data.url && image.data.width && image.data.height) {
      return { url: image.data.url, width: image.data.width, height: image.data.height };
    }
  }
  return null;
}

function toGif(gif: z.output<typeof GiphyGif>): ProviderGif | null {
  // fixed_height is what Giphy's own pickers show (200 px high); downsized stays under 2 MB.
  const animated = pick(gif.images, ['fixed_height', 'fixed_width', 'downsized', 'original']);
  const still = pick(gif.images, ['fixed_height_still', 'fixed_width_still', 'downsized_still', 'original_still']);
  const full = pick(gif.images, ['downsized', 'downsized_medium', 'fixed_height', 'original']);
  if (!animated || !still || !full) return null;
  return { id: gif.id, title: gif.title?.trim() || 'GIF', animated, still, full };
}

/**
 * Giphy's API (developers.giphy.com/docs/api/endpoint): `GET /v1/gifs/search` and
 * `GET /v1/gifs/{gif_id}`, with `api_key`. Results are rated G.
 */
export function giphy(ctx: ProviderContext): GifProvider {
  return {
    name: 'giphy',
    async search(q, limit) {
      const url = apiUrl(ctx, '/v1/gifs/search', { api_key: ctx.apiKey, q, limit, rating: 'g', lang: 'en' });
      const response = await getJson('giphy', ctx, url, SearchResponse);
      return parseEach(response?.data ?? [], GiphyGif, toGif);
    },
    async find(id) {
      const url = apiUrl(ctx, `/v1/gifs/${encodeURIComponent(id)}`, { api_key: ctx.apiKey });
      const response = await getJson('giphy', ctx, url, GetResponse);
      return response ? (parseEach([response.data], GiphyGif, toGif)[0] ?? null) : null;
    },
  };
}
