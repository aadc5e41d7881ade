import { routes, type Message, type MessagePage } from '@parley/protocol';
import { JsonText, type Api } from '../http/api.js';
import type { RateLimits } from '../http/rate-limit.js';
import type { MessagesService } from './messages.service.js';

export function registerMessageRoutes(api: Api, messages: MessagesService, limits: RateLimits): void {
  api.handle(routes.listMessages, async ({ auth, params, query }) => {
    const { json, hasMore } = await messages.history(params.conversationId, auth.userId, query);
    return new JsonText<MessagePage>(`{"messages":[${json.join(',')}],"hasMore":${hasMore}}`);
  });
  api.handle(routes.sendMessage, async ({ auth, params, body, ip, useAlternateStatus }) => {
    limits.sendUser.enforce(auth.userId, 'messages');
    limits.sendIp.enforce(ip, 'messages');
    const { json, created } = await messages.send({ senderId: auth.userId, conversationId: params.conversationId, ...body });
    if (!created) useAlternateStatus();
    return new JsonText<Message>(json);
  });
  api.handle(routes.getMessage, async ({ auth, params }) => messages.get(params.conversationId, params.messageId, auth.userId));
  api.handle(routes.editMessage, async ({ auth, params, body }) => messages.edit(params.conversationId, params.messageId, auth.userId, body.text));
  api.handle(routes.deleteMessage, async ({ auth, params }) => messages.delete(params.conversationId, params.messageId, auth.userId));
  api.handle(routes.toggleReaction, async ({ auth, params, body }) =>
    messages.toggleReaction(params.conversationId, params.messageId, auth.userId, body.emoji),
  );
}
