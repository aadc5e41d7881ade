import type { ConversationSummary, MuteDuration } from '@parley/sdk';
import { useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';
import { formatLastSeen } from '../messages/format.js';
import { isMuted } from './summaries.js';

const DURATIONS: readonly MuteDuration[] = ['1h', '8h', '1w', 'always'];

interface MuteControlProps {
  summary: ConversationSummary;
  onChanged: (membership: ConversationSummary['membership']) => void;
}

/** In the conversation header: mute for a while or until I unmute; muted, says until when and offers to unmute. */
export function MuteControl({ summary, onChanged }: MuteControlProps) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const id = summary.conversation.id;
  const run = (request: Promise<ConversationSummary['membership']>) =>
    request.then(
      (membership) => {
        setError(null);
        onChanged(membership);
      },
      (err: unknown) => setError(describeError(err)),
    );

  if (isMuted(summary)) {
    const until = summary.membership.mute?.until;
    return (
      <span className="mute-control">
        <span className="muted" data-muted="true">
          🔕 {until ? t('mute.until', { when: formatLastSeen(until) }) : t('mute.muted')}
        </span>
        <button type="button" className="link" onClick={() => void run(client.unmute(id))}>
          {t('mute.unmute')}
        </button>
        {error && <span className="error" role="alert">{error}</span>}
      </span>
    );
  }
  return (
    <span className="mute-control">
      <select
        aria-label={t('mute.label')}
        value=""
        onChange={(e) => {
          const duration = DURATIONS.find((d) => d === e.target.value);
          if (duration) void run(client.mute(id, duration));
        }}
      >
        <option value="" disabled>
          {t('mute.label')}
        </option>
        {DURATIONS.map((d) => (
          <option key={d} value={d}>
            {t(`mute.for.${d}`)}
          </option>
        ))}
      </select>
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}
