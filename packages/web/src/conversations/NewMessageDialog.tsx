import type { ConversationSummary, User } from '@parley/sdk';
import { useEffect, useRef, useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';

const SEARCH_DEBOUNCE_MS = 200;

interface NewMessageDialogProps {
  me: User;
  onStarted: (summary: ConversationSummary) => void;
  onClose: () => void;
}

/** Find a person by name and open the DM with them (created on first use). */
export function NewMessageDialog({ me, onStarted, onClose }: NewMessageDialogProps) {
  const client = useClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A modal <dialog> gives focus trapping, Escape and the backdrop for free.
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      client.searchUsers(q, 20).then(
        (users) => {
          if (stale) return;
          setResults(users.filter((u) => u.id !== me.id));
          setError(null);
        },
        (err: unknown) => !stale && setError(describeError(err)),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, me.id, query]);

  const start = async (peer: User) => {
    setBusy(true);
    try {
      const { conversation, membership } = await client.createDm(peer.id);
      onStarted({ conversation, membership, peer, unreadCount: 0, mentionCount: 0, lastMessage: null });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="new-message-title" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="new-message-title">{t('newMessage.title')}</h2>
        <button type="button" className="link" onClick={() => dialog.current?.close()}>
          {t('newMessage.close')}
        </button>
      </div>
      <input
        type="search"
        aria-label={t('newMessage.search')}
        placeholder={t('newMessage.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {results?.length === 0 && <p className="muted">{t('newMessage.noResults')}</p>}
      <ul className="people">
        {results?.map((u) => (
          <li key={u.id}>
            <button type="button" disabled={busy} onClick={() => void start(u)}>
              <span className="person-name">{u.displayName}</span> <span className="muted">@{u.username}</span>
            </button>
          </li>
        ))}
      </ul>
    </dialog>
  );
}
