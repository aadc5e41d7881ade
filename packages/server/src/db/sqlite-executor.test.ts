import { describe, expect, it } from 'vitest';
import { statementCache } from './sqlite-executor.js';

describe('statementCache', () => {
  it('prepares each statement once and drops the least recently used past its size', () => {
    const prepared: string[] = [];
    const prepare = statementCache((sql: string) => {
      prepared.push(sql);
      return { sql };
    }, 2);

    const a = prepare('select a');
    prepare('select b');
    expect(prepare('select a')).toBe(a);
    // b was used least recently: it goes, a stays.
    prepare('select c');
    expect(prepare('select a')).toBe(a);
    prepare('select b');
    expect(prepared).toEqual(['select a', 'select b', 'select c', 'select b']);
  });
});
