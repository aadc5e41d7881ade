import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../testing/clients.js';
import { startCheckpointer } from './sqlite-checkpointer.js';

const logger = pino({ level: 'silent' });
const ROWS = 200;
const ROW_BYTES = 8_000;

describe('WAL checkpointer thread', () => {
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A writer that never checkpoints by itself, with about 1.6 MB committed in its WAL. */
  function writerWithWal(): { file: string; writer: SqliteDatabase.Database } {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoint-'));
    const file = path.join(dir, 'parley.db');
    const writer = new SqliteDatabase(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('synchronous = FULL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('create table t (id integer primary key, body text not null)');
    const insert = writer.prepare('insert into t (body) values (?)');
    writer.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run('x'.repeat(ROW_BYTES));
    })();
    return { file, writer };
  }

  /** The writer's share of the work, as the server does it: a PASSIVE checkpoint between transactions. */
  const finishOn = (writer: SqliteDatabase.Database) => async () => writer.pragma('wal_checkpoint(PASSIVE)');

  /** Bumped by SQLite each time the WAL starts over from its beginning (the WAL header's salt-1). */
  const walGeneration = (file: string) => fs.readFileSync(`${file}-wal`).readUInt32BE(16);

  it('copies committed pages into the database file while the writer stays open, and once more on close', async () => {
    const { file, writer } = writerWithWal();
    const before = fs.statSync(file).size;
    expect(before).toBeLessThan(ROWS * ROW_BYTES);

    const checkpointer = await startCheckpointer({ file, intervalMs: 20, logger, finish: finishOn(writer) });
    await eventually(() => fs.statSync(file).size >= ROWS * ROW_BYTES, 5_000, 'pages copied into the database file');

    // Written after the last periodic run: close copies it too, so the file alone holds every row.
    writer.prepare('insert into t (body) values (?)').run('last');
    await checkpointer.close();
    writer.close();
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    const reopened = new SqliteDatabase(file, { readonly: true });
    expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: ROWS + 1 });
    reopened.close();
  });

  it('does not block the writer, which commits while the thread checkpoints', async () => {
    const { file, writer } = writerWithWal();
    const checkpointer = await startCheckpointer({ file, intervalMs: 1, logger, finish: finishOn(writer) });
    const insert = writer.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 50; i++) {
      insert.run(`row ${i}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await checkpointer.close();
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: ROWS + 50 });
    writer.close();
  });

  it('starts the WAL over while the writer commits without a pause, so it never grows without bound', async () => {
    const { file, writer } = writerWithWal();
    const first = walGeneration(file);
    const checkpointer = await startCheckpointer({ file, intervalMs: 10, logger, finish: finishOn(writer) });
    const insert = writer.prepare('insert into t (body) values (?)');
    // A commit at every turn of the event loop: the thread never finds the WAL fully copied by itself.
    const until = Date.now() + 600;
    let rows = 0;
    while (Date.now() < until) {
      insert.run('y'.repeat(2_000));
      rows++;
      await new Promise((r) => setImmediate(r));
    }
    await checkpointer.close();
    expect(walGeneration(file)).not.toBe(first);
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: ROWS + rows });
    writer.close();
  });
});
