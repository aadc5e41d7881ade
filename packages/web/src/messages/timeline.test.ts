import type { Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { buildTimeline, mergeMessages, type PendingMessage } from './timeline.js';

// Local times, so day boundaries do not depend on the machine's time zone.
const at = (day: number, hour: number, minute = 0) => new Date(2026, 0, day, hour, minute).toISOString();

function message(seq: number, senderId: string, createdAt: string, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`, conversationId: 'c1', seq, senderId, clientId: null, text: `text ${seq}`, replyTo: null, replyCount: 0,
    lastReplyAt: null, mentions: [], mentionsChannel: false, reactions: [], attachments: [], previews: [], createdAt,
    editedAt: null, deletedAt: null, ...extra,
  };
}

describe('mergeMessages', () => {
  it('orders by seq and keeps each message once', () => {
    const merged = mergeMessages([message(2, 'a', at(1, 9)), message(3, 'a', at(1, 9))], [message(1, 'a', at(1, 8)), message(3, 'a', at(1, 9))]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('does not let a stale copy from a page undo an edit that arrived live', () => {
    const edited = message(1, 'a', at(1, 8), { text: 'new', editedAt: at(1, 10) });
    expect(mergeMessages([edited], [message(1, 'a', at(1, 8))])[0]!.text).toBe('new');
  });
});

describe('buildTimeline', () => {
  it('groups consecutive messages of one sender and separates days', () => {
    const items = buildTimeline(
      [message(1, 'a', at(1, 9)), message(2, 'a', at(1, 9, 1)), message(3, 'b', at(1, 9, 2)), message(4, 'b', at(2, 9))],
      [],
      'a',
    );
    expect(items.map((i) => (i.kind === 'group' ? `${i.senderId}:${i.entries.length}` : i.kind))).toEqual(['day', 'a:2', 'b:1', 'day', 'b:1']);
  });

  it('starts a new group after a pause, and puts my pending messages last', () => {
    const pending: PendingMessage = { clientId: 'x', text: 'hi', attachments: [], createdAt: at(1, 12), status: 'pending' };
    const items = buildTimeline([message(1, 'a', at(1, 9)), message(2, 'a', at(1, 11))], [pending], 'a');
    const groups = items.filter((i) => i.kind === 'group');
    expect(groups).toHaveLength(3);
    expect(groups.at(-1)!.entries[0]).toMatchObject({ kind: 'local', key: 'x' });
  });
});

describe('new messages divider', () => {
  it('goes before the first message of someone else after my read position, splitting the group', () => {
    const list = [message(1, 'bob', at(1, 9)), message(2, 'bob', at(1, 9, 1)), message(3, 'me', at(1, 9, 2)), message(4, 'bob', at(1, 9, 3))];
    const kinds = (read: number | null) => buildTimeline(list, [], 'me', read).map((i) => (i.kind === 'group' ? `${i.senderId}:${i.entries.length}` : i.kind));
    expect(kinds(1)).toEqual(['day', 'bob:1', 'unread', 'bob:1', 'me:1', 'bob:1']);
    // My own newer message is not "new" to me: the divider waits for someone else's.
    expect(kinds(2)).toEqual(['day', 'bob:2', 'me:1', 'unread', 'bob:1']);
    expect(kinds(4)).toEqual(['day', 'bob:2', 'me:1', 'bob:1']);
    expect(kinds(null)).toEqual(['day', 'bob:2', 'me:1', 'bob:1']);
  });
});

