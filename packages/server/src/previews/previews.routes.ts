import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { LinkPreviews } from './previews.service.js';

export function registerPreviewRoutes(api: Api, previews: LinkPreviews): void {
  api.handle(routes.removePreviews, async ({ auth, params }) => previews.remove(params.conversationId, params.messageId, auth.userId));
}
