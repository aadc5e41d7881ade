import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { forbidden } from '../lib/errors.js';

/**
 * Installation admins (who manage custom emoji and the GIF library): the first account registered
 * (`users.is_admin`) and the usernames of `PARLEY_ADMINS`. The list is read on every check, not
 * copied into the table, so a name taken off it stops being an admin at the next start, and a
 * name on it is an admin as soon as it registers.
 */
export class Admins {
  private readonly usernames: ReadonlySet<string>;

  constructor(
    private readonly reader: Kysely<DB>,
    usernames: readonly string[],
  ) {
    this.usernames = new Set(usernames.map((u) => u.trim().toLowerCase()));
  }

  async isAdmin(userId: string): Promise<boolean> {
    const user = await this.reader.selectFrom('users').select(['username', 'is_admin']).where('id', '=', userId).executeTakeFirst();
    return !!user && (user.is_admin === 1 || this.usernames.has(user.username));
  }

  /** Throws 403 unless the user is an admin; `what` completes "Only installation admins can …". */
  async require(userId: string, what: string): Promise<void> {
    if (!(await this.isAdmin(userId))) throw forbidden(`Only installation admins can ${what}`);
  }
}
