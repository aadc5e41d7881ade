import type { Kysely, Transaction } from 'kysely';
import type { BatchEntry } from '../db/batch.js';
import { lockingRows, type Dialect } from '../db/database.js';
import type { DB, MessageFields, MessageRow } from '../db/schema.js';
import { perRow, Statement } from '../db/statement.js';
import { chunks } from '../lib/chunks.js';
import { withJson } from './message-json.js';

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

// Every column, checked by the compiler: a column added to the table must be added here.
const MESSAGE_COLUMNS = Object.keys({
  id: true, conversation_id: true, seq: true, sender_id: true, client_id: true, text: true, reply_to: true, reply_count: true,
  last_reply_at: true, mentions: true, mentions_channel: true, reactions: true, attachments: true, previews: true,
  created_at: true, edited_at: true, deleted_at: true, json: true,
} satisfies Record<keyof MessageRow, true>) as (keyof MessageRow)[];

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

/**
 * The same page as stored presentations (JSON text of each message), which is all a history
 * response needs: one column per row, nothing to rebuild. A row stored without one (written by an
 * older server) is presented from its columns.
 */
export async function pageMessageJson(db: Db, conversationId: string, o: PageOptions): Promise<{ json: string[]; hasMore: boolean }> {
  const rows = await pageStatement(o).run(db, { conversationId, thread: o.thread ?? null, before: o.before ?? null, after: o.after ?? null, limit: o.limit + 1 });
  const { rows: page, hasMore } = pageOf(rows, o);
  const missing = page.filter((r) => !r.json).map((r) => r.id);
  const filled = missing.length ? new Map((await messagesByIdsQuery(db, missing).execute()).map((r) => [r.id, withJson(r).json])) : null;
  return { json: page.map((r) => r.json || filled!.get(r.id)!), hasMore };
}

type PageParams = { conversationId: string; thread: string | null; before: number | null; after: number | null; limit: number };
type PageShape = Pick<PageOptions, 'thread' | 'topLevel' | 'before' | 'after'>;

/** One compiled statement per shape of page (which filters apply), built on first use. */
const pageStatements = new Map<string, Statement<PageParams, ReturnType<typeof pageJsonQuery>>>();

function pageStatement(o: PageShape) {
  const key = `${o.thread ? 'thread' : o.topLevel ? 'top' : 'all'}:${o.before !== undefined}:${o.after !== undefined}`;
  let statement = pageStatements.get(key);
  if (!statement) {
    const shape = { thread: o.thread, topLevel: o.topLevel, before: o.before, after: o.after };
    statement = new Statement((db, p: PageParams) => pageJsonQuery(db, p, shape));
    pageStatements.set(key, statement);
  }
  return statement;
}

function pageJsonQuery(db: Db, p: PageParams, shape: PageShape) {
  return pageQuery(db, p.conversationId, { ...shape, thread: shape.thread ? p.thread! : undefined, before: shape.before !== undefined ? p.before! : undefined, after: shape.after !== undefined ? p.after! : undefined }, p.limit).select(['id', 'json']);
}

function pageQuery(db: Db, conversationId: string, o: PageShape, limit: number) {
  let q = db.selectFrom('messages').where('conversation_id', '=', conversationId);
  if (o.thread) q = q.where('reply_to', '=', o.thread);
  else if (o.topLevel) q = q.where('reply_to', 'is', null);
  if (o.before !== undefined) q = q.where('seq', '<', o.before);
  if (o.after !== undefined) q = q.where('seq', '>', o.after);
  return q.orderBy('seq', o.after !== undefined ? 'asc' : 'desc').limit(limit);
}

/** Rows come newest first unless paging forward; a page is always in ascending seq. */
function pageOf<R>(rows: R[], o: PageOptions): { rows: R[]; hasMore: boolean } {
  const page = rows.slice(0, o.limit);
  return { rows: o.after !== undefined ? page : page.reverse(), hasMore: rows.length > o.limit };
}

/** Applies the changes and rewrites the stored presentation to match, in the same transaction. */
export async function updateMessage(db: Db, id: string, changes: Partial<Omit<MessageFields, 'id'>>): Promise<MessageRow> {
  const row = withJson(await db.updateTable('messages').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
  await db.updateTable('messages').set({ json: row.json }).where('id', '=', id).execute();
  return row;
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
