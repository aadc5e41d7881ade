import type { ParleyClient, User } from '@parley/sdk';
import { useCallback, useEffect, useState } from 'react';
import { AuthScreen } from '../auth/AuthScreen.js';
import { t } from '../i18n/index.js';
import { ClientProvider, useClientEvent } from './client.js';
import { describeError } from './errors.js';
import { Workspace } from './Workspace.js';

type Session = { status: 'restoring' } | { status: 'out'; notice: string | null } | { status: 'in'; user: User };

export function App({ client }: { client: ParleyClient }) {
  return (
    <ClientProvider client={client}>
      <SessionGate client={client} />
    </ClientProvider>
  );
}

function SessionGate({ client }: { client: ParleyClient }) {
  const [session, setSession] = useState<Session>({ status: 'restoring' });

  useEffect(() => {
    let cancelled = false;
    client.restore().then(
      (user) => !cancelled && setSession(user ? { status: 'in', user } : { status: 'out', notice: null }),
      (err: unknown) => !cancelled && setSession({ status: 'out', notice: describeError(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [client]);

  // Logged out elsewhere (another tab, "log out everywhere"): the socket will not come back.
  useClientEvent('sessionEnded', () => setSession({ status: 'out', notice: t('auth.sessionEnded') }));

  const logout = useCallback(async () => {
    try {
      await client.logout();
    } finally {
      setSession({ status: 'out', notice: null });
    }
  }, [client]);

  switch (session.status) {
    case 'restoring':
      return <div className="splash">{t('app.loading')}</div>;
    case 'out':
      return <AuthScreen notice={session.notice} onAuthenticated={(user) => setSession({ status: 'in', user })} />;
    case 'in':
      return <Workspace me={session.user} onLogout={logout} onProfile={(user) => setSession({ status: 'in', user })} />;
  }
}
