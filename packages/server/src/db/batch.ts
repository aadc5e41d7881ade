import { CompiledQuery, type Compilable, type QueryResult, type Transaction } from 'kysely';
import type { Dialect } from './database.js';
import type { DB } from './schema.js';
import { BATCH_COMMIT_MARKER, BATCH_MARKER, type BatchStatement } from './sqlite-worker-dialect.js';

/**
 * Runs statements in order inside a transaction and returns each one's result. On SQLite they
 * travel to the writer thread together (one round trip); on PostgreSQL they run one after another.
 * Entries that are null are skipped (their result is null), so callers can leave out empty work.
 * With `commitAfter` (the transaction's last statements), SQLite also commits in the same round
 * trip; elsewhere the transaction commits as usual when it ends.
 */
export async function executeBatch(
  tx: Transaction<DB>,
  dialect: Dialect,
  queries: readonly (Compilable | null)[],
  options: { commitAfter?: boolean } = {},
): Promise<(QueryResult<unknown> | null)[]> {
  const compiled = queries.map((q) => q?.compile() ?? null);
  const present = compiled.filter((c): c is CompiledQuery => c !== null);
  let results: QueryResult<unknown>[];
  if (present.length === 0) {
    results = [];
  } else if (dialect === 'sqlite') {
    const statements: BatchStatement[] = present.map((c) => ({ sql: c.sql, params: c.parameters }));
    const marker = options.commitAfter ? BATCH_COMMIT_MARKER : BATCH_MARKER;
    results = (await tx.executeQuery(CompiledQuery.raw(marker, statements as unknown[]))).rows as QueryResult<unknown>[];
  } else {
    results = [];
    for (const c of present) results.push(await tx.executeQuery(c));
  }
  let next = 0;
  return compiled.map((c) => (c === null ? null : results[next++]!));
}

/** The rows of a batch entry (none when it was skipped). */
export function rowsOf<R>(result: QueryResult<unknown> | null | undefined): R[] {
  return (result?.rows ?? []) as R[];
}
