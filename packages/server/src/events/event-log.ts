import type { DurableEventPayloads, DurableEventType } from '@parley/protocol';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, EventRow } from '../db/schema.js';

/** A committed event with its position, ready to send: `frame` is the exact JSON every recipient gets. */
export interface LogEvent {
  pos: number;
  type: DurableEventType;
  conversationId: string | null;
  /** Users who become members with this event. */
  addedUserIds: readonly string[] | null;
  /** The user who stops being a member with this event. */
  removedUserId: string | null;
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
  };
}[DurableEventType];

const INSERT_CHUNK = 500;

/** `{"type":...}` plus a position gives the frame `{"pos":N,"type":...}`. */
export function frameWithPos(payloadJson: string, pos: number): string {
  return `{"pos":${pos},${payloadJson.slice(1)}`;
}

function toLogEvent(row: EventRow): LogEvent {
  return {
    pos: row.pos,
    type: row.type as DurableEventType,
    conversationId: row.conversation_id,
    addedUserIds: row.added_user_ids ? (JSON.parse(row.added_user_ids) as string[]) : null,
    removedUserId: row.removed_user_id,
    frame: frameWithPos(row.payload, row.pos),
    createdAt: row.created_at,
  };
}

/**
 * The durable, totally ordered log of events. Positions are gap-free: they come from one counter
 * row that each writing transaction updates last, so commits take positions in commit order, even
 * when several server processes share one PostgreSQL.
 */
export class EventLog {
  constructor(private readonly db: Kysely<DB>) {}

  /** Assigns positions and stores the events; call last in the transaction (it locks the counter). */
  async append(tx: Transaction<DB>, pending: readonly PendingEvent[], now: number): Promise<LogEvent[]> {
    if (pending.length === 0) return [];
    const head = await tx
      .updateTable('event_head')
      .set((eb) => ({ pos: eb('pos', '+', pending.length) }))
      .where('id', '=', 1)
      .returning('pos')
      .executeTakeFirstOrThrow();
    const first = head.pos - pending.length + 1;
    const rows = pending.map((e, i) => ({
      pos: first + i,
      type: e.type,
      conversation_id: e.conversationId,
      payload: JSON.stringify({ type: e.type, ...e.payload }),
      added_user_ids: e.addedUserIds?.length ? JSON.stringify(e.addedUserIds) : null,
      removed_user_id: e.removedUserId ?? null,
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx.insertInto('events').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    }
    return rows.map(toLogEvent);
  }

  async head(): Promise<{ pos: number; prunedPos: number }> {
    const row = await this.db.selectFrom('event_head').select(['pos', 'pruned_pos']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { pos: row.pos, prunedPos: row.pruned_pos };
  }

  /** Events with after < pos <= upTo, in order (used to fill a gap in what the bus delivered). */
  async readRange(after: number, upTo: number): Promise<LogEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('pos', '>', after)
      .where('pos', '<=', upTo)
      .orderBy('pos')
      .execute();
    return rows.map(toLogEvent);
  }

  /**
   * Events after a position that this user may see: those of conversations they are a member of
   * now, and the event that removed them from one.
   */
  async readForUser(userId: string, after: number, limit: number): Promise<LogEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('pos', '>', after)
      .where((eb) =>
        eb.or([
          eb('conversation_id', 'in', eb.selectFrom('members').select('conversation_id').where('user_id', '=', userId)),
          eb('removed_user_id', '=', userId),
        ]),
      )
      .orderBy('pos')
      .limit(limit)
      .execute();
    return rows.map(toLogEvent);
  }

  /** Deletes events older than the cutoff; clients behind the new horizon must resync. */
  async prune(createdBefore: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const newest = await tx
        .selectFrom('events')
        .select((eb) => eb.fn.max('pos').as('pos'))
        .where('created_at', '<', createdBefore)
        .executeTakeFirst();
      const upTo = newest?.pos ?? null;
      if (upTo === null) return 0;
      const result = await tx.deleteFrom('events').where('pos', '<=', upTo).executeTakeFirst();
      await tx
        .updateTable('event_head')
        .set({ pruned_pos: sql<number>`case when pruned_pos < ${upTo} then ${upTo} else pruned_pos end` })
        .where('id', '=', 1)
        .execute();
      return Number(result.numDeletedRows);
    });
  }
}
