import type { Transaction } from 'kysely';
import { advanceReadPositionsQuery, advanceSeqs, membershipQueries, toMembership } from '../conversations/conversations.repository.js';
import { executeBatch, rowsOf } from '../db/batch.js';
import type { Dialect } from '../db/database.js';
import type { DB, FileRow, MessageFields, MessageRow } from '../db/schema.js';
import type { Defer, Emit } from '../events/writer.js';
import { badRequest, conflict, forbidden, notFound, type ApiError } from '../lib/errors.js';
import { presentAttachment } from '../files/file.presenter.js';
import { filesByIdsQuery } from '../files/files.repository.js';
import { newId } from '../lib/ids.js';
import { rowWithJson, storedJson, withJson } from './message-json.js';
import { presentMessage } from './message.presenter.js';
import { mentionCandidatesQuery, resolveFrom, type MentionCandidate } from './mention-resolver.js';
import { parseMentions } from './mentions.js';
import { byClientIdsQuery, insertMentionsQueries, insertMessagesQueries, messagesByIdsQuery } from './messages.repository.js';
import type { Outcome, SendRequest } from './send-pipeline.js';

interface Accepted {
  index: number;
  request: SendRequest;
  root: string | null;
  files: FileRow[];
}

/** The sender's own uploads, each carried by one message only. */
function claimUploads(r: SendRequest, uploads: ReadonlyMap<string, FileRow>, claimed: Set<string>): { ok: FileRow[] } | { error: ApiError } {
  const ids = r.attachmentIds ?? [];
  if (new Set(ids).size !== ids.length) return { error: badRequest('The same file is attached twice') };
  const files: FileRow[] = [];
  for (const id of ids) {
    const file = uploads.get(id);
    if (!file || file.owner_id !== r.senderId || file.purpose !== 'attachment') return { error: notFound(`Upload ${id}`) };
    if (file.message_id !== null || claimed.has(id)) return { error: conflict(`Upload ${id} is already attached to a message`) };
    files.push(file);
  }
  for (const id of ids) claimed.add(id);
  return { ok: files };
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * One group commit: every send of the batch in one transaction, in a fixed number of round trips
 * whatever the batch size (reads together, the seq update, writes together; the event log adds its
 * own). Each request gets its own outcome; one bad request fails only itself.
 */
export async function commitSends(tx: Transaction<DB>, emit: Emit, defer: Defer, requests: readonly SendRequest[], dialect: Dialect): Promise<Outcome[]> {
  const now = Date.now();
  const outcomes: (Outcome | undefined)[] = new Array(requests.length);
  const senders = [...new Set(requests.map((r) => r.senderId))].sort();
  const conversationIds = [...new Set(requests.map((r) => r.conversationId))];
  const replyIds = [...new Set(requests.flatMap((r) => (r.replyTo ? [r.replyTo] : [])))];
  const parsed = requests.map((r) => parseMentions(r.text));
  const usernames = [...new Set(parsed.flatMap((p) => p.usernames))];
  const fileIds = [...new Set(requests.flatMap((r) => r.attachmentIds ?? []))];

  const pairs = [...new Map(requests.map((r) => [key(r.conversationId, r.senderId), { conversationId: r.conversationId, userId: r.senderId }])).values()];
  const [, kindRows, memberRows, existingRows, targetRows, candidateRows, fileRows] = await executeBatch(tx, dialect, [
    // Batches that share a sender take turns (in id order, like every lock here), so a clientId sent
    // to two servers at once is found by whichever commits second.
    dialect === 'postgres' ? tx.selectFrom('users').select('id').where('id', 'in', senders).orderBy('id').forNoKeyUpdate() : null,
    ...membershipQueries(tx, dialect, pairs),
    byClientIdsQuery(tx, dialect, requests.map((r) => ({ senderId: r.senderId, clientId: r.clientId }))),
    replyIds.length ? messagesByIdsQuery(tx, replyIds) : null,
    usernames.length ? mentionCandidatesQuery(tx, usernames, conversationIds) : null,
    fileIds.length ? filesByIdsQuery(tx, fileIds, dialect) : null,
  ]);
  const uploads = new Map(rowsOf<FileRow>(fileRows).map((f) => [f.id, f]));
  const claimed = new Set<string>();
  const membership = toMembership(rowsOf(kindRows), rowsOf(memberRows));
  const existingByKey = new Map(rowsOf<MessageRow>(existingRows).map((m) => [key(m.sender_id, m.client_id ?? ''), m]));
  const targets = new Map(rowsOf<MessageRow>(targetRows).map((m) => [m.id, m]));
  const mentions = resolveFrom(requests, parsed, rowsOf<MentionCandidate>(candidateRows));

  const accepted: Accepted[] = [];
  requests.forEach((r, i) => {
    // Membership first: someone removed from a conversation cannot even replay an old send.
    if (!membership.members.has(key(r.conversationId, r.senderId))) {
      outcomes[i] = { error: membership.kinds.get(r.conversationId) === 'channel' ? forbidden('Join the channel first') : notFound('Conversation') };
      return;
    }
    // A clientId already stored answers with the original message.
    const original = existingByKey.get(key(r.senderId, r.clientId));
    if (original) {
      outcomes[i] =
        original.conversation_id === r.conversationId
          ? { ok: { message: presentMessage(original), json: storedJson(original), created: false } }
          : { error: conflict('This clientId was already used for a message in another conversation') };
      return;
    }
    // A reply to a reply joins the same thread.
    let root: string | null = null;
    if (r.replyTo) {
      const target = targets.get(r.replyTo);
      if (!target || target.conversation_id !== r.conversationId) {
        outcomes[i] = { error: notFound('Message to reply to') };
        return;
      }
      root = target.reply_to ?? target.id;
    }
    const files = claimUploads(r, uploads, claimed);
    if ('error' in files) {
      outcomes[i] = files;
      return;
    }
    accepted.push({ index: i, request: r, root, files: files.ok });
  });
  if (accepted.length === 0) return outcomes as Outcome[];

  // Seqs: every conversation's counter moves in one statement.
  const byConversation = new Map<string, Accepted[]>();
  for (const a of accepted) {
    const list = byConversation.get(a.request.conversationId);
    if (list) list.push(a);
    else byConversation.set(a.request.conversationId, [a]);
  }
  const lastSeqs = await advanceSeqs(tx, new Map([...byConversation].map(([id, list]) => [id, list.length])), now, dialect);
  const seqs = new Map<Accepted, number>();
  for (const [conversationId, list] of byConversation) {
    const last = lastSeqs.get(conversationId)!;
    list.forEach((a, k) => seqs.set(a, last - list.length + 1 + k));
  }

  const fields: MessageFields[] = accepted.map((a) => {
    const m = mentions[a.index]!;
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
      attachments: a.files.length ? JSON.stringify(a.files.map(presentAttachment)) : '[]',
      previews: '[]',
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
  });
  const presented = fields.map(presentMessage);
  const rows = fields.map((f, k) => rowWithJson(f, JSON.stringify(presented[k])));
  const repliesByRoot = new Map<string, number>();
  for (const a of accepted) if (a.root) repliesByRoot.set(a.root, (repliesByRoot.get(a.root) ?? 0) + 1);
  const rootIds = [...repliesByRoot.keys()].sort();
  const mentionRows = rows.flatMap((row, k) =>
    mentions[accepted[k]!.index]!.userIds.map((userId) => ({ message_id: row.id, conversation_id: row.conversation_id, seq: row.seq, user_id: userId })),
  );
  const writes = [
    ...insertMessagesQueries(tx, dialect, rows),
    ...insertMentionsQueries(tx, dialect, mentionRows),
    // Writing in a conversation means having read it up to there (not announced: everyone can see
    // it from the message itself).
    advanceReadPositionsQuery(tx, dialect, rows),
    ...rows.flatMap((row, k) => {
      const ids = accepted[k]!.files.map((f) => f.id);
      return ids.length ? [tx.updateTable('files').set({ message_id: row.id, conversation_id: row.conversation_id }).where('id', 'in', ids)] : [];
    }),
  ];
  // Thread roots count their replies; their new state is announced, so it is read back now. Without
  // replies nothing is read back and the writes go out with the event log append and the commit.
  let roots: MessageRow[] = [];
  if (rootIds.length > 0) {
    const results = await executeBatch(tx, dialect, [
      ...writes,
      ...rootIds.map((rootId) =>
        tx
          .updateTable('messages')
          .set((eb) => ({ reply_count: eb('reply_count', '+', repliesByRoot.get(rootId)!), last_reply_at: now }))
          .where('id', '=', rootId)
          .returningAll(),
      ),
    ]);
    roots = results.slice(writes.length).flatMap((r) => rowsOf<MessageRow>(r).map(withJson));
    defer(...roots.map((root) => tx.updateTable('messages').set({ json: root.json }).where('id', '=', root.id)));
  } else {
    defer(...writes);
  }

  const inOrder = presented
    .map((message, k) => ({ message, row: rows[k]! }))
    .sort((a, b) => (a.row.conversation_id === b.row.conversation_id ? a.row.seq - b.row.seq : a.row.conversation_id < b.row.conversation_id ? -1 : 1));
  for (const { message, row } of inOrder) {
    const conversationId = message.conversationId;
    // The message is serialised once (its stored JSON) and spliced into the event.
    const json = `{"type":"message.created","conversationId":${JSON.stringify(conversationId)},"message":${row.json}}`;
    emit({ type: 'message.created', conversationId, payload: { conversationId, message }, json });
  }
  for (const root of roots) {
    emit({ type: 'message.updated', conversationId: root.conversation_id, payload: { conversationId: root.conversation_id, message: presentMessage(root) } });
  }
  accepted.forEach((a, k) => {
    outcomes[a.index] = { ok: { message: presented[k]!, json: rows[k]!.json, created: true } };
  });
  return outcomes as Outcome[];
}
