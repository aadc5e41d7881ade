import { SqliteAdapter, sql, type Kysely, type Migration } from 'kysely';

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
    await rebuildMessages(db, 'messages_position unique ("conversation_id", "seq")', '');
  },

  async down(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
    await rebuildMessages(db, '"messages_pk" primary key ("conversation_id", "seq")', 'without rowid');
  },
};

/**
 * SQLite's way to change a table's layout: a new table, the rows copied over (in id order, which
 * is arrival order), the old one dropped, the new one renamed. Foreign keys are off meanwhile, or
 * dropping the old table would delete every mention and reaction (`on delete cascade`); they are
 * checked before the copy commits.
 */
async function rebuildMessages(db: Kysely<unknown>, positionKey: string, tableOptions: string): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql`create table "messages_rebuilt" (
        "id" text not null unique,
        "conversation_id" text not null references "conversations" ("id") on delete cascade,
        "seq" bigint not null,
        "sender_id" text not null references "users" ("id"),
        "client_id" text,
        "text" text not null,
        "reply_to" text,
        "reply_count" integer default 0 not null,
        "last_reply_at" bigint,
        "mentions" text default '[]' not null,
        "mentions_channel" integer default 0 not null,
        "reactions" text default '[]' not null,
        "created_at" bigint not null,
        "edited_at" bigint,
        "deleted_at" bigint,
        "attachments" text default '[]' not null,
        "previews" text default '[]' not null,
        "json" text default '' not null,
        constraint ${sql.raw(positionKey)},
        constraint "messages_sender_client_id" unique ("sender_id", "client_id")
      ) ${sql.raw(tableOptions)}`.execute(db);
      // Every column by name, as the table has them: no column list to keep in step with the table.
      const columns = (await sql<{ name: string }>`pragma table_info("messages")`.execute(db)).rows.map((c) => sql.ref(c.name));
      await sql`insert into "messages_rebuilt" (${sql.join(columns)}) select ${sql.join(columns)} from "messages" order by "id"`.execute(db);
      await sql`drop table "messages"`.execute(db);
      await sql`alter table "messages_rebuilt" rename to "messages"`.execute(db);
      await sql`create index "messages_thread" on "messages" ("reply_to", "seq") where "reply_to" is not null`.execute(db);
      await sql`create index "messages_json_missing" on "messages" ("id") where "json" = ''`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`Rebuilding messages would break ${broken.rows.length} references`);
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db);
      throw err;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
