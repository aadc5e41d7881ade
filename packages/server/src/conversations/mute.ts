import type { Mute, MuteBody, MuteDuration } from '@parley/protocol';
import { iso } from '../lib/time.js';

/**
 * Stored `muted_until` of a mute "until I unmute": the last millisecond of year 9999, the latest
 * time a protocol Timestamp can name. A far-future time rather than a separate flag keeps one
 * rule for every mute, "muted now" is `muted_until > now`, for queries as well as presenters.
 */
export const MUTED_UNTIL_UNMUTED = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const HOUR = 3_600_000;

const durations: Record<Exclude<MuteDuration, 'always'>, number> = {
  '1h': HOUR,
  '8h': 8 * HOUR,
  '1w': 7 * 24 * HOUR,
};

/** The stored end of a mute chosen now. */
export function mutedUntil(choice: MuteBody, now: number): number {
  if ('until' in choice) return Math.min(Date.parse(choice.until), MUTED_UNTIL_UNMUTED);
  return choice.for === 'always' ? MUTED_UNTIL_UNMUTED : now + durations[choice.for];
}

/** A stored mute as its member sees it: null once it has ended. */
export function presentMute(stored: number | null, now: number): Mute | null {
  if (stored === null || stored <= now) return null;
  return { until: stored >= MUTED_UNTIL_UNMUTED ? null : iso(stored) };
}

export function sameMute(a: Mute | null, b: Mute | null): boolean {
  return a === null || b === null ? a === b : a.until === b.until;
}
