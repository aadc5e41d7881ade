import { describe, expect, it } from 'vitest';
import { complete, findTrigger, insertAt } from './autocomplete.js';

describe('composer autocomplete', () => {
  it('finds :shortcodes: and @mentions being typed at a word start', () => {
    expect(findTrigger('nice :tad', 9)).toEqual({ kind: 'emoji', query: 'tad', start: 5 });
    expect(findTrigger('hey @', 5)).toEqual({ kind: 'mention', query: '', start: 4 });
    expect(findTrigger('hey @bo and more', 7)).toEqual({ kind: 'mention', query: 'bo', start: 4 });
    expect(findTrigger('(@al', 4)).toEqual({ kind: 'mention', query: 'al', start: 1 });
  });

  it('leaves times, e-mail addresses and one-letter codes alone', () => {
    expect(findTrigger('at 10:30', 8)).toBeNull();
    expect(findTrigger('mail bob@example', 16)).toBeNull();
    expect(findTrigger('a :x', 4)).toBeNull();
    expect(findTrigger('done', 4)).toBeNull();
  });

  it('replaces what was typed and puts the caret after a space', () => {
    const trigger = findTrigger('hi @bo there', 6)!;
    expect(complete('hi @bo there', 6, trigger, '@bob')).toEqual({ text: 'hi @bob there', caret: 8 });
    const emoji = findTrigger('yay :tada', 9)!;
    expect(complete('yay :tada', 9, emoji, '🎉')).toEqual({ text: 'yay 🎉 ', caret: 7 });
    expect(insertAt('ab', 1, 1, '😀')).toEqual({ text: 'a😀b', caret: 3 });
  });
});
