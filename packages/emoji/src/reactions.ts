import { customEmojiNamePattern } from '@parley/protocol';
import { emojiIndex } from './dataset.js';
import { emojiKey } from './unicode.js';

const CUSTOM_REACTION = /^:([^:]*):$/;

/**
 * The rule for custom emoji names, the protocol's (`customEmojiNamePattern`), so server and clients
 * agree: 2 to 32 of lower-case letters, digits, `_`, `+` and `-`.
 *
 * @example
 * isCustomEmojiName('parley'); // true
 * isCustomEmojiName('Parley'); // false
 * isCustomEmojiName('x'); // false
 */
export function isCustomEmojiName(name: string): boolean {
  return customEmojiNamePattern.test(name);
}

/**
 * True if the string is exactly one emoji of the dataset (any skin tone, ZWJ sequence, flag or
 * keycap), with or without U+FE0F; unknown sequences, text and shortcodes are not.
 *
 * @example
 * isSingleEmoji('👍🏽'); // true
 * isSingleEmoji('❤'); // true
 * isSingleEmoji('👍👍'); // false
 * isSingleEmoji(':tada:'); // false
 */
export function isSingleEmoji(value: string): boolean {
  return value !== '' && emojiIndex().byKey.has(emojiKey(value));
}

/**
 * What a reaction is: one unicode emoji, or `:name:` of a custom emoji (whether that custom emoji
 * exists is for the caller to check), else null. Store unicode reactions through `normalizeEmoji`
 * so "❤" and "❤️" are one reaction.
 *
 * @example
 * reactionKind('🎉'); // 'unicode'
 * reactionKind(':parley:'); // 'custom'
 * reactionKind('tada'); // null
 */
export function reactionKind(value: string): 'unicode' | 'custom' | null {
  if (isSingleEmoji(value)) return 'unicode';
  const name = CUSTOM_REACTION.exec(value)?.[1];
  return name !== undefined && isCustomEmojiName(name) ? 'custom' : null;
}
