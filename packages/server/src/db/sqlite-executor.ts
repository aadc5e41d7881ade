/**
 * What the SQLite writer connection is asked to do: statements run in order, optionally opening
 * the transaction before them and committing it after them, all in one call.
 */
export interface ExecutorRequest {
  statements: readonly ExecutorStatement[];
  begin?: boolean;
  commit?: boolean;
}

/** One statement, or one prepared statement run once per row of `each`. */
export type ExecutorStatement = { sql: string; params: readonly unknown[]; each?: undefined } | { sql: string; each: readonly (readonly unknown[])[] };

export interface StatementResult {
  rows: unknown[];
  changes?: number;
  insertId?: number;
}

/** `committed`: the request ended with its changes committed (a COMMIT, or a write outside a transaction). */
export type ExecutorReply = { results: StatementResult[]; committed: boolean; error?: undefined } | { results?: undefined; error: { message: string; code?: string } };

interface PreparedStatement {
  reader: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params?: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface Connection {
  prepare(sql: string): PreparedStatement;
  readonly inTransaction: boolean;
}

/**
 * Runs requests on one better-sqlite3 connection, keeping the most recently used prepared
 * statements. Self-contained on purpose (no imports, no closures over module state but
 * `statementCache`, which is self-contained too): the writer thread runs these very functions from
 * their source text, so the inline and threaded writers share one implementation.
 */
export function sqliteExecutor(db: Connection, statementCacheSize: number): (request: ExecutorRequest) => ExecutorReply {
  const prepare = statementCache((sql) => db.prepare(sql), statementCacheSize);
  function runOne(stmt: PreparedStatement, params: readonly unknown[]): StatementResult {
    if (stmt.reader) return { rows: stmt.all(params) };
    const r = stmt.run(params);
    return { rows: [], changes: r.changes, insertId: Number(r.lastInsertRowid) };
  }
  // One prepared statement, once per row of parameters: rows in order, changes summed.
  function runEach(stmt: PreparedStatement, each: readonly (readonly unknown[])[]): StatementResult {
    if (stmt.reader) {
      const rows: unknown[] = [];
      for (const params of each) for (const row of stmt.all(params)) rows.push(row);
      return { rows };
    }
    let changes = 0;
    for (const params of each) changes += stmt.run(params).changes;
    return { rows: [], changes };
  }
  return (request) => {
    try {
      if (request.begin) prepare('begin immediate').run();
      let wrote = request.commit === true;
      const results = request.statements.map((s) => {
        const stmt = prepare(s.sql);
        if (!stmt.reader) wrote = true;
        return s.each ? runEach(stmt, s.each) : runOne(stmt, s.params);
      });
      if (request.commit) prepare('commit').run();
      return { results, committed: wrote && !db.inTransaction };
    } catch (e) {
      const err = e as { message: string; code?: string };
      return { error: { message: err.message, code: err.code } };
    }
  };
}

/**
 * Prepared statements by SQL text, the least recently used dropped past `size`. A hit only stamps
 * its entry: moving it to the end of a Map on every use allocated a new hash table every few
 * dozen statements, which the send path runs thousands of times a second. Self-contained (see
 * `sqliteExecutor`).
 */
export function statementCache<S>(create: (sql: string) => S, size: number): (sql: string) => S {
  const entries = new Map<string, { stmt: S; used: number }>();
  let clock = 0;
  return (sql) => {
    const hit = entries.get(sql);
    if (hit) {
      hit.used = ++clock;
      return hit.stmt;
    }
    if (entries.size >= size) {
      let oldest = '';
      let oldestUse = Infinity;
      for (const [key, entry] of entries) {
        if (entry.used < oldestUse) {
          oldest = key;
          oldestUse = entry.used;
        }
      }
      entries.delete(oldest);
    }
    const stmt = create(sql);
    entries.set(sql, { stmt, used: ++clock });
    return stmt;
  };
}
