import { sql, type Kysely, type Transaction } from 'kysely';
import { lockingRows, type Dialect } from '../db/database.js';
import type { ConversationRow, ConversationsTable, DB, MemberRow, MembersTable } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertConversation(db: Db, row: ConversationsTable): Promise<void> {
  await db.insertInto('conversations').values(row).execute();
}

export function findConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
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

/** Changes the member count and returns the row; also takes the row lock for the transaction. */
export function adjustMemberCount(db: Db, id: string, delta: number): Promise<ConversationRow> {
  return db
    .updateTable('conversations')
    .set((eb) => ({ member_count: eb('member_count', '+', delta) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateConversationRow(db: Db, id: string, changes: Partial<Pick<ConversationsTable, 'title' | 'topic'>>) {
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
    .select(['m.role', 'm.joined_at', 'm.read_seq', 'm.delivered_seq', 'm.user_id'])
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
    },
    member: {
      conversation_id: r.id,
      user_id: r.user_id,
      role: r.role,
      joined_at: r.joined_at,
      read_seq: r.read_seq,
      delivered_seq: r.delivered_seq,
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

/** Unread messages (from others, not deleted) after a position, counted up to a cap. */
export async function countUnread(db: Db, conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('messages')
        .select('seq')
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', afterSeq)
        .where('sender_id', '!=', userId)
        .where('deleted_at', 'is', null)
        .limit(cap)
        .as('unread'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Unread messages by others that mention this user directly or by @channel (each counted once). */
export async function countMentions(db: Db, conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('messages as m')
        .select('m.seq')
        .where('m.conversation_id', '=', conversationId)
        .where('m.seq', '>', afterSeq)
        .where('m.sender_id', '!=', userId)
        .where('m.deleted_at', 'is', null)
        .where((w) =>
          w.or([
            w('m.mentions_channel', '=', 1),
            w.exists(w.selectFrom('mentions as x').select('x.user_id').whereRef('x.message_id', '=', 'm.id').where('x.user_id', '=', userId)),
          ]),
        )
        .limit(cap)
        .as('mentioned'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes the conversation's row lock (PostgreSQL) so membership changes to it take turns. */
export async function lockConversation(db: Db, id: string, dialect: Dialect): Promise<ConversationRow | undefined> {
  return lockingRows(db.selectFrom('conversations').selectAll().where('id', '=', id), dialect).executeTakeFirst();
}
