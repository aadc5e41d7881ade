import type { SkinTone } from '@parley/emoji';

const RECENT_KEY = 'parley.emoji.recent';
const TONE_KEY = 'parley.emoji.tone';
/** As many recently used emoji as one row or two of the picker shows. */
const RECENT_MAX = 24;

/** The emoji I used last, newest first (remembered in this browser). */
export function recentEmoji(): string[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function rememberEmoji(emoji: string): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify([emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, RECENT_MAX)));
}

export function skinTone(): SkinTone {
  const n = Number(localStorage.getItem(TONE_KEY));
  return n >= 1 && n <= 5 ? (n as SkinTone) : 0;
}

export function chooseSkinTone(tone: SkinTone): void {
  localStorage.setItem(TONE_KEY, String(tone));
}
