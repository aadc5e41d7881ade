import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { PresenceTracker } from './presence.js';

export function registerPresenceRoutes(api: Api, presence: PresenceTracker): void {
  api.handle(routes.getPresence, async ({ query }) => ({ presence: await presence.get(query.userIds) }));
}
