import type { Message, ReactionSummary } from '@parley/sdk';

/** Who reacted is listed up to this many people (the server's own bound). */
const LISTED_REACTORS = 100;

/** The emoji offered at one click, as in most messengers. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export interface ReactionChange {
  userId: string;
  emoji: string;
  /** How many people have this reaction now, after the change (the server's count). */
  count: number;
}

/**
 * The message after someone's reaction came or went. Applying the same event twice changes
 * nothing more, so a live event and my own request's answer may both arrive in any order.
 */
export function withReaction(message: Message, change: ReactionChange, added: boolean): Message {
  const existing = message.reactions.find((r) => r.emoji === change.emoji);
  const others = existing ? existing.userIds.filter((id) => id !== change.userId) : [];
  const userIds = added ? [...others, change.userId].slice(0, LISTED_REACTORS) : others;
  const updated: ReactionSummary = { emoji: change.emoji, count: change.count, userIds };
  const reactions =
    change.count === 0
      ? message.reactions.filter((r) => r.emoji !== change.emoji)
      : existing
        ? message.reactions.map((r) => (r.emoji === change.emoji ? updated : r))
        : [...message.reactions, updated];
  return { ...message, reactions };
}
