import { errorStatus, type ErrorCode, type ErrorDetail } from '@parley/protocol';

/** The one error class of the server; mapped to HTTP responses and WS error frames in one place. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = errorStatus[code];
  }

  toPayload() {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (why: string) => new ApiError('forbidden', why);
export const conflict = (why: string) => new ApiError('conflict', why);
export const badRequest = (why: string) => new ApiError('bad_request', why);

/** Turns zod issues into the error shape clients see. */
export function validationError(issues: { path: PropertyKey[]; message: string }[], where: string): ApiError {
  const details = issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = details[0];
  return new ApiError('validation_failed', first ? `${first.path}: ${first.message}` : 'invalid input', details);
}
