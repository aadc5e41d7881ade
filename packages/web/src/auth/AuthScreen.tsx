import type { User } from '@parley/sdk';
import { useState, type FormEvent } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';

type Mode = 'login' | 'register';

export function AuthScreen({ notice, onAuthenticated }: { notice: string | null; onAuthenticated: (user: User) => void }) {
  const client = useClient();
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } =
        mode === 'register'
          ? await client.register({ username, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) })
          : await client.login(username, password);
      onAuthenticated(user);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(mode === 'login' ? 'register' : 'login');
    setError(null);
  };

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <h1>{t(mode === 'login' ? 'auth.title.login' : 'auth.title.register')}</h1>
        {notice && !error && <p className="notice">{notice}</p>}
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        {mode === 'register' && (
          <label>
            {t('auth.displayName')}
            <input name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
        )}
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t(mode === 'login' ? 'auth.submit.login' : 'auth.submit.register')}
        </button>
        <button type="button" className="link" onClick={switchMode}>
          {t(mode === 'login' ? 'auth.switch.toRegister' : 'auth.switch.toLogin')}
        </button>
      </form>
    </main>
  );
}
