import { describe, expect, it } from 'vitest';
import { mentionAt } from './mentions.js';

const at = (text: string) => mentionAt(text, text.indexOf('@'), text[text.indexOf('@') - 1] ?? '');

describe('mentionAt', () => {
  it('reads a username after @, lower-cased, with dots and hyphens inside but not at the end', () => {
    expect(at('hi @Bob.')).toEqual({ name: 'bob', end: 7, everyone: false });
    expect(at('@jean.luc-p!')).toEqual({ name: 'jean.luc-p', end: 11, everyone: false });
  });

  it('knows the words that mention everyone', () => {
    for (const word of ['channel', 'here', 'EVERYONE']) expect(at(`@${word}`)?.everyone).toBe(true);
  });

  it('is no mention inside a word, an e-mail address or after another @, nor outside the username lengths', () => {
    expect(at('bob@example.com')).toBeNull();
    expect(at('x.@bob')).toBeNull();
    expect(at('@a')).toBeNull();
    expect(at(`@${'x'.repeat(33)}`)).toBeNull();
    expect(at('@ bob')).toBeNull();
    expect(mentionAt('@@bob', 1, '@')).toBeNull();
  });
});
