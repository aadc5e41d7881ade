import { t } from '../i18n/index.js';
import type { NotificationsState } from './useNotifications.js';

/** A quiet question at the top of the sidebar, once the person is using the app. */
export function NotificationPrompt({ notifications }: { notifications: NotificationsState }) {
  if (!notifications.shouldAsk) return null;
  return (
    <div className="notification-prompt" role="region" aria-label={t('notification.promptLabel')}>
      <p>{t('notification.prompt')}</p>
      <button type="button" className="primary" onClick={() => void notifications.enable()}>
        {t('notification.enable')}
      </button>
      <button type="button" className="link" onClick={notifications.later}>
        {t('notification.later')}
      </button>
    </div>
  );
}
