import type { Presence } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';

/**
 * Someone's presence, live. The subscription belongs to the socket, so it is made again after
 * every reconnect; until the first answer the status is unknown (null).
 */
export function usePresence(userId: string | null): Presence | null {
  const client = useClient();
  const [presence, setPresence] = useState<Presence | null>(null);
  const [connected, setConnected] = useState(client.connectionState === 'connected');
  useClientEvent('connection', (e) => setConnected(e.state === 'connected'));
  useClientEvent('presence', (p) => {
    if (p.userId === userId) setPresence(p);
  });
  useEffect(() => {
    if (!userId || !connected) return;
    let stale = false;
    client.watchPresence([userId]).then(
      (list) => !stale && setPresence(list.find((p) => p.userId === userId) ?? null),
      // Presence is a nicety: without an answer the header simply shows none.
      () => undefined,
    );
    return () => {
      stale = true;
      if (client.connectionState === 'connected') client.unwatchPresence([userId]);
    };
  }, [client, userId, connected]);
  return presence;
}
