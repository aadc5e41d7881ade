import { CSRF_COOKIE, SESSION_COOKIE, type AuthResult, type User } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, uniqueName } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { api, expectError, RawSocket, refusedUpgrade, type RawResponse } from '../testing/raw.js';
import { csrfFor, csrfMatches } from './session-cookie.js';

/** The cookies a response sets, by name, with their attributes as written. */
function setCookies(res: RawResponse): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) cookies.set(line.slice(0, line.indexOf('=')), line);
  return cookies;
}

const valueOf = (line: string | undefined) => line?.slice(line.indexOf('=') + 1).split(';')[0] ?? '';

describeEachDialect('browser sessions (cookie)', (dialect) => {
  const suite = useTestServer(dialect);

  /** Registers through the API as a browser page does, and returns what the browser would keep. */
  async function browserUser() {
    const username = uniqueName('web');
    const res = await api<AuthResult>(suite.t, 'POST', '/auth/register', { body: { username, password: TEST_PASSWORD, session: 'cookie' } });
    expect(res.status).toBe(201);
    const cookies = setCookies(res);
    const session = valueOf(cookies.get(SESSION_COOKIE));
    const csrf = valueOf(cookies.get(CSRF_COOKIE));
    return { username, res, cookies, session, csrf, cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf}` };
  }

  it('register with session: cookie gives an HttpOnly session cookie and no token to page scripts', async () => {
    const { res, cookies, session, csrf } = await browserUser();
    expect(res.json.token).toBeUndefined();
    expect(res.text).not.toContain(session);
    expect(res.json.user.username).toMatch(/^web/);
    expect(cookies.get(SESSION_COOKIE)).toMatch(/; HttpOnly/);
    expect(cookies.get(SESSION_COOKIE)).toMatch(/SameSite=Lax/);
    expect(cookies.get(SESSION_COOKIE)).toMatch(/Path=\//);
    expect(cookies.get(SESSION_COOKIE)).not.toMatch(/Secure/); // http://localhost: no public https URL
    // The CSRF cookie is for the page to read and echo; it is not the token.
    expect(cookies.get(CSRF_COOKIE)).not.toMatch(/HttpOnly/);
    expect(csrf).not.toBe(session);
    expect(session.length).toBeGreaterThanOrEqual(22);
  });

  it('the cookie authenticates reads; writes need the CSRF header, and without it change nothing', async () => {
    const { cookie, csrf, username } = await browserUser();
    const me = await api<User>(suite.t, 'GET', '/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe(username);

    const forged = await api(suite.t, 'PATCH', '/me', { headers: { cookie }, body: { displayName: 'Forged' } });
    expectError(forged, 403, 'csrf_failed');
    const wrong = await api(suite.t, 'PATCH', '/me', { headers: { cookie, 'x-parley-csrf': csrf.slice(1) + 'A' }, body: { displayName: 'Forged' } });
    expectError(wrong, 403, 'csrf_failed');
    expect((await api<User>(suite.t, 'GET', '/me', { headers: { cookie } })).json.displayName).toBe(username);

    const real = await api<User>(suite.t, 'PATCH', '/me', { headers: { cookie, 'x-parley-csrf': csrf }, body: { displayName: 'Real Name' } });
    expect(real.status).toBe(200);
    expect(real.json.displayName).toBe('Real Name');
  });

  it('login with session: cookie opens another cookie session; a bearer token is still accepted', async () => {
    const { username } = await browserUser();
    const login = await api<AuthResult>(suite.t, 'POST', '/auth/login', { body: { username, password: TEST_PASSWORD, session: 'cookie' } });
    expect(login.status).toBe(200);
    expect(login.json.token).toBeUndefined();
    const session = valueOf(setCookies(login).get(SESSION_COOKIE));
    expect((await api(suite.t, 'GET', '/me', { headers: { cookie: `${SESSION_COOKIE}=${session}` } })).status).toBe(200);
    const app = await api<AuthResult>(suite.t, 'POST', '/auth/login', { body: { username, password: TEST_PASSWORD } });
    expect(app.json.token).toBeTruthy();
    expect(setCookies(app).size).toBe(0);
    expect((await api(suite.t, 'GET', '/me', { token: app.json.token })).status).toBe(200);
  });

  it('the WebSocket opens with the cookie from the same origin, and is refused from another', async () => {
    const { cookie } = await browserUser();
    const host = new URL(suite.t.url).host;
    const socket = await RawSocket.open(suite.t, { headers: { cookie }, origin: `http://${host}` });
    expect(socket.hello.type).toBe('hello');
    socket.ws.close();
    const refused = await refusedUpgrade(suite.t, { headers: { cookie }, origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
  });

  it('logout clears the cookies and ends the session; the old cookie no longer works', async () => {
    const { cookie, csrf } = await browserUser();
    const out = await api(suite.t, 'POST', '/auth/logout', { headers: { cookie, 'x-parley-csrf': csrf }, body: {} });
    expect(out.status).toBe(200);
    const cleared = setCookies(out);
    expect(cleared.get(SESSION_COOKIE)).toMatch(/Max-Age=0/);
    expect(cleared.get(CSRF_COOKIE)).toMatch(/Max-Age=0/);
    expectError(await api(suite.t, 'GET', '/me', { headers: { cookie } }), 401, 'unauthorized');
  });

  it('a garbage or unknown session cookie is 401 on reads, csrf_failed or 401 on writes, never a crash', async () => {
    expectError(await api(suite.t, 'GET', '/me', { headers: { cookie: `${SESSION_COOKIE}=nope` } }), 401, 'unauthorized');
    expectError(await api(suite.t, 'GET', '/me', { headers: { cookie: `${SESSION_COOKIE}=%E0%A4%A` } }), 401, 'unauthorized');
    const bogus = 'x'.repeat(43);
    expectError(await api(suite.t, 'PATCH', '/me', { headers: { cookie: `${SESSION_COOKIE}=${bogus}`, 'x-parley-csrf': csrfFor(bogus) }, body: {} }), 401, 'unauthorized');
  });
});

describe('CSRF values', () => {
  it('are bound to the token and compared whole', () => {
    expect(csrfMatches('token-a', csrfFor('token-a'))).toBe(true);
    expect(csrfMatches('token-b', csrfFor('token-a'))).toBe(false);
    expect(csrfMatches('token-a', undefined)).toBe(false);
    expect(csrfMatches('token-a', [csrfFor('token-a')])).toBe(false);
    expect(csrfMatches('token-a', csrfFor('token-a').slice(0, 10))).toBe(false);
  });
});
