import { sql, type Kysely } from 'kysely';

/** What differs between the SQLite layouts of the messages table that migrations move between. */
export interface MessagesLayout {
  /** The (conversation, seq) key: the primary key of a clustered table, or a unique index. */
  positionKey: string;
  /** The key that finds a retried send's original: its sender and `clientId`. */
  clientKey: string;
  /** `without rowid` for a clustered table. */
  tableOptions?: string;
}

/** The (conversation, seq) key of the table kept in arrival order: a unique index. */
export const POSITION_INDEX = 'messages_position unique ("conversation_id", "seq")';
/** The retry key as the first migrations made it: by sender, then `clientId`. */
export const SENDER_CLIENT_KEY = '"messages_sender_client_id" unique ("sender_id", "client_id")';

/**
 * SQLite's way to change a table's layout: a new table, the rows copied over (in id order, which
 * is arrival order), the old one dropped, the new one renamed. Foreign keys are off meanwhile, or
 * dropping the old table would delete every mention and reaction (`on delete cascade`); they are
 * checked before the copy commits.
 */
export async function rebuildMessages(db: Kysely<unknown>, layout: MessagesLayout): Promise<void> {
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
        constraint ${sql.raw(layout.positionKey)},
        constraint ${sql.raw(layout.clientKey)}
      ) ${sql.raw(layout.tableOptions ?? '')}`.execute(db);
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
