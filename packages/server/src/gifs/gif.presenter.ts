import type { Gif, LibraryGif } from '@parley/protocol';
import { fileUrl, variantsOf } from '../files/file.presenter.js';
import { iso } from '../lib/time.js';
import type { LibraryGifRow } from './gifs.repository.js';
import type { ProviderGif, ProviderName } from './provider.js';

/** Where this server serves a provider's GIF from: readers fetch it here, never at the provider. */
export const gifMediaUrl = (id: string, variant: 'animated' | 'still') => `/api/v1/gifs/${id}/media${variant === 'still' ? '?variant=still' : ''}`;

export const providerGifId = (provider: ProviderName, id: string) => `${provider}-${id}`;

export function presentProviderGif(provider: ProviderName, gif: ProviderGif): Gif {
  const id = providerGifId(provider, gif.id);
  return {
    id,
    source: provider,
    title: gif.title,
    width: gif.animated.width,
    height: gif.animated.height,
    previewUrl: gifMediaUrl(id, 'still'),
    url: gifMediaUrl(id, 'animated'),
  };
}

/** A library GIF is a file of this server, readable by any logged-in user; its still is the file's thumbnail. */
export function presentLibraryGif(row: LibraryGifRow): LibraryGif {
  return {
    id: row.id,
    source: 'library',
    title: row.title,
    width: row.width ?? 1,
    height: row.height ?? 1,
    previewUrl: variantsOf(row).thumb ? `${fileUrl(row.file_id)}/thumbnail` : fileUrl(row.file_id),
    url: fileUrl(row.file_id),
    tags: JSON.parse(row.tags) as string[],
    size: row.size,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

/** For search results: the same shape as a provider's GIF. */
export function presentLibraryGifBrief(row: LibraryGifRow): Gif {
  const { id, source, title, width, height, previewUrl, url } = presentLibraryGif(row);
  return { id, source, title, width, height, previewUrl, url };
}
