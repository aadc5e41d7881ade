import { newClientId, type Message, type User } from '@parley/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { mergeMessages, type PendingMessage } from './timeline.js';

const PAGE_SIZE = 50;

export interface MessagesState {
  messages: Message[];
  pending: PendingMessage[];
  /** Older history exists on the server. */
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  loadOlder(): void;
  reload(): void;
  send(text: string): void;
  retry(clientId: string): void;
}

/** One conversation's history: newest page first, older on demand, live events, my sends. */
export function useMessages(conversationId: string, me: User): MessagesState {
  const client = useClient();
  const [messages, setMessages] = useState<Message[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Read inside callbacks without making them change on every message.
  const oldestSeq = useRef<number | null>(null);
  const busy = useRef(false);
  useEffect(() => {
    oldestSeq.current = messages[0]?.seq ?? null;
  });

  const fetchPage = useCallback(
    (before: number | null, replace: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setLoading(true);
      client
        .messages(conversationId, { limit: PAGE_SIZE, ...(before !== null ? { before } : {}) })
        .then(
          (page) => {
            setMessages((known) => mergeMessages(replace ? [] : known, page.messages));
            setHasMore(page.hasMore);
            setError(null);
          },
          (err: unknown) => setError(describeError(err)),
        )
        .finally(() => {
          busy.current = false;
          setLoading(false);
        });
    },
    [client, conversationId],
  );

  const reload = useCallback(() => fetchPage(null, true), [fetchPage]);
  useEffect(reload, [reload]);

  const loadOlder = useCallback(() => {
    if (oldestSeq.current !== null) fetchPage(oldestSeq.current, false);
  }, [fetchPage]);

  const settle = useCallback((message: Message) => {
    setMessages((known) => mergeMessages(known, [message]));
    if (message.senderId === me.id && message.clientId) {
      const clientId = message.clientId;
      setPending((p) => p.filter((x) => x.clientId !== clientId));
    }
  }, [me.id]);

  const transmit = useCallback(
    (item: PendingMessage) => {
      // The same clientId on a retry makes the server return the original if the first try landed.
      client.sendMessage(conversationId, item.text, { clientId: item.clientId }).then(settle, () =>
        setPending((p) => p.map((x) => (x.clientId === item.clientId ? { ...x, status: 'failed' } : x))),
      );
    },
    [client, conversationId, settle],
  );

  const send = useCallback(
    (text: string) => {
      const item: PendingMessage = { clientId: newClientId(), text, createdAt: new Date().toISOString(), status: 'pending' };
      setPending((p) => [...p, item]);
      transmit(item);
    },
    [transmit],
  );

  const retry = useCallback(
    (clientId: string) => {
      const item = pending.find((x) => x.clientId === clientId);
      if (!item) return;
      setPending((p) => p.map((x) => (x.clientId === clientId ? { ...x, status: 'pending' } : x)));
      transmit(item);
    },
    [pending, transmit],
  );

  const mine = (e: { conversationId: string }) => e.conversationId === conversationId;
  useClientEvent('message.created', (e) => mine(e) && settle(e.message));
  // Edits of messages older than the loaded pages would leave a hole in the history: ignore them.
  const change = (message: Message) => setMessages((known) => (known.some((m) => m.id === message.id) ? mergeMessages(known, [message]) : known));
  useClientEvent('message.updated', (e) => mine(e) && change(e.message));
  useClientEvent('message.deleted', (e) => mine(e) && change(e.message));
  useClientEvent('resync', reload);

  return { messages, pending, hasMore, loading, error, loadOlder, reload, send, retry };
}
