import { describe, expect, it } from 'vitest';
import { replaceShortcodes, tokenizeShortcodes, type CustomEmoji } from './index.js';

const parley: CustomEmoji = { name: 'parley', url: '/emoji/parley.png' };
const custom = new Map([['parley', parley]]);

describe('tokenizeShortcodes', () => {
  it('resolves unicode and custom shortcodes and keeps the text around them', () => {
    expect(tokenizeShortcodes('ship it :tada: :parley:!', custom)).toEqual([
      { kind: 'text', text: 'ship it ' },
      { kind: 'unicode', text: ':tada:', emoji: '🎉' },
      { kind: 'text', text: ' ' },
      { kind: 'custom', text: ':parley:', emoji: parley },
      { kind: 'text', text: '!' },
    ]);
  });

  it('returns no tokens for empty text and one text token for plain text', () => {
    expect(tokenizeShortcodes('')).toEqual([]);
    expect(tokenizeShortcodes('hello')).toEqual([{ kind: 'text', text: 'hello' }]);
  });

  it('handles adjacent shortcodes, any case, and skin-tone shortcodes', () => {
    expect(tokenizeShortcodes(':+1::TADA::thumbsup_tone5:')).toEqual([
      { kind: 'unicode', text: ':+1:', emoji: '👍' },
      { kind: 'unicode', text: ':TADA:', emoji: '🎉' },
      { kind: 'unicode', text: ':thumbsup_tone5:', emoji: '👍🏿' },
    ]);
  });

  it('keeps unknown shortcodes, and custom ones without a map, as text', () => {
    expect(tokenizeShortcodes('a :nope: b :parley:')).toEqual([{ kind: 'text', text: 'a :nope: b :parley:' }]);
  });

  it('recovers after an unknown shortcode that shares a colon', () => {
    expect(tokenizeShortcodes(':-:tada:')).toEqual([
      { kind: 'text', text: ':-' },
      { kind: 'unicode', text: ':tada:', emoji: '🎉' },
    ]);
    expect(tokenizeShortcodes('::tada:')).toEqual([
      { kind: 'text', text: ':' },
      { kind: 'unicode', text: ':tada:', emoji: '🎉' },
    ]);
  });

  it('leaves shortcodes that touch a letter or digit, such as times', () => {
    expect(tokenizeShortcodes('at 10:100:30 or a:tada:b')).toEqual([{ kind: 'text', text: 'at 10:100:30 or a:tada:b' }]);
    expect(tokenizeShortcodes('(:tada:)').map((t) => t.kind)).toEqual(['text', 'unicode', 'text']);
  });

  it('prefers the unicode emoji when a custom one has the same name', () => {
    const shadow = new Map([['tada', { name: 'tada', url: '/emoji/tada.png' }]]);
    expect(tokenizeShortcodes(':tada:', shadow)).toEqual([{ kind: 'unicode', text: ':tada:', emoji: '🎉' }]);
  });

  it('skips inline code spans', () => {
    expect(tokenizeShortcodes('`:tada:` :tada: ``a ` :tada:`` x')).toEqual([
      { kind: 'text', text: '`:tada:` ' },
      { kind: 'unicode', text: ':tada:', emoji: '🎉' },
      { kind: 'text', text: ' ``a ` :tada:`` x' },
    ]);
  });

  it('treats an unclosed backtick as text', () => {
    expect(tokenizeShortcodes('it`s :tada:').map((t) => t.kind)).toEqual(['text', 'unicode']);
  });

  it('skips fenced code blocks, closed or not', () => {
    const text = '```js\nconst a = ":tada:";\n```\n:tada:\n~~~\n:parley:\n~~~\n  ```\n:tada:';
    expect(tokenizeShortcodes(text, custom)).toEqual([
      { kind: 'text', text: '```js\nconst a = ":tada:";\n```\n' },
      { kind: 'unicode', text: ':tada:', emoji: '🎉' },
      { kind: 'text', text: '\n~~~\n:parley:\n~~~\n  ```\n:tada:' },
    ]);
  });

  it('needs a closing fence at least as long as the opening one', () => {
    const text = '````\n```\n:tada:\n````\n:tada:';
    expect(tokenizeShortcodes(text).filter((t) => t.kind === 'unicode')).toHaveLength(1);
  });

  it('joins back into the original text', () => {
    const text = 'a :tada: `:+1:` :parley: :nope:\n```\n:x:\n```';
    expect(tokenizeShortcodes(text, custom).map((t) => t.text).join('')).toBe(text);
  });
});

describe('replaceShortcodes', () => {
  it('replaces unicode shortcodes and leaves custom ones, unknown ones and code', () => {
    expect(replaceShortcodes('nice :+1: :parley: :nope: `:tada:`')).toBe('nice 👍 :parley: :nope: `:tada:`');
    expect(replaceShortcodes(':heart: :flag_fr: :one:')).toBe('❤️ 🇫🇷 1️⃣');
  });
});
