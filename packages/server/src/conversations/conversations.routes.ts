import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { ConversationsService } from './conversations.service.js';

export function registerConversationRoutes(api: Api, conversations: ConversationsService): void {
  api.handle(routes.createConversation, async ({ auth, body, useAlternateStatus }) => {
    const { detail, created } = await conversations.create(auth.userId, body);
    if (!created) useAlternateStatus();
    return detail;
  });
  api.handle(routes.listConversations, async ({ auth }) => ({ conversations: await conversations.list(auth.userId) }));
  api.handle(routes.getConversation, async ({ auth, params }) => conversations.view(params.conversationId, auth.userId));
  api.handle(routes.updateConversation, async ({ auth, params, body }) => conversations.update(params.conversationId, auth.userId, body));
  api.handle(routes.listChannels, async ({ auth, query }) => conversations.browseChannels(auth.userId, query.q, query.limit));
  api.handle(routes.joinChannel, async ({ auth, params }) => conversations.join(params.conversationId, auth.userId));
  api.handle(routes.leaveConversation, async ({ auth, params }) => {
    await conversations.leave(params.conversationId, auth.userId);
    return { ok: true as const };
  });
  api.handle(routes.listMembers, async ({ auth, params }) => ({ members: await conversations.members(params.conversationId, auth.userId) }));
  api.handle(routes.addMembers, async ({ auth, params, body }) => ({
    members: await conversations.addMembers(params.conversationId, auth.userId, body.userIds),
  }));
  api.handle(routes.updateMember, async ({ auth, params, body }) =>
    conversations.updateRole(params.conversationId, auth.userId, params.userId, body.role),
  );
  api.handle(routes.muteConversation, async ({ auth, params, body }) => conversations.setMute(params.conversationId, auth.userId, body));
  api.handle(routes.unmuteConversation, async ({ auth, params }) => conversations.setMute(params.conversationId, auth.userId, null));
  api.handle(routes.removeMember, async ({ auth, params }) => {
    await conversations.removeMember(params.conversationId, auth.userId, params.userId);
    return { ok: true as const };
  });
}
