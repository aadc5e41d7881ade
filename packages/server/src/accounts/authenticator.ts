import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ApiError } from '../lib/errors.js';
import { consumeWsTicket, findSessionByTokenHash, touchSession } from './sessions.repository.js';
import { hashToken } from './tokens.js';

export interface AuthContext {
  userId: string;
  sessionId: string;
}

interface HeaderSource {
  headers: Record<string, string | string[] | undefined>;
}

const TOUCH_INTERVAL_MS = 60_000;

/** Resolves bearer tokens and WebSocket tickets to sessions. */
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
    const header = request.headers.authorization;
    if (typeof header !== 'string') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ? this.fromToken(match[1]) : null;
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
