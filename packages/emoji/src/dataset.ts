import compact from 'emojibase-data/en/compact.json' with { type: 'json' };
import cldrShortcodes from 'emojibase-data/en/shortcodes/cldr.json' with { type: 'json' };
import emojibaseShortcodes from 'emojibase-data/en/shortcodes/emojibase.json' with { type: 'json' };
import githubShortcodes from 'emojibase-data/en/shortcodes/github.json' with { type: 'json' };
import { type EmojiEntry, type EmojiGroup, type SkinTone } from './types.js';
import { emojiKey, fullyQualified, tonesOf } from './unicode.js';

/** The fields of emojibase's compact dataset we read (emojibase-data/en/compact.json.d.ts). */
interface RawEmoji {
  readonly hexcode: string;
  readonly label: string;
  readonly unicode: string;
  readonly group?: number;
  readonly order?: number;
  readonly tags?: readonly string[];
  readonly skins?: readonly RawEmoji[];
}

type RawShortcodes = Readonly<Record<string, string | readonly string[]>>;

const RAW: readonly RawEmoji[] = compact;

/** In priority order: when two datasets give one shortcode to different emoji, the first wins (GitHub's 🎉 is `tada`). */
const SHORTCODE_SOURCES: readonly RawShortcodes[] = [githubShortcodes, emojibaseShortcodes, cldrShortcodes];

/** Emojibase's numeric groups; 2 ("component": bare skin tones and hair) is left out. */
const GROUPS: Readonly<Record<number, EmojiGroup>> = {
  0: 'smileys',
  1: 'people',
  3: 'nature',
  4: 'food',
  5: 'travel',
  6: 'activities',
  7: 'objects',
  8: 'symbols',
  9: 'flags',
};

export interface EmojiIndex {
  readonly entries: readonly EmojiEntry[];
  readonly byGroup: ReadonlyMap<EmojiGroup, readonly EmojiEntry[]>;
  /** Lower-case shortcode → entry, for base emoji only. */
  readonly byShortcode: ReadonlyMap<string, EmojiEntry>;
  /** Lower-case shortcode of a skin-tone variant (`+1_tone3`) → the base entry and the variant. */
  readonly toneShortcodes: ReadonlyMap<string, { readonly entry: EmojiEntry; readonly emoji: string }>;
  /** {@link emojiKey} of every emoji and every skin variant → its base entry. */
  readonly byKey: ReadonlyMap<string, EmojiEntry>;
  /** {@link emojiKey} of every emoji and every skin variant → its fully-qualified form. */
  readonly qualified: ReadonlyMap<string, string>;
}

let index: EmojiIndex | undefined;

/** Builds the indexes on first use, so importing the package costs only the JSON parse. */
export function emojiIndex(): EmojiIndex {
  index ??= buildIndex();
  return index;
}

function buildIndex(): EmojiIndex {
  const codesByHex = shortcodesByHexcode();
  const entries: EmojiEntry[] = [];
  const byGroup = new Map<EmojiGroup, EmojiEntry[]>();
  const byShortcode = new Map<string, EmojiEntry>();
  const toneShortcodes = new Map<string, { entry: EmojiEntry; emoji: string }>();
  const byKey = new Map<string, EmojiEntry>();
  const qualified = new Map<string, string>();

  for (const raw of RAW) {
    const group = raw.group === undefined ? undefined : GROUPS[raw.group];
    // Regional indicator letters have no group; they are parts of flags, not emoji of their own.
    if (group === undefined || raw.order === undefined) continue;

    const variants = (raw.skins ?? []).map((skin) => ({ raw: skin, emoji: fullyQualified(skin.unicode) }));
    const entry: EmojiEntry = {
      emoji: fullyQualified(raw.unicode),
      name: raw.label,
      shortcodes: Object.freeze(codesByHex.get(raw.hexcode) ?? []) as string[],
      group,
      keywords: Object.freeze([...(raw.tags ?? [])]) as string[],
      order: raw.order,
      skins: uniformSkins(variants.map((v) => v.emoji)),
    };
    Object.freeze(entry);
    entries.push(entry);

    let list = byGroup.get(group);
    if (!list) byGroup.set(group, (list = []));
    list.push(entry);

    for (const code of entry.shortcodes) byShortcode.set(code, entry);
    for (const emoji of [entry.emoji, ...variants.map((v) => v.emoji)]) {
      byKey.set(emojiKey(emoji), entry);
      qualified.set(emojiKey(emoji), emoji);
    }
    for (const variant of variants) {
      for (const code of codesByHex.get(variant.raw.hexcode) ?? []) toneShortcodes.set(code, { entry, emoji: variant.emoji });
    }
  }

  entries.sort((a, b) => a.order - b.order);
  for (const list of byGroup.values()) {
    list.sort((a, b) => a.order - b.order);
    Object.freeze(list);
  }
  return { entries: Object.freeze(entries), byGroup, byShortcode, toneShortcodes, byKey, qualified };
}

/** Hexcode → its shortcodes, each shortcode given to one emoji only, in {@link SHORTCODE_SOURCES} order. */
function shortcodesByHexcode(): Map<string, string[]> {
  const hexcodes: string[] = [];
  for (const raw of RAW) {
    hexcodes.push(raw.hexcode);
    for (const skin of raw.skins ?? []) hexcodes.push(skin.hexcode);
  }
  const taken = new Set<string>();
  const byHex = new Map<string, string[]>();
  for (const source of SHORTCODE_SOURCES) {
    // Looking up our hexcodes is much faster than Object.entries() over these big dictionary objects.
    for (const hexcode of hexcodes) {
      const value = source[hexcode];
      if (value === undefined) continue;
      for (const code of typeof value === 'string' ? [value] : value) {
        const lower = code.toLowerCase();
        if (taken.has(lower)) continue;
        taken.add(lower);
        let list = byHex.get(hexcode);
        if (!list) byHex.set(hexcode, (list = []));
        list.push(lower);
      }
    }
  }
  return byHex;
}

/**
 * The five single-tone variants, light to dark. Multi-person emoji (🤝, 💑) have 25 variants, one per
 * pair of tones; the picker's tone setting selects the ones where every person has the same tone.
 */
function uniformSkins(variants: readonly string[]): string[] | null {
  if (variants.length === 0) return null;
  const byTone: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  for (const emoji of variants) {
    const tones = tonesOf(emoji);
    const tone = tones[0];
    if (tone === undefined || tones.some((t) => t !== tone)) continue;
    byTone[tone - 1] ??= emoji;
  }
  const skins = byTone.filter((emoji): emoji is string => emoji !== undefined);
  return skins.length === 5 ? (Object.freeze(skins) as string[]) : null;
}

/**
 * Every emoji in emojibase order (the picker's order), skin-tone variants folded into their base.
 *
 * @example
 * allEmoji().length; // ≈ 1,900
 * allEmoji()[0]?.emoji; // '😀'
 */
export function allEmoji(): readonly EmojiEntry[] {
  return emojiIndex().entries;
}

/**
 * The emoji of one picker category, in emojibase order.
 *
 * @example
 * emojiByGroup('flags').find((e) => e.shortcodes.includes('fr'))?.emoji; // '🇫🇷'
 */
export function emojiByGroup(group: EmojiGroup): readonly EmojiEntry[] {
  return emojiIndex().byGroup.get(group) ?? [];
}

/**
 * Looks up a shortcode, with or without colons, in any case. A skin-tone shortcode (`+1_tone3`)
 * finds its base entry; use {@link withSkinTone} or `tokenizeShortcodes` for the toned emoji.
 *
 * @example
 * findByShortcode('tada')?.emoji; // '🎉'
 * findByShortcode(':+1:')?.emoji; // '👍'
 * findByShortcode('ThumbsUp')?.name; // 'thumbs up'
 */
export function findByShortcode(code: string): EmojiEntry | undefined {
  const key = stripColons(code.trim()).toLowerCase();
  const { byShortcode, toneShortcodes } = emojiIndex();
  return byShortcode.get(key) ?? toneShortcodes.get(key)?.entry;
}

/**
 * Finds the entry of an emoji, also from one of its skin-tone variants, with or without U+FE0F.
 *
 * @example
 * findByEmoji('👍🏽')?.name; // 'thumbs up'
 * findByEmoji('❤')?.emoji; // '❤️'
 */
export function findByEmoji(emoji: string): EmojiEntry | undefined {
  return emojiIndex().byKey.get(emojiKey(emoji));
}

/**
 * The emoji in a skin tone; the default emoji for tone 0 or for an emoji without tones.
 *
 * @example
 * withSkinTone(findByShortcode('wave')!, 4); // '👋🏾'
 * withSkinTone(findByShortcode('tada')!, 4); // '🎉'
 */
export function withSkinTone(entry: EmojiEntry, tone: SkinTone): string {
  if (tone === 0) return entry.emoji;
  return entry.skins?.[tone - 1] ?? entry.emoji;
}

/**
 * The fully-qualified form of one known emoji (any skin tone), or null for anything else. Store
 * reactions in this form so "❤" and "❤️" count as the same reaction.
 *
 * @example
 * normalizeEmoji('❤'); // '❤️'
 * normalizeEmoji('👍\uFE0F'); // '👍'
 * normalizeEmoji('ab'); // null
 */
export function normalizeEmoji(value: string): string | null {
  return emojiIndex().qualified.get(emojiKey(value)) ?? null;
}

/** `:tada:`, `:tada` and `tada` → `tada`. */
export function stripColons(code: string): string {
  return code.replace(/^:|:$/g, '');
}
