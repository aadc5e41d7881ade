import { ChannelName, limits, type ChannelList, type ConversationSummary } from '@parley/sdk';
import { useEffect, useState, type FormEvent } from 'react';
import { useClient } from '../app/client.js';
import { Dialog, ErrorLine } from '../app/Dialog.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';
import { newSummary } from './summaries.js';

const SEARCH_DEBOUNCE_MS = 200;

interface ChannelsDialogProps {
  onOpen: (conversationId: string) => void;
  onJoined: (summary: ConversationSummary) => void;
  onClose: () => void;
}

/** Browse public channels (join one, or open one I am in), or create a new one. */
export function ChannelsDialog({ onOpen, onJoined, onClose }: ChannelsDialogProps) {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [channels, setChannels] = useState<ChannelList['channels'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  // The server's own rule for names, checked as they are typed.
  const parsed = ChannelName.safeParse(name);
  const slug = parsed.success ? parsed.data : '';
  const nameInvalid = name.trim() !== '' && !parsed.success;

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      client.channels(query.trim() || undefined, 50).then(
        (list) => !stale && setChannels(list.channels),
        (err: unknown) => !stale && setError(describeError(err)),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, query]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  const join = (conversationId: string) => run(async () => onJoined(newSummary(await client.joinChannel(conversationId))));
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!slug || nameInvalid) return;
    void run(async () => onJoined(newSummary(await client.createChannel(slug, topic.trim() || undefined))));
  };

  return (
    <Dialog id="channels-title" title={t('channels.title')} onClose={onClose}>
      <input type="search" aria-label={t('channels.search')} placeholder={t('channels.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
      {channels?.length === 0 && <p className="muted">{t('channels.none')}</p>}
      <ul className="people channels">
        {channels?.map(({ conversation: c, joined }) => (
          <li key={c.id} className="channel-row">
            <span>
              <span className="person-name">#{c.name}</span> {c.topic && <span className="muted">{c.topic}</span>}
            </span>
            {joined ? (
              <button type="button" onClick={() => onOpen(c.id)}>
                {t('channels.open')}
              </button>
            ) : (
              <button type="button" className="primary" disabled={busy} aria-label={t('channels.joinNamed', { name: c.name ?? '' })} onClick={() => void join(c.id)}>
                {t('channels.join')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="dialog-form" onSubmit={create}>
        <h3>{t('channels.create')}</h3>
        <label>
          {t('channels.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={limits.channelNameMaxLength} aria-invalid={nameInvalid} aria-describedby="channel-name-hint" />
        </label>
        <p id="channel-name-hint" className={nameInvalid ? 'error' : 'muted'}>
          {t('channels.nameHint')}
        </p>
        <label>
          {t('channels.topic')}
          <input value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={limits.topicMaxLength} />
        </label>
        <ErrorLine error={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!slug || nameInvalid || busy}>
            {t('channels.createButton')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
