import type { Membership, ReceiptList } from '@parley/protocol';
import type { Kysely } from 'kysely';
import { requireMember } from '../conversations/access.js';
import { presentMembership } from '../conversations/conversation.presenter.js';
import { findMember } from '../conversations/conversations.repository.js';
import { executeBatch } from '../db/batch.js';
import type { Dialect } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { Writer } from '../events/writer.js';

const DELIVERED_FLUSH_MS = 200;

type Delivery = { conversationId: string; userId: string; seq: number };

/**
 * Read positions (explicit, durable when answered) and delivery positions (reported by devices for
 * every message they receive, so they are coalesced: the highest seq per member is written a few
 * times a second, in one transaction).
 */
export class ReceiptsService {
  private pending = new Map<string, Delivery>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly writer: Writer,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Moves the read position forward (never back, never past the last message). */
  /** Answers with the reader's own membership (theirs alone to see). */
  async markRead(conversationId: string, userId: string, seq: number): Promise<Membership> {
    return this.writer.write(async (tx, emit) => {
      const m = await requireMember(tx, conversationId, userId);
      const target = Math.min(seq, m.conversation.last_seq);
      // Conditional, so concurrent marks cannot move the position back.
      const row = await tx
        .updateTable('members')
        .set({ read_seq: target })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', target)
        .returningAll()
        .executeTakeFirst();
      if (!row) return presentMembership((await findMember(tx, conversationId, userId)) ?? m.member);
      emit({ type: 'read', conversationId, payload: { conversationId, userId, seq: target } });
      return presentMembership(row);
    });
  }

  /** Checks membership, then records delivery like a socket report. */
  async markDelivered(conversationId: string, userId: string, seq: number): Promise<void> {
    await requireMember(this.reader, conversationId, userId);
    this.reportDelivered(conversationId, userId, seq);
  }

  /** Non-members' reports match no member row and are dropped at flush. */
  reportDelivered(conversationId: string, userId: string, seq: number): void {
    const key = `${conversationId}:${userId}`;
    const prev = this.pending.get(key);
    if (prev && prev.seq >= seq) return;
    this.pending.set(key, { conversationId, userId, seq });
    this.timer ??= setTimeout(() => void this.flush(), DELIVERED_FLUSH_MS);
  }

  /** Writes pending delivery positions now (also on shutdown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()].sort((a, b) =>
      a.conversationId === b.conversationId ? (a.userId < b.userId ? -1 : 1) : a.conversationId < b.conversationId ? -1 : 1,
    );
    this.pending.clear();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.writer
        .write(async (tx, emit) => {
          const conversations = await tx
            .selectFrom('conversations')
            .select(['id', 'last_seq'])
            .where('id', 'in', [...new Set(batch.map((b) => b.conversationId))])
            .execute();
          const lastSeqs = new Map(conversations.map((c) => [c.id, c.last_seq]));
          const targets = batch.map((b) => ({ ...b, seq: Math.min(b.seq, lastSeqs.get(b.conversationId) ?? 0) }));
          const results = await executeBatch(
            tx,
            this.dialect,
            targets.map((b) =>
              tx
                .updateTable('members')
                .set({ delivered_seq: b.seq })
                .where('conversation_id', '=', b.conversationId)
                .where('user_id', '=', b.userId)
                .where('delivered_seq', '<', b.seq),
            ),
          );
          targets.forEach((b, i) => {
            if (!(Number(results[i]?.numAffectedRows ?? 0) > 0)) return;
            emit({ type: 'delivered', conversationId: b.conversationId, payload: { conversationId: b.conversationId, userId: b.userId, seq: b.seq } });
          });
        })
        .catch(this.onError),
    );
    return this.flushing;
  }

  async receipts(conversationId: string, userId: string): Promise<ReceiptList> {
    await requireMember(this.reader, conversationId, userId);
    const rows = await this.reader
      .selectFrom('members')
      .select(['user_id', 'read_seq', 'delivered_seq'])
      .where('conversation_id', '=', conversationId)
      .orderBy('user_id')
      .execute();
    return {
      receipts: rows.map((r) => ({ userId: r.user_id, readSeq: r.read_seq, deliveredSeq: Math.max(r.delivered_seq, r.read_seq) })),
    };
  }
}
