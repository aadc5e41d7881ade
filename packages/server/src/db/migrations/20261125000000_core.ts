import { SqliteAdapter, sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

/** SQLite stores tables keyed by their primary key directly (no hidden rowid tree to write). */
function clustered<T extends string, C extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
  return db.getExecutor().adapter instanceof SqliteAdapter ? table.modifyEnd(sql`without rowid`) : table;
}

/** Core messaging schema: accounts, sessions, conversations, members, messages, event log. */
export const core: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('search_name', 'text', (c) => c.notNull())
      .addColumn('status_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('avatar_url', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint')
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('ws_tickets')
      .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('name', 'text', (c) => c.unique())
      .addColumn('topic', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_message_at', 'bigint')
      .addColumn('dm_key', 'text', (c) => c.unique())
      .execute();

    await clustered(db, db.schema
      .createTable('members')
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addColumn('read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('delivered_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('members_pk', ['conversation_id', 'user_id']))
      .execute();
    await db.schema.createIndex('members_user').on('members').columns(['user_id', 'conversation_id']).execute();

    await clustered(db, db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('client_id', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text')
      .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_reply_at', 'bigint')
      .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('mentions_channel', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reactions', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('edited_at', 'bigint')
      .addColumn('deleted_at', 'bigint')
      // Keyed by position in the conversation: on SQLite a history page is one range of the table.
      .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
      .addUniqueConstraint('messages_sender_client_id', ['sender_id', 'client_id']))
      .execute();
    // Partial: most messages are not replies, and their inserts need not touch this index.
    await db.schema.createIndex('messages_thread').on('messages').columns(['reply_to', 'seq']).where(sql.ref('reply_to'), 'is not', null).execute();

    await clustered(db, db.schema
      .createTable('mentions')
      .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mentions_pk', ['message_id', 'user_id']))
      .execute();
    await db.schema.createIndex('mentions_user').on('mentions').columns(['user_id', 'conversation_id', 'seq']).execute();

    await clustered(db, db.schema
      .createTable('reactions')
      .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('emoji', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'user_id', 'emoji']))
      .execute();

    await db.schema
      .createTable('events')
      // On SQLite an INTEGER primary key is the rowid itself (64-bit): no separate index.
      .addColumn('pos', db.getExecutor().adapter instanceof SqliteAdapter ? 'integer' : 'bigint', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('added_user_ids', 'text')
      .addColumn('removed_user_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_conversation').on('events').columns(['conversation_id', 'pos']).execute();
    await db.schema
      .createIndex('events_removed_user')
      .on('events')
      .columns(['removed_user_id', 'pos'])
      .where(sql.ref('removed_user_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('event_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('pos', 'bigint', (c) => c.notNull())
      .addColumn('pruned_pos', 'bigint', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ event_head: { id: number; pos: number; pruned_pos: number } }>)
      .insertInto('event_head')
      .values({ id: 1, pos: 0, pruned_pos: 0 })
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['event_head', 'events', 'reactions', 'mentions', 'messages', 'members', 'conversations', 'ws_tickets', 'sessions', 'users']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
