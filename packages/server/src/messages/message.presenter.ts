import type { Message, ReactionSummary } from '@parley/protocol';
import type { MessageRow } from '../db/schema.js';
import { iso, isoOrNull } from '../lib/time.js';

export function presentMessage(row: MessageRow): Message {
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
    mentions: JSON.parse(row.mentions) as string[],
    mentionsChannel: row.mentions_channel === 1,
    reactions: JSON.parse(row.reactions) as ReactionSummary[],
    createdAt: iso(row.created_at),
    editedAt: isoOrNull(row.edited_at),
    deletedAt: isoOrNull(row.deleted_at),
  };
}
