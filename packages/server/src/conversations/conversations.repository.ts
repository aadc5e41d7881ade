import { sql, type Kysely, type Transaction } from 'kysely';
import { executeBatch, rowsOf, type BatchEntry } from '../db/batch.js';
import { lockingRows, type Dialect } from '../db/database.js';
import { perRow, Statement } from '../db/statement.js';
import type { ConversationRow, ConversationsTable, DB, MemberRow, MembersTable } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertConversation(db: Db, row: ConversationsTable): Promise<void> {
  await db.insertInto('conversations').values(row).execute();
}

/** With `lockFor`, the row stays locked for the transaction (PostgreSQL), so changes to it take turns. */
export function findConversation(db: Db, id: string, lockFor?: Dialect): Promise<ConversationRow | undefined> {
  const query = db.selectFrom('conversations').selectAll().where('id', '=', id);
  return (lockFor ? lockingRows(query, lockFor) : query).executeTakeFirst();
}

export function findConversationByDmKey(db: Db, key: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('dm_key', '=', key).executeTakeFirst();
}

export function findMember(db: Db, conversationId: string, userId: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function insertMembers(db: Db, rows: MembersTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('members').values(rows.slice(i, i + 500)).execute();
}

export async function deleteMember(db: Db, conversationId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('members')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function updateMemberRole(db: Db, conversationId: string, userId: string, role: MembersTable['role']) {
  return db
    .updateTable('members')
    .set({ role })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sets (or, with null, clears) a member's mute; returns the row. */
export function updateMutedUntil(db: Db, conversationId: string, userId: string, mutedUntil: number | null): Promise<MemberRow> {
  return db
    .updateTable('members')
    .set({ muted_until: mutedUntil })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes the member count and returns the row; also takes the row lock for the transaction. */
export function adjustMemberCount(db: Db, id: string, delta: number): Promise<ConversationRow> {
  return db
    .updateTable('conversations')
    .set((eb) => ({ member_count: eb('member_count', '+', delta) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateConversationRow(db: Db, id: string, changes: Partial<Pick<ConversationsTable, 'title' | 'topic' | 'avatar_url'>>) {
  return db.updateTable('conversations').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function listMemberRows(db: Db, conversationId: string): Promise<MemberRow[]> {
  return db.selectFrom('members').selectAll().where('conversation_id', '=', conversationId).orderBy('joined_at').orderBy('user_id').execute();
}

export async function existingMemberIds(db: Db, conversationId: string, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('members')
    .select('user_id')
    .where('conversation_id', '=', conversationId)
    .where('user_id', 'in', [...userIds])
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** The member who inherits ownership: the longest-standing admin, else the longest-standing member. */
export function successorOf(db: Db, conversationId: string, leavingUserId: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '!=', leavingUserId)
    .orderBy(sql`case when role = 'admin' then 0 else 1 end`)
    .orderBy('joined_at')
    .limit(1)
    .executeTakeFirst();
}

export interface MembershipRow {
  conversation: ConversationRow;
  member: MemberRow;
}

export async function listMemberships(db: Db, userId: string): Promise<MembershipRow[]> {
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .selectAll('c')
    .select(['m.role', 'm.joined_at', 'm.read_seq', 'm.delivered_seq', 'm.muted_until', 'm.user_id'])
    .where('m.user_id', '=', userId)
    .orderBy(sql`coalesce(c.last_message_at, c.created_at)`, 'desc')
    .execute();
  return rows.map((r) => ({
    conversation: {
      id: r.id,
      kind: r.kind,
      title: r.title,
      name: r.name,
      topic: r.topic,
      created_by: r.created_by,
      created_at: r.created_at,
      member_count: r.member_count,
      last_seq: r.last_seq,
      last_message_at: r.last_message_at,
      dm_key: r.dm_key,
      avatar_url: r.avatar_url,
    },
    member: {
      conversation_id: r.id,
      user_id: r.user_id,
      role: r.role,
      joined_at: r.joined_at,
      read_seq: r.read_seq,
      delivered_seq: r.delivered_seq,
      muted_until: r.muted_until,
    },
  }));
}

export async function conversationIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('members').select('conversation_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.conversation_id);
}

export function searchChannels(db: Db, query: string | undefined, limit: number): Promise<ConversationRow[]> {
  let q = db.selectFrom('conversations').selectAll().where('kind', '=', 'channel');
  if (query) {
    const pattern = '%' + query.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    q = q.where((eb) => eb.or([eb(sql`name`, 'like', sql`${pattern} escape '\\'`), eb(sql`lower(topic)`, 'like', sql`${pattern} escape '\\'`)]));
  }
  return q.orderBy('member_count', 'desc').orderBy('name').limit(limit).execute();
}

/**
 * Unread messages (from others, not deleted) after a position, counted up to a cap; with
 * `mentioningOnly`, only those that mention the user by name or by @channel (each counted once).
 */
export async function countUnread(
  db: Db,
  conversationId: string,
  userId: string,
  afterSeq: number,
  cap: number,
  mentioningOnly = false,
): Promise<number> {
  let unread = db
    .selectFrom('messages as m')
    .select('m.seq')
    .where('m.conversation_id', '=', conversationId)
    .where('m.seq', '>', afterSeq)
    .where('m.sender_id', '!=', userId)
    .where('m.deleted_at', 'is', null);
  if (mentioningOnly) {
    unread = unread.where((w) =>
      w.or([
        w('m.mentions_channel', '=', 1),
        w.exists(w.selectFrom('mentions as x').select('x.user_id').whereRef('x.message_id', '=', 'm.id').where('x.user_id', '=', userId)),
      ]),
    );
  }
  const row = await db
    .selectFrom(unread.limit(cap).as('unread'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const conversationKind = new Statement<{ id: string }>((db, p) => db.selectFrom('conversations').select(['id', 'kind']).where('id', '=', p.id));

const memberPair = new Statement<{ conversationId: string; userId: string }>((db, p) =>
  db.selectFrom('members').select(['conversation_id', 'user_id']).where('conversation_id', '=', p.conversationId).where('user_id', '=', p.userId),
);

/**
 * Two batch entries: the kinds of the pairs' conversations, and which (conversation, user) pairs
 * are memberships. Exact pairs, so a batch of many DMs costs one lookup per send.
 */
export function membershipQueries(db: Db, dialect: Dialect, pairs: readonly { conversationId: string; userId: string }[]): [BatchEntry, BatchEntry] {
  const ids = [...new Set(pairs.map((p) => p.conversationId))];
  return [
    perRow(dialect, conversationKind, ids.map((id) => ({ id })), () => db.selectFrom('conversations').select(['id', 'kind']).where('id', 'in', ids)),
    perRow(dialect, memberPair, pairs, () =>
      db
        .selectFrom('members')
        .select(['conversation_id', 'user_id'])
        .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), 'in', pairs.map((p) => eb.tuple(p.conversationId, p.userId)))),
    ),
  ];
}

export function toMembership(kinds: readonly { id: string; kind: ConversationRow['kind'] }[], members: readonly { conversation_id: string; user_id: string }[]) {
  return {
    kinds: new Map(kinds.map((r) => [r.id, r.kind])),
    /** `${conversationId}\u0000${userId}` of every member found. */
    members: new Set(members.map((r) => `${r.conversation_id}\u0000${r.user_id}`)),
  };
}

const advanceSeq = new Statement<{ id: string; count: number; now: number }>((db, p) =>
  db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', p.count), last_message_at: p.now }))
    .where('id', '=', p.id)
    .returning(['id', 'last_seq']),
);

/**
 * Moves each conversation's `last_seq` by its count and returns the new values. On PostgreSQL
 * it is one statement, and the rows are locked first in id order, so concurrent batches cannot
 * deadlock.
 */
export async function advanceSeqs(tx: Transaction<DB>, counts: ReadonlyMap<string, number>, now: number, dialect: Dialect): Promise<Map<string, number>> {
  const ids = [...counts.keys()].sort();
  const [, updated] = await executeBatch(tx, dialect, [
    dialect === 'postgres' ? tx.selectFrom('conversations').select('id').where('id', 'in', ids).orderBy('id').forUpdate() : null,
    perRow(
      dialect,
      advanceSeq,
      ids.map((id) => ({ id, count: counts.get(id)!, now })),
      () => {
        const increment = sql<number>`case id ${sql.join(
          ids.map((id) => sql`when ${id} then cast(${counts.get(id)!} as bigint)`),
          sql` `,
        )} end`;
        return tx.updateTable('conversations').set({ last_seq: sql<number>`last_seq + ${increment}`, last_message_at: now }).where('id', 'in', ids).returning(['id', 'last_seq']);
      },
    ),
  ]);
  return new Map(rowsOf<{ id: string; last_seq: number }>(updated).map((r) => [r.id, r.last_seq]));
}

const advanceReadPosition = new Statement<{ conversationId: string; userId: string; seq: number }>((db, p) =>
  db.updateTable('members').set({ read_seq: p.seq }).where('conversation_id', '=', p.conversationId).where('user_id', '=', p.userId).where('read_seq', '<', p.seq),
);

/** Moves each sender's read position up to their newest message here (never back). */
export function advanceReadPositionsQuery(db: Db, dialect: Dialect, messages: readonly { conversation_id: string; sender_id: string; seq: number }[]): BatchEntry {
  const newest = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const m of messages) {
    const key = `${m.conversation_id}\u0000${m.sender_id}`;
    if ((newest.get(key)?.seq ?? -1) < m.seq) newest.set(key, { conversationId: m.conversation_id, userId: m.sender_id, seq: m.seq });
  }
  const positions = [...newest.values()];
  return perRow(dialect, advanceReadPosition, positions, () => {
    const target = sql<number>`case ${sql.join(
      positions.map((p) => sql`when conversation_id = ${p.conversationId} and user_id = ${p.userId} then cast(${p.seq} as bigint)`),
      sql` `,
    )} else read_seq end`;
    return db
      .updateTable('members')
      .set({ read_seq: sql<number>`case when read_seq < ${target} then ${target} else read_seq end` })
      .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), 'in', positions.map((p) => eb.tuple(p.conversationId, p.userId))));
  });
}
