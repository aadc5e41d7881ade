import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/errors.js';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows the burst, then refuses with the time until a token is back', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('k').ok)).toEqual([true, true, true]);
    const refused = limiter.take('k');
    expect(refused).toEqual({ ok: false, retryAfterMs: 500 });
    now = 500;
    expect(limiter.take('k').ok).toBe(true);
  });

  it('keeps keys apart and forgets buckets that have refilled', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1, () => now);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.size).toBe(2);
    now = 5_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });

  it('enforce throws a 429 rate_limited error carrying the delay', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    limiter.enforce('k', 'things');
    try {
      limiter.enforce('k', 'things');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(429);
      expect((err as ApiError).retryAfterMs).toBe(1000);
    }
  });
});
