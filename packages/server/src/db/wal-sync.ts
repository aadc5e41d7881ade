import fs from 'node:fs';

export interface WalSyncOptions {
  /** The database file; its WAL is `<file>-wal`. */
  file: string;
  /**
   * Called once if a sync fails: what was committed may not be on disk, and after a failed fsync
   * the kernel may have dropped the dirty pages, so retrying proves nothing. The server stops.
   */
  onFailure(err: Error): void;
  /** For tests: the system call, replaced. */
  fdatasync?: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
}

/**
 * Makes the writer's commits durable without stopping the event loop. The writer commits with
 * `synchronous = NORMAL` (the frames reach the WAL, not yet the disk), then waits here for an
 * `fdatasync` of the WAL on libuv's thread pool, so the event loop reads and answers sockets while
 * the disk works. Every commit that finishes while a sync is running shares the next one, which
 * starts as soon as the running one ends: at most two syncs are ever outstanding.
 *
 * Nothing the server says depends on a commit that is not durable yet: the commit's caller gets
 * its result after `sync()`, readers wait for `whenSynced()`, and events are published after.
 */
export class WalSync {
  readonly #options: WalSyncOptions;
  readonly #fdatasync: NonNullable<WalSyncOptions['fdatasync']>;
  #fd: number | null = null;
  #running: Promise<void> | null = null;
  /** The sync that starts when the running one ends, shared by every commit made meanwhile. */
  #queued: Promise<void> | null = null;
  /** Commits announced by `sync()`, and how many of the first of them are on disk. */
  #requested = 0;
  #synced = 0;
  #failed: Error | null = null;

  constructor(options: WalSyncOptions) {
    this.#options = options;
    this.#fdatasync = options.fdatasync ?? fs.fdatasync;
  }

  /** Resolves once every commit made before this call is on disk. Call right after a commit. */
  sync(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    this.#requested++;
    if (this.#queued) return this.#queued;
    // The running sync may have started before this commit: the one after it covers it for sure.
    if (this.#running) return (this.#queued = this.#running.then(() => this.#start()));
    return this.#start();
  }

  /** Null when every commit is on disk; else resolves once all of them made so far are. */
  whenSynced(): Promise<void> | null {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#synced >= this.#requested) return null;
    return this.#queued ?? this.#running;
  }

  /** Waits for the syncs under way, then closes the descriptor (after SQLite's connections). */
  async close(): Promise<void> {
    await (this.#queued ?? this.#running)?.catch(() => undefined);
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
  }

  #start(): Promise<void> {
    this.#queued = null;
    if (this.#failed) return Promise.reject(this.#failed);
    const covers = this.#requested;
    const run: Promise<void> = new Promise<void>((resolve, reject) => {
      try {
        // Opened at the first sync: the WAL exists once something was committed to it.
        this.#fd ??= fs.openSync(`${this.#options.file}-wal`, 'r');
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.#fdatasync(this.#fd, (err) => (err ? reject(err) : resolve()));
    }).then(
      () => {
        this.#synced = Math.max(this.#synced, covers);
        if (this.#running === run) this.#running = null;
      },
      (err: Error) => {
        if (this.#running === run) this.#running = null;
        if (!this.#failed) {
          this.#failed = err;
          this.#options.onFailure(err);
        }
        throw err;
      },
    );
    this.#running = run;
    return run;
  }
}
