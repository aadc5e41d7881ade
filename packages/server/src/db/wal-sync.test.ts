import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWalDatabase } from '../testing/sqlite-wal.js';
import { readsAfterSync } from './reads-after-sync.js';
import { WalSync } from './wal-sync.js';

type Done = (err: NodeJS.ErrnoException | null) => void;

/** An fdatasync that finishes only when the test says so. */
function heldSyncs() {
  const calls: Done[] = [];
  return {
    calls,
    fdatasync: (_fd: number, done: Done) => void calls.push(done),
    /** Finishes the oldest sync still running. */
    finish(err: NodeJS.ErrnoException | null = null) {
      calls.shift()!(err);
    },
  };
}

/** Settles pending promise callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A database in WAL mode with its WAL on disk, written with `synchronous = NORMAL`. */
function walDatabase() {
  const db = tempWalDatabase('parley-walsync-', 'NORMAL');
  dir = db.dir;
  return db;
}

describe('WalSync', () => {
  it('gives every commit made during a running sync one shared sync after it, never more', async () => {
    const { file } = walDatabase();
    const held = heldSyncs();
    const walSync = new WalSync({ file, onFailure: () => undefined, fdatasync: held.fdatasync });
    const order: string[] = [];

    const first = walSync.sync().then(() => order.push('first'));
    // Three commits while the first sync runs: it may have started before them, so they wait for the next.
    const later = [1, 2, 3].map((n) => walSync.sync().then(() => order.push(`later ${n}`)));
    expect(held.calls).toHaveLength(1);
    expect(walSync.whenSynced()).not.toBeNull();

    held.finish();
    await first;
    await settle();
    expect(order).toEqual(['first']);
    expect(held.calls).toHaveLength(1);

    held.finish();
    await Promise.all(later);
    expect(order).toEqual(['first', 'later 1', 'later 2', 'later 3']);
    expect(held.calls).toHaveLength(0);
    expect(walSync.whenSynced()).toBeNull();
    await walSync.close();
  });

  it('syncs the real WAL file', async () => {
    const { file, writer } = walDatabase();
    const walSync = new WalSync({ file, onFailure: () => undefined });
    writer.prepare('insert into t (body) values (?)').run('hello');
    await walSync.sync();
    expect(walSync.whenSynced()).toBeNull();
    await walSync.close();
    writer.close();
  });

  it('fails every waiting commit when a sync fails, reports it once, and refuses to sync again', async () => {
    const { file } = walDatabase();
    const held = heldSyncs();
    const failures: Error[] = [];
    const walSync = new WalSync({ file, onFailure: (err) => failures.push(err), fdatasync: held.fdatasync });

    const first = walSync.sync();
    const second = walSync.sync();
    held.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(first).rejects.toThrow('EIO');
    await expect(second).rejects.toThrow('EIO');
    expect(failures).toHaveLength(1);
    await expect(walSync.sync()).rejects.toThrow('EIO');
    await expect(walSync.whenSynced()).rejects.toThrow('EIO');
    expect(held.calls).toHaveLength(0);
    await walSync.close();
  });
});

describe('readsAfterSync', () => {
  it('holds a read until the commits before it are on disk, and lets it through at once when none is pending', async () => {
    const { file, writer } = walDatabase();
    const held = heldSyncs();
    const walSync = new WalSync({ file, onFailure: () => undefined, fdatasync: held.fdatasync });
    const reader = new Kysely<{ t: { id: number; body: string } }>({
      dialect: readsAfterSync(new SqliteDialect({ database: new SqliteDatabase(file, { readonly: true }) }), walSync),
    });
    const bodies = async () => (await reader.selectFrom('t').select('body').orderBy('id').execute()).map((r) => r.body);

    expect(await bodies()).toEqual([]);

    // Committed in SQLite's WAL, not yet on disk: a WAL reader could see it, this one must not yet.
    writer.prepare('insert into t (body) values (?)').run('first');
    const durable = walSync.sync();
    let read: string[] | null = null;
    const reading = bodies().then((rows) => (read = rows));
    await settle();
    expect(read).toBeNull();

    held.finish();
    await durable;
    await reading;
    expect(read).toEqual(['first']);
    expect(walSync.whenSynced()).toBeNull();
    expect(await sql<{ n: number }>`select count(*) as n from t`.execute(reader)).toMatchObject({ rows: [{ n: 1 }] });

    await reader.destroy();
    await walSync.close();
    writer.close();
  });
});
