import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { newClient, TEST_PASSWORD, testClient } from '../testing/clients.js';
import { createStorage, describeEachDialect, startTestServer, type TestServer, type TestStorage } from '../testing/harness.js';
import { clientKeyFirst } from './migrations/20261205000000_client_key_first.js';

const MIGRATION = '20261205000000_client_key_first';

type PlainDb = Kysely<{ kysely_migration: { name: string } }>;

/** A plain connection to a stopped server's database, for what only a migration may do. */
function openStorage(storage: TestStorage): PlainDb {
  const url = storage.env.PARLEY_DATABASE_URL;
  const dialect = url
    ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
    : new SqliteDialect({ database: new SqliteDatabase(path.join(storage.env.PARLEY_DATA_DIR!, 'parley.db')) });
  return new Kysely({ dialect });
}

/** The columns of the messages table's unique keys, each as "a,b". */
async function uniqueKeys(db: PlainDb, dialect: string): Promise<string[]> {
  if (dialect === 'postgres') {
    const rows = await sql<{ columns: string }>`
      select string_agg(a.attname, ',' order by k.n) as columns
      from pg_constraint c
      cross join lateral unnest(c.conkey) with ordinality as k(attnum, n)
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      where c.conrelid = 'messages'::regclass and c.contype = 'u'
      group by c.conname`.execute(db);
    return rows.rows.map((r) => r.columns).sort();
  }
  const indexes = await sql<{ name: string }>`select name from pragma_index_list('messages') where "unique" = 1`.execute(db);
  const keys: string[] = [];
  for (const { name } of indexes.rows) {
    const columns = await sql<{ name: string }>`select name from pragma_index_info(${name}) order by seqno`.execute(db);
    keys.push(columns.rows.map((c) => c.name).join(','));
  }
  return keys.sort();
}

describeEachDialect('the retry key, ordered by clientId first', (dialect) => {
  let storage: TestStorage;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await storage?.destroy();
  });

  it('an existing database moves to it, and retries still find their original and only their own', async () => {
    storage = await createStorage(dialect);
    t = await startTestServer(dialect, {}, storage);
    const alice = await newClient(t, 'alice');
    const bob = await newClient(t, 'bob');
    const { conversation } = await alice.createDm(bob.user!.id);
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await (i % 2 ? bob : alice).sendMessage(conversation.id, `message ${i}`, { clientId: `key-${i}` }));
    const history = await alice.messages(conversation.id);
    await t.close();
    t = undefined;

    // As a database from before the migration: the key by sender first.
    const old = openStorage(storage);
    expect(await uniqueKeys(old, dialect)).toContain('client_id,sender_id');
    await clientKeyFirst.down!(old);
    await old.deleteFrom('kysely_migration').where('name', '=', MIGRATION).execute();
    const before = await uniqueKeys(old, dialect);
    await old.destroy();
    expect(before).toContain('sender_id,client_id');
    expect(before).not.toContain('client_id,sender_id');

    t = await startTestServer(dialect, {}, storage);
    const upgraded = openStorage(storage);
    const after = await uniqueKeys(upgraded, dialect);
    await upgraded.destroy();
    expect(after).toContain('client_id,sender_id');
    expect(after).not.toContain('sender_id,client_id');

    const alice2 = testClient(t);
    await alice2.login(alice.user!.username, TEST_PASSWORD);
    const bob2 = testClient(t);
    await bob2.login(bob.user!.username, TEST_PASSWORD);
    expect(await alice2.messages(conversation.id)).toEqual(history);
    expect((await alice2.sendMessage(conversation.id, 'message 0', { clientId: 'key-0' })).id).toBe(sent[0]!.id);
    expect((await bob2.sendMessage(conversation.id, 'message 1', { clientId: 'key-1' })).id).toBe(sent[1]!.id);
    // Alice's key from Bob is another message.
    const other = await bob2.sendMessage(conversation.id, 'not a retry', { clientId: 'key-0' });
    expect(other.id).not.toBe(sent[0]!.id);
    expect(other.seq).toBe(history.messages.at(-1)!.seq + 1);
  });
});
