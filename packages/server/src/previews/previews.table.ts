import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

/** A message whose author removed its link previews (migration 20261202000000_link_previews). */
export interface PreviewRemovalsTable {
  message_id: string;
  removed_at: number;
}

/** The tables of this feature, added to the database's type where the feature queries them. */
export type PreviewTables = {
  preview_removals: PreviewRemovalsTable;
};

export const withPreviewTables = (db: Kysely<DB> | Transaction<DB>) => db.withTables<PreviewTables>();
