import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { THREAD_ID_SOURCE, yieldToEventLoop } from '../lib/background-thread.js';

/**
 * Copies the WAL back into the database from a thread and connection of its own. Left to the
 * writer, SQLite checkpoints inside whichever commit crosses the threshold: that commit (and every
 * send waiting on it) stalls for the copy and the database fsync, 25-60 ms every half second
 * under 1:1 load in the benchmark. A PASSIVE checkpoint on another connection never blocks the
 * writer, which keeps appending to the WAL meanwhile.
 *
 * The WAL starts over from its beginning only when a write transaction begins with all of it
 * copied, which under steady writes never happens by itself: commits land while the thread copies.
 * The WAL then grew to the writer's backstop (160 MB) and the writer's own checkpoint stalled for
 * 40-140 ms every two seconds. So the thread copies again until only a few frames are left (each
 * round copies what arrived during the previous, shorter one), then copies those last ones while
 * the writer holds still between two transactions (`holdWriter`): the writer's next transaction
 * starts the WAL over, which stays a few megabytes long and hot in the page cache. The event loop
 * keeps running meanwhile; only commits wait, for a copy of a few frames and two syncs. (The
 * writer used to make that copy itself, which stopped the event loop 3-6 ms four times a second.)
 */
export interface Checkpointer {
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  file: string;
  intervalMs: number;
  logger: Logger;
  /** Runs `work` while the writer commits nothing (it holds the writer's connection). */
  holdWriter(work: () => Promise<void>): Promise<void>;
  /** A descriptor of the database file (see `openSyncDescriptor`). */
  syncFd: number;
}

/**
 * A descriptor for the checkpointer to flush the database file with. SQLite syncs that file only
 * when a checkpoint copies the whole WAL, which under steady writes is the last copy, made while
 * the writer is held: that sync would flush every page the thread had copied since the last one,
 * holding every commit for milliseconds. The thread flushes them before it asks for the hold.
 *
 * Close it only after every SQLite connection to the file is closed: closing any descriptor of a
 * file drops all of the process's POSIX locks on it, SQLite's included, and another process could
 * then take the database for unused.
 */
export function openSyncDescriptor(file: string): number {
  return fs.openSync(file, 'r+');
}

/** The thread stops copying when the WAL holds fewer new frames than this since its last round. */
const CLOSE_ENOUGH_FRAMES = 64;
/** Rounds per run at most, should the writer outpace the copy. */
const MAX_ROUNDS = 6;
/**
 * The writer is released after this long even if the last copy has not answered: the thread runs
 * at idle priority, and a saturated core must not hold every commit.
 */
const HOLD_TIMEOUT_MS = 200;
/**
 * The writer is held at most this often (and at most once per checkpoint interval, since a hold
 * follows a run that caught up). Each hold makes commits wait 2-8 ms; between two, the WAL grows by
 * what those writes add (about 60 MB a second at 2,000 1:1 messages a second).
 */
const HOLD_EVERY_MS = 1_000;

/** The thread's program, run with `eval` so it works the same from the built server and from sources. */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
// The database file is fsynced before the WAL may be reused: a crash never loses a committed page.
db.pragma('synchronous = FULL');
const passive = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const checkpoint = () => {
  try {
    let round = passive();
    for (let i = 1, before = 0; i < workerData.maxRounds && round.log - before > workerData.closeEnoughFrames; i++) {
      before = round.log;
      round = passive();
    }
    // An empty WAL has started over already.
    if (round.log > 0) {
      fs.fdatasyncSync(workerData.syncFd);
      parentPort.postMessage({ caughtUp: true });
    }
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.last) {
    // The writer is held: this copy reaches the end of the WAL, and SQLite syncs the database file.
    let error;
    try {
      passive();
    } catch (err) {
      error = String(err && err.message || err);
    }
    parentPort.postMessage({ lastDone: true, error });
    return;
  }
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ closed: true });
});
parentPort.postMessage({ ready: true, threadId: ${THREAD_ID_SOURCE} });
`;

export async function startCheckpointer(options: CheckpointerOptions): Promise<Checkpointer> {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file: options.file, syncFd: options.syncFd, intervalMs: options.intervalMs, driverPath, maxRounds: MAX_ROUNDS, closeEnoughFrames: CLOSE_ENOUGH_FRAMES } });
  const threadId = await new Promise<number | null>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { threadId: number | null }) => resolve(m.threadId));
  });
  // Copying the WAL can wait for idle moments; sends cannot.
  await yieldToEventLoop(threadId, (err) => options.logger.debug({ err }, 'the WAL checkpointer thread keeps its normal priority'));
  // A failed checkpoint loses nothing (the WAL keeps every commit); the writer's own automatic
  // checkpoint is the backstop if this thread stops keeping up.
  const warn = (err: unknown) => options.logger.warn({ err }, 'WAL checkpoint failed');
  let finishing: Promise<void> | null = null;
  let closing = false;
  let lastCopyDone: (() => void) | null = null;
  let lastHold = -Infinity;
  // The last copy, asked of the thread while the writer is held; given up after HOLD_TIMEOUT_MS.
  const lastCopy = () =>
    new Promise<void>((resolve) => {
      const timeout = setTimeout(() => {
        lastCopyDone = null;
        resolve();
      }, HOLD_TIMEOUT_MS);
      lastCopyDone = () => {
        clearTimeout(timeout);
        lastCopyDone = null;
        resolve();
      };
      worker.postMessage({ last: true });
    });
  worker.on('message', (m: { error?: string; caughtUp?: boolean; lastDone?: boolean }) => {
    if (m.error) warn(m.error);
    if (m.lastDone) lastCopyDone?.();
    if (!m.caughtUp || finishing || closing || performance.now() - lastHold < HOLD_EVERY_MS) return;
    lastHold = performance.now();
    finishing = options
      .holdWriter(lastCopy)
      .catch(warn)
      .finally(() => (finishing = null));
  });
  worker.on('error', (err) => options.logger.error({ err }, 'WAL checkpointer thread failed'));
  return {
    async close() {
      closing = true;
      await finishing;
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (m: { closed?: boolean }) => m.closed && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ close: true });
      await closed;
      await worker.terminate();
    },
  };
}
