import { t } from '../i18n/index.js';
import type { MessagesState } from './useMessages.js';

/** Why history could not load, with a retry, and why an action failed. */
export function HistoryAlerts({ state }: { state: MessagesState }) {
  return (
    <>
      {state.error && (
        <p className="error pane-error" role="alert">
          {t('pane.loadFailed')} {state.error}{' '}
          <button type="button" className="link" onClick={state.reload}>
            {t('pane.retry')}
          </button>
        </p>
      )}
      {state.actionError && (
        <p className="error pane-error" role="alert">
          {state.actionError}
        </p>
      )}
    </>
  );
}
