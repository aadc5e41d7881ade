import type { Kysely } from 'kysely';
import type { DB, MessageFields, MessageRow } from '../db/schema.js';
import { presentMessage } from './message.presenter.js';

/** A row whose `json` column says what the rest of it says. */
export function withJson(row: MessageFields): MessageRow {
  return rowWithJson(row, JSON.stringify(presentMessage(row)));
}

/**
 * The columns and the `json` given, written out one by one on purpose: on Node 20 (V8 11.3) every
 * object made as `{ ...row, json }` (a spread, then a property the source lacks) gets a map of its
 * own, and those maps keep young objects alive through scavenges. On the send path that promoted
 * about 1 KB per message to the old generation: longer scavenges, and a full collection every
 * few seconds of load (see docs/benchmarks.md).
 */
export function rowWithJson(f: MessageFields, json: string): MessageRow {
  return {
    id: f.id,
    conversation_id: f.conversation_id,
    seq: f.seq,
    sender_id: f.sender_id,
    client_id: f.client_id,
    text: f.text,
    reply_to: f.reply_to,
    reply_count: f.reply_count,
    last_reply_at: f.last_reply_at,
    mentions: f.mentions,
    mentions_channel: f.mentions_channel,
    reactions: f.reactions,
    attachments: f.attachments,
    previews: f.previews,
    created_at: f.created_at,
    edited_at: f.edited_at,
    deleted_at: f.deleted_at,
    json,
  };
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
