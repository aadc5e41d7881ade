import { describe, expect, it } from 'vitest';
import { parseMentions } from './mentions.js';

describe('parseMentions', () => {
  it('finds usernames, lower-cased and distinct', () => {
    expect(parseMentions('hi @Bob and @alice, also @bob!')).toEqual({ usernames: ['bob', 'alice'], channel: false });
  });

  it('treats @channel, @here and @everyone as mentioning everyone', () => {
    expect(parseMentions('@channel deploy at 5').channel).toBe(true);
    expect(parseMentions('heads up @here').channel).toBe(true);
    expect(parseMentions('@everyone').usernames).toEqual([]);
  });

  it('ignores code spans, fenced blocks and e-mail addresses', () => {
    const text = 'use `@bob` or\n```\n@carol\n```\nmail dave@example.com, ping @erin';
    expect(parseMentions(text)).toEqual({ usernames: ['erin'], channel: false });
  });

  it('ignores code spans of any backtick count and ~~~ fences, but not text after a fence closes', () => {
    expect(parseMentions('see ``@bob`` and ```@carol``` ok').usernames).toEqual([]);
    expect(parseMentions('~~~\n@dave\n~~~\nthen @erin').usernames).toEqual(['erin']);
    expect(parseMentions('````\n```\n@frank\n````\n@gina').usernames).toEqual(['gina']);
    expect(parseMentions('unclosed ``` fence @hank').usernames).toEqual(['hank']);
  });

  it('stops at trailing punctuation and keeps inner dots and dashes', () => {
    expect(parseMentions('thanks @jean.luc-p. see you').usernames).toEqual(['jean.luc-p']);
  });

  it('ignores names too short or too long to be usernames', () => {
    expect(parseMentions('@ab @' + 'x'.repeat(40)).usernames).toEqual([]);
  });
});
