import { z } from 'zod';

/**
 * The closed set of error codes, each with its HTTP status. WebSocket error frames use the
 * same codes. Adding a code here is the only way to add one.
 */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unknown_frame: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  channel_name_taken: 409,
  payload_too_large: 413,
  quota_exceeded: 413,
  unsupported_media_type: 415,
  unprocessable_media: 422,
  rate_limited: 429,
  internal: 500,
  upstream_failed: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/** What each code means, for API documentation and SDK messages. */
export const errorDescriptions: Record<ErrorCode, string> = {
  bad_request: 'The request cannot be processed as sent.',
  validation_failed: 'A field is missing, of the wrong type or out of range; see details.',
  invalid_json: 'The body is not valid JSON.',
  unknown_frame: 'The WebSocket frame type is not one the server accepts.',
  unauthorized: 'No valid session: log in again.',
  invalid_credentials: 'Unknown username or wrong password.',
  forbidden: 'The session may not do this.',
  origin_not_allowed: 'The WebSocket upgrade came from an origin that is not allowed.',
  csrf_failed: 'A write authenticated by the session cookie came without the matching X-Parley-CSRF header.',
  not_found: 'No such resource, or it is not visible to this session.',
  conflict: 'The request conflicts with the current state.',
  username_taken: 'That username is already registered.',
  channel_name_taken: 'A channel with that name already exists.',
  payload_too_large: 'The body or frame is larger than the server accepts.',
  quota_exceeded: 'The upload would take the user past their storage quota.',
  unsupported_media_type: 'The content is not of a type this request accepts (e.g. an avatar that is not an image).',
  unprocessable_media: 'The file claims a type it does not decode as, or exceeds a pixel or duration limit.',
  rate_limited: 'Too many requests; retry after the delay given.',
  internal: 'The server failed; retrying later may help.',
  upstream_failed: 'A service the server relies on (e.g. the GIF provider) failed or did not answer in time; retry later.',
  unavailable: 'The server is shutting down or not ready; retry shortly.',
};

export const ErrorCodeSchema = z.enum(errorCodes);

export const ErrorDetail = z.object({
  path: z.string(),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ErrorPayload = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.array(ErrorDetail).optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** Every non-2xx HTTP response body. */
export const ErrorBody = z.object({ error: ErrorPayload });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Errors a client may retry unchanged (after a delay). */
export function isRetryableCode(code: ErrorCode): boolean {
  return code === 'rate_limited' || code === 'internal' || code === 'upstream_failed' || code === 'unavailable';
}
