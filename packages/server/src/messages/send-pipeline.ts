import type { Message } from '@parley/protocol';
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { DB, MessageRow } from '../db/schema.js';
import type { Emit, Writer } from '../events/writer.js';
import { conflict, forbidden, notFound, type ApiError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { presentMessage } from './message.presenter.js';
import { resolveMentions } from './mention-resolver.js';
import { findByClientIds, findMessagesByIds, insertMentions, insertMessages } from './messages.repository.js';

export interface SendRequest {
  senderId: string;
  conversationId: string;
  clientId: string;
  text: string;
  replyTo?: string | undefined;
}

export interface SendResult {
  message: Message;
  /** false when the clientId had been used before: this is the original message. */
  created: boolean;
}

interface Pending {
  request: SendRequest;
  receivedAt: number;
  resolve(result: SendResult): void;
  reject(err: unknown): void;
}

type Outcome = { ok: SendResult } | { error: ApiError };

export interface SendPipelineObserver {
  batchCommitted(size: number, created: number, durationMs: number): void;
  /** From arrival to the event being written to local sockets (publish is synchronous). */
  delivered(latencyMs: number): void;
}

/**
 * Group commit: sends that arrive together are committed in one transaction, and each is answered
 * only after that commit. While a commit is running, new sends queue up for the next one, so the
 * cost of a durable commit is shared by everything that arrived meanwhile.
 */
export class SendPipeline {
  private queue: Pending[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly writer: Writer,
    private readonly maxBatch: number,
    /**
     * Lock the senders' rows first (PostgreSQL, where several servers may commit at once), so a
     * clientId sent to two servers together is found by whichever commits second. SQLite has a
     * single writer and needs no lock.
     */
    private readonly lockSenders: boolean,
    private readonly observer?: SendPipelineObserver,
  ) {}

  send(request: SendRequest): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, receivedAt: performance.now(), resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let every send read in this turn of the event loop join the first batch.
        setImmediate(() => void this.run());
      }
    });
  }

  /** Resolves once every queued send is committed and answered. */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.commit(batch);
      if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    }
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    // The same (sender, clientId) twice in one batch is one send answered twice.
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = `${p.request.senderId}\u0000${p.request.clientId}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    const requests = [...groups.values()].map((g) => g[0]!.request);
    let outcomes: Outcome[] | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt < 3 && !outcomes; attempt++) {
      try {
        outcomes = await this.writer.write((tx, emit) => commitSends(tx, emit, requests, this.lockSenders));
      } catch (err) {
        failure = err;
        // Another node stored one of these clientIds meanwhile: the retry finds it as a replay.
        if (!isUniqueViolation(err)) break;
      }
    }
    const done = performance.now();
    const created = outcomes?.filter((o) => 'ok' in o && o.ok.created).length ?? 0;
    this.observer?.batchCommitted(batch.length, created, done - started);
    if (outcomes) for (const p of batch) this.observer?.delivered(done - p.receivedAt);
    [...groups.values()].forEach((group, i) => {
      const outcome = outcomes?.[i];
      for (const p of group) {
        if (!outcome) p.reject(failure);
        else if ('ok' in outcome) p.resolve(outcome.ok);
        else p.reject(outcome.error);
      }
    });
  }
}

interface Accepted {
  index: number;
  request: SendRequest;
  root: string | null;
}

async function commitSends(tx: Transaction<DB>, emit: Emit, requests: readonly SendRequest[], lockSenders: boolean): Promise<Outcome[]> {
  const now = Date.now();
  const outcomes: (Outcome | undefined)[] = new Array(requests.length);

  // 0. Serialise batches that share a sender (in id order, like every lock here).
  if (lockSenders) {
    const senders = [...new Set(requests.map((r) => r.senderId))].sort();
    await tx.selectFrom('users').select('id').where('id', 'in', senders).orderBy('id').forNoKeyUpdate().execute();
  }

  // 1. Membership first: someone removed from a conversation cannot even replay an old send.
  const conversationIds = [...new Set(requests.map((r) => r.conversationId))];
  const conversations = await tx.selectFrom('conversations').select(['id', 'kind']).where('id', 'in', conversationIds).execute();
  const kinds = new Map(conversations.map((c) => [c.id, c.kind]));
  const memberRows = await tx
    .selectFrom('members')
    .select(['conversation_id', 'user_id'])
    .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), 'in', requests.map((r) => eb.tuple(r.conversationId, r.senderId))))
    .execute();
  const members = new Set(memberRows.map((m) => `${m.conversation_id}\u0000${m.user_id}`));
  requests.forEach((r, i) => {
    if (members.has(`${r.conversationId}\u0000${r.senderId}`)) return;
    outcomes[i] = { error: kinds.get(r.conversationId) === 'channel' ? forbidden('Join the channel first') : notFound('Conversation') };
  });

  // 2. Retries: a clientId already stored answers with the original message.
  const candidates = requests.filter((_, i) => !outcomes[i]);
  const existing = await findByClientIds(tx, candidates.map((r) => ({ senderId: r.senderId, clientId: r.clientId })));
  const existingByKey = new Map(existing.map((m) => [`${m.sender_id}\u0000${m.client_id}`, m]));
  requests.forEach((r, i) => {
    const original = existingByKey.get(`${r.senderId}\u0000${r.clientId}`);
    if (!original || outcomes[i]) return;
    outcomes[i] =
      original.conversation_id === r.conversationId
        ? { ok: { message: presentMessage(original), created: false } }
        : { error: conflict('This clientId was already used for a message in another conversation') };
  });
  const fresh = requests.map((r, i) => ({ r, i })).filter(({ i }) => !outcomes[i]);
  if (fresh.length === 0) return outcomes as Outcome[];

  // 3. Thread roots: a reply to a reply joins the same thread.
  const replyTargets = await findMessagesByIds(tx, [...new Set(fresh.flatMap(({ r }) => (r.replyTo ? [r.replyTo] : [])))]);
  const targets = new Map(replyTargets.map((m) => [m.id, m]));

  const accepted: Accepted[] = [];
  for (const { r, i } of fresh) {
    let root: string | null = null;
    if (r.replyTo) {
      const target = targets.get(r.replyTo);
      if (!target || target.conversation_id !== r.conversationId) {
        outcomes[i] = { error: notFound('Message to reply to') };
        continue;
      }
      root = target.reply_to ?? target.id;
    }
    accepted.push({ index: i, request: r, root });
  }
  if (accepted.length === 0) return outcomes as Outcome[];

  const mentions = await resolveMentions(tx, accepted.map((a) => a.request));

  // 4. Seqs: one counter update per conversation, in id order so concurrent batches never deadlock.
  const byConversation = new Map<string, Accepted[]>();
  for (const a of accepted) {
    const list = byConversation.get(a.request.conversationId);
    if (list) list.push(a);
    else byConversation.set(a.request.conversationId, [a]);
  }
  const seqs = new Map<Accepted, number>();
  for (const conversationId of [...byConversation.keys()].sort()) {
    const list = byConversation.get(conversationId)!;
    const row = await tx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', list.length), last_message_at: now }))
      .where('id', '=', conversationId)
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    list.forEach((a, k) => seqs.set(a, row.last_seq - list.length + 1 + k));
  }

  // 5. The messages and their mentions.
  const rows: MessageRow[] = accepted.map((a, k) => {
    const m = mentions[k]!;
    return {
      id: newId(now),
      conversation_id: a.request.conversationId,
      seq: seqs.get(a)!,
      sender_id: a.request.senderId,
      client_id: a.request.clientId,
      text: a.request.text,
      reply_to: a.root,
      reply_count: 0,
      last_reply_at: null,
      mentions: JSON.stringify(m.userIds),
      mentions_channel: m.channel ? 1 : 0,
      reactions: '[]',
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
  });
  await insertMessages(tx, rows);
  await insertMentions(
    tx,
    rows.flatMap((row, k) =>
      mentions[k]!.userIds.map((userId) => ({ message_id: row.id, conversation_id: row.conversation_id, seq: row.seq, user_id: userId })),
    ),
  );
  const sorted = [...rows].sort((a, b) => (a.conversation_id === b.conversation_id ? a.seq - b.seq : a.conversation_id < b.conversation_id ? -1 : 1));
  for (const row of sorted) {
    emit({ type: 'message.created', conversationId: row.conversation_id, payload: { conversationId: row.conversation_id, message: presentMessage(row) } });
  }
  accepted.forEach((a, k) => {
    outcomes[a.index] = { ok: { message: presentMessage(rows[k]!), created: true } };
  });

  // 6. Thread roots count their replies.
  const repliesByRoot = new Map<string, number>();
  for (const a of accepted) if (a.root) repliesByRoot.set(a.root, (repliesByRoot.get(a.root) ?? 0) + 1);
  for (const rootId of [...repliesByRoot.keys()].sort()) {
    const root = await tx
      .updateTable('messages')
      .set((eb) => ({ reply_count: eb('reply_count', '+', repliesByRoot.get(rootId)!), last_reply_at: now }))
      .where('id', '=', rootId)
      .returningAll()
      .executeTakeFirstOrThrow();
    emit({ type: 'message.updated', conversationId: root.conversation_id, payload: { conversationId: root.conversation_id, message: presentMessage(root) } });
  }

  // 7. Writing in a conversation means having read it up to there.
  const readUpTo = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const row of rows) {
    const key = `${row.conversation_id}\u0000${row.sender_id}`;
    const prev = readUpTo.get(key);
    if (!prev || prev.seq < row.seq) readUpTo.set(key, { conversationId: row.conversation_id, userId: row.sender_id, seq: row.seq });
  }
  for (const key of [...readUpTo.keys()].sort()) {
    const r = readUpTo.get(key)!;
    await tx
      .updateTable('members')
      .set({ read_seq: r.seq })
      .where('conversation_id', '=', r.conversationId)
      .where('user_id', '=', r.userId)
      .where('read_seq', '<', r.seq)
      .execute();
  }
  return outcomes as Outcome[];
}
