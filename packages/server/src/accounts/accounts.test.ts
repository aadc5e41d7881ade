import type { AuthResult, ParleyClient, User } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { eventually, failure, record, sleep, TEST_PASSWORD, uniqueName, uniqueTag, UNKNOWN_ID } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { api } from '../testing/raw.js';

it('hashes passwords with argon2id at the OWASP parameters unless configured otherwise', () => {
  const config = loadConfig({});
  expect(config.argon2).toEqual({ memoryKib: 19456, iterations: 2 });
});

describeEachDialect('accounts', (dialect) => {
  // Default argon2 settings (empty values are ignored, so the built-in defaults apply).
  const suite = useTestServer(dialect, { PARLEY_ARGON2_MEMORY_KIB: '', PARLEY_ARGON2_ITERATIONS: '' });

  async function register(prefix = 'user', displayName?: string): Promise<{ client: ParleyClient; auth: AuthResult }> {
    const client = suite.client();
    const auth = await client.register({ username: uniqueName(prefix), password: TEST_PASSWORD, ...(displayName ? { displayName } : {}) });
    return { client, auth };
  }

  /** Another device of the same person: a new client that logs in. */
  async function device(username: string): Promise<{ client: ParleyClient; auth: AuthResult }> {
    const client = suite.client();
    const auth = await client.login(username, TEST_PASSWORD);
    return { client, auth };
  }

  describe('register and login', () => {
    it('registers with 201, returns the user and a session, and defaults the display name to the username', async () => {
      const username = uniqueName('Reg').toUpperCase();
      const res = await api<{ user: User; token: string; sessionId: string }>(suite.t, 'POST', '/auth/register', {
        body: { username, password: TEST_PASSWORD },
      });
      expect(res.status).toBe(201);
      const { user, token, sessionId } = res.json;
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        username: username.toLowerCase(),
        displayName: username.toLowerCase(),
        statusText: '',
        avatarUrl: null,
        createdAt: expect.any(String),
      });
      expect(Math.abs(Date.parse(user.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(token).toEqual(expect.any(String));
      expect(sessionId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      const me = await api<User>(suite.t, 'GET', '/me', { token });
      expect(me.status).toBe(200);
      expect(me.json).toEqual(user);
    });

    it('keeps a given display name', async () => {
      const { auth } = await register('named', 'Ada Lovelace');
      expect(auth.user.displayName).toBe('Ada Lovelace');
    });

    it('refuses a taken username (in any case) with 409 username_taken', async () => {
      const { auth } = await register('taken');
      const err = await failure(suite.client().register({ username: auth.user.username.toUpperCase(), password: TEST_PASSWORD }));
      expect(err.status).toBe(409);
      expect(err.code).toBe('username_taken');
    });

    it('rejects invalid usernames and short passwords with 400 validation_failed', async () => {
      for (const body of [
        { username: 'ab', password: TEST_PASSWORD },
        { username: 'has space', password: TEST_PASSWORD },
        { username: uniqueName('ok'), password: 'short' },
      ]) {
        const res = await api<{ error: { code: string } }>(suite.t, 'POST', '/auth/register', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.error.code).toBe('validation_failed');
      }
    });

    it('answers a wrong password and an unknown user alike: 401 invalid_credentials', async () => {
      const { auth } = await register('login');
      const wrong = await failure(suite.client().login(auth.user.username, 'not the password'));
      const unknown = await failure(suite.client().login(uniqueName('nobody'), TEST_PASSWORD));
      for (const err of [wrong, unknown]) {
        expect(err.status).toBe(401);
        expect(err.code).toBe('invalid_credentials');
      }
      const ok = await device(auth.user.username.toUpperCase());
      expect(ok.auth.user.id).toBe(auth.user.id);
    });

    async function storedHash(userId: string): Promise<string> {
      const row = await suite.t.server.database.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
      return row.password_hash;
    }

    it('stores the password as an argon2id hash with m=19456 KiB, t=2, p=1 by default', async () => {
      const { auth } = await register('hash');
      const hash = await storedHash(auth.user.id);
      expect(hash).not.toContain(TEST_PASSWORD);
      const [, algorithm, version, params] = hash.split('$');
      expect(algorithm).toBe('argon2id');
      expect(version).toBe('v=19');
      expect(Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
    });

    it('stores the hash in the canonical PHC form $argon2id$v=19$m=19456,t=2,p=1$', async () => {
      const { auth } = await register('phc');
      expect(await storedHash(auth.user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    it('never stores the session token in clear', async () => {
      const { auth } = await register('token');
      const session = await suite.t.server.database.db.selectFrom('sessions').selectAll().where('id', '=', auth.sessionId).executeTakeFirstOrThrow();
      expect(session.token_hash).not.toBe(auth.token);
      expect(session.token_hash).not.toContain(auth.token);
      expect(JSON.stringify(session)).not.toContain(auth.token);
    });
  });

  describe('sessions on several devices', () => {
    it('each login is a distinct session; sessions() lists them all and flags the current one', async () => {
      const { auth: first } = await register('multi');
      const [phone, laptop] = await Promise.all([device(first.user.username), device(first.user.username)]);
      const ids = [first.sessionId, phone.auth.sessionId, laptop.auth.sessionId];
      expect(new Set(ids).size).toBe(3);
      expect(new Set([first.token, phone.auth.token, laptop.auth.token]).size).toBe(3);

      const seenFromPhone = await phone.client.sessions();
      expect(seenFromPhone.map((s) => s.id).sort()).toEqual([...ids].sort());
      expect(seenFromPhone.filter((s) => s.current).map((s) => s.id)).toEqual([phone.auth.sessionId]);
      const seenFromLaptop = await laptop.client.sessions();
      expect(seenFromLaptop.filter((s) => s.current).map((s) => s.id)).toEqual([laptop.auth.sessionId]);
    });

    it('logging out one device leaves the others working, connected and listed', async () => {
      const a = await register('lo1');
      const b = await device(a.auth.user.username);
      await b.client.connect();
      const ended = record(b.client, 'sessionEnded');
      const oldToken = a.client.token;

      expect(await a.client.logout()).toBe(1);
      expect(a.client.token).toBeNull();
      expect((await api(suite.t, 'GET', '/me', { token: oldToken })).status).toBe(401);

      expect((await b.client.me()).id).toBe(a.auth.user.id);
      const sessions = await b.client.sessions();
      expect(sessions.map((s) => s.id)).toEqual([b.auth.sessionId]);
      await sleep(150);
      expect(ended).toHaveLength(0);
      expect(b.client.connectionState).toBe('connected');
    });

    it('logout({all: true}) ends every session: later calls get 401 and the other sockets are closed', async () => {
      const a = await register('loall');
      const b = await device(a.auth.user.username);
      const c = await device(a.auth.user.username);
      await Promise.all([b.client.connect(), c.client.connect()]);
      const endedB = record(b.client, 'sessionEnded');
      const endedC = record(c.client, 'sessionEnded');

      expect(await a.client.logout({ all: true })).toBe(3);
      await eventually(() => endedB.length > 0 && endedC.length > 0, 3000, 'sockets of the other devices closed');
      expect(b.client.connectionState).toBe('closed');
      expect(c.client.connectionState).toBe('closed');

      for (const other of [b, c]) {
        const err = await failure(other.client.me());
        expect(err.status).toBe(401);
        expect(err.code).toBe('unauthorized');
      }

      // Logging in again works.
      const again = await device(a.auth.user.username);
      expect((await again.client.sessions()).map((s) => s.id)).toEqual([again.auth.sessionId]);
    });

    it('revokeSession ends another device (socket closed, 401), not the caller', async () => {
      const a = await register('revoke');
      const b = await device(a.auth.user.username);
      await b.client.connect();
      const ended = record(b.client, 'sessionEnded');

      await a.client.revokeSession(b.auth.sessionId);
      await eventually(() => ended.length > 0, 3000, 'revoked device socket closed');
      expect((await failure(b.client.me())).status).toBe(401);
      expect((await a.client.me()).id).toBe(a.auth.user.id);
      expect((await a.client.sessions()).map((s) => s.id)).toEqual([a.auth.sessionId]);

      // Revoking it again, or revoking somebody else's session, is "not found".
      expect((await failure(a.client.revokeSession(b.auth.sessionId))).status).toBe(404);
      const stranger = await register('stranger');
      expect((await failure(a.client.revokeSession(stranger.auth.sessionId))).status).toBe(404);
      expect((await stranger.client.me()).id).toBe(stranger.auth.user.id);
    });

    it('answers 401 without a token or with a made-up one', async () => {
      expect((await api(suite.t, 'GET', '/me')).status).toBe(401);
      const res = await api<{ error: { code: string } }>(suite.t, 'GET', '/me', { token: 'prl_madeup' });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
    });
  });

  describe('profile', () => {
    it('updates display name, status text and avatar URL, and others see the change', async () => {
      const { client } = await register('prof');
      const { client: other } = await register('viewer');
      const updated = await client.updateProfile({ displayName: '  Alice Liddell ', statusText: 'In a meeting', avatarUrl: 'https://example.com/a.png' });
      expect(updated).toMatchObject({ displayName: 'Alice Liddell', statusText: 'In a meeting', avatarUrl: 'https://example.com/a.png' });
      expect(await client.me()).toEqual(updated);
      expect(await other.getUser(updated.id)).toEqual(updated);

      const plainHttp = await client.updateProfile({ avatarUrl: 'http://example.com/b.png' });
      expect(plainHttp.avatarUrl).toBe('http://example.com/b.png');
      const cleared = await client.updateProfile({ avatarUrl: null, statusText: '' });
      expect(cleared).toMatchObject({ displayName: 'Alice Liddell', statusText: '', avatarUrl: null });
    });

    it('rejects bad values with 400 and changes nothing', async () => {
      const { client } = await register('badprof');
      const before = await client.updateProfile({ displayName: 'Stable Name', statusText: 'stable', avatarUrl: 'https://example.com/ok.png' });
      const bad: Record<string, unknown>[] = [
        { avatarUrl: 'javascript:alert(1)' },
        { avatarUrl: 'ftp://example.com/a.png' },
        { avatarUrl: 'data:image/png;base64,AAAA' },
        { avatarUrl: 'not a url' },
        { avatarUrl: 'https://example.com/' + 'a'.repeat(2048) },
        { displayName: '' },
        { displayName: '   ' },
        { displayName: 'x'.repeat(65) },
        { displayName: 'line\nbreak' },
        { statusText: 's'.repeat(141) },
        { displayName: 'Fine', avatarUrl: 'javascript:alert(1)' },
        {},
      ];
      for (const body of bad) {
        const res = await api<{ error: { code: string } }>(suite.t, 'PATCH', '/me', { token: client.token, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.error.code).toBe('validation_failed');
      }
      expect(await client.me()).toEqual(before);
    });

    it('getUser answers 404 for an unknown id and 400 for a malformed one', async () => {
      const { client } = await register('getu');
      const err = await failure(client.getUser(UNKNOWN_ID));
      expect(err.status).toBe(404);
      expect(err.code).toBe('not_found');
      expect((await failure(client.getUser('not-an-id'))).status).toBe(400);
    });
  });

  describe('searching people', () => {
    it('finds by username prefix, the exact username first', async () => {
      const k = uniqueTag();
      const named = async (username: string) => {
        const client = suite.client();
        return { client, auth: await client.register({ username, password: TEST_PASSWORD, displayName: 'Someone' }) };
      };
      const longer = await named(`${k}_longer`);
      const exact = await named(k);
      const other = await named(`${k}b`);
      const found = await exact.client.searchUsers(k);
      expect(found[0]?.id).toBe(exact.auth.user.id);
      expect(found.map((u) => u.id).sort()).toEqual([exact.auth.user.id, longer.auth.user.id, other.auth.user.id].sort());
      expect((await exact.client.searchUsers(`${k}_lo`)).map((u) => u.id)).toEqual([longer.auth.user.id]);
      expect((await exact.client.searchUsers(k.toUpperCase())).map((u) => u.id).sort()).toEqual(found.map((u) => u.id).sort());
    });

    it('finds by display-name substring, ignoring case and accents ("zoe" finds "Zoë")', async () => {
      const k = uniqueTag();
      const { client, auth } = await register('zoe', `Dr. Zoë Ångström ${k}`);
      for (const q of [`zoe angstrom ${k}`, `ZOË ÅNGSTRÖM ${k.toUpperCase()}`, `ngstrom ${k}`, `Zoe\u0308 A\u030angstro\u0308m ${k}`]) {
        const found = await client.searchUsers(q);
        expect(found.map((u) => u.id), q).toEqual([auth.user.id]);
      }
      // The display name in results keeps its accents.
      expect((await client.searchUsers(`zoe angstrom ${k}`))[0]?.displayName).toBe(`Dr. Zoë Ångström ${k}`);
    });

    it('finds a renamed user by the new display name only', async () => {
      const k = uniqueTag();
      const { client, auth } = await register('ren', `Old ${k}`);
      await client.updateProfile({ displayName: `Renée ${k}` });
      expect((await client.searchUsers(`renee ${k}`)).map((u) => u.id)).toEqual([auth.user.id]);
      expect(await client.searchUsers(`old ${k}`)).toEqual([]);
    });

    it('accepts "@name"', async () => {
      const { client, auth } = await register('at');
      const found = await client.searchUsers(`@${auth.user.username}`);
      expect(found[0]?.id).toBe(auth.user.id);
    });

    it('respects the limit (and refuses one above the maximum)', async () => {
      const k = uniqueTag();
      for (let i = 0; i < 3; i++) await register(`${k}${i}`);
      const { client } = await register('lim');
      expect(await client.searchUsers(k)).toHaveLength(3);
      expect(await client.searchUsers(k, 2)).toHaveLength(2);
      expect((await failure(client.searchUsers(k, 51))).status).toBe(400);
    });

    it('treats LIKE wildcards literally', async () => {
      const { client } = await register('wild');
      expect(await client.searchUsers('%')).toEqual([]);
      expect(await client.searchUsers(`${uniqueTag()}%`)).toEqual([]);
    });
  });
});
