import { SqliteAdapter, sql, type Kysely, type Migration } from 'kysely';
import { POSITION_INDEX, SENDER_CLIENT_KEY, rebuildMessages } from './rebuild-messages.js';

const CLIENT_KEY = '"messages_client_key" unique ("client_id", "sender_id")';

/**
 * The key that finds a retried send's original is ordered by `clientId` first. By sender first,
 * every send landed on its own sender's leaf of that index: one more page written per message, at
 * a random place, for the commit and again for the checkpoint. The SDK's clientIds begin with the
 * time (UUIDv7), so by clientId first the new keys of a commit share the index's last leaves.
 * Lookups name both columns, so either order serves them.
 */
export const clientKeyFirst: Migration = {
  up: (db: Kysely<unknown>) => replaceClientKey(db, CLIENT_KEY, 'messages_sender_client_id'),
  down: (db: Kysely<unknown>) => replaceClientKey(db, SENDER_CLIENT_KEY, 'messages_client_key'),
};

/** SQLite rebuilds the table around the new key; PostgreSQL adds it, then drops the old one. */
async function replaceClientKey(db: Kysely<unknown>, key: string, oldName: string): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await rebuildMessages(db, { positionKey: POSITION_INDEX, clientKey: key });
    return;
  }
  await sql`alter table "messages" add constraint ${sql.raw(key)}`.execute(db);
  await sql`alter table "messages" drop constraint ${sql.ref(oldName)}`.execute(db);
}
