import { limits, type User } from '@parley/sdk';
import { useRef, useState, type FormEvent } from 'react';
import { useClient } from '../app/client.js';
import { Dialog, ErrorLine } from '../app/Dialog.js';
import { describeError } from '../app/errors.js';
import { Avatar } from '../app/Avatar.js';
import { locale, LOCALE_KEY, locales, t, type Locale } from '../i18n/index.js';
import type { NotificationsState } from '../notifications/useNotifications.js';
import { chooseTheme, storedTheme, themes, type Theme } from './theme.js';

interface SettingsDialogProps {
  me: User;
  notifications: NotificationsState;
  onProfile: (user: User) => void;
  onClose: () => void;
}

/** My profile (picture, name, status), how the app looks and speaks, and notifications. */
export function SettingsDialog({ me, notifications, onProfile, onClose }: SettingsDialogProps) {
  const client = useClient();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [statusText, setStatusText] = useState(me.statusText);
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const changed = displayName.trim() !== me.displayName || statusText.trim() !== me.statusText;

  const run = async (request: () => Promise<User>) => {
    setBusy(true);
    setSaved(false);
    try {
      onProfile(await request());
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const saveProfile = (e: FormEvent) => {
    e.preventDefault();
    if (!displayName.trim() || !changed) return;
    void run(() => client.updateProfile({ displayName: displayName.trim(), statusText: statusText.trim() }));
  };

  const pickLanguage = (next: Locale) => {
    localStorage.setItem(LOCALE_KEY, next);
    // Every string and date format follows: simplest and surest by starting the page again.
    window.location.reload();
  };

  return (
    <Dialog id="settings-title" title={t('settings.title')} onClose={onClose}>
      <form className="dialog-form settings" onSubmit={saveProfile}>
        <h3>{t('settings.profile')}</h3>
        <div className="avatar-row">
          <Avatar user={me} size={64} />
          <button type="button" disabled={busy} onClick={() => picker.current?.click()}>
            {t('settings.avatarChange')}
          </button>
          {me.avatarUrl && (
            <button type="button" className="link" disabled={busy} onClick={() => void run(() => client.removeAvatar())}>
              {t('settings.avatarRemove')}
            </button>
          )}
          <input
            ref={picker}
            type="file"
            accept="image/*"
            hidden
            aria-label={t('settings.avatarChange')}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void run(() => client.setAvatar(file));
            }}
          />
        </div>
        <label>
          {t('auth.displayName')}
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={limits.displayNameMaxLength} required />
        </label>
        <label>
          {t('settings.status')}
          <input value={statusText} onChange={(e) => setStatusText(e.target.value)} maxLength={limits.statusTextMaxLength} placeholder={t('settings.statusPlaceholder')} />
        </label>
        <ErrorLine error={error} />
        {saved && (
          <p className="notice" role="status">
            {t('settings.saved')}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!changed || !displayName.trim() || busy}>
            {t('settings.save')}
          </button>
        </div>
      </form>

      <fieldset className="settings-group">
        <legend>{t('settings.theme')}</legend>
        {themes.map((option) => (
          <label key={option} className="radio">
            <input
              type="radio"
              name="theme"
              value={option}
              checked={theme === option}
              onChange={() => {
                setTheme(option);
                chooseTheme(option);
              }}
            />
            {t(`settings.theme.${option}`)}
          </label>
        ))}
      </fieldset>

      <label className="settings-group">
        {t('settings.language')}
        <select value={locale} onChange={(e) => pickLanguage(e.target.value as Locale)}>
          {locales.map((l) => (
            <option key={l} value={l}>
              {t(`settings.language.${l}`)}
            </option>
          ))}
        </select>
      </label>

      <div className="settings-group">
        <span>{t('settings.notifications')}</span>{' '}
        {notifications.permission === 'unsupported' ? (
          <span className="muted">{t('settings.notificationsUnsupported')}</span>
        ) : notifications.permission === 'denied' ? (
          <span className="muted">{t('settings.notificationsBlocked')}</span>
        ) : notifications.enabled ? (
          <button type="button" onClick={notifications.disable}>
            {t('settings.notificationsOff')}
          </button>
        ) : (
          <button type="button" onClick={() => void notifications.enable()}>
            {t('settings.notificationsOn')}
          </button>
        )}
      </div>
    </Dialog>
  );
}
