import { allEmoji, stripColons } from './dataset.js';
import { type CustomEmoji, type EmojiEntry, type SearchResult } from './types.js';

export interface SearchOptions {
  /** At most this many results; 50 unless given. */
  limit?: number;
  /** The installation's custom emoji, ranked with the unicode ones. */
  custom?: readonly CustomEmoji[];
}

const DEFAULT_LIMIT = 50;

/** How well an emoji matches; lower is better. */
const Rank = { ExactShortcode: 0, ShortcodePrefix: 1, NameWordPrefix: 2, KeywordPrefix: 3, Substring: 4 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

interface Searchable {
  readonly shortcodes: readonly string[];
  readonly name: string;
  readonly nameWords: readonly string[];
  readonly keywords: readonly string[];
}

const WORD_SEPARATOR = /[^\p{L}\p{N}]+/u;

let unicodeSearchables: readonly { entry: EmojiEntry; fields: Searchable }[] | undefined;

function searchables(): readonly { entry: EmojiEntry; fields: Searchable }[] {
  unicodeSearchables ??= allEmoji().map((entry) => {
    const name = entry.name.toLowerCase();
    return {
      entry,
      fields: {
        shortcodes: entry.shortcodes,
        name,
        nameWords: name.split(WORD_SEPARATOR).filter(Boolean),
        keywords: entry.keywords.map((k) => k.toLowerCase()),
      },
    };
  });
  return unicodeSearchables;
}

function customFields(emoji: CustomEmoji): Searchable {
  const name = emoji.name.toLowerCase();
  return { shortcodes: [name], name, nameWords: name.split(/[_+-]+/).filter(Boolean), keywords: [] };
}

function rank(fields: Searchable, query: string, codeQuery: string): Rank | undefined {
  if (fields.shortcodes.includes(codeQuery)) return Rank.ExactShortcode;
  if (fields.shortcodes.some((c) => c.startsWith(codeQuery))) return Rank.ShortcodePrefix;
  if (fields.name.startsWith(query) || fields.nameWords.some((w) => w.startsWith(query))) return Rank.NameWordPrefix;
  if (fields.keywords.some((k) => k.startsWith(query))) return Rank.KeywordPrefix;
  if (
    fields.name.includes(query) ||
    fields.shortcodes.some((c) => c.includes(codeQuery)) ||
    fields.keywords.some((k) => k.includes(query))
  ) {
    return Rank.Substring;
  }
  return undefined;
}

/**
 * Searches unicode and custom emoji by shortcode, name and keyword. Ranking: exact shortcode, then
 * shortcode prefix, name word prefix, keyword prefix, substring; within a rank custom emoji come
 * first (by name), then unicode emoji in emojibase order. Colons and case are ignored, and spaces
 * match underscores in shortcodes. An empty query finds nothing.
 *
 * @example
 * searchEmoji('tada')[0]; // { kind: 'unicode', entry: { emoji: '🎉', … } }
 * searchEmoji('thumbs', { limit: 3 }).length; // 3
 * searchEmoji('parl', { custom: [{ name: 'parley', url: '/emoji/parley.png' }] })[0]?.kind; // 'custom'
 */
export function searchEmoji(query: string, options: SearchOptions = {}): SearchResult[] {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const normalized = stripColons(query.trim().toLowerCase()).trim().replace(/\s+/g, ' ');
  if (normalized === '' || limit <= 0) return [];
  const codeQuery = normalized.replace(/ /g, '_');

  const customHits: { rank: Rank; emoji: CustomEmoji }[] = [];
  for (const emoji of options.custom ?? []) {
    const r = rank(customFields(emoji), normalized, codeQuery);
    if (r !== undefined) customHits.push({ rank: r, emoji });
  }
  customHits.sort((a, b) => a.rank - b.rank || compareText(a.emoji.name, b.emoji.name));

  const unicodeHits: { rank: Rank; entry: EmojiEntry }[] = [];
  for (const { entry, fields } of searchables()) {
    const r = rank(fields, normalized, codeQuery);
    if (r !== undefined) unicodeHits.push({ rank: r, entry });
  }
  // Entries are already in emojibase order, and Array.prototype.sort is stable.
  unicodeHits.sort((a, b) => a.rank - b.rank);

  const results: SearchResult[] = [];
  let c = 0;
  let u = 0;
  while (results.length < limit) {
    const custom = customHits[c];
    const unicode = unicodeHits[u];
    if (custom && (!unicode || custom.rank <= unicode.rank)) {
      results.push({ kind: 'custom', emoji: custom.emoji });
      c++;
    } else if (unicode) {
      results.push({ kind: 'unicode', entry: unicode.entry });
      u++;
    } else {
      break;
    }
  }
  return results;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
