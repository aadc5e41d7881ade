/**
 * Parley's emoji dataset (emojibase 17, English): names, :shortcodes:, search, groups, skin tones and
 * custom emoji. Importing costs only the JSON parse; the indexes are built on first use. The data is
 * large (≈950 kB, ≈165 kB gzipped), so the web app loads it on demand:
 *
 * @example
 * const { searchEmoji } = await import('@parley/emoji');
 */
export { EMOJI_GROUPS } from './types.js';
export type { CustomEmoji, EmojiEntry, EmojiGroup, SearchResult, ShortcodeToken, SkinTone } from './types.js';
export { allEmoji, emojiByGroup, findByEmoji, findByShortcode, normalizeEmoji, withSkinTone } from './dataset.js';
export { searchEmoji, type SearchOptions } from './search.js';
export { replaceShortcodes, tokenizeShortcodes } from './shortcodes.js';
export { isCustomEmojiName, isSingleEmoji, reactionKind } from './reactions.js';
