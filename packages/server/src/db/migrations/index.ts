import type { Migration } from 'kysely';
import { core } from './20261125000000_core.js';
import { files } from './20261126000000_files.js';
import { messageJson } from './20261201000000_message_json.js';
import { linkPreviews } from './20261202000000_link_previews.js';
import { memberMute } from './20261203000000_member_mute.js';
import { messagesInArrivalOrder } from './20261204000000_messages_in_arrival_order.js';
import { clientKeyFirst } from './20261205000000_client_key_first.js';

/** Every migration, by timestamped name; applied in name order on start. */
export const migrations: Record<string, Migration> = {
  '20261125000000_core': core,
  '20261126000000_files': files,
  '20261201000000_message_json': messageJson,
  '20261202000000_link_previews': linkPreviews,
  '20261203000000_member_mute': memberMute,
  '20261204000000_messages_in_arrival_order': messagesInArrivalOrder,
  '20261205000000_client_key_first': clientKeyFirst,
};
