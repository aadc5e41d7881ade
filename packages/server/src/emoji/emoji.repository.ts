import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CustomEmojiTable, DB, FileRow } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

/** A custom emoji with what clients need of its image. */
export type CustomEmojiRow = Selectable<CustomEmojiTable> & Pick<FileRow, 'content_type' | 'width' | 'height'>;

function withImage(db: Db) {
  return db
    .selectFrom('custom_emoji')
    .innerJoin('files', 'files.id', 'custom_emoji.file_id')
    .select(['custom_emoji.name', 'custom_emoji.file_id', 'custom_emoji.created_by', 'custom_emoji.created_at', 'files.content_type', 'files.width', 'files.height']);
}

export function listCustomEmoji(db: Db): Promise<CustomEmojiRow[]> {
  return withImage(db).orderBy('custom_emoji.name').execute();
}

export function findCustomEmoji(db: Db, name: string): Promise<CustomEmojiRow | undefined> {
  return withImage(db).where('custom_emoji.name', '=', name).executeTakeFirst();
}

export async function customEmojiExists(db: Db, name: string): Promise<boolean> {
  return (await db.selectFrom('custom_emoji').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
}

export async function insertCustomEmoji(db: Db, row: Selectable<CustomEmojiTable>): Promise<void> {
  await db.insertInto('custom_emoji').values(row).execute();
}

/** Deletes the emoji and returns the id of its image file, or null if there was no such emoji. */
export async function deleteCustomEmoji(db: Db, name: string): Promise<string | null> {
  const row = await db.deleteFrom('custom_emoji').where('name', '=', name).returning('file_id').executeTakeFirst();
  return row?.file_id ?? null;
}
