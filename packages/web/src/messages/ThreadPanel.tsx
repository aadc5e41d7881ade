import type { Message, User } from '@parley/sdk';
import { useMemo } from 'react';
import { Composer } from '../composer/Composer.js';
import { useDropIntoComposer } from '../composer/useFileDrop.js';
import { t } from '../i18n/index.js';
import { HistoryAlerts } from './HistoryAlerts.js';
import { MessageGroup, MessageList } from './MessageList.js';
import { MessageViewContext, type MessageView } from './message-view.js';
import { lastOwnMessage } from './timeline.js';
import { useMessages } from './useMessages.js';

interface ThreadPanelProps {
  root: Message;
  /** The pane's view; the panel swaps in its own actions, which work on the root too. */
  paneView: MessageView;
  onAskDelete: (message: Message, remove: (messageId: string) => Promise<boolean>) => void;
  onClose: () => void;
  /** Who can be @mentioned in replies. */
  people: readonly User[];
  groupLike: boolean;
}

/** A thread beside the conversation: its root, every reply, and a composer that replies to it. */
export function ThreadPanel({ root, paneView, onAskDelete, onClose, people, groupLike }: ThreadPanelProps) {
  const state = useMessages(root.conversationId, paneView.me, root.id);
  const lastOwn = lastOwnMessage(state.messages, paneView.me.id);
  const { composer, drop } = useDropIntoComposer();
  const view = useMemo<MessageView>(
    () => ({
      ...paneView,
      react: (messageId, emoji) => void state.react(messageId, emoji),
      edit: state.edit,
      retry: state.retry,
      askDelete: (message) => onAskDelete(message, state.remove),
      openThread: undefined,
      lastOwnSeq: lastOwn?.seq ?? null,
    }),
    [paneView, state.react, state.edit, state.retry, state.remove, onAskDelete, lastOwn?.seq],
  );
  const lead = (
    <ol className="timeline thread-root">
      <MessageGroup senderId={root.senderId} entries={[{ kind: 'sent', key: root.id, message: root }]} />
    </ol>
  );
  return (
    <aside
      className={`thread-panel${drop.dragging ? ' dragging' : ''}`}
      {...drop.handlers}
      aria-label={t('thread.title')}
      onKeyDown={(e) => {
        // Escape inside an editor or a dialog is theirs.
        if (e.key === 'Escape' && !e.defaultPrevented) onClose();
      }}
    >
      <header className="thread-head">
        <h3>{t('thread.title')}</h3>
        <button type="button" className="link" aria-label={t('thread.close')} title={t('thread.close')} onClick={onClose}>
          ✕
        </button>
      </header>
      <HistoryAlerts state={state} />
      <MessageViewContext.Provider value={view}>
        <MessageList state={state} lead={lead} />
      </MessageViewContext.Provider>
      <Composer
        ref={composer}
        key={root.id}
        draftKey={`${root.conversationId}.${root.id}`}
        people={people}
        groupLike={groupLike}
        label={t('thread.replyLabel')}
        placeholder={t('thread.replyPlaceholder')}
        onSend={state.send}
        onEditLast={() => !!lastOwn && (paneView.setEditingId(lastOwn.id), true)}
      />
    </aside>
  );
}
