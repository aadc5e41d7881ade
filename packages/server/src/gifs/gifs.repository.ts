import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, FileRow, GifsTable } from '../db/schema.js';
import { escapeLike } from '../lib/text-search.js';

type Db = Kysely<DB> | Transaction<DB>;

/** A library GIF with what clients need of its file. */
export type LibraryGifRow = Selectable<GifsTable> & Pick<FileRow, 'width' | 'height' | 'size' | 'variants'>;

function withFile(db: Db) {
  return db
    .selectFrom('gifs')
    .innerJoin('files', 'files.id', 'gifs.file_id')
    .select(['gifs.id', 'gifs.file_id', 'gifs.title', 'gifs.search_text', 'gifs.tags', 'gifs.created_by', 'gifs.created_at', 'files.width', 'files.height', 'files.size', 'files.variants']);
}

export async function insertGif(db: Db, row: Selectable<GifsTable>): Promise<void> {
  await db.insertInto('gifs').values(row).execute();
}

export function findGif(db: Db, id: string): Promise<LibraryGifRow | undefined> {
  return withFile(db).where('gifs.id', '=', id).executeTakeFirst();
}

/** Newest first (ids are time-ordered), from before `before` when given. */
export function listGifs(db: Db, before: string | undefined, limit: number): Promise<LibraryGifRow[]> {
  let q = withFile(db);
  if (before) q = q.where('gifs.id', '<', before);
  return q.orderBy('gifs.id', 'desc').limit(limit).execute();
}

/**
 * GIFs where every word begins a word of the title or tags (`search_text` holds those words,
 * lower-cased, space-separated), newest first. The library is an installation's own and small,
 * so a scan is fine.
 */
export function searchGifs(db: Db, words: readonly string[], limit: number): Promise<LibraryGifRow[]> {
  let q = withFile(db);
  for (const word of words) {
    q = q.where(sql<boolean>`(' ' || gifs.search_text) like ${'% ' + escapeLike(word) + '%'} escape '\\'`);
  }
  return q.orderBy('gifs.id', 'desc').limit(limit).execute();
}

/** Deletes the entry and returns the id of its file, or null if there was no such GIF. */
export async function deleteGif(db: Db, id: string): Promise<string | null> {
  const row = await db.deleteFrom('gifs').where('id', '=', id).returning('file_id').executeTakeFirst();
  return row?.file_id ?? null;
}
