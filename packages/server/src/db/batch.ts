import { CompiledQuery, type Compilable, type QueryResult, type Transaction } from 'kysely';
import type { Dialect } from './database.js';
import type { DB } from './schema.js';
import { BATCH_COMMIT_MARKER, BATCH_MARKER, type BatchStatement } from './sqlite-writer-dialect.js';
import { isRowsEntry, type RowsEntry } from './statement.js';

/** A query, a prepared statement with its parameter rows, or nothing (skipped). */
export type BatchEntry = Compilable | RowsEntry | null;

/**
 * Runs statements in order inside a transaction and returns each one's result. On SQLite they
 * travel to the writer thread together (one round trip); on PostgreSQL they run one after another.
 * Entries that are null are skipped (their result is null), so callers can leave out empty work.
 * A `Statement`'s rows run one after another and give one result: their rows in order and their
 * affected-row counts summed. With `commitAfter` (the transaction's last statements), SQLite also
 * commits in the same round trip; elsewhere the transaction commits as usual when it ends.
 */
export async function executeBatch(
  tx: Transaction<DB>,
  dialect: Dialect,
  entries: readonly BatchEntry[],
  options: { commitAfter?: boolean } = {},
): Promise<(QueryResult<unknown> | null)[]> {
  const statements: (BatchStatement | null)[] = entries.map((entry) => {
    if (entry === null) return null;
    if (isRowsEntry(entry)) {
      if (entry.rows.length === 0) return null;
      const { sql, params } = entry.statement.bind(tx, entry.rows);
      return { sql, each: params };
    }
    const compiled = entry.compile();
    return { sql: compiled.sql, params: compiled.parameters };
  });
  const present = statements.filter((s): s is BatchStatement => s !== null);
  let results: QueryResult<unknown>[];
  if (present.length === 0) {
    results = [];
  } else if (dialect === 'sqlite') {
    const marker = options.commitAfter ? BATCH_COMMIT_MARKER : BATCH_MARKER;
    results = (await tx.executeQuery(CompiledQuery.raw(marker, present as unknown[]))).rows as QueryResult<unknown>[];
  } else {
    results = [];
    for (const s of present) results.push(s.each ? await runEach(tx, s.sql, s.each) : await tx.executeQuery(CompiledQuery.raw(s.sql, [...s.params])));
  }
  let next = 0;
  return statements.map((s) => (s === null ? null : results[next++]!));
}

async function runEach(tx: Transaction<DB>, sql: string, each: readonly (readonly unknown[])[]): Promise<QueryResult<unknown>> {
  const rows: unknown[] = [];
  let affected = 0n;
  for (const params of each) {
    const result = await tx.executeQuery(CompiledQuery.raw(sql, [...params]));
    rows.push(...result.rows);
    affected += result.numAffectedRows ?? 0n;
  }
  return { rows, numAffectedRows: affected };
}

/** The rows of a batch entry (none when it was skipped). */
export function rowsOf<R>(result: QueryResult<unknown> | null | undefined): R[] {
  return (result?.rows ?? []) as R[];
}
