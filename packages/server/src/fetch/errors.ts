/** Why a guarded fetch did not produce a response. */
export type FetchRefusedReason =
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'address'
  | 'dns'
  | 'redirects'
  | 'timeout'
  | 'too_large'
  | 'status'
  | 'network'
  | 'aborted';

/**
 * The one error of the guarded fetcher. Messages name at most the URL's host: never a resolved
 * address or a socket error, which would tell a user about the server's network.
 */
export class FetchRefusedError extends Error {
  constructor(
    readonly reason: FetchRefusedReason,
    message: string,
    /** The HTTP status, for reason 'status'. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchRefusedError';
  }
}

export const isFetchRefused = (error: unknown, reason?: FetchRefusedReason): error is FetchRefusedError =>
  error instanceof FetchRefusedError && (reason === undefined || error.reason === reason);
