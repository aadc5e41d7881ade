import { useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
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
}

export function MessageList({ state, lead }: MessageListProps) {
  const { me } = useMessageView();
  const { messages, pending, hasMore, loading, loadOlder } = state;
  const items = useMemo(() => buildTimeline(messages, pending, me.id), [messages, pending, me.id]);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef({ oldestSeq: null as number | null, scrollHeight: 0, pendingCount: 0 });

  // Older messages go in above what the reader is looking at: keep it still. New ones follow
  // the bottom if the reader was there, and always when I just sent one.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const oldestSeq = messages[0]?.seq ?? null;
    const prev = previous.current;
    if (prev.oldestSeq !== null && oldestSeq !== null && oldestSeq < prev.oldestSeq) el.scrollTop += el.scrollHeight - prev.scrollHeight;
    else if (atBottom.current || pending.length > prev.pendingCount) el.scrollTop = el.scrollHeight;
    previous.current = { oldestSeq, scrollHeight: el.scrollHeight, pendingCount: pending.length };
  }, [messages, pending]);

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
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
  };

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll}>
      <div ref={sentinel} className="history-edge">
        {hasMore ? loading && <span className="muted">{t('pane.loadingOlder')}</span> : !loading && (lead ?? <span className="muted">{t('pane.start')}</span>)}
      </div>
      <ol className="timeline" aria-live="polite">
        {items.map((item) =>
          item.kind === 'day' ? (
            <li key={item.key} className="day-separator" role="separator">
              <span>{formatDay(item.date)}</span>
            </li>
          ) : (
            <MessageGroup key={item.key} senderId={item.senderId} entries={item.entries} />
          ),
        )}
      </ol>
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
