import type { Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { buildTimeline, carryKeys, GROUP_SLICE, mergeMessages, type PendingMessage } from './timeline.js';

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

  it('cuts a long run of one sender into slices at fixed seqs, so loading older messages keeps the cuts and their keys', () => {
    const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i, 'a', at(1, 9)));
    const slices = (list: Message[]) =>
      buildTimeline(list, [], 'me').flatMap((i) => (i.kind === 'group' ? [{ key: i.key, seqs: i.entries.map((e) => (e.kind === 'sent' ? e.message.seq : 0)), continued: i.continued }] : []));
    const newest = slices(run(GROUP_SLICE + 5, 3 * GROUP_SLICE));
    expect(newest.map((s) => [s.seqs[0], s.seqs.at(-1), s.continued])).toEqual([
      [GROUP_SLICE + 5, 2 * GROUP_SLICE - 1, false],
      [2 * GROUP_SLICE, 3 * GROUP_SLICE - 1, true],
      [3 * GROUP_SLICE, 3 * GROUP_SLICE, true],
    ]);
    const withOlder = slices(run(1, 3 * GROUP_SLICE));
    expect(withOlder.map((s) => s.continued)).toEqual([false, true, true, true]);
    // Only the slice the older page reached into changes; the ones after it keep their keys.
    expect(withOlder.slice(2).map((s) => s.key)).toEqual(newest.slice(1).map((s) => s.key));
  });

  it('keeps my pending messages in the slice they follow', () => {
    const pending: PendingMessage = { clientId: 'x', text: 'hi', attachments: [], createdAt: at(1, 9), status: 'pending' };
    const items = buildTimeline([message(GROUP_SLICE - 1, 'a', at(1, 9))], [pending], 'a');
    expect(items.filter((i) => i.kind === 'group').map((g) => g.entries.length)).toEqual([2]);
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


describe('carryKeys', () => {
  const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i, 'a', at(1, 9)));
  const groupKeys = (items: ReturnType<typeof buildTimeline>) => items.filter((i) => i.kind === 'group').map((i) => i.key);

  it('keeps the key of a slice that older messages joined, and gives new slices their own', () => {
    const first = carryKeys(buildTimeline(run(GROUP_SLICE + 5, 3 * GROUP_SLICE), [], 'me'), new Map());
    const [topKey, ...rest] = groupKeys(first.items);
    const next = carryKeys(buildTimeline(run(1, 3 * GROUP_SLICE), [], 'me'), first.keyOfEntry);
    const keys = groupKeys(next.items);
    // The slice that was on top now starts earlier, under the key it was drawn with.
    expect(keys.slice(1)).toEqual([topKey, ...rest]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(next.items.find((i) => i.key === topKey)).toMatchObject({ kind: 'group', continued: true });
  });

  it('keeps keys as newer messages arrive, my pending one included', () => {
    const pending: PendingMessage = { clientId: 'x', text: 'hi', attachments: [], createdAt: at(1, 9), status: 'pending' };
    const theirs = [message(1, 'b', at(1, 9)), message(2, 'b', at(1, 9))];
    const first = carryKeys(buildTimeline(theirs, [pending], 'a'), new Map());
    expect(groupKeys(first.items)).toEqual(['group-m1', 'group-x']);
    // Sent now, it has a seq and its own id: the slice it starts is still the same element.
    const sent = message(3, 'a', at(1, 9), { clientId: 'x' });
    const next = carryKeys(buildTimeline([...theirs, sent], [], 'a'), first.keyOfEntry);
    expect(groupKeys(next.items)).toEqual(['group-m1', 'group-x']);
    const more = carryKeys(buildTimeline([...theirs, sent, message(4, 'a', at(1, 9)), message(5, 'b', at(1, 9))], [], 'a'), next.keyOfEntry);
    expect(groupKeys(more.items)).toEqual(['group-m1', 'group-x', 'group-m5']);
  });

  it('never gives two slices one key', () => {
    // A slice whose first message was another slice's before: both exist now, with different keys.
    const previous = new Map([['m1', 'group-m2']]);
    const items = buildTimeline([message(1, 'a', at(1, 9)), message(2, 'b', at(1, 9))], [], 'me');
    const keys = groupKeys(carryKeys(items, previous).items);
    expect(keys[0]).toBe('group-m2');
    expect(keys[1]).not.toBe('group-m2');
    expect(new Set(keys).size).toBe(2);
  });
});
