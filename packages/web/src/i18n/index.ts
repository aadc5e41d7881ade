import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';

export type { MessageKey };
export type Locale = 'en' | 'fr';

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, fr };

/** The first of the browser's preferred languages that we speak; English otherwise. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

/** The language chosen in Settings, remembered in this browser; otherwise the browser's. */
export const LOCALE_KEY = 'parley.locale';
export const locales: readonly Locale[] = ['en', 'fr'];

function startLocale(): Locale {
  if (typeof navigator === 'undefined') return 'en';
  const chosen = typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_KEY);
  if (chosen === 'en' || chosen === 'fr') return chosen;
  return pickLocale(navigator.languages ?? [navigator.language]);
}

// Chosen once at start; Settings stores a new choice and reloads the page to apply it everywhere.
export const locale: Locale = startLocale();

/** The string for `key` in the user's language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
