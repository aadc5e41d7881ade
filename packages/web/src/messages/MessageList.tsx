import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { Avatar } from '../app/Avatar.js';
import { t } from '../i18n/index.js';
import { arrivalsAfter, useArrivals } from './arrivals.js';
import { formatDay } from './format.js';
import { estimateHeight } from './item-height.js';
import { EntryTime, MessageItem } from './MessageItem.js';
import { useMessageView } from './message-view.js';
import { buildTimeline, carryKeys, UNREAD_KEY, type TimelineEntry, type TimelineItem } from './timeline.js';
import type { MessagesState } from './useMessages.js';
import { ITEM_ATTR, PART_ATTR, useVirtualWindow } from './useVirtualWindow.js';

interface MessageListProps {
  state: MessagesState;
  /** Shown above the oldest message once there is nothing older (a thread's root message). */
  lead?: ReactNode;
  /** My read position when I opened the conversation: a "new messages" divider goes after it. */
  unreadAfter?: number | null;
}

const keyOf = (item: TimelineItem) => item.key;
const partsOf = (item: TimelineItem) => (item.kind === 'group' ? item.entries.map((e) => e.key) : []);

export function MessageList({ state, lead, unreadAfter = null }: MessageListProps) {
  const view = useMessageView();
  const { me } = view;
  const { messages, pending, hasMore, loading, loadOlder } = state;
  // A slice that older messages join keeps its key: React keeps its elements (and the focus in them).
  const keyOfEntry = useRef(new Map<string, string>());
  const items = useMemo(() => {
    const next = carryKeys(buildTimeline(messages, pending, me.id, unreadAfter), keyOfEntry.current);
    keyOfEntry.current = next.keyOfEntry;
    return next.items;
  }, [messages, pending, me.id, unreadAfter]);
  // The message holding the focus stays drawn wherever the reader scrolls, as does the one being edited.
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const pinned = useMemo(() => [focusedKey, view.editingId].filter((k): k is string => k !== null), [focusedKey, view.editingId]);
  const win = useVirtualWindow({ items, keyOf, partsOf, estimate: estimateHeight, pinned });
  const sentinel = useRef<HTMLDivElement>(null);
  const previous = useRef({ newestSeq: 0, pendingCount: 0 });
  // Scrolled up: a button brings the reader back, saying how many arrived meanwhile.
  const [away, setAway] = useState<{ fromSeq: number } | null>(null);
  const newestSeq = messages.at(-1)?.seq ?? 0;
  const arrivals = useArrivals(messages, loading, me.id, view.nameOf);

  // The window keeps the reader's place as older pages arrive, and the bottom as newer ones do.
  // Sending goes to the bottom; on opening, the first unread message is where reading resumes.
  useLayoutEffect(() => {
    const prev = previous.current;
    if (prev.newestSeq === 0 && newestSeq > 0 && items.some((i) => i.key === UNREAD_KEY)) win.placeAt(UNREAD_KEY, 1 / 3);
    else if (pending.length > prev.pendingCount) win.toBottom();
    previous.current = { newestSeq, pendingCount: pending.length };
  }, [messages, pending, newestSeq]);

  // Re-armed after every page, so a first page shorter than the screen still pulls the next one.
  // A screen ahead: the next page is usually in before the reader reaches the top.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || loading) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadOlder(), { root: win.scrollerRef.current, rootMargin: '100% 0px 0px 0px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loading, loadOlder, messages, win.scrollerRef]);

  const onScroll = () => {
    win.onScroll();
    if (win.atBottom()) setAway(null);
    else setAway((a) => a ?? { fromSeq: newestSeq });
  };

  // The messages the arrows move between, in order.
  const order = useMemo(() => items.flatMap((item) => (item.kind === 'group' ? item.entries.filter((e) => e.kind === 'sent').map((e) => e.key) : [])), [items]);
  const position = useMemo(() => new Map(order.map((key, i) => [key, i])), [order]);

  // One tab stop for the whole history; the arrows then move from message to message (the
  // focused one shows its toolbar, which Tab reaches; Escape comes back), Home and End to the ends.
  // Only the messages near the screen are drawn: the next one is drawn first, then focused.
  const moveFocus = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = win.scrollerRef.current;
    const target = e.target as HTMLElement;
    if (!el) return;
    // Escape from a button of a message (its toolbar, a reaction) goes back to the message.
    const owner = target.closest<HTMLElement>('li.message');
    if (e.key === 'Escape' && owner && owner !== target && target.matches('button')) {
      e.preventDefault();
      owner.focus();
      return;
    }
    if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return;
    if (target !== el && !target.matches('li.message')) return; // keys inside fields and toolbars are theirs
    // A thread's root, above its replies, is the first stop.
    const leadMessage = sentinel.current?.querySelector<HTMLElement>('li.message[tabindex]') ?? null;
    const first = leadMessage ? -1 : 0;
    const last = order.length - 1;
    if (last < first) return;
    const at = target === leadMessage ? -1 : position.get(target.getAttribute(PART_ATTR) ?? '');
    const up = e.key === 'ArrowUp';
    const next = e.key === 'Home' ? first : e.key === 'End' ? last : at === undefined ? (up ? last : first) : Math.max(first, Math.min(last, at + (up ? -1 : 1)));
    e.preventDefault();
    if (next === -1) leadMessage!.scrollIntoView({ block: 'nearest' });
    (next === -1 ? leadMessage : win.reveal(order[next]!))?.focus({ preventScroll: true });
  };

  const jumpToLatest = () => {
    win.toBottom();
    setAway(null);
  };
  const arrived = away ? arrivalsAfter(messages, away.fromSeq, me.id).length : 0;

  const drawn: ReactNode[] = [];
  win.runs.forEach((run, r) => {
    // Between two runs (a pinned message far off), a blank the height of the items between.
    if (r > 0) drawn.push(<li key={`space-${items[run.start]!.key}`} className="window-space" aria-hidden="true" style={{ height: run.spaceBefore }} />);
    for (let i = run.start; i < run.end; i++) drawn.push(<TimelineRow key={items[i]!.key} item={items[i]!} measure={win.measure} />);
  });

  return (
    <div className="message-list">
      <div className="message-scroller" ref={win.scrollerRef} onScroll={onScroll} tabIndex={0} aria-label={t('pane.messages')} onKeyDown={moveFocus}>
        <div ref={sentinel} className="history-edge">
          {hasMore ? loading && <span className="muted">{t('pane.loadingOlder')}</span> : !loading && (lead ?? <span className="muted">{t('pane.start')}</span>)}
        </div>
        <ol
          ref={win.listRef}
          className="timeline"
          style={{ paddingTop: win.runs[0]?.spaceBefore ?? 0, paddingBottom: win.spaceAfter }}
          onFocus={(e) => setFocusedKey(e.target.closest(`[${PART_ATTR}]`)?.getAttribute(PART_ATTR) ?? null)}
          onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setFocusedKey(null)}
        >
          {drawn}
        </ol>
      </div>
      <div className="sr-only" aria-live="polite">
        {arrivals.map((a) => (
          <p key={a.id}>{a.line}</p>
        ))}
      </div>
      {away && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          {arrived > 0 ? t('pane.newBelow', { count: arrived }) : t('pane.jumpLatest')} ↓
        </button>
      )}
    </div>
  );
}

/** One item of the timeline, its root measured by the window. */
function TimelineRow({ item, measure }: { item: TimelineItem; measure: (el: HTMLElement | null) => (() => void) | undefined }) {
  const windowed = { ref: measure, [ITEM_ATTR]: item.key };
  switch (item.kind) {
    case 'day':
      return (
        <li {...windowed} className="day-separator">
          <span>{formatDay(item.date)}</span>
        </li>
      );
    case 'unread':
      return (
        <li {...windowed} className="day-separator unread-divider">
          <span>{t('pane.newMessages')}</span>
        </li>
      );
    case 'group':
      return <MessageGroup ref={measure} windowKey={item.key} senderId={item.senderId} entries={item.entries} continued={item.continued} />;
  }
}

interface MessageGroupProps {
  senderId: string;
  entries: readonly TimelineEntry[];
  /** A later slice of a long run: no name and picture again. */
  continued?: boolean;
  ref?: Ref<HTMLLIElement>;
  /** Its key in a windowed list. */
  windowKey?: string;
}

/** Consecutive messages of one sender, under their name and the time of the first. */
export function MessageGroup({ senderId, entries, continued = false, ref, windowKey }: MessageGroupProps) {
  const view = useMessageView();
  return (
    <li ref={ref} {...{ [ITEM_ATTR]: windowKey }} className={`message-group${senderId === view.me.id ? ' mine' : ''}${continued ? ' continued' : ''}`}>
      {!continued && (
        <>
          <Avatar user={view.personOf(senderId) ?? { id: senderId, displayName: view.nameOf(senderId), avatarUrl: null }} size={36} />
          <div className="group-head">
            <span className="sender">{view.nameOf(senderId)}</span>
            <EntryTime entry={entries[0]!} />
          </div>
        </>
      )}
      <ul className="group-messages">
        {entries.map((entry) => (
          <MessageItem key={entry.key} entry={entry} />
        ))}
      </ul>
    </li>
  );
}
