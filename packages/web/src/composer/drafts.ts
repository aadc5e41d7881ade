/** Unsent text, per conversation or thread, kept in this browser until sent or until logout. */
const DRAFT_PREFIX = 'parley.draft.';

export function readDraft(key: string): string {
  return localStorage.getItem(DRAFT_PREFIX + key) ?? '';
}

export function saveDraft(key: string, text: string): void {
  if (text) localStorage.setItem(DRAFT_PREFIX + key, text);
  else localStorage.removeItem(DRAFT_PREFIX + key);
}

/** On logout: whoever uses this browser next must not find my unsent words. */
export function clearDrafts(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key);
}
