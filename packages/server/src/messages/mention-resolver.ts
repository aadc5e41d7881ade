import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { parseMentions, type ParsedMentions } from './mentions.js';

export interface ResolvedMentions {
  userIds: string[];
  channel: boolean;
}

export interface MentionCandidate {
  id: string;
  username: string;
  conversation_id: string;
}

/** Users with these usernames who are members of these conversations. */
export function mentionCandidatesQuery(db: Kysely<DB> | Transaction<DB>, usernames: readonly string[], conversationIds: readonly string[]) {
  return db
    .selectFrom('users as u')
    .innerJoin('members as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.username', 'm.conversation_id'])
    .where('u.username', 'in', [...usernames])
    .where('m.conversation_id', 'in', [...conversationIds]);
}

/**
 * Keeps, for each text, the mentioned users who are members of its conversation: mentioning an
 * outsider does not notify them.
 */
export function resolveFrom(
  items: readonly { conversationId: string }[],
  parsed: readonly ParsedMentions[],
  candidates: readonly MentionCandidate[],
): ResolvedMentions[] {
  const members = new Map(candidates.map((c) => [`${c.conversation_id}\u0000${c.username}`, c.id]));
  return items.map((item, i) => {
    const p = parsed[i]!;
    const userIds = p.usernames.flatMap((n) => {
      const id = members.get(`${item.conversationId}\u0000${n}`);
      return id ? [id] : [];
    });
    return { userIds, channel: p.channel };
  });
}

/** Parses and resolves the mentions of texts in one query. */
export async function resolveMentions(
  tx: Transaction<DB>,
  items: readonly { conversationId: string; text: string }[],
): Promise<ResolvedMentions[]> {
  const parsed = items.map((i) => parseMentions(i.text));
  const usernames = [...new Set(parsed.flatMap((p) => p.usernames))];
  const candidates = usernames.length
    ? await mentionCandidatesQuery(tx, usernames, [...new Set(items.map((i) => i.conversationId))]).execute()
    : [];
  return resolveFrom(items, parsed, candidates);
}
