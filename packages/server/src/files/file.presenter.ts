import type { Attachment, Upload } from '@parley/protocol';
import type { FileRow } from '../db/schema.js';
import { iso } from '../lib/time.js';

const FILES = '/api/v1/files/';
export const fileUrl = (id: string) => FILES + id;
/** The id in a path made by `fileUrl` (not its thumbnail's), or null for any other URL. */
export const fileIdOf = (url: string): string | null => (url.startsWith(FILES) && !url.includes('/', FILES.length) ? url.slice(FILES.length) : null);
export const avatarUrl = (id: string) => `/api/v1/avatars/${id}`;

export function variantsOf(row: Pick<FileRow, 'variants'>): Record<string, string> {
  return row.variants === '{}' ? {} : (JSON.parse(row.variants) as Record<string, string>);
}

export function presentAttachment(row: FileRow): Attachment {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    waveform: row.waveform ? (JSON.parse(row.waveform) as number[]) : null,
    blurhash: row.blurhash,
    url: fileUrl(row.id),
    thumbnailUrl: variantsOf(row).thumb ? `${fileUrl(row.id)}/thumbnail` : null,
  };
}

export function presentUpload(row: FileRow): Upload {
  return { ...presentAttachment(row), attached: row.message_id !== null, createdAt: iso(row.created_at) };
}
