import type { ParleyClient, Presence } from '@parley/sdk';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { PresenceStore } from './presence-store.js';

const PresenceContext = createContext<PresenceStore | null>(null);

export function PresenceProvider({ client, children }: { client: ParleyClient; children: ReactNode }) {
  const store = useMemo(() => new PresenceStore(client), [client]);
  return <PresenceContext.Provider value={store}>{children}</PresenceContext.Provider>;
}

/** These people's presence, live; someone without an answer yet is missing from the map. */
export function usePresences(userIds: readonly string[]): ReadonlyMap<string, Presence> {
  const store = useContext(PresenceContext);
  if (!store) throw new Error('usePresences needs a <PresenceProvider> above it');
  // One subscription per set of people, whatever order or array identity the caller passes.
  const key = [...new Set(userIds)].sort().join(',');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const off = store.onChange(() => setVersion((v) => v + 1));
    const release = store.watch(key ? key.split(',') : []);
    return () => {
      off();
      release();
    };
  }, [store, key]);
  return useMemo(() => {
    const map = new Map<string, Presence>();
    for (const id of key ? key.split(',') : []) {
      const p = store.get(id);
      if (p) map.set(id, p);
    }
    return map;
    // `version` is in the list because it marks a change in the store the map is read from.
  }, [store, key, version]);
}

/** One person's presence, live; null until known. */
export function usePresence(userId: string | null): Presence | null {
  return usePresences(userId ? [userId] : []).get(userId ?? '') ?? null;
}
