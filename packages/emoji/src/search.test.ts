import { describe, expect, it } from 'vitest';
import { findByShortcode, searchEmoji, type CustomEmoji, type SearchResult } from './index.js';

const label = (r: SearchResult): string => (r.kind === 'unicode' ? r.entry.emoji : `:${r.emoji.name}:`);
const unicodeEntries = (results: SearchResult[]) => results.flatMap((r) => (r.kind === 'unicode' ? [r.entry] : []));

const custom: CustomEmoji[] = [
  { name: 'parley', url: '/emoji/parley.png' },
  { name: 'party_parrot', url: '/emoji/party_parrot.gif' },
  { name: 'shipit', url: '/emoji/shipit.png' },
];

describe('searchEmoji', () => {
  it('puts an exact shortcode first', () => {
    expect(label(searchEmoji('tada')[0]!)).toBe('🎉');
    expect(label(searchEmoji(':+1:')[0]!)).toBe('👍');
    expect(label(searchEmoji('Heart')[0]!)).toBe('❤️');
    expect(label(searchEmoji('thumbs up')[0]!)).toBe('👍'); // spaces match underscores
  });

  it('ranks shortcode prefix > name word prefix > keyword prefix', () => {
    const results = searchEmoji('smiling', { limit: 500 }).map(label);
    const relaxed = results.indexOf('☺️'); // shortcode smiling_face
    const smile = results.indexOf('😄'); // name "grinning face with smiling eyes"
    const grinning = results.indexOf('😀'); // keyword "smiling" only, though first in emojibase order
    expect(relaxed).toBeGreaterThanOrEqual(0);
    expect(relaxed).toBeLessThan(smile);
    expect(smile).toBeLessThan(grinning);
  });

  it('puts shortcode prefixes before other matches, and breaks ties by emojibase order', () => {
    const entries = unicodeEntries(searchEmoji('grin', { limit: 500 }));
    expect(entries[0]?.emoji).toBe('😁'); // :grin:
    const prefixed = entries.slice(1).filter((e) => e.shortcodes.some((c) => c.startsWith('grin')));
    expect(entries.slice(1, 1 + prefixed.length)).toEqual(prefixed);
    for (let i = 1; i < prefixed.length; i++) expect(prefixed[i]!.order).toBeGreaterThan(prefixed[i - 1]!.order);
  });

  it('finds substrings last', () => {
    const entries = unicodeEntries(searchEmoji('ongu', { limit: 500 }));
    expect(entries.map((e) => e.emoji)).toContain('👅');
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.order).toBeGreaterThan(entries[i - 1]!.order);
  });

  it('finds flags by country name', () => {
    expect(label(searchEmoji('france')[0]!)).toBe('🇫🇷');
  });

  it('stops at the limit, 50 by default', () => {
    expect(searchEmoji('a', { limit: 7 })).toHaveLength(7);
    expect(searchEmoji('a')).toHaveLength(50);
    expect(searchEmoji('a', { limit: 0 })).toEqual([]);
  });

  it('finds nothing for an empty query or one that matches nothing', () => {
    expect(searchEmoji('')).toEqual([]);
    expect(searchEmoji('  ::  ')).toEqual([]);
    expect(searchEmoji('qqqqzzz')).toEqual([]);
  });

  it('ranks custom emoji the same way, first within a rank', () => {
    expect(searchEmoji('parl', { custom }).map(label)[0]).toBe(':parley:');
    expect(searchEmoji(':shipit:', { custom }).map(label)[0]).toBe(':shipit:');
    // 🎉 has the shortcode "party" (exact), :party_parrot: only starts with it, like 🥳 :partying_face:.
    expect(searchEmoji('party', { custom }).map(label).slice(0, 3)).toEqual(['🎉', ':party_parrot:', '🥳']);
    // 🦜 is :parrot: exactly; "parrot" is only a word of the custom name.
    const parrot = searchEmoji('parrot', { custom }).map(label);
    expect(parrot[0]).toBe('🦜');
    expect(parrot).toContain(':party_parrot:');
  });

  it('counts custom emoji against the limit', () => {
    const results = searchEmoji('par', { custom, limit: 2 });
    expect(results.map(label)).toEqual([':parley:', ':party_parrot:']);
  });

  it('returns the shared entries', () => {
    const first = searchEmoji('tada')[0];
    expect(first?.kind === 'unicode' && first.entry).toBe(findByShortcode('tada'));
  });
});
