import type { Message } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { arrivalsAfter } from './arrivals.js';

const message = (seq: number, senderId: string) => ({ id: `m${seq}`, seq, senderId }) as Message;

describe('arrivalsAfter', () => {
  it('gives the messages of others newer than a seq, oldest first', () => {
    const list = [message(1, 'bob'), message(2, 'me'), message(3, 'bob'), message(4, 'me'), message(5, 'ann')];
    expect(arrivalsAfter(list, 2, 'me').map((m) => m.seq)).toEqual([3, 5]);
    expect(arrivalsAfter(list, 5, 'me')).toEqual([]);
    expect(arrivalsAfter([], 0, 'me')).toEqual([]);
  });

  it('looks only at the newest end of a long history', () => {
    const long = Array.from({ length: 20_000 }, (_, i) => message(i + 1, 'bob'));
    const seen: number[] = [];
    const watched = new Proxy(long, { get: (target, prop) => (typeof prop === 'string' && /^\d+$/.test(prop) && seen.push(Number(prop)), Reflect.get(target, prop)) });
    expect(arrivalsAfter(watched, 19_998, 'me').map((m) => m.seq)).toEqual([19_999, 20_000]);
    expect(Math.min(...seen)).toBeGreaterThan(19_990);
  });
});
