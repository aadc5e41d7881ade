import type { User } from '@parley/protocol';
import type { UserRow } from '../db/schema.js';
import { iso } from '../lib/time.js';

export type PublicUserRow = Pick<UserRow, 'id' | 'username' | 'display_name' | 'status_text' | 'avatar_url' | 'created_at'>;

export const publicUserColumns = ['id', 'username', 'display_name', 'status_text', 'avatar_url', 'created_at'] as const;

export function presentUser(row: PublicUserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    statusText: row.status_text,
    avatarUrl: row.avatar_url,
    createdAt: iso(row.created_at),
  };
}
