/** The picker categories, in display order. Emojibase's "component" group (bare skin tones, hair) is not one. */
export type EmojiGroup =
  | 'smileys'
  | 'people'
  | 'nature'
  | 'food'
  | 'travel'
  | 'activities'
  | 'objects'
  | 'symbols'
  | 'flags';

/** 0 is the default (yellow) emoji; 1..5 are the Fitzpatrick tones from light to dark. */
export type SkinTone = 0 | 1 | 2 | 3 | 4 | 5;

/** One emoji of the dataset. Entries are shared between callers and frozen. */
export interface EmojiEntry {
  /** The fully-qualified emoji, as Unicode's emoji-test.txt writes it (👍 without U+FE0F, ❤️ with it). */
  emoji: string;
  /** The CLDR name, e.g. "thumbs up". */
  name: string;
  /** Without colons, lower case, the most common (GitHub's) first. */
  shortcodes: string[];
  group: EmojiGroup;
  keywords: string[];
  /** Emojibase's sort order: the order of the picker and of search ties. */
  order: number;
  /** Index 0..4 = tones 1..5 (light..dark); null if the emoji has no skin tones. */
  skins: string[] | null;
}

/** An installation's image emoji, written `:name:`. The package only knows what the caller passes in. */
export interface CustomEmoji {
  name: string;
  url: string;
}

export type SearchResult = { kind: 'unicode'; entry: EmojiEntry } | { kind: 'custom'; emoji: CustomEmoji };

export type ShortcodeToken =
  | { kind: 'text'; text: string }
  | { kind: 'unicode'; text: string; emoji: string }
  | { kind: 'custom'; text: string; emoji: CustomEmoji };

/**
 * The picker's categories with English labels, in display order.
 *
 * @example
 * EMOJI_GROUPS.map((g) => g.label); // ['Smileys & Emotion', 'People & Body', …, 'Flags']
 */
export const EMOJI_GROUPS: readonly { readonly id: EmojiGroup; readonly label: string }[] = Object.freeze([
  { id: 'smileys', label: 'Smileys & Emotion' },
  { id: 'people', label: 'People & Body' },
  { id: 'nature', label: 'Animals & Nature' },
  { id: 'food', label: 'Food & Drink' },
  { id: 'travel', label: 'Travel & Places' },
  { id: 'activities', label: 'Activities' },
  { id: 'objects', label: 'Objects' },
  { id: 'symbols', label: 'Symbols' },
  { id: 'flags', label: 'Flags' },
] as const);
