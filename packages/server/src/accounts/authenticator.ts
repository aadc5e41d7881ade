import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ApiError } from '../lib/errors.js';
import { CSRF_HEADER, SESSION_COOKIE, needsCsrf, readCookie } from '@parley/protocol';
import { csrfMatches } from './session-cookie.js';
import { consumeWsTicket, findSessionByTokenHash, touchSession } from './sessions.repository.js';
import { hashToken } from './tokens.js';

export interface AuthContext {
  userId: string;
  sessionId: string;
}

interface HeaderSource {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

const TOUCH_INTERVAL_MS = 60_000;

/** Resolves bearer tokens, session cookies and WebSocket tickets to sessions. */
export class Authenticator {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
  ) {}

  async fromRequest(request: HeaderSource): Promise<AuthContext> {
    const auth = await this.tryFromRequest(request);
    if (!auth) throw new ApiError('unauthorized', 'Log in: this request needs a valid session token');
    return auth;
  }

  async tryFromRequest(request: HeaderSource): Promise<AuthContext | null> {
    const bearer = request.headers.authorization;
    if (typeof bearer === 'string') {
      const match = /^Bearer\s+(\S+)$/i.exec(bearer);
      return match?.[1] ? this.fromToken(match[1]) : null;
    }
    const cookies = request.headers.cookie;
    const cookie = readCookie(typeof cookies === 'string' ? cookies : null, SESSION_COOKIE);
    if (!cookie) return null;
    // A browser sends the cookie with requests that other sites make it send: a write must also
    // carry the CSRF value, which only Parley's own pages can read.
    if (needsCsrf(request.method) && !csrfMatches(cookie, request.headers[CSRF_HEADER])) {
      throw new ApiError('csrf_failed', `Writes with the session cookie need the ${CSRF_HEADER} header (the parley_csrf cookie's value)`);
    }
    return this.fromToken(cookie);
  }

  async fromToken(token: string): Promise<AuthContext | null> {
    if (token.length > 200) return null;
    const now = Date.now();
    const session = await findSessionByTokenHash(this.reader, hashToken(token));
    if (!session || session.expires_at < now) return null;
    this.touch(session.id, now);
    return { userId: session.user_id, sessionId: session.id };
  }

  async fromTicket(ticket: string): Promise<AuthContext | null> {
    if (ticket.length > 200) return null;
    const now = Date.now();
    const sessionId = await consumeWsTicket(this.db, hashToken(ticket), now);
    if (!sessionId) return null;
    const session = await this.reader.selectFrom('sessions').select(['id', 'user_id', 'expires_at']).where('id', '=', sessionId).executeTakeFirst();
    if (!session || session.expires_at < now) return null;
    return { userId: session.user_id, sessionId: session.id };
  }

  /** Records use of a session at most once a minute, off the request path. */
  private touch(sessionId: string, now: number): void {
    if (now - (this.lastTouched.get(sessionId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(sessionId, now);
    if (this.lastTouched.size > 100_000) this.lastTouched.clear();
    touchSession(this.db, sessionId, now).catch(() => undefined);
  }
}
