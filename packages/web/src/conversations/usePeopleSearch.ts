import type { User } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';

const SEARCH_DEBOUNCE_MS = 200;

export interface PeopleSearch {
  /** null before anything is typed. */
  results: User[] | null;
  error: string | null;
}

/** People matching what is typed (me left out), asked of the server once typing pauses. */
export function usePeopleSearch(query: string, meId: string): PeopleSearch {
  const client = useClient();
  const [results, setResults] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      client.searchUsers(q, 20).then(
        (users) => {
          if (stale) return;
          setResults(users.filter((u) => u.id !== meId));
          setError(null);
        },
        (err: unknown) => !stale && setError(describeError(err)),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, meId, query]);
  return { results, error };
}
