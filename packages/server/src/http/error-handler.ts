import type { ErrorBody } from '@parley/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.js';

/** Maps a thrown error to the one JSON error shape; the only place that knows Fastify's codes. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Partial<FastifyError> & { type?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'Request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_json', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('bad_request', 'Send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('bad_request', 'Content-Length does not match the body');
    default:
      break;
  }
  if (err instanceof SyntaxError || e.statusCode === 400) return new ApiError('invalid_json', 'Request body is not valid JSON');
  if (e.statusCode === 413) return new ApiError('payload_too_large', 'Request body is larger than the server accepts');
  return new ApiError('internal', 'Internal server error');
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: err.toPayload() };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    if (apiError.code === 'internal') request.log.error({ err }, 'request failed');
    if (apiError.retryAfterMs !== undefined) reply.header('retry-after', Math.max(1, Math.ceil(apiError.retryAfterMs / 1000)));
    void reply.code(apiError.status).send(errorBody(apiError));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(new ApiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)));
  });
}
