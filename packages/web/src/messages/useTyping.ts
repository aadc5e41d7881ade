import { useCallback, useRef, useState } from 'react';
import { useClient, useClientEvent } from '../app/client.js';

/** How often to tell the others that I am still typing (the indicator expires on its own after 6 s). */
const REFRESH_MS = 3_000;

/** Who else is typing in this conversation now, live (the SDK expires indicators by itself). */
export function useTypingUsers(conversationId: string, myId: string): string[] {
  const client = useClient();
  const others = useCallback(() => client.typingUsers(conversationId).filter((id) => id !== myId), [client, conversationId, myId]);
  const [users, setUsers] = useState<string[]>(others);
  useClientEvent('typing', (e) => {
    if (e.conversationId === conversationId) setUsers(others());
  });
  return users;
}

/** Returns what the composer calls as its text changes: "typing" at most every few seconds, and "stopped" when emptied or sent. */
export function useTypingNotifier(conversationId: string): (text: string) => void {
  const client = useClient();
  const lastSent = useRef(0);
  return useCallback(
    (text: string) => {
      const now = Date.now();
      if (!text.trim()) {
        if (lastSent.current) client.typing(conversationId, false);
        lastSent.current = 0;
      } else if (now - lastSent.current >= REFRESH_MS) {
        client.typing(conversationId, true);
        lastSent.current = now;
      }
    },
    [client, conversationId],
  );
}
