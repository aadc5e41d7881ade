import { useCallback, useEffect, useState } from 'react';

/** `/c/<id>` opens a conversation, so a reload or a shared link comes back to it. */
const CONVERSATION_PATH = /^\/c\/([^/]+)$/;

function conversationFromPath(): string | null {
  const match = CONVERSATION_PATH.exec(window.location.pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** The open conversation, kept in the URL and following the browser's back and forward buttons. */
export function useOpenConversation(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState(conversationFromPath);
  useEffect(() => {
    const onPop = () => setId(conversationFromPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const open = useCallback((next: string | null) => {
    const path = next ? `/c/${encodeURIComponent(next)}` : '/';
    if (window.location.pathname !== path) window.history.pushState(null, '', path);
    setId(next);
  }, []);
  return [id, open];
}
