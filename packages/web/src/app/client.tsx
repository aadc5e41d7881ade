import { ParleyClient, type ClientEvents } from '@parley/sdk';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';

/**
 * The app's one client. Cookie sessions: the token stays in an HttpOnly cookie that page scripts
 * cannot read, so an injected script cannot steal it.
 */
export function createClient(): ParleyClient {
  return new ParleyClient({ baseUrl: window.location.origin, session: 'cookie' });
}

const ClientContext = createContext<ParleyClient | null>(null);

export function ClientProvider({ client, children }: { client: ParleyClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ParleyClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient needs a <ClientProvider> above it');
  return client;
}

/**
 * Subscribes to a client event for the component's lifetime. The latest handler is always called,
 * so callers may pass an inline closure without resubscribing on every render.
 */
export function useClientEvent<K extends keyof ClientEvents>(event: K, handler: (payload: ClientEvents[K]) => void): void {
  const client = useClient();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}
