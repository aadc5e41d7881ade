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
  | { kind: 'group'; key: string; senderId: string; entries: TimelineEntry[] };

/** Messages by the same person closer than this stay in one group, under one name. */
export const GROUP_GAP_MS = 5 * 60_000;

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
  let divided = unreadAfter === null;
  for (const { senderId, at, entry } of entries) {
    const day = dayKey(at);
    if (day !== lastDay) {
      items.push({ kind: 'day', key: `day-${day}`, date: at });
      lastDay = day;
      group = null;
    }
    if (!divided && entry.kind === 'sent' && entry.message.seq > unreadAfter! && senderId !== meId) {
      items.push({ kind: 'unread', key: 'unread' });
      divided = true;
      group = null;
    }
    if (!group || group.senderId !== senderId || at.getTime() - lastAt > GROUP_GAP_MS) {
      group = { kind: 'group', key: `group-${entry.key}`, senderId, entries: [] };
      items.push(group);
    }
    group.entries.push(entry);
    lastAt = at.getTime();
  }
  return items;
}

/** My newest message that can still be edited (not deleted): what the up arrow edits. */
export function lastOwnMessage(messages: readonly Message[], meId: string): Message | undefined {
  return messages.findLast((m) => m.senderId === meId && !m.deletedAt);
}
