import type { Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { withReaction } from './reactions.js';

function message(reactions: Message['reactions'] = []): Message {
  return {
    id: 'm1', conversationId: 'c1', seq: 1, senderId: 'a', clientId: null, text: 'hi', replyTo: null, replyCount: 0, lastReplyAt: null,
    mentions: [], mentionsChannel: false, reactions, attachments: [], previews: [], createdAt: '2026-01-01T00:00:00.000Z', editedAt: null, deletedAt: null,
  };
}

describe('withReaction', () => {
  it('adds a new emoji after the existing ones, and a second person to it', () => {
    const first = withReaction(message([{ emoji: '👍', count: 1, userIds: ['a'] }]), { userId: 'b', emoji: '🎉', count: 1 }, true);
    expect(first.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: ['a'] },
      { emoji: '🎉', count: 1, userIds: ['b'] },
    ]);
    const second = withReaction(first, { userId: 'c', emoji: '🎉', count: 2 }, true);
    expect(second.reactions[1]).toEqual({ emoji: '🎉', count: 2, userIds: ['b', 'c'] });
  });

  it('is unchanged by the same event twice (a live event and my own answer)', () => {
    const once = withReaction(message(), { userId: 'a', emoji: '❤️', count: 1 }, true);
    expect(withReaction(once, { userId: 'a', emoji: '❤️', count: 1 }, true)).toEqual(once);
    const removed = withReaction(once, { userId: 'a', emoji: '❤️', count: 0 }, false);
    expect(removed.reactions).toEqual([]);
    expect(withReaction(removed, { userId: 'a', emoji: '❤️', count: 0 }, false).reactions).toEqual([]);
  });

  it('takes a person off and keeps the server count, which may include people not listed', () => {
    const many = message([{ emoji: '👍', count: 150, userIds: ['a', 'b'] }]);
    expect(withReaction(many, { userId: 'a', emoji: '👍', count: 149 }, false).reactions).toEqual([{ emoji: '👍', count: 149, userIds: ['b'] }]);
  });

  it('leaves the original message as it was', () => {
    const original = message([{ emoji: '👍', count: 1, userIds: ['a'] }]);
    withReaction(original, { userId: 'b', emoji: '👍', count: 2 }, true);
    expect(original.reactions).toEqual([{ emoji: '👍', count: 1, userIds: ['a'] }]);
  });
});
