import type { ConnectionState } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { t, type MessageKey } from '../i18n/index.js';

const labels: Record<ConnectionState | 'offline', MessageKey> = {
  idle: 'connection.offline',
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  reconnecting: 'connection.reconnecting',
  closed: 'connection.offline',
  offline: 'connection.offline',
};

/** Whether the device has a network at all, as the browser says. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** The live socket's state, as the SDK reports it; "Offline" while the device has no network. */
export function ConnectionIndicator() {
  const client = useClient();
  const [socket, setSocket] = useState<ConnectionState>(client.connectionState);
  useClientEvent('connection', (e) => setSocket(e.state));
  const state = useOnline() || socket === 'connected' ? socket : 'offline';
  return (
    <span className={`connection connection-${state}`} role="status" data-state={state}>
      {t(labels[state])}
    </span>
  );
}
