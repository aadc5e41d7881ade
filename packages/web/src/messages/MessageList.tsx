import type { User } from '@parley/sdk';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { t } from '../i18n/index.js';
import { formatDateTime, formatDay, formatTime } from './format.js';
import { renderMarkdown } from './markdown.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';
import type { MessagesState } from './useMessages.js';

/** Within this many pixels of the bottom, new messages keep the view at the bottom. */
const STICK_THRESHOLD_PX = 48;

interface MessageListProps {
  state: MessagesState;
  me: User;
  /** Names of the senders, by user id. */
  people: ReadonlyMap<string, User>;
}

export function MessageList({ state, me, people }: MessageListProps) {
  const { messages, pending, hasMore, loading, loadOlder, retry } = state;
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

  const nameOf = (userId: string) => (userId === me.id ? me : people.get(userId))?.displayName ?? t('conversation.deletedUser');

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll}>
      <div ref={sentinel} className="history-edge">
        {hasMore ? loading && <span className="muted">{t('pane.loadingOlder')}</span> : !loading && <span className="muted">{t('pane.start')}</span>}
      </div>
      <ol className="timeline" aria-live="polite">
        {items.map((item) =>
          item.kind === 'day' ? (
            <li key={item.key} className="day-separator" role="separator">
              <span>{formatDay(item.date)}</span>
            </li>
          ) : (
            <li key={item.key} className={`message-group${item.senderId === me.id ? ' mine' : ''}`}>
              <div className="group-head">
                <span className="sender">{nameOf(item.senderId)}</span>
                <EntryTime entry={item.entries[0]!} />
              </div>
              <ul className="group-messages">
                {item.entries.map((entry) => (
                  <Entry key={entry.key} entry={entry} ownUsername={me.username} onRetry={retry} />
                ))}
              </ul>
            </li>
          ),
        )}
      </ol>
    </div>
  );
}

function entryAt(entry: TimelineEntry): string {
  return entry.kind === 'sent' ? entry.message.createdAt : entry.pending.createdAt;
}

function EntryTime({ entry }: { entry: TimelineEntry }) {
  const at = entryAt(entry);
  return (
    <time className="time" dateTime={at} title={formatDateTime(at)}>
      {formatTime(at)}
    </time>
  );
}

/** One message. Its Markdown becomes React elements (`renderMarkdown`): never parsed as HTML. */
function Entry({ entry, ownUsername, onRetry }: { entry: TimelineEntry; ownUsername: string; onRetry: (clientId: string) => void }) {
  if (entry.kind === 'local') {
    const { pending } = entry;
    return (
      <li className={`message ${pending.status}`} data-status={pending.status}>
        <div className="text">{renderMarkdown(pending.text, { ownUsername })}</div>
        {pending.status === 'pending' ? (
          <span className="status muted">{t('message.pending')}</span>
        ) : (
          <span className="status error">
            {t('message.failed')}{' '}
            <button type="button" className="link" onClick={() => onRetry(pending.clientId)}>
              {t('message.retry')}
            </button>
          </span>
        )}
      </li>
    );
  }
  const { message } = entry;
  return (
    <li className="message sent" data-status="sent" data-seq={message.seq}>
      {message.deletedAt ? (
        <p className="text deleted">{t('message.deleted')}</p>
      ) : (
        <div className="text">
          {renderMarkdown(message.text, { ownUsername })}
          {message.editedAt && <span className="edited muted"> {t('message.edited')}</span>}
        </div>
      )}
      <EntryTime entry={entry} />
    </li>
  );
}
