import { Id } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { idTime, newId } from './ids.js';

describe('newId', () => {
  it('makes valid, time-ordered ids that encode their creation time', () => {
    const t = Date.UTC(2026, 10, 25, 12, 0, 0);
    const a = newId(t);
    const b = newId(t + 1);
    expect(Id.safeParse(a).success).toBe(true);
    expect(a < b).toBe(true);
    expect(idTime(a)).toBe(t);
  });

  it('stays strictly increasing within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newId(Date.now()));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
