import { ApiError } from '../lib/errors.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets by key (user id, IP): `ratePerSecond` refill up to `burst`. In memory, per node;
 * buckets that have refilled are swept so memory follows active keys only.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens, or reports how long until they would be there. */
  take(key: string, cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / this.ratePerSecond) * 1000) };
  }

  /** Throws a 429 `rate_limited` ApiError when over the limit. */
  enforce(key: string, what: string, cost = 1): void {
    const result = this.take(key, cost);
    if (!result.ok) throw new ApiError('rate_limited', `Too many ${what}; retry in ${Math.ceil(result.retryAfterMs / 1000)} s`, undefined, result.retryAfterMs);
  }

  /** Drops buckets that are full again (they hold no information). */
  sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.updatedAt) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

export interface RateLimits {
  /** Login and register attempts per IP. */
  auth: RateLimiter;
  /** Message sends per user. */
  sendUser: RateLimiter;
  /** Message sends per IP. */
  sendIp: RateLimiter;
  /** All API requests per IP. */
  requests: RateLimiter;
}

export function createRateLimits(rate: {
  authPerMinute: number;
  sendPerSecond: number;
  sendBurst: number;
  sendIpPerSecond: number;
  requestsPerSecond: number;
}): RateLimits {
  return {
    auth: new RateLimiter(rate.authPerMinute / 60, rate.authPerMinute),
    sendUser: new RateLimiter(rate.sendPerSecond, rate.sendBurst),
    sendIp: new RateLimiter(rate.sendIpPerSecond, rate.sendIpPerSecond * 2),
    requests: new RateLimiter(rate.requestsPerSecond, rate.requestsPerSecond * 2),
  };
}
