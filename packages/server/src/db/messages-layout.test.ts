import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { newClient, TEST_PASSWORD, testClient } from '../testing/clients.js';
import { createStorage, startTestServer, type TestServer, type TestStorage } from '../testing/harness.js';
import { messagesInArrivalOrder } from './migrations/20261204000000_messages_in_arrival_order.js';
import { clientKeyFirst } from './migrations/20261205000000_client_key_first.js';

/** The migrations this test undoes, newest first, to make a database of the older layout. */
const UNDONE = [
  ['20261205000000_client_key_first', clientKeyFirst],
  ['20261204000000_messages_in_arrival_order', messagesInArrivalOrder],
] as const;
const CLIENT_KEY_FIRST = /unique \("client_id", "sender_id"\)/;

/** How SQLite stores the messages table now. */
function messagesTableSql(file: string): string {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    return (db.prepare("select sql from sqlite_schema where type = 'table' and name = 'messages'").get() as { sql: string }).sql;
  } finally {
    db.close();
  }
}

/** SQLite only: PostgreSQL's tables are heaps and the migration leaves them alone. */
describe('messages kept in arrival order (SQLite)', () => {
  let storage: TestStorage;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await storage?.destroy();
  });

  it('an existing database is rebuilt with every message, mention, reaction and thread intact', async () => {
    storage = await createStorage('sqlite');
    t = await startTestServer('sqlite', {}, storage);
    const alice = await newClient(t, 'alice');
    const bob = await newClient(t, 'bob');
    const { conversation } = await alice.createDm(bob.user!.id);
    const group = await alice.createGroup('Crew', [bob.user!.id]);
    const root = await alice.sendMessage(conversation.id, 'the root');
    await bob.toggleReaction(conversation.id, root.id, '🎉');
    await bob.sendMessage(conversation.id, 'a reply', { replyTo: root.id });
    for (let i = 0; i < 30; i++) await (i % 2 ? bob : alice).sendMessage(i % 3 ? conversation.id : group.conversation.id, `message ${i} for @${i % 2 ? 'alice' : 'bob'}`);
    const history = await alice.messages(conversation.id);
    const thread = await alice.messages(conversation.id, { thread: root.id });
    const bobsList = await bob.conversations();
    const file = t.server.database.location;
    await t.close();
    t = undefined;
    expect(messagesTableSql(file)).not.toMatch(/without rowid/i);
    expect(messagesTableSql(file)).toMatch(CLIENT_KEY_FIRST);

    // As a database of the previous layout would be: clustered, the retry key by sender first, the
    // migrations not yet applied.
    const old = new Kysely<{ kysely_migration: { name: string } }>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    for (const [name, migration] of UNDONE) {
      await migration.down!(old);
      await old.deleteFrom('kysely_migration').where('name', '=', name).execute();
    }
    await old.destroy();
    expect(messagesTableSql(file)).toMatch(/without rowid/i);
    expect(messagesTableSql(file)).toMatch(/unique \("sender_id", "client_id"\)/);

    t = await startTestServer('sqlite', {}, storage);
    expect(messagesTableSql(file)).not.toMatch(/without rowid/i);
    expect(messagesTableSql(file)).toMatch(CLIENT_KEY_FIRST);
    const again = testClient(t);
    await again.login(alice.user!.username, TEST_PASSWORD);
    expect(await again.messages(conversation.id)).toEqual(history);
    expect(await again.messages(conversation.id, { thread: root.id })).toEqual(thread);
    const bobAgain = testClient(t);
    await bobAgain.login(bob.user!.username, TEST_PASSWORD);
    expect(await bobAgain.conversations()).toEqual(bobsList);

    // The position stays unique and gap-free, retries still find their original (and only their
    // sender's: the same clientId from someone else is another message), and deleting a
    // conversation's messages still takes their reactions with them (the foreign keys hold).
    const next = await again.sendMessage(conversation.id, 'after the upgrade', { clientId: 'upgrade-1' });
    expect(next.seq).toBe(history.messages.at(-1)!.seq + 1);
    expect((await again.sendMessage(conversation.id, 'after the upgrade', { clientId: 'upgrade-1' })).id).toBe(next.id);
    expect((await bobAgain.sendMessage(conversation.id, 'same key, other sender', { clientId: 'upgrade-1' })).id).not.toBe(next.id);
    const db = t.server.database.db;
    await db.deleteFrom('messages').where('id', '=', root.id).execute();
    expect(await db.selectFrom('reactions').select('message_id').where('message_id', '=', root.id).execute()).toEqual([]);
    await expect(
      db
        .insertInto('messages')
        .values({ ...(await db.selectFrom('messages').selectAll().where('id', '=', next.id).executeTakeFirstOrThrow()), id: 'copy-of-next', client_id: 'other' })
        .execute(),
    ).rejects.toThrow(/UNIQUE constraint failed: messages.conversation_id, messages.seq/);
  });
});
