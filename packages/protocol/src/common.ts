import { z } from 'zod';
import { limits } from './limits.js';

/** Ids are 26-character, time-ordered ULIDs (Crockford base32). */
export const Id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id');
export type Id = z.infer<typeof Id>;

/** ISO 8601 UTC timestamp with milliseconds. */
export const Timestamp = z.iso.datetime();
export type Timestamp = z.infer<typeof Timestamp>;

/** Gap-free position of a message in its conversation, starting at 1. */
export const Seq = z.number().int().nonnegative();

/** Position of an event in the server's event log; a client resumes from the last one it saw. */
export const Position = z.number().int().nonnegative();

export const PageLimit = z.coerce.number().int().min(1).max(limits.pageSizeMax);

const utf8 = new TextEncoder();
export function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

/** Rejects control characters other than tab and newline, which no human text needs. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000B-\u001F\u007F]/.test(text);
}

/** A single line of display text: trimmed, no control characters, bounded. */
export function displayText(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !/[\u0000-\u001F\u007F]/.test(s), 'must not contain control characters');
}

export const Ok = z.object({ ok: z.literal(true) });
