import { execFile } from 'node:child_process';
import os from 'node:os';

/**
 * Source text for a worker thread to learn its own Linux thread id (null elsewhere), for
 * `yieldToEventLoop`. Worker threads have no API for it; `/proc/thread-self` names it.
 */
export const THREAD_ID_SOURCE = `(() => {
  try {
    return Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) || null;
  } catch {
    return null;
  }
})()`;

/**
 * Runs a housekeeping thread only when the CPU has nothing else to do. Where the server shares a
 * core with its own threads (a one-core machine, a pinned process), the scheduler otherwise lets a
 * woken background thread finish its time slice before the event loop gets the core back: every
 * send waits milliseconds behind a WAL copy. Linux's SCHED_IDLE policy hands the core back to the
 * event loop at once; where `chrt` is missing, the lowest nice value is the next best. Best effort:
 * on failure the thread keeps its normal priority, which is only slower.
 */
export function yieldToEventLoop(threadId: number | null, onFailure: (err: unknown) => void): Promise<void> {
  if (threadId === null || process.platform !== 'linux') return Promise.resolve();
  return new Promise((resolve) => {
    execFile('chrt', ['--idle', '--pid', '0', String(threadId)], (err) => {
      if (err) {
        try {
          os.setPriority(threadId, 19);
        } catch (niceErr) {
          onFailure(niceErr);
        }
      }
      resolve();
    });
  });
}
