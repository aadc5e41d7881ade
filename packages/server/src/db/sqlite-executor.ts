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

export type ExecutorReply = { results: StatementResult[]; error?: undefined } | { results?: undefined; error: { message: string; code?: string } };

interface PreparedStatement {
  reader: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params?: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface Connection {
  prepare(sql: string): PreparedStatement;
}

/**
 * Runs requests on one better-sqlite3 connection, keeping the most recently used prepared
 * statements. Self-contained on purpose (no imports, no closures over module state): the writer
 * thread runs this very function from its source text, so the inline and threaded writers share
 * one implementation.
 */
export function sqliteExecutor(db: Connection, statementCacheSize: number): (request: ExecutorRequest) => ExecutorReply {
  const cache = new Map<string, PreparedStatement>();
  function prepare(sql: string): PreparedStatement {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql);
    } else {
      stmt = db.prepare(sql);
      if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, stmt);
    return stmt;
  }
  function runOne(sql: string, params: readonly unknown[]): StatementResult {
    const stmt = prepare(sql);
    if (stmt.reader) return { rows: stmt.all(params) };
    const r = stmt.run(params);
    return { rows: [], changes: r.changes, insertId: Number(r.lastInsertRowid) };
  }
  // One prepared statement, once per row of parameters: rows in order, changes summed.
  function runEach(sql: string, each: readonly (readonly unknown[])[]): StatementResult {
    const stmt = prepare(sql);
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
      const results = request.statements.map((s) => (s.each ? runEach(s.sql, s.each) : runOne(s.sql, s.params)));
      if (request.commit) prepare('commit').run();
      return { results };
    } catch (e) {
      const err = e as { message: string; code?: string };
      return { error: { message: err.message, code: err.code } };
    }
  };
}
