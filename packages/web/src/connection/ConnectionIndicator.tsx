import type { ConnectionState } from '@parley/sdk';
import { useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';
import { t, type MessageKey } from '../i18n/index.js';

const labels: Record<ConnectionState, MessageKey> = {
  idle: 'connection.offline',
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  reconnecting: 'connection.reconnecting',
  closed: 'connection.offline',
};

/** The live socket's state, as the SDK reports it. */
export function ConnectionIndicator() {
  const client = useClient();
  const [state, setState] = useState<ConnectionState>(client.connectionState);
  useClientEvent('connection', (e) => setState(e.state));
  return (
    <span className={`connection connection-${state}`} role="status" data-state={state}>
      {t(labels[state])}
    </span>
  );
}
