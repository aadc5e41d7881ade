import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { withPreviewTables } from './previews.table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Records that the author removed the message's previews (idempotent). */
export async function markRemoved(db: Db, messageId: string, now = Date.now()): Promise<void> {
  await withPreviewTables(db)
    .insertInto('preview_removals')
    .values({ message_id: messageId, removed_at: now })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
}

export async function wasRemoved(db: Db, messageId: string): Promise<boolean> {
  const row = await withPreviewTables(db).selectFrom('preview_removals').select('message_id').where('message_id', '=', messageId).executeTakeFirst();
  return row !== undefined;
}
