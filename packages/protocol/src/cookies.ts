/**
 * Browser sessions (`session: 'cookie'` at register/login): the token in an HttpOnly cookie, and a
 * readable CSRF cookie whose value every cookie-authenticated write echoes in a header.
 */
export const SESSION_COOKIE = 'parley_session';
export const CSRF_COOKIE = 'parley_csrf';
export const CSRF_HEADER = 'x-parley-csrf';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a cookie-authenticated request with this method must carry the CSRF header (writes do). */
export function needsCsrf(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

/** The value of one cookie in a `Cookie` header (or `document.cookie`), or null. */
export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
