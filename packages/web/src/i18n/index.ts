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

// Chosen once at start: switching language mid-session is not a feature yet.
export const locale: Locale = typeof navigator === 'undefined' ? 'en' : pickLocale(navigator.languages ?? [navigator.language]);

/** The string for `key` in the user's language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
