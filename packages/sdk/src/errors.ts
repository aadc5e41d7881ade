import { errorStatus, isRetryableCode, type ErrorCode, type ErrorDetail, type ErrorPayload } from '@parley/protocol';

/** Failures that happen on the client side, before or instead of a server answer. */
export type ClientErrorCode = 'network_error' | 'timeout' | 'disconnected';

/**
 * Every SDK failure. `code` is one of the protocol's error codes, or a client-side one; the
 * helpers say whether and when to retry.
 *
 * @example
 * try { await client.sendMessage(id, 'hi') } catch (e) {
 *   if (e instanceof ParleyError && e.isRateLimited()) await sleep(e.retryAfterMs() ?? 1000);
 * }
 */
export class ParleyError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  /** HTTP status, or null for socket and client-side errors. */
  readonly status: number | null;
  readonly details: readonly ErrorDetail[];
  private readonly retryAfter: number | null;

  constructor(payload: { code: ErrorCode | ClientErrorCode; message: string; details?: ErrorDetail[]; retryAfterMs?: number }, status: number | null = null) {
    super(payload.message);
    this.name = 'ParleyError';
    this.code = payload.code;
    this.status = status ?? (payload.code in errorStatus ? errorStatus[payload.code as ErrorCode] : null);
    this.details = payload.details ?? [];
    this.retryAfter = payload.retryAfterMs ?? null;
  }

  static fromPayload(payload: ErrorPayload, status: number | null = null, retryAfterHeader?: string | null): ParleyError {
    const fromHeader = retryAfterHeader ? parseRetryAfter(retryAfterHeader) : null;
    return new ParleyError({ ...payload, ...(payload.retryAfterMs === undefined && fromHeader !== null ? { retryAfterMs: fromHeader } : {}) }, status);
  }

  isRateLimited(): boolean {
    return this.code === 'rate_limited';
  }

  /** How long to wait before retrying, when the server said. */
  retryAfterMs(): number | null {
    return this.retryAfter;
  }

  /** True when the same request may succeed later unchanged (rate limits, outages, network). */
  isRetryable(): boolean {
    return this.code === 'network_error' || this.code === 'timeout' || this.code === 'disconnected' || isRetryableCode(this.code as ErrorCode);
  }

  isUnauthorized(): boolean {
    return this.code === 'unauthorized';
  }
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string): number | null {
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
