import type { ConversationSummary, Message, User } from '@parley/sdk';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from '../app/client.js';
import { ConfirmDialog } from '../app/ConfirmDialog.js';
import { Composer } from '../composer/Composer.js';
import { useDropIntoComposer } from '../composer/useFileDrop.js';
import { MuteControl } from '../conversations/MuteControl.js';
import { conversationTitle } from '../conversations/summaries.js';
import { t } from '../i18n/index.js';
import { usePresence } from '../presence/usePresence.js';
import { formatLastSeen } from './format.js';
import { useReceipts } from '../receipts/useReceipts.js';
import { HistoryAlerts } from './HistoryAlerts.js';
import { MessageList } from './MessageList.js';
import { MessageViewContext, type MessageView } from './message-view.js';
import { ThreadPanel } from './ThreadPanel.js';
import { lastOwnMessage } from './timeline.js';
import { useMessages } from './useMessages.js';
import { useTypingNotifier, useTypingUsers } from './useTyping.js';

interface ConversationPaneProps {
  summary: ConversationSummary;
  me: User;
  /** Called as I read up to a message, to clear the badge at once. */
  onRead: (conversationId: string, seq: number) => void;
  /** My settings here changed (mute). */
  onMembership: (membership: ConversationSummary['membership'], conversationId: string) => void;
  /** Back to the list (phones, where one pane shows at a time). */
  onBack: () => void;
}

/** A deletion waiting for the person to confirm it, with the list that owns the message. */
interface PendingDelete {
  message: Message;
  remove: (messageId: string) => Promise<boolean>;
}

/** One open conversation: header, history, composer, and a thread beside them. Mount with `key={id}` so state resets per conversation. */
export function ConversationPane({ summary, me, onRead, onMembership, onBack }: ConversationPaneProps) {
  const id = summary.conversation.id;
  const state = useMessages(id, me);
  const people = usePeople(summary);
  // Thread replies are not in this list, but reading the conversation reads them too.
  useMarkRead(id, summary.membership.readSeq, Math.max(state.messages.at(-1)?.seq ?? 0, summary.conversation.lastSeq), onRead);
  const typing = useTypingUsers(id, me.id);
  const notifyTyping = useTypingNotifier(id);
  const receipts = useReceipts(id);
  const [threadId, setThreadId] = useState<string | null>(null);
  // Where I had read to when I opened it: the "new messages" divider stays there while I read on.
  const [unreadAfter] = useState(() => (summary.conversation.lastSeq > summary.membership.readSeq ? summary.membership.readSeq : null));
  const [editingId, setEditingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<PendingDelete | null>(null);
  const threadRoot = threadId ? (state.messages.find((m) => m.id === threadId) ?? null) : null;
  const lastOwn = lastOwnMessage(state.messages, me.id);
  const { composer, drop } = useDropIntoComposer();
  const mentionable = useMemo(() => [...people.values()].filter((u) => u.id !== me.id), [people, me.id]);
  const groupLike = summary.conversation.kind !== 'dm';

  const personOf = useCallback((userId: string) => (userId === me.id ? me : (people.get(userId) ?? null)), [me, people]);
  const nameOf = useCallback((userId: string) => personOf(userId)?.displayName ?? t('conversation.deletedUser'), [personOf]);
  const askDelete = useCallback((message: Message, remove: PendingDelete['remove']) => setDeleting({ message, remove }), []);
  const view = useMemo<MessageView>(
    () => ({
      me,
      nameOf,
      personOf,
      editingId,
      setEditingId,
      react: (messageId, emoji) => void state.react(messageId, emoji),
      edit: state.edit,
      askDelete: (message) => askDelete(message, state.remove),
      retry: state.retry,
      openThread: setThreadId,
      receipts,
      dmPeerId: summary.conversation.kind === 'dm' ? (summary.peer?.id ?? null) : null,
      lastOwnSeq: lastOwn?.seq ?? null,
    }),
    [me, nameOf, personOf, editingId, state.react, state.edit, state.remove, state.retry, askDelete, receipts, summary.conversation.kind, summary.peer?.id, lastOwn?.seq],
  );

  return (
    <div className={`conversation${threadRoot ? ' with-thread' : ''}`}>
      <section className={`pane${drop.dragging ? ' dragging' : ''}`} aria-label={conversationTitle(summary)} {...drop.handlers}>
        <header className="pane-head">
          <button type="button" className="icon back" aria-label={t('pane.back')} title={t('pane.back')} onClick={onBack}>
            ←
          </button>
          <h2>{conversationTitle(summary)}</h2>
          {summary.peer && <PeerPresence userId={summary.peer.id} />}
          {summary.conversation.topic && <span className="muted topic">{summary.conversation.topic}</span>}
          <MuteControl summary={summary} onChanged={(membership) => onMembership(membership, id)} />
        </header>
        <HistoryAlerts state={state} />
        <MessageViewContext.Provider value={view}>
          <MessageList state={state} unreadAfter={unreadAfter} />
        </MessageViewContext.Provider>
        <p className="typing muted" aria-live="polite">
          {typingLine(typing.map((userId) => people.get(userId)?.displayName ?? t('conversation.deletedUser')))}
        </p>
        <Composer ref={composer} key={id} draftKey={id} people={mentionable} groupLike={groupLike} onSend={state.send} onTextChange={notifyTyping} onEditLast={() => !!lastOwn && (setEditingId(lastOwn.id), true)} />
      </section>
      {threadRoot && <ThreadPanel key={threadRoot.id} root={threadRoot} paneView={view} people={mentionable} groupLike={groupLike} onAskDelete={askDelete} onClose={() => setThreadId(null)} />}
      {deleting && (
        <ConfirmDialog
          title={t('delete.title')}
          body={t('delete.body')}
          confirmLabel={t('delete.confirm')}
          onConfirm={() => void deleting.remove(deleting.message.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}

/** "Online", "Away" or "Last seen …" under a DM's title. */
function PeerPresence({ userId }: { userId: string }) {
  const presence = usePresence(userId);
  if (!presence) return null;
  const label =
    presence.status === 'offline'
      ? presence.lastSeenAt
        ? t('presence.lastSeen', { when: formatLastSeen(presence.lastSeenAt) })
        : t('presence.offline')
      : t(presence.status === 'online' ? 'presence.online' : 'presence.away');
  return (
    <span className={`presence presence-${presence.status}`} data-status={presence.status}>
      {label}
    </span>
  );
}

function typingLine(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return t('typing.one', { name: names[0]! });
  if (names.length === 2) return t('typing.two', { first: names[0]!, second: names[1]! });
  return t('typing.many');
}

/** Who can appear as a sender here: the DM peer at once, everyone once the member list arrives. */
function usePeople(summary: ConversationSummary): ReadonlyMap<string, User> {
  const client = useClient();
  const id = summary.conversation.id;
  const [people, setPeople] = useState<ReadonlyMap<string, User>>(() => new Map(summary.peer ? [[summary.peer.id, summary.peer]] : []));
  useEffect(() => {
    let stale = false;
    // Names are a nicety: on failure the DM peer (or "Unknown user") is shown.
    client.members(id).then(
      (members) => !stale && setPeople(new Map(members.map((m) => [m.userId, m.user]))),
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [client, id]);
  return people;
}

/** Tells the server what I have seen: the newest message, while the page is visible. */
function useMarkRead(conversationId: string, readSeq: number, newestSeq: number, onRead: (id: string, seq: number) => void): void {
  const client = useClient();
  const marked = useRef(readSeq);
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  useEffect(() => {
    if (!visible || newestSeq <= marked.current) return;
    marked.current = newestSeq;
    onRead(conversationId, newestSeq);
    // A failed mark is harmless: the next message or visit marks again.
    client.markRead(conversationId, newestSeq).catch(() => {
      marked.current = Math.min(marked.current, readSeq);
    });
  }, [client, conversationId, newestSeq, onRead, readSeq, visible]);
}
