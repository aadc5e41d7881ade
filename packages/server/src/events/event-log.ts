import type { DurableEventPayloads, DurableEventType } from '@parley/protocol';
import { sql, type Compilable, type Kysely, type Transaction } from 'kysely';
import { executeBatch, rowsOf, type BatchEntry } from '../db/batch.js';
import { perRow, Statement } from '../db/statement.js';
import type { Dialect } from '../db/database.js';
import type { DB, EventRow } from '../db/schema.js';
import { chunks } from '../lib/chunks.js';

/** A committed event with its position, ready to send: `frame` is the exact JSON every recipient gets. */
export interface LogEvent {
  pos: number;
  type: DurableEventType;
  conversationId: string | null;
  /** Users who become members with this event. */
  addedUserIds: readonly string[] | null;
  /** The user who stops being a member with this event. */
  removedUserId: string | null;
  /** The only user who receives this event (their private settings); null: every member. */
  recipientId: string | null;
  frame: string;
  createdAt: number;
}

/** An event emitted inside a writing transaction, before it has a position. */
export type PendingEvent = {
  [K in DurableEventType]: {
    type: K;
    payload: DurableEventPayloads[K];
    conversationId: string | null;
    addedUserIds?: readonly string[];
    removedUserId?: string;
    /** Address the event to this member alone (their own private settings). */
    recipientId?: string;
    /** `{type, ...payload}` already serialised, when the caller has it (a message's stored JSON spliced in). */
    json?: string;
  };
}[DurableEventType];

const INSERT_CHUNK = 500;

type EventInsert = Omit<EventRow, 'pos'> & { offset: number };

const advanceHead = new Statement<{ n: number }>((db, p) =>
  db.updateTable('event_head').set((eb) => ({ pos: eb('pos', '+', p.n) })).where('id', '=', 1).returning('pos'),
);

/** The columns of an event to insert: its position is `offset` below the counter just moved. */
function eventValues(row: EventInsert) {
  return {
    type: row.type,
    conversation_id: row.conversation_id,
    payload: row.payload,
    added_user_ids: row.added_user_ids,
    removed_user_id: row.removed_user_id,
    recipient_id: row.recipient_id,
    created_at: row.created_at,
    pos: sql<number>`(select pos from event_head where id = 1) - ${row.offset}`,
  };
}

// Each row takes its position from the counter just moved, in the same transaction.
const insertEvent = new Statement<EventInsert>((db, p) => db.insertInto('events').values(eventValues(p)));


/** `{"type":...}` plus a position gives the frame `{"pos":N,"type":...}`. */
export function frameWithPos(payloadJson: string, pos: number): string {
  return `{"pos":${pos},${payloadJson.slice(1)}`;
}

/** Takes the position apart from the row: `{ ...row, pos }` would cost a map per event (see `rowWithJson`). */
function toLogEvent(row: Omit<EventRow, 'pos'>, pos: number): LogEvent {
  return {
    pos,
    type: row.type as DurableEventType,
    conversationId: row.conversation_id,
    addedUserIds: row.added_user_ids ? (JSON.parse(row.added_user_ids) as string[]) : null,
    removedUserId: row.removed_user_id,
    recipientId: row.recipient_id,
    frame: frameWithPos(row.payload, pos),
    createdAt: row.created_at,
  };
}

/**
 * The durable, totally ordered log of events. Positions are gap-free: they come from one counter
 * row that each writing transaction updates last, so commits take positions in commit order, even
 * when several server processes share one PostgreSQL.
 */
export class EventLog {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Assigns positions and stores the events, after the `before` statements; call last in the
   * transaction (it locks the counter, and on SQLite it commits in the same round trip). Each row
   * takes its position from the counter just updated, in the same transaction.
   */
  async append(tx: Transaction<DB>, pending: readonly PendingEvent[], now: number, before: readonly BatchEntry[] = []): Promise<LogEvent[]> {
    const n = pending.length;
    if (n === 0) {
      if (before.length > 0) await executeBatch(tx, this.dialect, before, { commitAfter: true });
      return [];
    }
    const rows: EventInsert[] = pending.map((e, i) => ({
      offset: n - 1 - i,
      type: e.type,
      conversation_id: e.conversationId,
      payload: e.json ?? JSON.stringify({ type: e.type, ...e.payload }),
      added_user_ids: e.addedUserIds?.length ? JSON.stringify(e.addedUserIds) : null,
      removed_user_id: e.removedUserId ?? null,
      recipient_id: e.recipientId ?? null,
      created_at: now,
    }));
    const results = await executeBatch(
      tx,
      this.dialect,
      [
        ...before,
        advanceHead.rows([{ n }]),
        ...chunks(rows, INSERT_CHUNK).map((chunk) =>
          perRow(this.dialect, insertEvent, chunk, () =>
            tx.insertInto('events').values(chunk.map(eventValues)),
          ),
        ),
      ],
      { commitAfter: true },
    );
    const head = results[before.length];
    const first = rowsOf<{ pos: number }>(head)[0]!.pos - n + 1;
    return rows.map((row, i) => toLogEvent(row, first + i));
  }

  async head(): Promise<{ pos: number; prunedPos: number }> {
    const row = await this.reader.selectFrom('event_head').select(['pos', 'pruned_pos']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { pos: row.pos, prunedPos: row.pruned_pos };
  }

  /** Events with after < pos <= upTo, in order (used to fill a gap in what the bus delivered). */
  async readRange(after: number, upTo: number): Promise<LogEvent[]> {
    const rows = await this.reader
      .selectFrom('events')
      .selectAll()
      .where('pos', '>', after)
      .where('pos', '<=', upTo)
      .orderBy('pos')
      .execute();
    return rows.map((row) => toLogEvent(row, row.pos));
  }

  /**
   * Events after a position that this user may see: those of conversations they are a member of
   * now, and the event that removed them from one; of events addressed to one user, only theirs.
   */
  async readForUser(userId: string, after: number, limit: number): Promise<LogEvent[]> {
    const rows = await this.reader
      .selectFrom('events')
      .selectAll()
      .where('pos', '>', after)
      .where((eb) =>
        eb.or([
          eb('conversation_id', 'in', eb.selectFrom('members').select('conversation_id').where('user_id', '=', userId)),
          eb('removed_user_id', '=', userId),
        ]),
      )
      .where((eb) => eb.or([eb('recipient_id', 'is', null), eb('recipient_id', '=', userId)]))
      .orderBy('pos')
      .limit(limit)
      .execute();
    return rows.map((row) => toLogEvent(row, row.pos));
  }

  /**
   * Deletes events older than the cutoff; clients behind the new horizon must resync. Positions
   * follow time, so the cutoff position is found by bisection on the primary key, and deletion
   * runs in chunks so no transaction holds the writer long.
   */
  async prune(createdBefore: number): Promise<number> {
    const { pos: head, prunedPos } = await this.head();
    let lo = prunedPos;
    let hi = head;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const row = await this.reader.selectFrom('events').select('created_at').where('pos', '>=', mid).orderBy('pos').limit(1).executeTakeFirst();
      if (row && row.created_at < createdBefore) lo = mid;
      else hi = mid - 1;
    }
    let deleted = 0;
    for (let from = prunedPos; from < lo; from += PRUNE_CHUNK) {
      const upTo = Math.min(lo, from + PRUNE_CHUNK);
      deleted += await this.db.transaction().execute(async (tx) => {
        const result = await tx.deleteFrom('events').where('pos', '<=', upTo).executeTakeFirst();
        await tx
          .updateTable('event_head')
          .set({ pruned_pos: sql<number>`case when pruned_pos < ${upTo} then ${upTo} else pruned_pos end` })
          .where('id', '=', 1)
          .execute();
        return Number(result.numDeletedRows);
      });
    }
    return deleted;
  }
}

const PRUNE_CHUNK = 10_000;
