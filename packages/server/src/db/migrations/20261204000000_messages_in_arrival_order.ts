import { SqliteAdapter, type Kysely, type Migration } from 'kysely';
import { POSITION_INDEX, SENDER_CLIENT_KEY, rebuildMessages } from './rebuild-messages.js';

/**
 * SQLite: messages move from a table clustered by (conversation, seq) to one kept in arrival order
 * (the rowid), with the (conversation, seq) key as a small unique index. Clustered, every new
 * message landed in the middle of a large B-tree, on its conversation's own leaf, and rows of about
 * 700 bytes filled a leaf every five messages; a split there rewrites up to three leaves and their
 * parent. That came to 3.5 WAL pages per 1:1 message, of 9.6 in all. In arrival order the new rows
 * of a commit share the last leaf, and the index's entries are small: 1.3 pages. A history page
 * reads its rows through the index. PostgreSQL tables are heaps already: nothing changes there.
 */
export const messagesInArrivalOrder: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
    await rebuildMessages(db, { positionKey: POSITION_INDEX, clientKey: SENDER_CLIENT_KEY });
  },

  async down(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
    await rebuildMessages(db, { positionKey: '"messages_pk" primary key ("conversation_id", "seq")', clientKey: SENDER_CLIENT_KEY, tableOptions: 'without rowid' });
  },
};
