import { createHash } from 'node:crypto';
import { limits, type CustomEmoji, type CustomEmojiList } from '@parley/protocol';
import { fileUrl } from '../files/file.presenter.js';
import { iso } from '../lib/time.js';
import type { CustomEmojiRow } from './emoji.repository.js';

export function presentCustomEmoji(row: CustomEmojiRow): CustomEmoji {
  return {
    name: row.name,
    url: fileUrl(row.file_id),
    contentType: row.content_type,
    width: row.width ?? limits.customEmojiPx,
    height: row.height ?? limits.customEmojiPx,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

/**
 * The whole set, with a version that changes whenever it does: derived from the names and their
 * images (a replaced image is a new file), so every node computes the same one without storing it.
 */
export function presentCustomEmojiList(rows: readonly CustomEmojiRow[]): CustomEmojiList {
  const version = createHash('sha256')
    .update(rows.map((r) => `${r.name}:${r.file_id}`).join('\n'))
    .digest('base64url')
    .slice(0, 22);
  return { emoji: rows.map(presentCustomEmoji), version };
}
