import type { User } from '@parley/sdk';
import { useEffect, useMemo, useState } from 'react';
import { loadEmoji } from '../emoji/load.js';
import { findTrigger, type Trigger } from './autocomplete.js';

export interface Suggestion {
  key: string;
  /** What the list shows. */
  label: string;
  hint: string;
  /** What replaces the typed `:tad` or `@bo`. */
  insert: string;
}

const LIMIT = 8;
/** Everyone-mentions the server understands, offered in groups and channels. */
const SPECIAL = ['channel', 'here', 'everyone'] as const;

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

/** Mentionable people whose username or name starts with (or has a word starting with) the query. */
export function mentionSuggestions(query: string, people: readonly User[], groupLike: boolean): Suggestion[] {
  const q = fold(query);
  const matches = (s: string) => fold(s).startsWith(q) || fold(s).split(/\s+/).some((w) => w.startsWith(q));
  const found: Suggestion[] = people
    .filter((p) => matches(p.username) || matches(p.displayName))
    .slice(0, LIMIT)
    .map((p) => ({ key: p.id, label: p.displayName, hint: `@${p.username}`, insert: `@${p.username}` }));
  if (groupLike) for (const s of SPECIAL) if (s.startsWith(q) && found.length < LIMIT) found.push({ key: s, label: `@${s}`, hint: '', insert: `@${s}` });
  return found;
}

/**
 * What the composer offers for the word at the caret: emoji for `:tad`, people for `@bo`. The
 * emoji dataset loads on the first `:` that needs it.
 */
export function useSuggestions(text: string, caret: number, people: readonly User[], groupLike: boolean) {
  const trigger = useMemo(() => findTrigger(text, caret), [text, caret]);
  const [emoji, setEmoji] = useState<{ query: string; items: Suggestion[] } | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);

  useEffect(() => {
    if (trigger?.kind !== 'emoji') return;
    let stale = false;
    void loadEmoji().then(({ searchEmoji }) => {
      if (stale) return;
      const items = searchEmoji(trigger.query, { limit: LIMIT }).flatMap((r) =>
        r.kind === 'unicode' ? [{ key: r.entry.emoji, label: r.entry.emoji, hint: `:${r.entry.shortcodes[0] ?? r.entry.name}:`, insert: r.entry.emoji }] : [],
      );
      setEmoji({ query: trigger.query, items });
    });
    return () => {
      stale = true;
    };
  }, [trigger?.kind, trigger?.query]);

  useEffect(() => setActive(0), [trigger?.kind, trigger?.query]);

  let items: Suggestion[] = [];
  if (trigger && trigger.start !== dismissed) {
    if (trigger.kind === 'mention') items = mentionSuggestions(trigger.query, people, groupLike);
    else if (emoji?.query === trigger.query) items = emoji.items;
  }
  return {
    trigger: items.length ? trigger : null,
    items,
    active: Math.min(active, Math.max(0, items.length - 1)),
    move: (by: number) => setActive((a) => (items.length ? (a + by + items.length) % items.length : 0)),
    /** Escape: this trigger stays closed until another one starts. */
    dismiss: (t: Trigger) => setDismissed(t.start),
  };
}
