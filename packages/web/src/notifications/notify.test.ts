import type { ConversationSummary, Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { isMuted, unreadTotal } from '../conversations/summaries.js';
import { shouldNotify, tabTitle } from './notify.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

function summary(kind: 'dm' | 'group', mute: ConversationSummary['membership']['mute'] = null, unreadCount = 0): ConversationSummary {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    conversation: { id: kind, kind, title: kind === 'group' ? 'G' : null, name: null, topic: null, avatarUrl: null, createdBy: 'x', createdAt: at, lastSeq: 0, lastMessageAt: null, memberCount: 2, dmUserIds: [] },
    membership: { userId: 'me', role: 'member', readSeq: 0, deliveredSeq: 0, joinedAt: at, mute },
    unreadCount,
    mentionCount: 0,
    lastMessage: null,
    peer: null,
  };
}

function message(extra: Partial<Message> = {}): Message {
  return {
    id: 'm', conversationId: 'c', seq: 1, senderId: 'other', clientId: null, text: 'hi', replyTo: null, replyCount: 0, lastReplyAt: null, mentions: [],
    mentionsChannel: false, reactions: [], attachments: [], previews: [], createdAt: '2026-06-01T12:00:00.000Z', editedAt: null, deletedAt: null, ...extra,
  };
}

describe('notifications', () => {
  it('notify of DMs and of mentions, only while the tab is hidden, never for my own messages', () => {
    expect(shouldNotify(summary('dm'), message(), 'me', true, NOW)).toBe(true);
    expect(shouldNotify(summary('dm'), message(), 'me', false, NOW)).toBe(false);
    expect(shouldNotify(summary('dm'), message({ senderId: 'me' }), 'me', true, NOW)).toBe(false);
    expect(shouldNotify(summary('group'), message(), 'me', true, NOW)).toBe(false);
    expect(shouldNotify(summary('group'), message({ mentions: ['me'] }), 'me', true, NOW)).toBe(true);
    expect(shouldNotify(summary('group'), message({ mentionsChannel: true }), 'me', true, NOW)).toBe(true);
  });

  it('stay quiet while muted, and speak again once a timed mute is over', () => {
    const always = summary('dm', { until: null });
    const untilOne = summary('dm', { until: '2026-06-01T13:00:00.000Z' });
    expect(isMuted(always, NOW)).toBe(true);
    expect(shouldNotify(always, message(), 'me', true, NOW)).toBe(false);
    expect(shouldNotify(untilOne, message(), 'me', true, NOW)).toBe(false);
    expect(shouldNotify(untilOne, message(), 'me', true, NOW + 2 * 3_600_000)).toBe(true);
  });

  it('count unread of unmuted conversations in the tab title', () => {
    expect(unreadTotal([summary('dm', null, 3), summary('group', { until: null }, 5)], NOW)).toBe(3);
    expect(tabTitle(3)).toBe('(3) Parley');
    expect(tabTitle(0)).toBe('Parley');
  });
});
