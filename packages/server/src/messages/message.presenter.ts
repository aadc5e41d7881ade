import type { Attachment, LinkPreview, Message, ReactionSummary } from '@parley/protocol';
import type { MessageFields } from '../db/schema.js';
import { iso, isoOrNull } from '../lib/time.js';

/** Most messages have no mentions and no reactions: skip the parser for those. */
function parseList<T>(json: string): T[] {
  return json === '[]' ? [] : (JSON.parse(json) as T[]);
}

export function presentMessage(row: MessageFields): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    replyTo: row.reply_to,
    replyCount: row.reply_count,
    lastReplyAt: isoOrNull(row.last_reply_at),
    mentions: parseList<string>(row.mentions),
    mentionsChannel: row.mentions_channel === 1,
    reactions: parseList<ReactionSummary>(row.reactions),
    attachments: parseList<Attachment>(row.attachments),
    previews: parseList<LinkPreview>(row.previews),
    createdAt: iso(row.created_at),
    editedAt: isoOrNull(row.edited_at),
    deletedAt: isoOrNull(row.deleted_at),
  };
}
