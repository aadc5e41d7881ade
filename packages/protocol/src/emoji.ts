import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { limits } from './limits.js';

const nameChars = `[a-z0-9_+-]{${limits.customEmojiNameMinLength},${limits.customEmojiNameMaxLength}}`;

/**
 * The rule for custom emoji names (Slack's): 2 to 32 lower-case letters, digits, `_`, `-` and `+`.
 * `@parley/emoji` (`isCustomEmojiName`) and the server test names against this one pattern.
 */
export const customEmojiNamePattern = new RegExp(`^${nameChars}$`);

/** A reaction with a custom emoji is its name between colons, e.g. `:parley:`. */
export const customEmojiReactionPattern = new RegExp(`^:${nameChars}:$`);

export const CustomEmojiName = z
  .string()
  .regex(
    customEmojiNamePattern,
    `${limits.customEmojiNameMinLength}-${limits.customEmojiNameMaxLength} lower-case letters, digits, _ - or +`,
  );

/** An image emoji of this installation, written `:name:` in messages and reactions. */
export const CustomEmoji = z.object({
  name: z.string(),
  /** The image on this server (`/api/v1/files/<id>`, any logged-in user): at most 128 px, animated GIFs stay animated. */
  url: z.string(),
  contentType: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  createdBy: Id,
  createdAt: Timestamp,
});
export type CustomEmoji = z.infer<typeof CustomEmoji>;

export const CustomEmojiList = z.object({
  /** By name. */
  emoji: z.array(CustomEmoji),
  /** Changes whenever the set changes; also sent as the ETag, so `If-None-Match` gets a 304 while it holds. */
  version: z.string(),
});
export type CustomEmojiList = z.infer<typeof CustomEmojiList>;

export const AddCustomEmojiQuery = z.object({ name: CustomEmojiName });
export type AddCustomEmojiQuery = z.input<typeof AddCustomEmojiQuery>;

export const CustomEmojiParams = z.object({ emojiName: CustomEmojiName });
