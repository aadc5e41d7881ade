import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../testing/postgres.js';
import { executeBatch, rowsOf } from './batch.js';
import { openDatabase, type Database } from './database.js';
import { Statement } from './statement.js';

const logger = pino({ level: 'silent' });

const insertUser = new Statement<{ id: string; username: string; createdAt: number }>((db, p) =>
  db.insertInto('users').values({ id: p.id, username: p.username, display_name: p.username, search_name: p.username, status_text: '', password_hash: 'x', created_at: p.createdAt, is_admin: 0 }),
);
const userById = new Statement<{ id: string }>((db, p) => db.selectFrom('users').select(['id', 'username']).where('id', '=', p.id));
const renameUser = new Statement<{ id: string; name: string }>((db, p) => db.updateTable('users').set({ display_name: p.name }).where('id', '=', p.id));

const id = (n: number) => `01JZ${String(n).padStart(22, '0')}`;

interface Variant {
  name: string;
  open(): Promise<{ database: Database; cleanup(): Promise<void> }>;
  /** Reads what is committed, from outside the writer. */
  usernames(database: Database): Promise<string[]>;
}

function sqliteVariant(placement: 'thread' | 'inline'): Variant {
  let file = '';
  return {
    name: `SQLite, writer ${placement}`,
    async open() {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-batch-'));
      file = path.join(dataDir, 'parley.db');
      const database = await openDatabase({ databaseUrl: null, dataDir, poolSize: 1, sqliteWriter: placement, logger });
      return { database, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    },
    async usernames() {
      // A separate connection sees only what was committed (and, with synchronous=FULL, is on disk).
      const other = new SqliteDatabase(file, { readonly: true });
      const rows = other.prepare('select username from users order by username').all() as { username: string }[];
      other.close();
      return rows.map((r) => r.username);
    },
  };
}

const postgresVariant: Variant = {
  name: 'PostgreSQL',
  async open() {
    const test = await createTestDatabase();
    const database = await openDatabase({ databaseUrl: test.url, dataDir: os.tmpdir(), poolSize: 2, logger });
    return { database, cleanup: () => test.drop() };
  },
  async usernames(database) {
    return (await database.reader.selectFrom('users').select('username').orderBy('username').execute()).map((r) => r.username);
  },
};

const variants: Variant[] = [sqliteVariant('thread'), sqliteVariant('inline'), postgresVariant];

for (const variant of variants) {
  const skip = variant === postgresVariant && !postgresAvailable;
  describe.skipIf(skip)(`batches and prepared statements (${variant.name})`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ database, cleanup } = await variant.open());
    });
    afterAll(async () => {
      await database?.close();
      await cleanup?.();
    });

    it('runs a statement once per row, gives each entry its own result, and commits with the last batch', async () => {
      const dialect = database.dialect;
      const results = await database.db.transaction().execute(async (tx) => {
        const first = await executeBatch(tx, dialect, [
          insertUser.rows([1, 2, 3].map((n) => ({ id: id(n), username: `user${n}`, createdAt: n }))),
          null,
          userById.rows([{ id: id(3) }, { id: id(9) }, { id: id(1) }]),
        ]);
        const last = await executeBatch(tx, dialect, [renameUser.rows([{ id: id(1), name: 'One' }, { id: id(2), name: 'Two' }, { id: id(8), name: 'nobody' }])], {
          commitAfter: true,
        });
        return [...first, ...last];
      });
      expect(Number(results[0]!.numAffectedRows)).toBe(3);
      expect(results[1]).toBeNull();
      // Rows of every parameter row, in order; a row that matches nothing adds nothing.
      expect(rowsOf(results[2])).toEqual([
        { id: id(3), username: 'user3' },
        { id: id(1), username: 'user1' },
      ]);
      expect(Number(results[3]!.numAffectedRows)).toBe(2);
      expect(await variant.usernames(database)).toEqual(['user1', 'user2', 'user3']);
    });

    it('a failing row fails the whole transaction: nothing of it is stored', async () => {
      const dialect = database.dialect;
      const attempt = database.db.transaction().execute(async (tx) => {
        await executeBatch(tx, dialect, [insertUser.rows([{ id: id(4), username: 'user4', createdAt: 4 }])]);
        // user1 exists: the unique username fails the second row.
        await executeBatch(tx, dialect, [insertUser.rows([{ id: id(5), username: 'user5', createdAt: 5 }, { id: id(6), username: 'user1', createdAt: 6 }])], {
          commitAfter: true,
        });
      });
      await expect(attempt).rejects.toThrow(/unique|UNIQUE/);
      expect(await variant.usernames(database)).toEqual(['user1', 'user2', 'user3']);
      // The connection is usable afterwards.
      await database.db.transaction().execute(async (tx) => {
        await executeBatch(tx, dialect, [insertUser.rows([{ id: id(7), username: 'user7', createdAt: 7 }])], { commitAfter: true });
      });
      expect(await variant.usernames(database)).toEqual(['user1', 'user2', 'user3', 'user7']);
    });

    it('compiles a statement once per dialect, with constants kept and parameters in place', () => {
      const bound = userById.bind(database.db, [{ id: id(1) }, { id: id(2) }]);
      expect(bound.params).toEqual([[id(1)], [id(2)]]);
      expect(bound.sql).toMatch(database.dialect === 'sqlite' ? /"id" = \?/ : /"id" = \$1/);
      const head = new Statement<{ n: number }>((db, p) => db.updateTable('event_head').set((eb) => ({ pos: eb('pos', '+', p.n) })).where('id', '=', 1));
      expect(head.bind(database.db, [{ n: 5 }]).params).toEqual([[5, 1]]);
    });
  });
}
