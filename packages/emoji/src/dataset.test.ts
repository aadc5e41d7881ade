import { describe, expect, it } from 'vitest';
import {
  allEmoji,
  EMOJI_GROUPS,
  emojiByGroup,
  findByEmoji,
  findByShortcode,
  normalizeEmoji,
  withSkinTone,
  type EmojiEntry,
} from './index.js';

function byCode(code: string): EmojiEntry {
  const entry = findByShortcode(code);
  if (!entry) throw new Error(`no emoji for :${code}:`);
  return entry;
}

describe('the dataset', () => {
  it('has every emoji of emojibase, in its order', () => {
    const all = allEmoji();
    expect(all.length).toBeGreaterThan(1800);
    expect(all[0]?.emoji).toBe('😀');
    for (let i = 1; i < all.length; i++) expect(all[i]!.order).toBeGreaterThan(all[i - 1]!.order);
  });

  it('fills every group, leaves out the component group, and puts every emoji in one', () => {
    let total = 0;
    for (const { id } of EMOJI_GROUPS) {
      const list = emojiByGroup(id);
      expect(list.length, id).toBeGreaterThan(0);
      expect(list.every((e) => e.group === id)).toBe(true);
      total += list.length;
    }
    expect(total).toBe(allEmoji().length);
    expect(findByEmoji('🏻')).toBeUndefined(); // a bare skin tone swatch
    expect(findByEmoji('🦰')).toBeUndefined(); // a hair component
    expect(findByEmoji('🇦')).toBeUndefined(); // a lone regional indicator
    expect(emojiByGroup('flags').map((e) => e.emoji)).toContain('🇫🇷');
  });

  it('gives each shortcode to one emoji, lower case without colons', () => {
    const seen = new Map<string, string>();
    for (const entry of allEmoji()) {
      for (const code of entry.shortcodes) {
        expect(code).toMatch(/^[a-z0-9_+-]+$/);
        expect(seen.get(code), code).toBeUndefined();
        seen.set(code, entry.emoji);
      }
    }
    expect(allEmoji().filter((e) => e.shortcodes.length === 0)).toEqual([]);
  });

  it('hands out the fully-qualified form: U+FE0F only where Unicode requires it', () => {
    expect(byCode('+1').emoji).toBe('👍'); // emojibase writes U+1F44D U+FE0F
    expect(byCode('heart').emoji).toBe('❤\uFE0F');
    expect(byCode('rainbow_flag').emoji).toBe('🏳\uFE0F\u200D🌈');
    expect(byCode('point_up').skins?.[0]).toBe('☝🏻'); // no selector before a skin tone
  });

  it('freezes the shared entries', () => {
    const entry = byCode('tada');
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(entry.shortcodes)).toBe(true);
    expect(Object.isFrozen(allEmoji())).toBe(true);
  });
});

describe('findByShortcode', () => {
  it.each([
    ['tada', '🎉'],
    [':tada:', '🎉'],
    ['TADA', '🎉'],
    ['+1', '👍'],
    ['thumbsup', '👍'],
    [':thumbs_up:', '👍'],
    ['-1', '👎'],
    ['heart', '❤️'],
    ['fr', '🇫🇷'],
    ['flag_fr', '🇫🇷'],
    ['flag_france', '🇫🇷'],
    ['one', '1️⃣'],
    ['keycap_1', '1️⃣'],
    ['hash', '#️⃣'],
    ['keycap_ten', '🔟'],
    ['family_man_woman_girl', '👨‍👩‍👧'],
  ])('%s → %s', (code, emoji) => {
    expect(byCode(code).emoji).toBe(emoji);
  });

  it('prefers GitHub\u2019s meaning when datasets disagree', () => {
    expect(byCode('umbrella').emoji).toBe('☔'); // emojibase and CLDR give it to ☂️
  });

  it('finds the base entry of a skin-tone shortcode', () => {
    expect(byCode('+1_tone3').emoji).toBe('👍');
  });

  it('finds nothing for unknown codes', () => {
    expect(findByShortcode('no_such_emoji')).toBeUndefined();
    expect(findByShortcode('')).toBeUndefined();
    expect(findByShortcode('::')).toBeUndefined();
  });
});

describe('findByEmoji', () => {
  it('finds an emoji with or without U+FE0F', () => {
    expect(findByEmoji('❤')?.name).toBe('red heart');
    expect(findByEmoji('❤\uFE0F')?.name).toBe('red heart');
    expect(findByEmoji('👍\uFE0F')?.name).toBe('thumbs up');
    expect(findByEmoji('1\u20E3')?.emoji).toBe('1️⃣');
  });

  it('finds the base entry of a skin-toned variant', () => {
    expect(findByEmoji('👍🏽')?.emoji).toBe('👍');
    expect(findByEmoji('🫱🏻‍🫲🏿')?.name).toBe('handshake');
  });

  it('finds nothing for text or two emoji', () => {
    expect(findByEmoji('a')).toBeUndefined();
    expect(findByEmoji('👍👍')).toBeUndefined();
  });
});

describe('skin tones', () => {
  it('offers five tones on 👍 and 👋, light to dark', () => {
    expect(byCode('+1').skins).toEqual(['👍🏻', '👍🏼', '👍🏽', '👍🏾', '👍🏿']);
    const wave = byCode('wave');
    expect(wave.skins).toEqual(['👋🏻', '👋🏼', '👋🏽', '👋🏾', '👋🏿']);
    expect(withSkinTone(wave, 0)).toBe('👋');
    expect(withSkinTone(wave, 1)).toBe('👋🏻');
    expect(withSkinTone(wave, 5)).toBe('👋🏿');
  });

  it('has none on 🎉, which keeps its only form', () => {
    const tada = byCode('tada');
    expect(tada.skins).toBeNull();
    expect(withSkinTone(tada, 3)).toBe('🎉');
  });

  it('uses the same tone for every person of a multi-person emoji', () => {
    expect(byCode('handshake').skins).toEqual(['🤝🏻', '🤝🏼', '🤝🏽', '🤝🏾', '🤝🏿']);
    expect(byCode('people_holding_hands').skins?.[2]).toBe('🧑🏽‍🤝‍🧑🏽');
  });
});

describe('normalizeEmoji', () => {
  it('returns the fully-qualified form of one known emoji', () => {
    expect(normalizeEmoji('❤')).toBe('❤️');
    expect(normalizeEmoji('👍\uFE0F')).toBe('👍');
    expect(normalizeEmoji('👍🏽')).toBe('👍🏽');
    expect(normalizeEmoji('🏳‍🌈')).toBe('🏳️‍🌈');
  });

  it('returns null for anything else', () => {
    expect(normalizeEmoji('ab')).toBeNull();
    expect(normalizeEmoji('')).toBeNull();
    expect(normalizeEmoji('👍👍')).toBeNull();
  });
});
