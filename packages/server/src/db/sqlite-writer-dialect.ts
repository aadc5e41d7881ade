import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { WalSync } from './wal-sync.js';
import { sqliteExecutor, statementCache, type ExecutorReply, type ExecutorRequest, type ExecutorStatement, type StatementResult } from './sqlite-executor.js';

/**
 * Where the writer connection runs. `thread`: on a worker thread, so a commit's fsync does not
 * stop the event loop, which keeps serving sockets meanwhile; each batch then costs a hand-off
 * between threads. `inline`: on the event loop itself, with no hand-offs, which is cheaper when
 * the process has a single core to run on (the thread would only take turns with it).
 */
export type WriterPlacement = 'thread' | 'inline';

export interface SqliteWriterOptions {
  file: string;
  pragmas: readonly string[];
  /** Prepared statements kept per connection. */
  statementCacheSize: number;
  placement: WriterPlacement;
}

/** The SQL text that marks a batch: its parameters are the statements to run in one round trip. */
export const BATCH_MARKER = '/* parley batch */';
/** A batch that also commits the transaction when every statement succeeded. */
export const BATCH_COMMIT_MARKER = '/* parley batch, then commit */';

export type BatchStatement = ExecutorStatement;

/** Carries requests to the writer connection and brings back its replies. */
interface Transport {
  send(request: ExecutorRequest): Promise<ExecutorReply>;
  close(): Promise<void>;
}

function openConnection(options: SqliteWriterOptions, Database: typeof SqliteDatabase) {
  const db = new Database(options.file);
  for (const pragma of options.pragmas) db.pragma(pragma);
  return db;
}

function inlineTransport(options: SqliteWriterOptions): Transport {
  const db = openConnection(options, SqliteDatabase);
  const execute = sqliteExecutor(db, options.statementCacheSize);
  return {
    send: async (request) => execute(request),
    close: async () => void db.close(),
  };
}

/**
 * The writer thread's program: the same executor, from its source text, run with `eval`, so it
 * works the same from the built server and from TypeScript sources under test.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.options.file);
for (const pragma of workerData.options.pragmas) db.pragma(pragma);
const statementCache = (${statementCache.toString()});
const execute = (${sqliteExecutor.toString()})(db, workerData.options.statementCacheSize);
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.postMessage({ id: m.id, results: [] });
    return;
  }
  parentPort.postMessage({ id: m.id, ...execute(m) });
});
parentPort.postMessage({ ready: true });
`;

async function threadTransport(options: SqliteWriterOptions): Promise<Transport> {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { options, driverPath } });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  const pending = new Map<number, { resolve(reply: ExecutorReply): void; reject(err: Error): void }>();
  let nextId = 1;
  let running = true;
  const failAll = (err: Error) => {
    running = false;
    for (const waiter of pending.values()) waiter.reject(err);
    pending.clear();
  };
  worker.on('message', (reply: ExecutorReply & { id: number }) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    waiter.resolve(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`SQLite writer thread exited (${code})`)));
  const post = (message: object) => {
    if (!running) return Promise.reject(new Error('SQLite writer thread is not running'));
    const id = nextId++;
    return new Promise<ExecutorReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };
  return {
    send: (request) => post(request),
    async close() {
      await post({ close: true });
      running = false;
      await worker.terminate();
    },
  };
}

/**
 * Kysely dialect for the SQLite writer connection (see `WriterPlacement`). Batches (`db/batch.ts`)
 * reach it as one request, BEGIN travels with the transaction's first statements and COMMIT can
 * travel with its last ones, so a group commit costs few round trips.
 */
export class SqliteWriterDialect implements Dialect {
  constructor(
    private readonly options: SqliteWriterOptions,
    /** With `synchronous = NORMAL`: each commit is answered once this has put it on disk. */
    private readonly walSync: WalSync | null = null,
  ) {}

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new SqliteWriterDriver(this.options, this.walSync);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class SqliteWriterDriver implements Driver {
  private transport: Transport | null = null;
  private readonly connection: DatabaseConnection = {
    executeQuery: <R>(query: CompiledQuery) => this.execute<R>(query),
    streamQuery: () => {
      throw new Error('streaming is not supported by the SQLite writer');
    },
  };
  // One connection: transactions take turns.
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;
  /** BEGIN travels with the transaction's first statement, saving a round trip. */
  private beginPending = false;
  /** The transaction's last batch committed it: Kysely's COMMIT has nothing left to do. */
  private committed = false;

  constructor(
    private readonly options: SqliteWriterOptions,
    private readonly walSync: WalSync | null,
  ) {}

  async init(): Promise<void> {
    this.transport = this.options.placement === 'thread' ? await threadTransport(this.options) : inlineTransport(this.options);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => (release = r));
    await previous;
    this.release = release;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = null;
    release?.();
  }

  async beginTransaction(): Promise<void> {
    this.beginPending = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.takeBegin() || this.takeCommitted()) return;
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.committed = false;
    if (this.takeBegin()) return;
    // After a failed statement or COMMIT, SQLite may already have rolled back: nothing to undo then.
    await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
  }

  private takeCommitted(): boolean {
    const committed = this.committed;
    this.committed = false;
    return committed;
  }

  async destroy(): Promise<void> {
    const transport = this.transport;
    this.transport = null;
    await transport?.close();
  }

  /** True if the transaction never started (no statement ran): there is nothing to end. */
  private takeBegin(): boolean {
    const pending = this.beginPending;
    this.beginPending = false;
    return pending;
  }

  private async execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.transport) throw new Error('the SQLite writer is closed');
    const commit = query.sql === BATCH_COMMIT_MARKER;
    const batch = commit || query.sql === BATCH_MARKER;
    const statements = batch ? (query.parameters as BatchStatement[]) : [{ sql: query.sql, params: query.parameters }];
    const reply = await this.transport.send({ statements, begin: this.takeBegin(), commit });
    if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    if (commit) this.committed = true;
    // Still holding the connection: the next transaction starts once this one is durable, with
    // whatever arrived meanwhile (the event loop keeps serving sockets during the sync).
    if (reply.committed && this.walSync) await this.walSync.sync();
    if (batch) return { rows: reply.results.map(toQueryResult) as R[] };
    return toQueryResult(reply.results[0]!) as QueryResult<R>;
  }
}

function toQueryResult(result: StatementResult): QueryResult<unknown> {
  if (result.changes === undefined) return { rows: result.rows };
  return {
    rows: result.rows,
    numAffectedRows: BigInt(result.changes),
    insertId: result.insertId !== undefined ? BigInt(result.insertId) : undefined,
  };
}

/** A better-sqlite3 database whose prepared statements are reused, for Kysely's own SqliteDialect. */
export function withStatementCache<S, D extends { prepare(sql: string): S; close(): unknown }>(db: D, size: number): { prepare(sql: string): S; close(): unknown } {
  return { prepare: statementCache((sql) => db.prepare(sql), size), close: () => db.close() };
}
