import { sql, type Kysely, type Transaction } from 'kysely';
import { lockingRows, type Dialect } from '../db/database.js';
import type { DB, FilePurpose, FileRow } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

export function findFile(db: Db, id: string): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The uploads a batch of sends attaches; locked on PostgreSQL so two sends cannot take one file. */
export function filesByIdsQuery(db: Db, ids: readonly string[], dialect: Dialect) {
  return lockingRows(db.selectFrom('files').selectAll().where('id', 'in', [...ids]).orderBy('id'), dialect);
}

export async function bytesOwnedBy(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
    .select(sql<number>`coalesce(sum(size), 0)`.as('used'))
    .where('owner_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

export async function insertFile(db: Db, row: FileRow): Promise<void> {
  await db.insertInto('files').values(row).execute();
}

export interface FileSelector {
  ids?: readonly string[];
  messageId?: string;
  purpose?: FilePurpose;
  unattached?: boolean;
}

/** Deletes rows and returns the blob keys they held (the caller removes those after commit). */
export async function deleteFiles(db: Db, where: FileSelector): Promise<string[]> {
  let q = db.deleteFrom('files');
  if (where.ids) q = q.where('id', 'in', [...where.ids]);
  if (where.messageId) q = q.where('message_id', '=', where.messageId);
  if (where.purpose) q = q.where('purpose', '=', where.purpose);
  // A send may attach an upload at any moment: only what is still unattached goes.
  if (where.unattached) q = q.where('message_id', 'is', null);
  const rows = await q.returning(['blob_key', 'variants']).execute();
  return rows.flatMap((r) => [r.blob_key, ...Object.values(JSON.parse(r.variants) as Record<string, string>)]);
}

/** Uploads of this purpose that nothing attached before the cutoff. */
export function unattachedBefore(db: Db, purpose: FilePurpose, createdBefore: number, limit: number) {
  return db
    .selectFrom('files')
    .select('id')
    .where('purpose', '=', purpose)
    .where('message_id', 'is', null)
    .where('created_at', '<', createdBefore)
    .limit(limit)
    .execute();
}
