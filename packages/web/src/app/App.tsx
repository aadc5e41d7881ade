import { ParleyError, type ParleyClient, type User } from '@parley/sdk';
import { useCallback, useEffect, useState } from 'react';
import { AuthScreen } from '../auth/AuthScreen.js';
import { clearDrafts } from '../composer/drafts.js';
import { t } from '../i18n/index.js';
import { ClientProvider, useClientEvent } from './client.js';
import { describeError } from './errors.js';
import { Workspace } from './Workspace.js';

type Session = { status: 'restoring' } | { status: 'unreachable' } | { status: 'out'; notice: string | null } | { status: 'in'; user: User };

/** While the server cannot be reached at start (offline, server restarting), ask again this often. */
const RESTORE_RETRY_MS = 5_000;

export function App({ client }: { client: ParleyClient }) {
  return (
    <ClientProvider client={client}>
      <SessionGate client={client} />
    </ClientProvider>
  );
}

function SessionGate({ client }: { client: ParleyClient }) {
  const [session, setSession] = useState<Session>({ status: 'restoring' });

  // The app shell may open without a network (installed app, service worker): wait for it
  // rather than show a login form that cannot work.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () => {
      clearTimeout(timer);
      client.restore().then(
        (user) => !cancelled && setSession(user ? { status: 'in', user } : { status: 'out', notice: null }),
        (err: unknown) => {
          if (cancelled) return;
          if (err instanceof ParleyError && err.code === 'network_error') {
            setSession({ status: 'unreachable' });
            timer = setTimeout(attempt, RESTORE_RETRY_MS);
          } else setSession({ status: 'out', notice: describeError(err) });
        },
      );
    };
    attempt();
    window.addEventListener('online', attempt);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      window.removeEventListener('online', attempt);
    };
  }, [client]);

  // Logged out elsewhere (another tab, "log out everywhere"): the socket will not come back.
  useClientEvent('sessionEnded', () => setSession({ status: 'out', notice: t('auth.sessionEnded') }));

  const logout = useCallback(async () => {
    try {
      await client.logout();
    } finally {
      clearDrafts();
      setSession({ status: 'out', notice: null });
    }
  }, [client]);

  switch (session.status) {
    case 'restoring':
      return <div className="splash">{t('app.loading')}</div>;
    case 'unreachable':
      return (
        <div className="splash" role="status">
          {t('app.unreachable')}
        </div>
      );
    case 'out':
      return <AuthScreen notice={session.notice} onAuthenticated={(user) => setSession({ status: 'in', user })} />;
    case 'in':
      return <Workspace me={session.user} onLogout={logout} onProfile={(user) => setSession({ status: 'in', user })} />;
  }
}
