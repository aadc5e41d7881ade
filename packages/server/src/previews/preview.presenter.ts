import type { LinkPreview } from '@parley/protocol';
import type { FileRow } from '../db/schema.js';
import { fileUrl } from '../files/file.presenter.js';
import type { PagePreview } from './opengraph.js';

/** A fetched page as messages show it: its image, if any, served by this server (never the site's URL). */
export function presentPreview(page: PagePreview, image: FileRow | null): LinkPreview {
  return {
    url: page.url,
    title: page.title,
    description: page.description,
    siteName: page.siteName,
    imageUrl: image ? fileUrl(image.id) : null,
    imageWidth: image?.width ?? null,
    imageHeight: image?.height ?? null,
  };
}
