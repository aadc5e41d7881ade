import type { Kysely, Transaction } from 'kysely';
import type { BatchEntry } from '../db/batch.js';
import { isRetryableTransactionError } from '../db/errors.js';
import type { DB } from '../db/schema.js';
import type { EventBus } from './bus.js';
import type { EventLog, LogEvent, PendingEvent } from './event-log.js';

export type Emit = (event: PendingEvent) => void;
/** Writes whose results are not needed: they run last, with the event log append and the commit. */
export type Defer = (...queries: BatchEntry[]) => void;
export type WriteFn<T> = (tx: Transaction<DB>, emit: Emit, defer: Defer) => Promise<T>;

const MAX_ATTEMPTS = 4;

/**
 * Runs a writing transaction whose events are logged in the same commit and published only after
 * it. Every change that clients hear about goes through here.
 */
export class Writer {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: EventLog,
    private readonly bus: EventBus,
  ) {}

  async write<T>(fn: WriteFn<T>): Promise<T> {
    this.inFlight++;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(fn);
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
        }
      }
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves when no write is in progress (graceful shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async attempt<T>(fn: WriteFn<T>): Promise<T> {
    const pending: PendingEvent[] = [];
    const deferred: BatchEntry[] = [];
    let logged: LogEvent[] = [];
    const result = await this.db.transaction().execute(async (tx) => {
      const value = await fn(
        tx,
        (event) => pending.push(event),
        (...queries) => deferred.push(...queries),
      );
      logged = await this.log.append(tx, pending, Date.now(), deferred);
      return value;
    });
    this.bus.publish(logged);
    return result;
  }
}
