import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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

export interface WorkerSqliteOptions {
  file: string;
  pragmas: readonly string[];
  /** Prepared statements kept per connection. */
  statementCacheSize: number;
}

/**
 * The worker's program: one better-sqlite3 connection that runs the statements it is sent, in
 * order, and answers with each one's rows or the first error. Plain JavaScript run with `eval`, so
 * it works the same from the built server and from TypeScript sources under test.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const cache = new Map();
function prepare(sql) {
  let stmt = cache.get(sql);
  if (stmt) {
    cache.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (cache.size >= workerData.statementCacheSize) cache.delete(cache.keys().next().value);
  }
  cache.set(sql, stmt);
  return stmt;
}
function run(sql, params) {
  const stmt = prepare(sql);
  if (stmt.reader) return { rows: stmt.all(params) };
  const r = stmt.run(params);
  return { rows: [], changes: r.changes, insertId: Number(r.lastInsertRowid) };
}
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.postMessage({ id: m.id, results: [] });
    return;
  }
  try {
    if (m.begin) prepare('begin immediate').run();
    const results = m.statements.map((s) => run(s.sql, s.params));
    if (m.commit) prepare('commit').run();
    parentPort.postMessage({ id: m.id, results });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: e.message, code: e.code } });
  }
});
parentPort.postMessage({ ready: true });
`;

interface StatementResult {
  rows: unknown[];
  changes?: number;
  insertId?: number;
}

interface Reply {
  id: number;
  results: StatementResult[];
  error?: { message: string; code?: string };
}

/** The SQL text that marks a batch: its parameters are the statements to run in one round trip. */
export const BATCH_MARKER = '/* parley batch */';
/** A batch that also commits the transaction when every statement succeeded. */
export const BATCH_COMMIT_MARKER = '/* parley batch, then commit */';

export interface BatchStatement {
  sql: string;
  params: readonly unknown[];
}

/**
 * Kysely dialect for a SQLite connection that lives on a worker thread. With synchronous=FULL a
 * commit waits for the disk (and the WAL checkpoints that follow some commits copy pages back into
 * the database file); on the worker that no longer stops the event loop, so sockets are served
 * meanwhile and the sends that arrive are committed together in the next transaction.
 */
export class WorkerSqliteDialect implements Dialect {
  constructor(private readonly options: WorkerSqliteOptions) {}

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new WorkerSqliteDriver(this.options);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class WorkerSqliteDriver implements Driver {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(err: Error): void }>();
  private nextId = 1;
  private readonly connection: DatabaseConnection = {
    executeQuery: <R>(query: CompiledQuery) => this.execute<R>(query),
    streamQuery: () => {
      throw new Error('streaming is not supported by the SQLite worker');
    },
  };
  // One connection: transactions take turns.
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;
  /** BEGIN travels with the transaction's first statement, saving a round trip. */
  private beginPending = false;
  /** The transaction's last batch committed it: Kysely's COMMIT has nothing left to do. */
  private committed = false;

  constructor(private readonly options: WorkerSqliteOptions) {}

  async init(): Promise<void> {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...this.options, driverPath } });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`SQLite worker exited (${code})`)));
    this.worker = worker;
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
    const worker = this.worker;
    if (!worker) return;
    await this.send({ close: true });
    this.worker = null;
    await worker.terminate();
  }

  /** True if the transaction never started (no statement ran): there is nothing to end. */
  private takeBegin(): boolean {
    const pending = this.beginPending;
    this.beginPending = false;
    return pending;
  }

  private async execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const commit = query.sql === BATCH_COMMIT_MARKER;
    const batch = commit || query.sql === BATCH_MARKER;
    const statements = batch ? (query.parameters as BatchStatement[]) : [{ sql: query.sql, params: query.parameters }];
    const reply = await this.send({ statements, begin: this.takeBegin(), commit });
    if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    if (commit) this.committed = true;
    if (batch) return { rows: reply.results.map(toQueryResult) as R[] };
    return toQueryResult(reply.results[0]!) as QueryResult<R>;
  }

  private send(message: Record<string, unknown>): Promise<Reply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('SQLite worker is not running'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
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
  const cache = new Map<string, S>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt !== undefined) cache.delete(sql);
      else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
    close: () => db.close(),
  };
}
