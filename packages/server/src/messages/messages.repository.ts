import type { Kysely, Transaction } from 'kysely';
import type { BatchEntry } from '../db/batch.js';
import { lockingRows, type Dialect } from '../db/database.js';
import type { DB, MessageRow } from '../db/schema.js';
import { perRow, Statement } from '../db/statement.js';
import { chunks } from '../lib/chunks.js';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 200;

export async function insertMentions(db: Db, rows: { message_id: string; conversation_id: string; seq: number; user_id: string }[]) {
  for (const chunk of chunks(rows, CHUNK)) await db.insertInto('mentions').values(chunk).execute();
}

/** With `lockFor`, the row stays locked for the transaction (PostgreSQL), so changes to it take turns. */
export function findMessage(db: Db, conversationId: string, messageId: string, lockFor?: Dialect): Promise<MessageRow | undefined> {
  const query = db.selectFrom('messages').selectAll().where('id', '=', messageId).where('conversation_id', '=', conversationId);
  return (lockFor ? lockingRows(query, lockFor) : query).executeTakeFirst();
}

export function messagesByIdsQuery(db: Db, ids: readonly string[]) {
  return db.selectFrom('messages').selectAll().where('id', 'in', [...ids]);
}

const byClientId = new Statement<{ senderId: string; clientId: string }>((db, p) =>
  db.selectFrom('messages').selectAll().where('sender_id', '=', p.senderId).where('client_id', '=', p.clientId),
);

/** Messages already stored under these (sender, clientId) keys: the originals of retried sends. */
export function byClientIdsQuery(db: Db, dialect: Dialect, keys: readonly { senderId: string; clientId: string }[]): BatchEntry {
  return perRow(dialect, byClientId, keys, () =>
    db
      .selectFrom('messages')
      .selectAll()
      .where((eb) => eb(eb.refTuple('sender_id', 'client_id'), 'in', keys.map((k) => eb.tuple(k.senderId, k.clientId)))),
  );
}

const MESSAGE_COLUMNS = [
  'id', 'conversation_id', 'seq', 'sender_id', 'client_id', 'text', 'reply_to', 'reply_count', 'last_reply_at', 'mentions',
  'mentions_channel', 'reactions', 'attachments', 'previews', 'created_at', 'edited_at', 'deleted_at',
] as const satisfies readonly (keyof MessageRow)[];

const insertMessage = new Statement<MessageRow>((db, p) => db.insertInto('messages').values(Object.fromEntries(MESSAGE_COLUMNS.map((c) => [c, p[c]])) as MessageRow));

/** Inserts of these rows: on PostgreSQL in chunks that stay under the parameter limit. */
export function insertMessagesQueries(db: Db, dialect: Dialect, rows: readonly MessageRow[]): BatchEntry[] {
  return chunks(rows, CHUNK).map((chunk) => perRow(dialect, insertMessage, chunk, () => db.insertInto('messages').values(chunk)));
}

type MentionRow = { message_id: string; conversation_id: string; seq: number; user_id: string };

const insertMention = new Statement<MentionRow>((db, p) =>
  db.insertInto('mentions').values({ message_id: p.message_id, conversation_id: p.conversation_id, seq: p.seq, user_id: p.user_id }),
);

export function insertMentionsQueries(db: Db, dialect: Dialect, rows: readonly MentionRow[]): BatchEntry[] {
  return chunks(rows, CHUNK).map((chunk) => perRow(dialect, insertMention, chunk, () => db.insertInto('mentions').values(chunk)));
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
