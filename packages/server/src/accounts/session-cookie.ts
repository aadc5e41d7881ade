import { createHash, timingSafeEqual } from 'node:crypto';
import { CSRF_COOKIE, SESSION_COOKIE } from '@parley/protocol';

// Browser sessions: the token travels in an HttpOnly cookie that page scripts cannot read. Writes
// authenticated by it must echo a CSRF value (double submit): a readable cookie holding a digest
// of the token, which another site can neither read nor derive.

export function csrfFor(token: string): string {
  return createHash('sha256').update('parley-csrf\0').update(token).digest('base64url');
}

export function csrfMatches(token: string, sent: string | string[] | undefined): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(csrfFor(token));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface CookieOptions {
  /** Sent over HTTPS only (the public URL is https). */
  secure: boolean;
  maxAgeSeconds: number;
}

/** Set-Cookie values that open a browser session. */
export function sessionCookies(token: string, options: CookieOptions): string[] {
  const attrs = `Path=/; Max-Age=${options.maxAgeSeconds}; SameSite=Lax${options.secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=${token}; ${attrs}; HttpOnly`, `${CSRF_COOKIE}=${csrfFor(token)}; ${attrs}`];
}

/** Set-Cookie values that end it in the browser. */
export function clearedCookies(secure: boolean): string[] {
  const attrs = `Path=/; Max-Age=0; SameSite=Lax${secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=; ${attrs}; HttpOnly`, `${CSRF_COOKIE}=; ${attrs}`];
}
