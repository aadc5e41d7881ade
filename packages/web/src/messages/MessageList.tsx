import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Avatar } from '../app/Avatar.js';
import { t } from '../i18n/index.js';
import { formatDay } from './format.js';
import { EntryTime, MessageItem } from './MessageItem.js';
import { useMessageView } from './message-view.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';
import type { MessagesState } from './useMessages.js';

/** Within this many pixels of the bottom, new messages keep the view at the bottom. */
const STICK_THRESHOLD_PX = 48;

interface MessageListProps {
  state: MessagesState;
  /** Shown above the oldest message once there is nothing older (a thread's root message). */
  lead?: ReactNode;
  /** My read position when I opened the conversation: a "new messages" divider goes after it. */
  unreadAfter?: number | null;
}

export function MessageList({ state, lead, unreadAfter = null }: MessageListProps) {
  const { me } = useMessageView();
  const { messages, pending, hasMore, loading, loadOlder } = state;
  const items = useMemo(() => buildTimeline(messages, pending, me.id, unreadAfter), [messages, pending, me.id, unreadAfter]);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const previous = useRef({ oldestSeq: null as number | null, newestSeq: 0, scrollHeight: 0, pendingCount: 0 });
  // Scrolled up: a button brings the reader back, saying how many arrived meanwhile.
  const [away, setAway] = useState<{ fromSeq: number } | null>(null);
  const newestSeq = messages.at(-1)?.seq ?? 0;

  // Older messages go in above what the reader is looking at: keep it still. New ones follow
  // the bottom if the reader was there, and always when I just sent one. On opening, the first
  // unread message is where reading resumes.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const oldestSeq = messages[0]?.seq ?? null;
    const prev = previous.current;
    const divider = prev.newestSeq === 0 && newestSeq > 0 ? el.querySelector('.unread-divider') : null;
    if (prev.oldestSeq !== null && oldestSeq !== null && oldestSeq < prev.oldestSeq) el.scrollTop += el.scrollHeight - prev.scrollHeight;
    else if (divider instanceof HTMLElement) {
      el.scrollTop = Math.max(0, divider.offsetTop - el.clientHeight / 3);
      // Not at the bottom any more: the resize observer below offers the way there once the
      // heights are real (groups off screen are only estimated until drawn: content-visibility).
      atBottom.current = false;
    } else if (atBottom.current || pending.length > prev.pendingCount) el.scrollTop = el.scrollHeight;
    previous.current = { oldestSeq, newestSeq, scrollHeight: el.scrollHeight, pendingCount: pending.length };
  }, [messages, pending, newestSeq]);

  // Content that grows (pictures arriving, groups drawn for the first time) keeps a reader at
  // the bottom there, and tells one further up that newer messages are below.
  const newestRef = useRef(newestSeq);
  newestRef.current = newestSeq;
  useEffect(() => {
    const el = scroller.current;
    const content = list.current;
    if (!el || !content) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      else if (el.scrollHeight - el.scrollTop - el.clientHeight >= STICK_THRESHOLD_PX) setAway((a) => a ?? { fromSeq: newestRef.current });
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  // Re-armed after every page, so a first page shorter than the screen still pulls the next one.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || loading) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadOlder(), { root: scroller.current });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loading, loadOlder, messages]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
    if (atBottom.current) setAway(null);
    else setAway((a) => a ?? { fromSeq: newestSeq });
  };

  // One tab stop for the whole history; the arrows then move from message to message (the
  // focused one shows its toolbar, which Tab reaches; Escape comes back), Home and End to the ends.
  const moveFocus = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = scroller.current;
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
    const all = [...el.querySelectorAll<HTMLElement>('li.message')];
    if (all.length === 0) return;
    const at = all.indexOf(target);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : at === -1 ? (e.key === 'ArrowUp' ? all.length - 1 : 0) : Math.max(0, Math.min(all.length - 1, at + (e.key === 'ArrowUp' ? -1 : 1)));
    e.preventDefault();
    all[next]!.focus();
    all[next]!.scrollIntoView({ block: 'nearest' });
  };

  const jumpToLatest = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setAway(null);
  };
  const arrived = away ? messages.filter((m) => m.seq > away.fromSeq && m.senderId !== me.id).length : 0;

  return (
    <div className="message-list">
      <div className="message-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={t('pane.messages')} onKeyDown={moveFocus}>
        <div ref={sentinel} className="history-edge">
          {hasMore ? loading && <span className="muted">{t('pane.loadingOlder')}</span> : !loading && (lead ?? <span className="muted">{t('pane.start')}</span>)}
        </div>
        <ol ref={list} className="timeline" aria-live="polite">
          {items.map((item) =>
            item.kind === 'day' ? (
              <li key={item.key} className="day-separator" role="separator">
                <span>{formatDay(item.date)}</span>
              </li>
            ) : item.kind === 'unread' ? (
              <li key={item.key} className="day-separator unread-divider" role="separator">
                <span>{t('pane.newMessages')}</span>
              </li>
            ) : (
              <MessageGroup key={item.key} senderId={item.senderId} entries={item.entries} />
            ),
          )}
        </ol>
      </div>
      {away && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          {arrived > 0 ? t('pane.newBelow', { count: arrived }) : t('pane.jumpLatest')} ↓
        </button>
      )}
    </div>
  );
}

/** Consecutive messages of one sender, under their name and the time of the first. */
export function MessageGroup({ senderId, entries }: { senderId: string; entries: readonly TimelineEntry[] }) {
  const view = useMessageView();
  return (
    <li className={`message-group${senderId === view.me.id ? ' mine' : ''}`}>
      <Avatar user={view.personOf(senderId) ?? { id: senderId, displayName: view.nameOf(senderId), avatarUrl: null }} size={36} />
      <div className="group-head">
        <span className="sender">{view.nameOf(senderId)}</span>
        <EntryTime entry={entries[0]!} />
      </div>
      <ul className="group-messages">
        {entries.map((entry) => (
          <MessageItem key={entry.key} entry={entry} />
        ))}
      </ul>
    </li>
  );
}
