import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, UsersTable } from '../db/schema.js';
import { escapeLike, searchable } from '../lib/text-search.js';
import { publicUserColumns, type PublicUserRow } from './user.presenter.js';

type Db = Kysely<DB>;

/** The first account of an installation is its admin. */
export async function insertUser(db: Db, user: Omit<UsersTable, 'is_admin'>): Promise<void> {
  await db
    .insertInto('users')
    .values({ ...user, is_admin: sql<number>`(case when exists (select 1 from users) then 0 else 1 end)` })
    .execute();
}

export function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<PublicUserRow | undefined> {
  return db.selectFrom('users').select(publicUserColumns).where('id', '=', id).executeTakeFirst();
}

export async function findUsersByIds(db: Db | Transaction<DB>, ids: readonly string[]): Promise<PublicUserRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').select(publicUserColumns).where('id', 'in', [...ids]).execute();
}

/** Username prefix or display-name substring; exact username first, then by username. */
export function searchUsers(db: Db, query: string, limit: number): Promise<PublicUserRow[]> {
  const q = searchable(query.replace(/^@/, ''));
  const prefix = escapeLike(q) + '%';
  const contains = '%' + escapeLike(q) + '%';
  return db
    .selectFrom('users')
    .select(publicUserColumns)
    .where((eb) =>
      eb.or([
        eb(sql`username`, 'like', sql`${prefix} escape '\\'`),
        eb(sql`search_name`, 'like', sql`${contains} escape '\\'`),
      ]),
    )
    .orderBy(sql`case when username = ${q} then 0 when username like ${prefix} escape '\\' then 1 else 2 end`)
    .orderBy('username')
    .limit(limit)
    .execute();
}

export async function updateUser(
  db: Db | Transaction<DB>,
  id: string,
  changes: Partial<Pick<UsersTable, 'display_name' | 'search_name' | 'status_text' | 'avatar_url' | 'last_seen_at'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function lastSeenOf(db: Db, ids: readonly string[]): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'last_seen_at']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.last_seen_at]));
}
