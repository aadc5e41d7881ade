import type { Message, ReactionSummary } from '@parley/sdk';
import { lazy, memo, Suspense, useState } from 'react';
import { t } from '../i18n/index.js';
import { ReceiptMark } from '../receipts/ReceiptMark.js';
import { Attachments, LinkPreviews } from './Attachments.js';
import { formatDateTime, formatTime } from './format.js';
import { MessageEditor } from './MessageEditor.js';
import { useMessageView } from './message-view.js';
import { renderMarkdown } from './markdown.js';
import { QUICK_REACTIONS } from './reactions.js';
import type { TimelineEntry } from './timeline.js';
import { PART_ATTR } from './useVirtualWindow.js';

const EmojiPicker = lazy(() => import('../emoji/EmojiPicker.js'));

function entryAt(entry: TimelineEntry): string {
  return entry.kind === 'sent' ? entry.message.createdAt : entry.pending.createdAt;
}

export function EntryTime({ entry }: { entry: TimelineEntry }) {
  const at = entryAt(entry);
  return (
    <time className="time" dateTime={at} title={formatDateTime(at)}>
      {formatTime(at)}
    </time>
  );
}

/**
 * One message. Its Markdown becomes React elements (`renderMarkdown`): never parsed as HTML.
 * Drawn again only when the message itself (or the pane's view) changes, not for every message
 * that arrives in a long conversation.
 */
export const MessageItem = memo(MessageItemView, (a, b) => entryData(a.entry) === entryData(b.entry));

function entryData(entry: TimelineEntry) {
  return entry.kind === 'sent' ? entry.message : entry.pending;
}

function MessageItemView({ entry }: { entry: TimelineEntry }) {
  const view = useMessageView();
  if (entry.kind === 'local') {
    const { pending } = entry;
    return (
      <li className={`message ${pending.status}`} data-status={pending.status} {...{ [PART_ATTR]: entry.key }}>
        <div className="message-body">
          {pending.text && <div className="text">{renderMarkdown(pending.text, { ownUsername: view.me.username })}</div>}
          {pending.attachments.length > 0 && <Attachments attachments={pending.attachments} />}
        </div>
        {pending.status === 'pending' ? (
          <span className="status muted">{t('message.pending')}</span>
        ) : (
          <span className="status error">
            {t('message.failed')}{' '}
            <button type="button" className="link" onClick={() => view.retry(pending.clientId)}>
              {t('message.retry')}
            </button>
          </span>
        )}
      </li>
    );
  }
  return <SentItem message={entry.message} entry={entry} />;
}

/**
 * A message the server has. Its toolbar exists only while the pointer or the focus is on it: a
 * long history would otherwise carry ten buttons per message that nobody sees.
 */
function SentItem({ message, entry }: { message: Message; entry: TimelineEntry }) {
  const view = useMessageView();
  const [hot, setHot] = useState(false);
  const mine = message.senderId === view.me.id;
  const editing = view.editingId === message.id;
  return (
    // Focusable (by a tap, or the arrows from the history's one tab stop): focus brings up its
    // toolbar, as hovering does.
    <li
      className="message sent"
      tabIndex={-1}
      data-status="sent"
      data-seq={message.seq}
      data-id={message.id}
      {...{ [PART_ATTR]: entry.key }}
      onMouseEnter={() => setHot(true)}
      onMouseLeave={(e) => !e.currentTarget.contains(document.activeElement) && setHot(false)}
      onFocus={() => setHot(true)}
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setHot(false)}
    >
      <div className="message-body">
        {message.deletedAt ? (
          <p className="text deleted">{t('message.deleted')}</p>
        ) : editing ? (
          <MessageEditor initial={message.text} onSave={(text) => view.edit(message.id, text)} onCancel={() => view.setEditingId(null)} />
        ) : (
          (message.text || message.editedAt) && (
            <div className="text">
              {renderMarkdown(message.text, { ownUsername: view.me.username })}
              {message.editedAt && <span className="edited muted"> {t('message.edited')}</span>}
            </div>
          )
        )}
        {!message.deletedAt && message.attachments.length > 0 && <Attachments attachments={message.attachments} />}
        {!message.deletedAt && message.previews.length > 0 && <LinkPreviews previews={message.previews} />}
        {message.reactions.length > 0 && <Reactions message={message} />}
        {message.replyCount > 0 && view.openThread && (
          <button type="button" className="link replies" onClick={() => view.openThread?.(message.id)}>
            {t(message.replyCount === 1 ? 'thread.oneReply' : 'thread.replies', { count: message.replyCount })}
          </button>
        )}
      </div>
      <div className="message-side">
        {mine && !message.deletedAt && <ReceiptMark message={message} />}
        <EntryTime entry={entry} />
      </div>
      {hot && !message.deletedAt && !editing && <MessageActions message={message} mine={mine} />}
    </li>
  );
}

function Reactions({ message }: { message: Message }) {
  const view = useMessageView();
  return (
    <ul className="reactions" aria-label={t('reactions.label')}>
      {message.reactions.map((r) => (
        <li key={r.emoji}>
          <ReactionChip reaction={r} onToggle={() => view.react(message.id, r.emoji)} />
        </li>
      ))}
    </ul>
  );
}

function ReactionChip({ reaction, onToggle }: { reaction: ReactionSummary; onToggle: () => void }) {
  const view = useMessageView();
  const mine = reaction.userIds.includes(view.me.id);
  const names = reaction.userIds.map((id) => (id === view.me.id ? t('reactions.you') : view.nameOf(id)));
  const unlisted = reaction.count - names.length;
  const who = unlisted > 0 ? t('reactions.whoMore', { names: names.join(', '), count: unlisted }) : names.join(', ');
  return (
    <button
      type="button"
      className={`reaction${mine ? ' mine' : ''}`}
      aria-pressed={mine}
      aria-label={t('reactions.chip', { emoji: reaction.emoji, count: reaction.count, who })}
      title={who}
      onClick={onToggle}
    >
      <span className="reaction-emoji">{reaction.emoji}</span> <span className="reaction-count">{reaction.count}</span>
    </button>
  );
}

/** Shown on hover or keyboard focus: react, reply in a thread, and for my own messages edit and delete. */
function MessageActions({ message, mine }: { message: Message; mine: boolean }) {
  const view = useMessageView();
  const [picking, setPicking] = useState(false);
  return (
    <div className={`message-actions${picking ? ' picking' : ''}`} role="toolbar" aria-label={t('actions.label')}>
      {QUICK_REACTIONS.map((emoji) => (
        <button key={emoji} type="button" className="icon" aria-label={t('actions.react', { emoji })} title={t('actions.react', { emoji })} onClick={() => view.react(message.id, emoji)}>
          {emoji}
        </button>
      ))}
      <button type="button" className="icon" aria-label={t('actions.moreReactions')} title={t('actions.moreReactions')} aria-expanded={picking} onClick={() => setPicking((p) => !p)}>
        ☺︎
      </button>
      {picking && (
        <Suspense fallback={null}>
          <EmojiPicker
            label={t('actions.moreReactions')}
            onPick={(emoji) => {
              setPicking(false);
              view.react(message.id, emoji);
            }}
            onClose={() => setPicking(false)}
          />
        </Suspense>
      )}
      {view.openThread && (
        <button type="button" className="icon" aria-label={t('actions.reply')} title={t('actions.reply')} onClick={() => view.openThread?.(message.id)}>
          ↩
        </button>
      )}
      {mine && (
        <>
          <button type="button" className="icon" aria-label={t('actions.edit')} title={t('actions.edit')} onClick={() => view.setEditingId(message.id)}>
            ✎
          </button>
          <button type="button" className="icon" aria-label={t('actions.delete')} title={t('actions.delete')} onClick={() => view.askDelete(message)}>
            🗑
          </button>
        </>
      )}
    </div>
  );
}
