import type { ConversationSummary, User } from '@parley/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { sortByActivity, upsert, withChangedMessage, withNewMessage, withRead } from './summaries.js';

export interface ConversationsState {
  list: ConversationSummary[];
  loaded: boolean;
  error: string | null;
  /** Adds or replaces one conversation (e.g. a DM just created). */
  put(summary: ConversationSummary): void;
  /** My membership changed here (muted, unmuted), before the event confirms it. */
  putMembership(membership: ConversationSummary['membership'], conversationId: string): void;
  /** I have read up to `seq` here: clear the badge at once, before the server confirms. */
  markedRead(conversationId: string, seq: number): void;
}

/** My conversations, kept current by the live events. `openId` is the conversation on screen. */
export function useConversations(me: User, openId: string | null): ConversationsState {
  const client = useClient();
  const [list, setList] = useState<ConversationSummary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const openRef = useRef(openId);
  useEffect(() => {
    openRef.current = openId;
  });

  const reload = useCallback(() => {
    client.conversations().then(
      (conversations) => {
        setList(sortByActivity(conversations));
        setLoaded(true);
        setError(null);
      },
      (err: unknown) => setError(describeError(err)),
    );
  }, [client]);

  useEffect(reload, [reload]);

  const putMembership = useCallback(
    (membership: ConversationSummary['membership'], conversationId: string) =>
      setList((l) => l.map((s) => (s.conversation.id === conversationId ? { ...s, membership } : s))),
    [],
  );

  // A conversation we do not know yet (someone started a DM with me, added me to a group) comes
  // with fields the event does not carry (peer, unread count): fetch the list again.
  const knows = (id: string) => list.some((s) => s.conversation.id === id);

  useClientEvent('message.created', ({ message }) => {
    if (!knows(message.conversationId)) return reload();
    const viewing = openRef.current === message.conversationId && document.visibilityState === 'visible';
    setList((l) => withNewMessage(l, message, me.id, viewing));
  });
  useClientEvent('message.updated', ({ message }) => setList((l) => withChangedMessage(l, message)));
  useClientEvent('message.deleted', ({ message }) => setList((l) => withChangedMessage(l, message)));
  useClientEvent('read', (e) => {
    if (e.userId !== me.id) return;
    setList((l) => withRead(l, e.conversationId, e.seq));
    // Read part of the way (on another device): only the server can count what is left.
    const summary = list.find((s) => s.conversation.id === e.conversationId);
    if (summary && e.seq < summary.conversation.lastSeq && e.seq > summary.membership.readSeq) reload();
  });
  useClientEvent('conversation.created', reload);
  useClientEvent('member.added', (e) => e.member.userId === me.id && reload());
  useClientEvent('member.removed', (e) => e.userId === me.id && setList((l) => l.filter((s) => s.conversation.id !== e.conversationId)));
  useClientEvent('conversation.updated', ({ conversation }) => {
    // Not in the list yet (its fetch is on its way, or will be): the next fetch has the change.
    if (!knows(conversation.id)) return reload();
    setList((l) => l.map((s) => (s.conversation.id === conversation.id ? { ...s, conversation } : s)));
  });
  // My own settings (mute), from this device or another.
  useClientEvent('membership.updated', ({ conversationId, membership }) => putMembership(membership, conversationId));
  // Too much was missed while offline to replay: start over from the server's view.
  useClientEvent('resync', reload);

  const put = useCallback((summary: ConversationSummary) => setList((l) => upsert(l, summary)), []);
  const markedRead = useCallback((conversationId: string, seq: number) => setList((l) => withRead(l, conversationId, seq)), []);

  return { list, loaded, error, put, putMembership, markedRead };
}
