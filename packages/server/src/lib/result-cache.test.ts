import { describe, expect, it } from 'vitest';
import { ResultCache } from './result-cache.js';

function cacheAt(options: { maxEntries?: number; maxBytes?: number } = {}) {
  let now = 0;
  const cache = new ResultCache<string | null>({
    ttlMs: (v) => (v === null ? 10 : 100),
    maxEntries: options.maxEntries ?? 10,
    maxBytes: options.maxBytes ?? 1_000,
    sizeOf: (v) => v?.length ?? 0,
    now: () => now,
  });
  const loads: string[] = [];
  const get = (key: string, value: string | null = key) =>
    cache.get(key, async () => {
      loads.push(key);
      return value;
    });
  return { cache, loads, get, advance: (ms: number) => (now += ms) };
}

describe('ResultCache', () => {
  it('shares a running load and reuses its result until it expires', async () => {
    const { loads, get, advance } = cacheAt();
    const [a, b] = await Promise.all([get('x'), get('x')]);
    expect([a, b]).toEqual(['x', 'x']);
    advance(99);
    await get('x');
    expect(loads).toEqual(['x']);
    advance(1);
    await get('x');
    expect(loads).toEqual(['x', 'x']);
  });

  it('keeps misses for their own, shorter time', async () => {
    const { loads, get, advance } = cacheAt();
    await get('gone', null);
    advance(9);
    await get('gone', null);
    advance(1);
    await get('gone', null);
    expect(loads).toEqual(['gone', 'gone']);
  });

  it('is bounded by count and by bytes, the least recently used going first', async () => {
    const { cache, loads, get } = cacheAt({ maxEntries: 2, maxBytes: 10 });
    await get('a');
    await get('b');
    await get('a');
    await get('c');
    expect(cache.size).toBe(2);
    await get('a');
    await get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);

    const big = cacheAt({ maxBytes: 10 });
    await big.get('12345678');
    await big.get('abcd');
    expect(big.cache.size).toBe(1);
    await big.get('far too large to keep');
    await big.get('far too large to keep');
    expect(big.loads.filter((k) => k.startsWith('far'))).toHaveLength(2);
  });

  it('does not keep a load that failed', async () => {
    const { cache } = cacheAt();
    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(cache.get('x', async () => 'ok')).resolves.toBe('ok');
  });
});
