import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Files: uploads attached to messages, avatars, custom emoji, the GIF library and link-preview
 * images. Bytes live in the blob store under server-generated keys; rows say who may read them.
 */
export const files: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      // attachment | avatar | emoji | gif | preview
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('duration_ms', 'bigint')
      .addColumn('waveform', 'text')
      .addColumn('blurhash', 'text')
      // JSON map of derived blobs: {"thumb": key} or {"64": key, "192": key, "512": key}.
      .addColumn('variants', 'text', (c) => c.notNull().defaultTo('{}'))
      // Set when a message carries the file (or a preview shows it): readers are that conversation's members.
      .addColumn('conversation_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('files_owner').on('files').columns(['owner_id', 'purpose']).execute();
    await db.schema.createIndex('files_message').on('files').column('message_id').where(sql.ref('message_id'), 'is not', null).execute();
    // Uploads never attached are swept after a while.
    await db.schema.createIndex('files_unattached').on('files').columns(['purpose', 'created_at']).where(sql.ref('message_id'), 'is', null).execute();

    await db.schema.alterTable('messages').addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('messages').addColumn('previews', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('conversations').addColumn('avatar_url', 'text').execute();
    await db.schema.alterTable('users').addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute();

    await db.schema
      .createTable('custom_emoji')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('file_id', 'text', (c) => c.notNull().references('files.id'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('gifs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('file_id', 'text', (c) => c.notNull().references('files.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      // Lower-cased words of the title and tags, space-separated, for search.
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('gifs').ifExists().execute();
    await db.schema.dropTable('custom_emoji').ifExists().execute();
    await db.schema.alterTable('users').dropColumn('is_admin').execute();
    await db.schema.alterTable('conversations').dropColumn('avatar_url').execute();
    await db.schema.alterTable('messages').dropColumn('previews').execute();
    await db.schema.alterTable('messages').dropColumn('attachments').execute();
    await db.schema.dropTable('files').ifExists().execute();
  },
};
