import type { Transaction } from 'kysely';
import { findUserIdsByUsernames } from '../accounts/users.repository.js';
import type { DB } from '../db/schema.js';
import { parseMentions } from './mentions.js';

export interface ResolvedMentions {
  userIds: string[];
  channel: boolean;
}

/**
 * Resolves the mentions of several texts at once: usernames to ids, keeping only members of the
 * text's conversation (mentioning an outsider does not notify them).
 */
export async function resolveMentions(
  tx: Transaction<DB>,
  items: readonly { conversationId: string; text: string }[],
): Promise<ResolvedMentions[]> {
  const parsed = items.map((i) => parseMentions(i.text));
  const usernames = [...new Set(parsed.flatMap((p) => p.usernames))];
  const users = await findUserIdsByUsernames(tx, usernames);
  const idByName = new Map(users.map((u) => [u.username, u.id]));
  const candidates = items.flatMap((item, i) =>
    (parsed[i]?.usernames ?? []).flatMap((n) => {
      const id = idByName.get(n);
      return id ? [{ conversationId: item.conversationId, userId: id }] : [];
    }),
  );
  const memberKeys = new Set<string>();
  if (candidates.length > 0) {
    const rows = await tx
      .selectFrom('members')
      .select(['conversation_id', 'user_id'])
      .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), 'in', candidates.map((c) => eb.tuple(c.conversationId, c.userId))))
      .execute();
    for (const r of rows) memberKeys.add(`${r.conversation_id}:${r.user_id}`);
  }
  return items.map((item, i) => {
    const p = parsed[i] ?? { usernames: [], channel: false };
    const userIds = p.usernames.flatMap((n) => {
      const id = idByName.get(n);
      return id && memberKeys.has(`${item.conversationId}:${id}`) ? [id] : [];
    });
    return { userIds, channel: p.channel };
  });
}
