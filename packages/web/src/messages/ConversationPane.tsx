import type { ConversationSummary, User } from '@parley/sdk';
import { useEffect, useRef, useState } from 'react';
import { useClient } from '../app/client.js';
import { Composer } from '../composer/Composer.js';
import { conversationTitle } from '../conversations/summaries.js';
import { t } from '../i18n/index.js';
import { usePresence } from '../presence/usePresence.js';
import { formatLastSeen } from './format.js';
import { MessageList } from './MessageList.js';
import { useMessages } from './useMessages.js';
import { useTypingNotifier, useTypingUsers } from './useTyping.js';

interface ConversationPaneProps {
  summary: ConversationSummary;
  me: User;
  /** Called as I read up to a message, to clear the badge at once. */
  onRead: (conversationId: string, seq: number) => void;
}

/** One open conversation: header, history, composer. Mount with `key={id}` so state resets per conversation. */
export function ConversationPane({ summary, me, onRead }: ConversationPaneProps) {
  const id = summary.conversation.id;
  const state = useMessages(id, me);
  const people = usePeople(summary);
  useMarkRead(id, summary.membership.readSeq, state.messages.at(-1)?.seq ?? 0, onRead);
  const typing = useTypingUsers(id, me.id);
  const notifyTyping = useTypingNotifier(id);

  return (
    <section className="pane" aria-label={conversationTitle(summary)}>
      <header className="pane-head">
        <h2>{conversationTitle(summary)}</h2>
        {summary.peer && <PeerPresence userId={summary.peer.id} />}
        {summary.conversation.topic && <span className="muted topic">{summary.conversation.topic}</span>}
      </header>
      {state.error && (
        <p className="error pane-error" role="alert">
          {t('pane.loadFailed')} {state.error}{' '}
          <button type="button" className="link" onClick={state.reload}>
            {t('pane.retry')}
          </button>
        </p>
      )}
      <MessageList state={state} me={me} people={people} />
      <p className="typing muted" aria-live="polite">
        {typingLine(typing.map((userId) => people.get(userId)?.displayName ?? t('conversation.deletedUser')))}
      </p>
      <Composer key={id} onSend={state.send} onTextChange={notifyTyping} />
    </section>
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
