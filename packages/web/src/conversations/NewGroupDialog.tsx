import { limits, type ConversationSummary, type User } from '@parley/sdk';
import { useState, type FormEvent } from 'react';
import { useClient } from '../app/client.js';
import { Dialog, ErrorLine } from '../app/Dialog.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';
import { PeopleResults } from './NewMessageDialog.js';
import { newSummary } from './summaries.js';
import { usePeopleSearch } from './usePeopleSearch.js';

interface NewGroupDialogProps {
  me: User;
  onStarted: (summary: ConversationSummary) => void;
  onClose: () => void;
}

/** A private group: a title and the people in it (I am its owner). */
export function NewGroupDialog({ me, onStarted, onClose }: NewGroupDialogProps) {
  const client = useClient();
  const [title, setTitle] = useState('');
  const [query, setQuery] = useState('');
  const [members, setMembers] = useState<User[]>([]);
  const search = usePeopleSearch(query, me.id);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = (user: User) => {
    setMembers((m) => (m.some((x) => x.id === user.id) ? m : [...m, user]));
    setQuery('');
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim() || busy) return;
    setBusy(true);
    try {
      onStarted(newSummary(await client.createGroup(title.trim(), members.map((m) => m.id))));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog id="new-group-title" title={t('newGroup.title')} onClose={onClose}>
      <form className="dialog-form" onSubmit={(e) => void create(e)}>
        <label>
          {t('newGroup.name')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={limits.groupTitleMaxLength} required autoFocus />
        </label>
        {members.length > 0 && (
          <ul className="chips" aria-label={t('newGroup.members')}>
            {members.map((m) => (
              <li key={m.id} className="chip">
                {m.displayName}
                <button type="button" className="link" aria-label={t('newGroup.remove', { name: m.displayName })} onClick={() => setMembers((list) => list.filter((x) => x.id !== m.id))}>
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <input type="search" aria-label={t('newGroup.addPeople')} placeholder={t('newGroup.addPeople')} value={query} onChange={(e) => setQuery(e.target.value)} />
        <PeopleResults results={search.results} onPick={add} picked={new Set(members.map((m) => m.id))} />
        <ErrorLine error={error ?? search.error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!title.trim() || busy}>
            {t('newGroup.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
