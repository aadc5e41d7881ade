import type { Kysely } from 'kysely';
import type { DB, SessionsTable } from '../db/schema.js';
import { Statement } from '../db/statement.js';

type Db = Kysely<DB>;

export async function insertSession(db: Db, session: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

// Every authenticated request looks its session up: compiled once.
const sessionByTokenHash = new Statement((db, p: { tokenHash: string }) => db.selectFrom('sessions').selectAll().where('token_hash', '=', p.tokenHash));

export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<SessionsTable | undefined> {
  return (await sessionByTokenHash.run(db, { tokenHash }))[0];
}

export function listSessions(db: Db, userId: string) {
  return db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('last_used_at', 'desc').execute();
}

/** Deletes sessions (one, or all of the user) and returns the ids that ended. */
export async function deleteSessions(db: Db, userId: string, sessionId?: string): Promise<string[]> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (sessionId) query = query.where('id', '=', sessionId);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

export async function touchSession(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  await db.deleteFrom('ws_tickets').where('expires_at', '<', now).execute();
}

export async function insertWsTicket(db: Db, ticketHash: string, sessionId: string, expiresAt: number): Promise<void> {
  await db.insertInto('ws_tickets').values({ ticket_hash: ticketHash, session_id: sessionId, expires_at: expiresAt }).execute();
}

/** Single use: the ticket row is deleted as it is read. */
export async function consumeWsTicket(db: Db, ticketHash: string, now: number): Promise<string | null> {
  const row = await db.deleteFrom('ws_tickets').where('ticket_hash', '=', ticketHash).returning(['session_id', 'expires_at']).executeTakeFirst();
  return row && row.expires_at >= now ? row.session_id : null;
}
