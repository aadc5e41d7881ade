import type { Message } from '@parley/protocol';
import type { Dialect } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Writer } from '../events/writer.js';
import type { ApiError } from '../lib/errors.js';
import { commitSends } from './commit-sends.js';

export interface SendRequest {
  senderId: string;
  conversationId: string;
  clientId: string;
  text: string;
  /** Uploads of the sender to attach, in order. */
  attachmentIds?: readonly string[] | undefined;
  replyTo?: string | undefined;
}

export interface SendResult {
  message: Message;
  /** The message as JSON text (its stored presentation), for answers that splice it in. */
  json: string;
  /** false when the clientId had been used before: this is the original message. */
  created: boolean;
}

interface Pending {
  request: SendRequest;
  receivedAt: number;
  resolve(result: SendResult): void;
  reject(err: unknown): void;
}

export type Outcome = { ok: SendResult } | { error: ApiError };

export interface SendPipelineObserver {
  batchCommitted(size: number, created: number, durationMs: number): void;
  /** From arrival to the event being written to local sockets (publish is synchronous). */
  delivered(latencyMs: number): void;
  /** The messages a batch created, after their sends are resolved: cheap, deferring any real work. */
  created?(messages: readonly Message[]): void;
}

/**
 * Group commit: sends that arrive together are committed in one transaction, and each is answered
 * only after that commit. While a commit is running, new sends queue up for the next one, so the
 * cost of a durable commit is shared by everything that arrived meanwhile.
 */
export class SendPipeline {
  private queue: Pending[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private lastStart = 0;
  private lastSize = 0;

  constructor(
    /** Stores one batch (distinct sends) in one transaction: one outcome per request, in order. */
    private readonly commitBatch: (requests: readonly SendRequest[]) => Promise<Outcome[]>,
    private readonly maxBatch: number,
    /** Under load, a commit starts at least this long after the previous one began (0: never waits). */
    private readonly windowMs: number,
    private readonly observer?: SendPipelineObserver,
  ) {}

  /** The pipeline of this server: batches committed through the writer (see `commitSends`). */
  static durable(writer: Writer, dialect: Dialect, maxBatch: number, windowMs: number, observer?: SendPipelineObserver): SendPipeline {
    return new SendPipeline((requests) => writer.write((tx, emit, defer) => commitSends(tx, emit, defer, requests, dialect)), maxBatch, windowMs, observer);
  }

  send(request: SendRequest): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, receivedAt: performance.now(), resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let every send read in this turn of the event loop join the first batch.
        setImmediate(() => void this.run());
      }
    });
  }

  /** Resolves once every queued send is committed and answered. */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      // Each commit has a fixed cost (an fsync, the log's shared pages), so under load (the last
      // batch had company) the next one gathers what arrives within the window. A lone send, as
      // at low load, never waits.
      const wait = this.lastSize > 1 ? this.lastStart + this.windowMs - performance.now() : 0;
      if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      this.lastStart = performance.now();
      const batch = this.queue.splice(0, this.maxBatch);
      this.lastSize = batch.length;
      await this.commit(batch);
      if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    }
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    // The same (sender, clientId) twice in one batch is one send answered twice.
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = `${p.request.senderId}\u0000${p.request.clientId}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    const requests = [...groups.values()].map((g) => g[0]!.request);
    let outcomes: Outcome[] | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt < 3 && !outcomes; attempt++) {
      try {
        outcomes = await this.commitBatch(requests);
      } catch (err) {
        failure = err;
        // Another node stored one of these clientIds meanwhile: the retry finds it as a replay.
        if (!isUniqueViolation(err)) break;
      }
    }
    const done = performance.now();
    const created: Message[] = [];
    for (const o of outcomes ?? []) if ('ok' in o && o.ok.created) created.push(o.ok.message);
    this.observer?.batchCommitted(batch.length, created.length, done - started);
    if (outcomes) for (const p of batch) this.observer?.delivered(done - p.receivedAt);
    [...groups.values()].forEach((group, i) => {
      const outcome = outcomes?.[i];
      for (const p of group) {
        if (!outcome) p.reject(failure);
        else if ('ok' in outcome) p.resolve(outcome.ok);
        else p.reject(outcome.error);
      }
    });
    if (created.length > 0) this.observer?.created?.(created);
  }
}
