import type { AuthResult, RegisterBody, Session, UpdateProfileBody, User, WsTicket } from '@parley/protocol';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { DB } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { ApiError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { searchable } from '../lib/text-search.js';
import { iso } from '../lib/time.js';
import type { PasswordHasher } from './passwords.js';
import { deleteSessions, insertSession, insertWsTicket, listSessions } from './sessions.repository.js';
import { hashToken, newToken } from './tokens.js';
import { presentUser } from './user.presenter.js';
import { findUserById, findUserByUsername, insertUser, searchUsers, updateUser } from './users.repository.js';

const WS_TICKET_TTL_MS = 30_000;

export class AccountsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly hasher: PasswordHasher,
    private readonly bus: EventBus,
    private readonly sessionTtlMs: number,
  ) {}

  async register(input: RegisterBody & { password: string }, userAgent: string | null): Promise<AuthResult> {
    const now = Date.now();
    const displayName = input.displayName ?? input.username;
    const row = {
      id: newId(now),
      username: input.username,
      display_name: displayName,
      search_name: searchable(displayName),
      status_text: '',
      avatar_url: null,
      password_hash: await this.hasher.hash(input.password),
      created_at: now,
      last_seen_at: null,
    };
    try {
      await insertUser(this.db, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('username_taken', `The username "${input.username}" is taken`);
      throw err;
    }
    return { user: presentUser(row), ...(await this.openSession(row.id, userAgent, now)) };
  }

  /** Same answer, after the same work, for an unknown user and a wrong password. */
  async login(username: string, password: string, userAgent: string | null): Promise<AuthResult> {
    const user = await findUserByUsername(this.reader, username);
    const ok = await this.hasher.verify(user?.password_hash ?? null, password);
    if (!user || !ok) throw new ApiError('invalid_credentials', 'Unknown username or wrong password');
    return { user: presentUser(user), ...(await this.openSession(user.id, userAgent, Date.now())) };
  }

  async logout(userId: string, sessionId: string, all: boolean): Promise<number> {
    const ended = await deleteSessions(this.db, userId, all ? undefined : sessionId);
    if (ended.length > 0) this.bus.publishEphemeral({ kind: 'sessions.revoked', userId, sessionIds: ended });
    return ended.length;
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    if ((await this.logout(userId, sessionId, false)) === 0) throw notFound('Session');
  }

  async sessions(userId: string, currentSessionId: string): Promise<Session[]> {
    const rows = await listSessions(this.reader, userId);
    return rows.map((s) => ({
      id: s.id,
      createdAt: iso(s.created_at),
      lastUsedAt: iso(s.last_used_at),
      userAgent: s.user_agent,
      current: s.id === currentSessionId,
    }));
  }

  async createWsTicket(sessionId: string): Promise<WsTicket> {
    const ticket = newToken('pwt_');
    const expiresAt = Date.now() + WS_TICKET_TTL_MS;
    await insertWsTicket(this.db, hashToken(ticket), sessionId, expiresAt);
    return { ticket, expiresAt: iso(expiresAt) };
  }

  async getUser(id: string): Promise<User> {
    const row = await findUserById(this.reader, id);
    if (!row) throw notFound('User');
    return presentUser(row);
  }

  async updateProfile(id: string, changes: UpdateProfileBody): Promise<User> {
    await updateUser(this.db, id, {
      ...(changes.displayName !== undefined ? { display_name: changes.displayName, search_name: searchable(changes.displayName) } : {}),
      ...(changes.statusText !== undefined ? { status_text: changes.statusText } : {}),
      ...(changes.avatarUrl !== undefined ? { avatar_url: changes.avatarUrl } : {}),
    });
    return this.getUser(id);
  }

  async search(query: string, limit: number): Promise<User[]> {
    return (await searchUsers(this.reader, query, limit)).map(presentUser);
  }

  private async openSession(userId: string, userAgent: string | null, now: number) {
    const token = newToken('prl_');
    const sessionId = newId(now);
    await insertSession(this.db, {
      id: sessionId,
      user_id: userId,
      token_hash: hashToken(token),
      created_at: now,
      last_used_at: now,
      expires_at: now + this.sessionTtlMs,
      user_agent: userAgent,
    });
    return { token, sessionId };
  }
}
