import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { AccountsService } from './accounts.service.js';

export function registerAccountRoutes(api: Api, accounts: AccountsService): void {
  api.handle(routes.register, async ({ body, userAgent }) => accounts.register(body, userAgent));
  api.handle(routes.login, async ({ body, userAgent }) => accounts.login(body.username, body.password, userAgent));
  api.handle(routes.logout, async ({ body, auth }) => ({
    revokedSessions: await accounts.logout(auth.userId, auth.sessionId, body?.all ?? false),
  }));
  api.handle(routes.createWsTicket, async ({ auth }) => accounts.createWsTicket(auth.sessionId));
  api.handle(routes.me, async ({ auth }) => accounts.getUser(auth.userId));
  api.handle(routes.updateMe, async ({ auth, body }) => accounts.updateProfile(auth.userId, body));
  api.handle(routes.listSessions, async ({ auth }) => ({ sessions: await accounts.sessions(auth.userId, auth.sessionId) }));
  api.handle(routes.revokeSession, async ({ auth, params }) => {
    await accounts.revokeSession(auth.userId, params.sessionId);
    return { ok: true as const };
  });
  api.handle(routes.searchUsers, async ({ query }) => ({ users: await accounts.search(query.q, query.limit) }));
  api.handle(routes.getUser, async ({ params }) => accounts.getUser(params.userId));
}
