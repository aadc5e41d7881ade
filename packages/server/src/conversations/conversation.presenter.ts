import type { Conversation, Member, Membership } from '@parley/protocol';
import type { ConversationRow, MemberRow } from '../db/schema.js';
import { iso, isoOrNull } from '../lib/time.js';
import { presentMute } from './mute.js';

export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export function presentConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    name: row.name,
    topic: row.topic,
    avatarUrl: row.avatar_url,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    memberCount: row.member_count,
    lastSeq: row.last_seq,
    lastMessageAt: isoOrNull(row.last_message_at),
    dmUserIds: row.dm_key ? row.dm_key.split(':') : [],
  };
}

/** A member as every member of the conversation sees them: never their private settings. */
export function presentMember(row: MemberRow): Member {
  return {
    userId: row.user_id,
    role: row.role,
    joinedAt: iso(row.joined_at),
    readSeq: row.read_seq,
    // Reading a message implies it reached a device.
    deliveredSeq: Math.max(row.delivered_seq, row.read_seq),
  };
}

/** A member as they see themself, private settings included: only ever sent to that member. */
export function presentMembership(row: MemberRow, now = Date.now()): Membership {
  return { ...presentMember(row), mute: presentMute(row.muted_until, now) };
}
