import type { Kysely, Transaction } from 'kysely';
import type { ConversationRow, DB, MemberRow } from '../db/schema.js';
import { Statement } from '../db/statement.js';
import { forbidden, notFound } from '../lib/errors.js';

export interface Membership {
  conversation: ConversationRow;
  member: MemberRow;
}

// Nearly every request checks membership: compiled once.
const membershipOf = new Statement((db, p: { conversationId: string; userId: string }) =>
  db
    .selectFrom('conversations as c')
    .leftJoin('members as m', (join) => join.onRef('m.conversation_id', '=', 'c.id').on('m.user_id', '=', p.userId))
    .selectAll('c')
    .select(['m.role', 'm.joined_at', 'm.read_seq', 'm.delivered_seq', 'm.muted_until'])
    .where('c.id', '=', p.conversationId),
);

/**
 * The caller's membership, or an error that reveals nothing: a private conversation the caller is
 * not in is "not found"; a public channel they have not joined is "forbidden".
 */
export async function requireMember(db: Kysely<DB> | Transaction<DB>, conversationId: string, userId: string): Promise<Membership> {
  const [row] = await membershipOf.run(db, { conversationId, userId });
  if (!row) throw notFound('Conversation');
  const { role, joined_at, read_seq, delivered_seq, muted_until, ...conversation } = row;
  const member: MemberRow | undefined =
    role === null
      ? undefined
      : { conversation_id: conversationId, user_id: userId, role, joined_at: joined_at!, read_seq: read_seq!, delivered_seq: delivered_seq!, muted_until };
  if (!member) {
    if (conversation.kind === 'channel') throw forbidden('Join the channel first');
    throw notFound('Conversation');
  }
  return { conversation, member };
}

export function requireRole(membership: Membership, roles: readonly MemberRow['role'][], action: string): void {
  if (!roles.includes(membership.member.role)) throw forbidden(`Only ${roles.join(' or ')}s can ${action}`);
}
