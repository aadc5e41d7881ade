import type { Kysely, Migration } from 'kysely';

/**
 * Per-member mute (`members.muted_until`, private to that member), and events addressed to one
 * user only (`events.recipient_id`): a member's devices hear of their own settings, nobody else
 * does, live or on replay.
 */
export const memberMute: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('members').addColumn('muted_until', 'bigint').execute();
    await db.schema.alterTable('events').addColumn('recipient_id', 'text').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('events').dropColumn('recipient_id').execute();
    await db.schema.alterTable('members').dropColumn('muted_until').execute();
  },
};
