import { describe, expect, it } from 'vitest';
import { allEmoji, isCustomEmojiName, isSingleEmoji, reactionKind } from './index.js';

describe('isSingleEmoji', () => {
  it.each([
    ['👍🏽', 'skin tone'],
    ['👨‍👩‍👧', 'ZWJ family'],
    ['🇫🇷', 'flag'],
    ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'tag sequence flag'],
    ['1️⃣', 'keycap'],
    ['1\u20E3', 'keycap without U+FE0F'],
    ['❤️', 'heart with U+FE0F'],
    ['❤', 'heart without U+FE0F'],
    ['👍\uFE0F', 'thumbs up with a redundant U+FE0F'],
    ['🏳‍🌈', 'ZWJ sequence missing its U+FE0F'],
    ['🫱🏻‍🫲🏿', 'two skin tones'],
  ])('accepts %s (%s)', (value) => {
    expect(isSingleEmoji(value)).toBe(true);
  });

  it.each([
    ['ab'],
    ['👍👍'],
    [''],
    [':tada:'],
    ['1'],
    ['🏻'],
    ['🇦'],
    ['👍 '],
    ['❤\uFE0E'],
    ['👍\u200D🎉'],
  ])('rejects %j', (value) => {
    expect(isSingleEmoji(value)).toBe(false);
  });

  it('accepts every emoji and skin variant of the dataset', () => {
    for (const entry of allEmoji()) {
      expect(isSingleEmoji(entry.emoji), entry.name).toBe(true);
      for (const skin of entry.skins ?? []) expect(isSingleEmoji(skin), entry.name).toBe(true);
    }
  });
});

describe('reactionKind', () => {
  it('tells unicode from custom reactions', () => {
    expect(reactionKind('🎉')).toBe('unicode');
    expect(reactionKind('❤')).toBe('unicode');
    expect(reactionKind(':parley:')).toBe('custom');
    expect(reactionKind(':party_parrot:')).toBe('custom');
  });

  it('rejects anything else', () => {
    expect(reactionKind('tada')).toBeNull();
    expect(reactionKind(':Parley:')).toBeNull();
    expect(reactionKind(':x:')).toBeNull(); // shorter than a custom name may be
    expect(reactionKind('::')).toBeNull();
    expect(reactionKind(':a:b:')).toBeNull();
    expect(reactionKind('🎉🎉')).toBeNull();
    expect(reactionKind('')).toBeNull();
  });
});

describe('isCustomEmojiName', () => {
  it('allows 2 to 32 lower-case letters, digits, _, + and -', () => {
    expect(isCustomEmojiName('parley')).toBe(true);
    expect(isCustomEmojiName('party_parrot')).toBe(true);
    expect(isCustomEmojiName('+1-ok')).toBe(true);
    expect(isCustomEmojiName('ab')).toBe(true);
    expect(isCustomEmojiName('a'.repeat(32))).toBe(true);
  });

  it('refuses everything else', () => {
    expect(isCustomEmojiName('a')).toBe(false);
    expect(isCustomEmojiName('a'.repeat(33))).toBe(false);
    expect(isCustomEmojiName('Parley')).toBe(false);
    expect(isCustomEmojiName('par ley')).toBe(false);
    expect(isCustomEmojiName(':parley:')).toBe(false);
    expect(isCustomEmojiName('émoji')).toBe(false);
  });
});
