import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerReceiptRoutes(api: Api, receipts: ReceiptsService): void {
  api.handle(routes.markRead, async ({ auth, params, body }) => receipts.markRead(params.conversationId, auth.userId, body.seq));
  api.handle(routes.markDelivered, async ({ auth, params, body }) => {
    await receipts.markDelivered(params.conversationId, auth.userId, body.seq);
    return { ok: true as const };
  });
  api.handle(routes.listReceipts, async ({ auth, params }) => receipts.receipts(params.conversationId, auth.userId));
}
