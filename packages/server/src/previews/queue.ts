export interface WorkQueueOptions<T> {
  /** Items worked on at once. */
  concurrency: number;
  /** Items waiting at most; past it the oldest waiting item is dropped. */
  maxWaiting: number;
  work(item: T): Promise<void>;
  /** An item was dropped because the queue was full. */
  dropped(item: T): void;
  /** `work` rejected (it should handle its own errors; this is the last resort). */
  failed(err: unknown, item: T): void;
}

/**
 * Background work that never grows without bound: at most `concurrency` items run at once and at
 * most `maxWaiting` wait, the oldest dropped first (the newest messages matter most). Items have
 * a key: an item added while another with its key is waiting replaces it, keeping its place.
 *
 * @example
 * const queue = new WorkQueue<Job>({ concurrency: 4, maxWaiting: 500, work: run, dropped: log, failed: log });
 * queue.add(message.id, job);
 */
export class WorkQueue<T> {
  readonly #options: WorkQueueOptions<T>;
  readonly #waiting = new Map<string, T>();
  #running = 0;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions<T>) {
    this.#options = options;
  }

  /** Queues the item (ignored once closed). */
  add(key: string, item: T): void {
    if (this.#closed) return;
    if (!this.#waiting.has(key) && this.#waiting.size >= this.#options.maxWaiting) {
      const [oldestKey, oldest] = this.#waiting.entries().next().value!;
      this.#waiting.delete(oldestKey);
      this.#options.dropped(oldest);
    }
    this.#waiting.set(key, item);
    this.#pump();
  }

  /** Forgets a waiting item (running work is not interrupted). */
  cancel(key: string): void {
    this.#waiting.delete(key);
    this.#settle();
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  get running(): number {
    return this.#running;
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Takes no more items, drops the waiting ones, and resolves once the running ones finish. */
  close(): Promise<void> {
    this.#closed = true;
    this.#waiting.clear();
    return this.idle();
  }

  #pump(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.size > 0) {
      const [key, item] = this.#waiting.entries().next().value!;
      this.#waiting.delete(key);
      this.#running++;
      void this.#run(item);
    }
  }

  async #run(item: T): Promise<void> {
    try {
      await this.#options.work(item);
    } catch (err) {
      this.#options.failed(err, item);
    } finally {
      this.#running--;
      if (!this.#closed) this.#pump();
      this.#settle();
    }
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#waiting.size === 0;
  }

  #settle(): void {
    if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
