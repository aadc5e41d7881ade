import { newClientId, type Attachment, type Message, type User } from '@parley/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { withReaction } from './reactions.js';
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
  send(text: string, attachments?: Attachment[]): void;
  retry(clientId: string): void;
  /** Resolves true once the server has the new text; false if it refused (the reason is in `actionError`). */
  edit(messageId: string, text: string): Promise<boolean>;
  remove(messageId: string): Promise<boolean>;
  /** Adds my reaction with this emoji, or takes it back. */
  react(messageId: string, emoji: string): Promise<boolean>;
  /** Why the last edit, deletion or reaction failed; cleared by the next that succeeds. */
  actionError: string | null;
}

/**
 * One conversation's history: newest page first, older on demand, live events, my sends. The
 * conversation's own timeline leaves thread replies out (Slack style: they live in the thread
 * panel); with `threadRoot`, this is that thread's replies, and sends are replies to it.
 */
export function useMessages(conversationId: string, me: User, threadRoot: string | null = null): MessagesState {
  const client = useClient();
  const [messages, setMessages] = useState<Message[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
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
        .messages(conversationId, { limit: PAGE_SIZE, ...(threadRoot ? { thread: threadRoot } : { topLevel: 'true' }), ...(before !== null ? { before } : {}) })
        .then(
          (page) => {
            // Starting over (first load, resync) keeps only what arrived live while the page was on
            // its way: anything newer than the page is not in it.
            const newest = page.messages.at(-1)?.seq ?? 0;
            setMessages((known) => mergeMessages(replace ? known.filter((m) => m.seq > newest) : known, page.messages));
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
    [client, conversationId, threadRoot],
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
      const options = { clientId: item.clientId, attachments: item.attachments.map((a) => a.id), ...(threadRoot ? { replyTo: threadRoot } : {}) };
      client.sendMessage(conversationId, item.text, options).then(settle, () =>
        setPending((p) => p.map((x) => (x.clientId === item.clientId ? { ...x, status: 'failed' } : x))),
      );
    },
    [client, conversationId, threadRoot, settle],
  );

  const send = useCallback(
    (text: string, attachments: Attachment[] = []) => {
      const item: PendingMessage = { clientId: newClientId(), text, attachments, createdAt: new Date().toISOString(), status: 'pending' };
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

  // Edits of messages older than the loaded pages would leave a hole in the history: ignore them.
  const change = useCallback((message: Message) => setMessages((known) => (known.some((m) => m.id === message.id) ? mergeMessages(known, [message]) : known)), []);

  /** Runs a request on one of the messages; its answer (the message as it is now) replaces ours. */
  const act = useCallback(
    async (request: () => Promise<Message>): Promise<boolean> => {
      try {
        change(await request());
        setActionError(null);
        return true;
      } catch (err) {
        setActionError(describeError(err));
        return false;
      }
    },
    [change],
  );
  const edit = useCallback((messageId: string, text: string) => act(() => client.editMessage(conversationId, messageId, text)), [act, client, conversationId]);
  const remove = useCallback((messageId: string) => act(() => client.deleteMessage(conversationId, messageId)), [act, client, conversationId]);
  const react = useCallback(
    (messageId: string, emoji: string) => act(async () => (await client.toggleReaction(conversationId, messageId, emoji)).message),
    [act, client, conversationId],
  );

  const here = (e: { conversationId: string }) => e.conversationId === conversationId;
  const belongs = (m: Message) => m.conversationId === conversationId && m.replyTo === threadRoot;
  useClientEvent('message.created', (e) => belongs(e.message) && settle(e.message));
  useClientEvent('message.updated', (e) => here(e) && change(e.message));
  useClientEvent('message.deleted', (e) => here(e) && change(e.message));
  const reacted = (e: { conversationId: string; messageId: string; userId: string; emoji: string; count: number }, added: boolean) =>
    here(e) && setMessages((known) => known.map((m) => (m.id === e.messageId ? withReaction(m, e, added) : m)));
  useClientEvent('reaction.added', (e) => reacted(e, true));
  useClientEvent('reaction.removed', (e) => reacted(e, false));
  useClientEvent('resync', reload);

  return { messages, pending, hasMore, loading, error, loadOlder, reload, send, retry, edit, remove, react, actionError };
}
