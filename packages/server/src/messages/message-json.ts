import type { Kysely } from 'kysely';
import type { DB, MessageFields, MessageRow } from '../db/schema.js';
import { presentMessage } from './message.presenter.js';

/** A row whose `json` column says what the rest of it says. */
export function withJson(row: MessageFields): MessageRow {
  return { ...row, json: JSON.stringify(presentMessage(row)) };
}

/** The stored JSON of a row, or its presentation when it has none yet. */
export function storedJson(row: MessageRow): string {
  return row.json || JSON.stringify(presentMessage(row));
}

const FILL_CHUNK = 500;

/**
 * Writes `json` for every message that has none (see the migration that added it). Runs at start,
 * before the server takes requests; returns how many rows it filled.
 */
export async function fillMessageJson(db: Kysely<DB>): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await db.selectFrom('messages').selectAll().where('json', '=', '').limit(FILL_CHUNK).execute();
    if (rows.length === 0) return filled;
    await db.transaction().execute(async (tx) => {
      for (const row of rows) await tx.updateTable('messages').set({ json: withJson(row).json }).where('id', '=', row.id).execute();
    });
    filled += rows.length;
  }
}

/** Ids of messages whose stored presentation is filled but differs from their columns (a check for tests). */
export async function staleMessageJson(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('messages').selectAll().where('json', '!=', '').execute();
  return rows.filter((r) => withJson(r).json !== r.json).map((r) => r.id);
}
