import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Each message also stores itself as clients see it (`json`, the presented message), so a history
 * page is read as one column per row and sent without being rebuilt. Rows are filled at start by
 * `fillMessageJson` (messages/message-json.ts) wherever `json` is empty: here for existing
 * messages, and in any later migration that changes what a message looks like (it empties them).
 */
export const messageJson: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('json', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.createIndex('messages_json_missing').on('messages').column('id').where(sql.ref('json'), '=', '').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('messages_json_missing').execute();
    await db.schema.alterTable('messages').dropColumn('json').execute();
  },
};
