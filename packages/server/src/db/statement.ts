import { CompiledQuery, type Compilable, type InferResult, type Kysely } from 'kysely';
import type { Dialect } from './database.js';
import type { DB } from './schema.js';

/** Marks a parameter slot while a statement's template is compiled. */
const SLOT = '\u0000parley-slot:';

type Slot = { name: string } | { value: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
}

/** Rows of parameters for one statement: it runs once per row (see `executeBatch`). */
export interface RowsEntry {
  readonly kind: 'rows';
  readonly statement: Statement<never>;
  readonly rows: readonly object[];
}

/**
 * A query built with Kysely once, then run many times with new parameters: hot paths (a send, a
 * history page) run a few statements each, and building and compiling each query every time
 * would cost more than running it. `build` receives placeholders in place of the parameters;
 * every value it passes to the query must be one of them (or a constant), never a list.
 *
 * @example
 * const touch = new Statement((db, p: { id: string; now: number }) =>
 *   db.updateTable('sessions').set({ last_used_at: p.now }).where('id', '=', p.id));
 * await executeBatch(tx, dialect, [touch.rows([{ id, now }])]);
 * const byId = new Statement((db, p: { id: string }) => db.selectFrom('users').selectAll().where('id', '=', p.id));
 * const [user] = await byId.run(reader, { id }); // typed rows
 */
export class Statement<P extends object, Q extends Compilable = Compilable> {
  /** By the handle's adapter class: one compilation per SQL dialect. */
  private readonly compiled = new Map<unknown, Compiled>();

  constructor(private readonly build: (db: Kysely<DB>, p: P) => Q) {}

  /** The statement once for each of these parameter rows. */
  rows(rows: readonly P[]): RowsEntry {
    return { kind: 'rows', statement: this as unknown as Statement<never>, rows };
  }

  /** Runs it once (outside a batch) and returns its rows. */
  async run(db: Kysely<DB>, params: P): Promise<InferResult<Q>> {
    const { sql, params: [values] } = this.bind(db, [params]);
    return (await db.executeQuery(CompiledQuery.raw(sql, values!))).rows as InferResult<Q>;
  }

  /** SQL text and parameters of each row, for the dialect of `db`. */
  bind(db: Kysely<DB>, rows: readonly object[]): { sql: string; params: unknown[][] } {
    const { sql, slots } = this.compile(db);
    return {
      sql,
      params: rows.map((row) => slots.map((s) => ('name' in s ? ((row as Record<string, unknown>)[s.name] ?? null) : s.value))),
    };
  }

  private compile(db: Kysely<DB>): Compiled {
    const key = db.getExecutor().adapter.constructor;
    let compiled = this.compiled.get(key);
    if (compiled) return compiled;
    const placeholders = new Proxy({}, { get: (_, name) => SLOT + String(name) }) as P;
    const query = this.build(db, placeholders).compile();
    const slots = query.parameters.map((v): Slot => (typeof v === 'string' && v.startsWith(SLOT) ? { name: v.slice(SLOT.length) } : { value: v }));
    compiled = { sql: query.sql, slots };
    this.compiled.set(key, compiled);
    return compiled;
  }
}

export function isRowsEntry(entry: unknown): entry is RowsEntry {
  return (entry as { kind?: unknown } | null)?.kind === 'rows';
}

/**
 * The same work in the form each dialect runs fastest: on SQLite, a prepared statement once per
 * row (all on the writer, in one round trip, with no SQL to parse per batch); on PostgreSQL,
 * where every statement is a network round trip, one query over all the rows.
 */
export function perRow<P extends object>(dialect: Dialect, statement: Statement<P>, rows: readonly P[], allRows: () => Compilable): RowsEntry | Compilable | null {
  if (rows.length === 0) return null;
  return dialect === 'sqlite' ? statement.rows(rows) : allRows();
}
