import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * Copies the WAL back into the database from a thread and connection of its own. Left to the
 * writer, SQLite checkpoints inside whichever commit crosses the threshold: that commit (and every
 * send waiting on it) stalls for the copy and the database fsync, 25-60 ms every half second
 * under 1:1 load in the benchmark. A PASSIVE checkpoint on another connection never blocks the
 * writer, which keeps appending to the WAL meanwhile. Once all of it is copied (a pause in the
 * writes), the writer's next transaction starts the WAL over from its beginning; under steady
 * writes, the writer's own automatic checkpoint does that, with little left to copy.
 */
export interface Checkpointer {
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  file: string;
  intervalMs: number;
  logger: Logger;
}

/** The thread's program, run with `eval` so it works the same from the built server and from sources. */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
// The database file is fsynced before the WAL may be reused: a crash never loses a committed page.
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ closed: true });
});
parentPort.postMessage({ ready: true });
`;

export async function startCheckpointer(options: CheckpointerOptions): Promise<Checkpointer> {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file: options.file, intervalMs: options.intervalMs, driverPath } });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  // A failed checkpoint loses nothing (the WAL keeps every commit); the writer's own automatic
  // checkpoint is the backstop if this thread stops keeping up.
  worker.on('message', (m: { error?: string }) => m.error && options.logger.warn({ err: m.error }, 'WAL checkpoint failed'));
  worker.on('error', (err) => options.logger.error({ err }, 'WAL checkpointer thread failed'));
  return {
    async close() {
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
