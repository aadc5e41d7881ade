import { routes, type AuthResult, type SessionDelivery } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { AccountsService } from './accounts.service.js';
import { clearedCookies, sessionCookies, type CookieOptions } from './session-cookie.js';

export function registerAccountRoutes(api: Api, accounts: AccountsService, cookies: CookieOptions): void {
  /** A browser's session goes into cookies, and its token never reaches page scripts. */
  const deliver = (result: AuthResult, delivery: SessionDelivery, setHeader: (name: string, value: string[]) => void): AuthResult => {
    if (delivery === 'token' || !result.token) return result;
    setHeader('set-cookie', sessionCookies(result.token, cookies));
    return { user: result.user, sessionId: result.sessionId };
  };
  api.handle(routes.register, async ({ body, userAgent, setHeader }) => deliver(await accounts.register(body, userAgent), body.session, setHeader));
  api.handle(routes.login, async ({ body, userAgent, setHeader }) =>
    deliver(await accounts.login(body.username, body.password, userAgent), body.session, setHeader),
  );
  api.handle(routes.logout, async ({ body, auth, setHeader }) => {
    const revokedSessions = await accounts.logout(auth.userId, auth.sessionId, body?.all ?? false);
    setHeader('set-cookie', clearedCookies(cookies.secure));
    return { revokedSessions };
  });
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
