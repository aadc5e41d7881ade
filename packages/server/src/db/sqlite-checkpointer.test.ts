import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../testing/clients.js';
import { tempWalDatabase } from '../testing/sqlite-wal.js';
import { openSyncDescriptor, startCheckpointer } from './sqlite-checkpointer.js';

const logger = pino({ level: 'silent' });
/** Linux's SCHED_IDLE, as /proc reports a thread's scheduling policy. */
const SCHED_IDLE = 5;
const canChangePolicy = process.platform === 'linux' && spawnSync('chrt', ['--version']).status === 0;

const canChangeIoClass = canChangePolicy && spawnSync('ionice', ['--version']).status === 0;

/** This process's threads (ids) whose scheduling policy (field 41 of /proc/<tid>/stat) passes `keep`. */
function threadsWithPolicy(keep: (policy: number) => boolean): [string, number][] {
  return fs
    .readdirSync('/proc/self/task')
    .map((tid): [string, number] => {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38])];
    })
    .filter(([, policy]) => keep(policy));
}
const ROWS = 200;
const ROW_BYTES = 8_000;

describe('WAL checkpointer thread', () => {
  let dir = '';
  let openFd: number | null = null;
  afterEach(() => {
    // After the test's connections are closed, as the server does it.
    if (openFd !== null) fs.closeSync(openFd);
    openFd = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A writer that never checkpoints by itself, with about 1.6 MB committed in its WAL. */
  function writerWithWal(): { file: string; writer: SqliteDatabase.Database; syncFd: number } {
    const db = tempWalDatabase('parley-checkpoint-', 'FULL');
    dir = db.dir;
    const { file, writer } = db;
    writer.pragma('wal_autocheckpoint = 0');
    const insert = writer.prepare('insert into t (body) values (?)');
    writer.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run('x'.repeat(ROW_BYTES));
    })();
    openFd = openSyncDescriptor(file);
    return { file, writer, syncFd: openFd };
  }

  /** Holds the test's writer as the server holds its writer's connection: no commit runs meanwhile. */
  function writerGate() {
    let held: Promise<void> | null = null;
    return {
      holdWriter: async (work: () => Promise<void>) => {
        const running = work();
        held = running;
        await running.finally(() => (held = null));
      },
      /** Resolves when the writer may commit. */
      free: async () => {
        while (held) await held;
      },
    };
  }

  /** Bumped by SQLite each time the WAL starts over from its beginning (the WAL header's salt-1). */
  const walGeneration = (file: string) => fs.readFileSync(`${file}-wal`).readUInt32BE(16);

  it('copies committed pages into the database file while the writer stays open, and once more on close', async () => {
    const { file, writer, syncFd } = writerWithWal();
    const gate = writerGate();
    const before = fs.statSync(file).size;
    expect(before).toBeLessThan(ROWS * ROW_BYTES);

    const checkpointer = await startCheckpointer({ file, syncFd, intervalMs: 20, logger, holdWriter: gate.holdWriter });
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

  it.runIf(canChangePolicy)('runs at idle priority, so that sends never wait for the core or the disk behind a WAL copy', async () => {
    const { file, writer, syncFd } = writerWithWal();
    const gate = writerGate();
    const idleBefore = threadsWithPolicy((p) => p === SCHED_IDLE).map(([tid]) => tid);
    const checkpointer = await startCheckpointer({ file, syncFd, intervalMs: 20, logger, holdWriter: gate.holdWriter });
    const started = threadsWithPolicy((p) => p === SCHED_IDLE).filter(([tid]) => !idleBefore.includes(tid));
    expect(started).toHaveLength(1);
    // Its writes wait at the disk too, behind the WAL syncs that sends wait for.
    if (canChangeIoClass) expect(spawnSync('ionice', ['--pid', started[0]![0]], { encoding: 'utf8' }).stdout.trim()).toBe('idle');
    await checkpointer.close();
    writer.close();
    expect(threadsWithPolicy((p) => p === SCHED_IDLE)).toHaveLength(idleBefore.length);
  });

  it('does not block the writer, which commits while the thread checkpoints', async () => {
    const { file, writer, syncFd } = writerWithWal();
    const gate = writerGate();
    const checkpointer = await startCheckpointer({ file, syncFd, intervalMs: 1, logger, holdWriter: gate.holdWriter });
    const insert = writer.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 50; i++) {
      await gate.free();
      insert.run(`row ${i}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await checkpointer.close();
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: ROWS + 50 });
    writer.close();
  });

  it('starts the WAL over while the writer commits without a pause, so it never grows without bound', async () => {
    const { file, writer, syncFd } = writerWithWal();
    const gate = writerGate();
    const first = walGeneration(file);
    const checkpointer = await startCheckpointer({ file, syncFd, intervalMs: 10, logger, holdWriter: gate.holdWriter });
    const insert = writer.prepare('insert into t (body) values (?)');
    // A commit at every turn of the event loop: the thread never finds the WAL fully copied by itself.
    const until = Date.now() + 600;
    let rows = 0;
    while (Date.now() < until) {
      await gate.free();
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
