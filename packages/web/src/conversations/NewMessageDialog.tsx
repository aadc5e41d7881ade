import type { ConversationSummary, User } from '@parley/sdk';
import { useState } from 'react';
import { useClient } from '../app/client.js';
import { Dialog, ErrorLine } from '../app/Dialog.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';
import { newSummary } from './summaries.js';
import { usePeopleSearch } from './usePeopleSearch.js';

interface NewMessageDialogProps {
  me: User;
  onStarted: (summary: ConversationSummary) => void;
  onClose: () => void;
}

/** Find a person by name and open the DM with them (created on first use). */
export function NewMessageDialog({ me, onStarted, onClose }: NewMessageDialogProps) {
  const client = useClient();
  const [query, setQuery] = useState('');
  const search = usePeopleSearch(query, me.id);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async (peer: User) => {
    setBusy(true);
    try {
      onStarted(newSummary(await client.createDm(peer.id), peer));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog id="new-message-title" title={t('newMessage.title')} onClose={onClose}>
      <input type="search" aria-label={t('newMessage.search')} placeholder={t('newMessage.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
      <ErrorLine error={error ?? search.error} />
      <PeopleResults results={search.results} disabled={busy} onPick={(u) => void start(u)} />
    </Dialog>
  );
}

/** Search results as buttons: name and @username. */
export function PeopleResults({ results, disabled, onPick, picked }: { results: User[] | null; disabled?: boolean; onPick: (user: User) => void; picked?: ReadonlySet<string> }) {
  return (
    <>
      {results?.length === 0 && <p className="muted">{t('newMessage.noResults')}</p>}
      <ul className="people">
        {results?.map((u) => (
          <li key={u.id}>
            <button type="button" disabled={disabled || picked?.has(u.id)} onClick={() => onPick(u)}>
              <span className="person-name">{u.displayName}</span> <span className="muted">@{u.username}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
