import type { Kysely, Migration } from 'kysely';

/**
 * Messages whose author removed their link previews: the preview pipeline never adds them back,
 * even when a fetch that started before the removal finishes after it, or the text is edited.
 */
export const linkPreviews: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('preview_removals')
      .addColumn('message_id', 'text', (c) => c.primaryKey())
      .addColumn('removed_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('preview_removals').ifExists().execute();
  },
};
