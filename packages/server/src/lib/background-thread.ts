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
 * Runs a housekeeping thread only when the CPU and the disk have nothing else to do. Where the
 * server shares a core with its own threads (a one-core machine, a pinned process), the scheduler
 * otherwise lets a woken background thread finish its time slice before the event loop gets the
 * core back: every send waits milliseconds behind a WAL copy. Linux's SCHED_IDLE policy hands the
 * core back to the event loop at once; where `chrt` is missing, the lowest nice value is the next
 * best. The idle I/O class does the same at the disk (for I/O schedulers that honour it, such as
 * mq-deadline and BFQ): the WAL syncs that answers wait for go before the thread's writes. Best
 * effort: on failure the thread keeps its normal priority, which is only slower.
 */
export async function yieldToEventLoop(threadId: number | null, onFailure: (err: unknown) => void): Promise<void> {
  if (threadId === null || process.platform !== 'linux') return;
  const tid = String(threadId);
  if (!(await run('chrt', ['--idle', '--pid', '0', tid]))) {
    try {
      os.setPriority(threadId, 19);
    } catch (err) {
      onFailure(err);
    }
  }
  if (!(await run('ionice', ['--class', '3', '--pid', tid]))) onFailure(new Error(`ionice could not give thread ${tid} the idle I/O class`));
}

/** True if the command ran and succeeded. */
function run(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, (err) => resolve(!err)));
}
