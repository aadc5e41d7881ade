import type { Kysely, Transaction } from 'kysely';
import type { ConversationRow, DB, MemberRow } from '../db/schema.js';
import { forbidden, notFound } from '../lib/errors.js';
import { findConversation, findMember } from './conversations.repository.js';

export interface Membership {
  conversation: ConversationRow;
  member: MemberRow;
}

/**
 * The caller's membership, or an error that reveals nothing: a private conversation the caller is
 * not in is "not found"; a public channel they have not joined is "forbidden".
 */
export async function requireMember(db: Kysely<DB> | Transaction<DB>, conversationId: string, userId: string): Promise<Membership> {
  const [conversation, member] = await Promise.all([findConversation(db, conversationId), findMember(db, conversationId, userId)]);
  if (!conversation) throw notFound('Conversation');
  if (!member) {
    if (conversation.kind === 'channel') throw forbidden('Join the channel first');
    throw notFound('Conversation');
  }
  return { conversation, member };
}

export function requireRole(membership: Membership, roles: readonly MemberRow['role'][], action: string): void {
  if (!roles.includes(membership.member.role)) throw forbidden(`Only ${roles.join(' or ')}s can ${action}`);
}
