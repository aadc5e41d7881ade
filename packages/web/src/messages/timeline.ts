import type { Attachment, Message } from '@parley/sdk';

/** A message of mine not yet acknowledged by the server, or whose send failed. */
export interface PendingMessage {
  clientId: string;
  text: string;
  /** Uploaded already; sent with the message. */
  attachments: Attachment[];
  createdAt: string;
  status: 'pending' | 'failed';
}

export type TimelineEntry = { kind: 'sent'; key: string; message: Message } | { kind: 'local'; key: string; pending: PendingMessage };

export type TimelineItem =
  | { kind: 'day'; key: string; date: Date }
  | { kind: 'unread'; key: string }
  /** `continued`: a later slice of a long run, drawn without the name and picture the first slice shows. */
  | { kind: 'group'; key: string; senderId: string; entries: TimelineEntry[]; continued: boolean };

/** The timeline key of the "new messages" divider (there is at most one). */
export const UNREAD_KEY = 'unread';

/** Messages by the same person closer than this stay in one group, under one name. */
export const GROUP_GAP_MS = 5 * 60_000;

/**
 * The list draws only the items near the screen, so no item may be long: a run of one sender's
 * messages is cut into slices where the seq crosses a multiple of this. The cuts stay put as
 * older pages arrive: only the slice a page reaches into grows (and `carryKeys` keeps its key).
 */
export const GROUP_SLICE = 16;

/** The known messages plus a newer batch: ordered by seq, each once, newer versions (edits) winning. */
export function mergeMessages(known: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const m of incoming) {
    const old = byId.get(m.id);
    // An out-of-date copy (a page fetched before an edit arrived) must not undo the edit.
    if (!old || version(m) >= version(old)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function version(m: Message): string {
  return [m.deletedAt, m.editedAt, m.createdAt].filter((v): v is string => v !== null).sort().at(-1) ?? '';
}

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/**
 * What the conversation pane draws: day separators, runs of consecutive messages by one sender,
 * and a "new messages" divider before the first message of someone else after `unreadAfter` (my
 * read position when I opened the conversation); my pending messages come last, as they are newer
 * than anything acknowledged.
 */
export function buildTimeline(messages: readonly Message[], pending: readonly PendingMessage[], meId: string, unreadAfter: number | null = null): TimelineItem[] {
  const entries: { senderId: string; at: Date; entry: TimelineEntry }[] = [
    ...messages.map((m) => ({ senderId: m.senderId, at: new Date(m.createdAt), entry: { kind: 'sent' as const, key: m.id, message: m } })),
    ...pending.map((p) => ({ senderId: meId, at: new Date(p.createdAt), entry: { kind: 'local' as const, key: p.clientId, pending: p } })),
  ];
  const items: TimelineItem[] = [];
  let group: Extract<TimelineItem, { kind: 'group' }> | null = null;
  let lastDay = '';
  let lastAt = 0;
  let lastSlice = -1;
  let divided = unreadAfter === null;
  for (const { senderId, at, entry } of entries) {
    const day = dayKey(at);
    if (day !== lastDay) {
      items.push({ kind: 'day', key: `day-${day}`, date: at });
      lastDay = day;
      group = null;
    }
    if (!divided && entry.kind === 'sent' && entry.message.seq > unreadAfter! && senderId !== meId) {
      items.push({ kind: 'unread', key: UNREAD_KEY });
      divided = true;
      group = null;
    }
    // My pending messages have no seq yet: they stay in the slice they follow.
    const slice = entry.kind === 'sent' ? Math.floor(entry.message.seq / GROUP_SLICE) : lastSlice;
    if (!group || group.senderId !== senderId || at.getTime() - lastAt > GROUP_GAP_MS) {
      group = { kind: 'group', key: `group-${entry.key}`, senderId, entries: [], continued: false };
      items.push(group);
    } else if (slice !== lastSlice) {
      group = { kind: 'group', key: `group-${entry.key}`, senderId, entries: [], continued: true };
      items.push(group);
    }
    group.entries.push(entry);
    lastAt = at.getTime();
    lastSlice = slice;
  }
  return items;
}

/**
 * The items again, each slice keeping the key it had last time (`previous`: entry key → item key)
 * when it is the same slice grown: older messages joining a slice change its first message, hence
 * its own key, but it must stay the same element (the focus on one of its messages, an edit in
 * progress and its measured height go with it). Returns the map to pass next time.
 */
export function carryKeys(items: readonly TimelineItem[], previous: ReadonlyMap<string, string>): { items: TimelineItem[]; keyOfEntry: Map<string, string> } {
  const taken = new Set<string>();
  const carried = items.map((item) => {
    if (item.kind !== 'group') return null;
    // A message of mine just sent was known by its clientId while pending.
    const before = (e: TimelineEntry) => previous.get(e.key) ?? (e.kind === 'sent' && e.message.clientId ? previous.get(e.message.clientId) : undefined);
    const key = item.entries.map(before).find((k) => k !== undefined && !taken.has(k));
    if (key !== undefined) taken.add(key);
    return key;
  });
  const keyOfEntry = new Map<string, string>();
  const out = items.map((item, i) => {
    if (item.kind !== 'group') return item;
    let key = carried[i] ?? item.key;
    // A new slice whose own key another slice carries (it was the first message there once).
    for (let n = 2; carried[i] === undefined && taken.has(key); n++) key = `${item.key}~${n}`;
    taken.add(key);
    for (const e of item.entries) keyOfEntry.set(e.key, key);
    return key === item.key ? item : { ...item, key };
  });
  return { items: out, keyOfEntry };
}

/** My newest message that can still be edited (not deleted): what the up arrow edits. */
export function lastOwnMessage(messages: readonly Message[], meId: string): Message | undefined {
  return messages.findLast((m) => m.senderId === meId && !m.deletedAt);
}
