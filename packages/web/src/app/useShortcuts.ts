import { useEffect } from 'react';

interface Shortcuts {
  /** Alt+↑ / Alt+↓: the conversation above or below in the sidebar. */
  step(by: 1 | -1): void;
  /** Ctrl+K (⌘K): find a conversation. */
  find(): void;
}

/** Keyboard shortcuts of the whole app, as in Slack; they work from any field. */
export function useShortcuts({ step, find }: Shortcuts): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        step(e.key === 'ArrowDown' ? 1 : -1);
      } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        find();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, find]);
}
