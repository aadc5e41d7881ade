import type { ConversationSummary, Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { filterSummaries, withNewMessage, withRead } from './summaries.js';

const at = '2026-01-01T10:00:00.000Z';

function summary(id: string, kind: 'dm' | 'group' | 'channel', name: string): ConversationSummary {
  return {
    conversation: {
      id, kind, title: kind === 'group' ? name : null, name: kind === 'channel' ? name : null, topic: null, avatarUrl: null,
      createdBy: 'me', createdAt: at, lastSeq: 0, lastMessageAt: null, memberCount: 2, dmUserIds: kind === 'dm' ? ['me', 'p'] : [],
    },
    membership: { userId: 'me', role: 'member', readSeq: 0, deliveredSeq: 0, joinedAt: at, mute: null },
    unreadCount: 0,
    mentionCount: 0,
    lastMessage: null,
    peer: kind === 'dm' ? { id: 'p', username: 'zoe', displayName: name, statusText: '', avatarUrl: null, createdAt: at } : null,
  };
}

function message(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`, conversationId: 'g', seq, senderId: 'other', clientId: null, text: 'hi', replyTo: null, replyCount: 0, lastReplyAt: null,
    mentions: [], mentionsChannel: false, reactions: [], attachments: [], previews: [], createdAt: at, editedAt: null, deletedAt: null, ...extra,
  };
}

describe('conversation list', () => {
  const list = [summary('d', 'dm', 'Zoë Washburne'), summary('g', 'group', 'Weekend trip'), summary('c', 'channel', 'random')];

  it('filters by title or DM username, ignoring case and accents', () => {
    expect(filterSummaries(list, 'ZOE').map((s) => s.conversation.id)).toEqual(['d']);
    expect(filterSummaries(list, 'zoe').map((s) => s.conversation.id)).toEqual(['d']);
    expect(filterSummaries(list, ' trip ').map((s) => s.conversation.id)).toEqual(['g']);
    expect(filterSummaries(list, '#rand').map((s) => s.conversation.id)).toEqual(['c']);
    expect(filterSummaries(list, '')).toBe(list);
  });

  it('counts unread mentions of me (or of everyone) and clears them once read to the end', () => {
    let l = withNewMessage(list, message(1), 'me', false);
    l = withNewMessage(l, message(2, { mentions: ['me'] }), 'me', false);
    l = withNewMessage(l, message(3, { mentionsChannel: true }), 'me', false);
    l = withNewMessage(l, message(4, { mentions: ['someone-else'] }), 'me', false);
    const group = () => l.find((s) => s.conversation.id === 'g')!;
    expect([group().unreadCount, group().mentionCount]).toEqual([4, 2]);
    // Not counted while I am looking at it.
    l = withNewMessage(l, message(5, { mentions: ['me'] }), 'me', true);
    expect([group().unreadCount, group().mentionCount]).toEqual([4, 2]);
    l = withRead(l, 'g', 5);
    expect([group().unreadCount, group().mentionCount]).toEqual([0, 0]);
  });
});
