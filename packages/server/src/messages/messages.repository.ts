import type { Kysely, Transaction } from 'kysely';
import { lockingRows, type Dialect } from '../db/database.js';
import type { DB, MessageRow, NewMessageRow } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 200;

export async function insertMentions(db: Db, rows: { message_id: string; conversation_id: string; seq: number; user_id: string }[]) {
  for (const query of insertMentionsQueries(db, rows)) await query.execute();
}

/** With `lockFor`, the row stays locked for the transaction (PostgreSQL), so changes to it take turns. */
export function findMessage(db: Db, conversationId: string, messageId: string, lockFor?: Dialect): Promise<MessageRow | undefined> {
  const query = db.selectFrom('messages').selectAll().where('id', '=', messageId).where('conversation_id', '=', conversationId);
  return (lockFor ? lockingRows(query, lockFor) : query).executeTakeFirst();
}

export function messagesByIdsQuery(db: Db, ids: readonly string[]) {
  return db.selectFrom('messages').selectAll().where('id', 'in', [...ids]);
}

/** Messages already stored under these (sender, clientId) keys: the originals of retried sends. */
export function byClientIdsQuery(db: Db, keys: readonly { senderId: string; clientId: string }[]) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where((eb) => eb(eb.refTuple('sender_id', 'client_id'), 'in', keys.map((k) => eb.tuple(k.senderId, k.clientId))));
}

/** Insert statements for these rows, in chunks that stay under SQLite's parameter limit. */
export function insertMessagesQueries(db: Db, rows: readonly NewMessageRow[]) {
  return chunks(rows, CHUNK).map((chunk) => db.insertInto('messages').values(chunk));
}

export function insertMentionsQueries(db: Db, rows: readonly { message_id: string; conversation_id: string; seq: number; user_id: string }[]) {
  return chunks(rows, CHUNK).map((chunk) => db.insertInto('mentions').values(chunk));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface PageOptions {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
  thread?: string | undefined;
  topLevel?: boolean | undefined;
}

/** One page of history in ascending seq, and whether more lie beyond it. */
export async function pageMessages(db: Db, conversationId: string, o: PageOptions): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
  let q = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (o.thread) q = q.where('reply_to', '=', o.thread);
  else if (o.topLevel) q = q.where('reply_to', 'is', null);
  const forward = o.after !== undefined;
  if (o.before !== undefined) q = q.where('seq', '<', o.before);
  if (o.after !== undefined) q = q.where('seq', '>', o.after);
  const rows = await q
    .orderBy('seq', forward ? 'asc' : 'desc')
    .limit(o.limit + 1)
    .execute();
  const hasMore = rows.length > o.limit;
  const page = rows.slice(0, o.limit);
  return { rows: forward ? page : page.reverse(), hasMore };
}

export function updateMessage(db: Db, id: string, changes: Partial<Omit<MessageRow, 'id'>>): Promise<MessageRow> {
  return db.updateTable('messages').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteMentionsOf(db: Db, messageId: string): Promise<void> {
  await db.deleteFrom('mentions').where('message_id', '=', messageId).execute();
}

export async function deleteReactionsOf(db: Db, messageId: string): Promise<void> {
  await db.deleteFrom('reactions').where('message_id', '=', messageId).execute();
}

export function reactionsOf(db: Db, messageId: string) {
  return db
    .selectFrom('reactions')
    .select(['emoji', 'user_id', 'created_at'])
    .where('message_id', '=', messageId)
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
}
