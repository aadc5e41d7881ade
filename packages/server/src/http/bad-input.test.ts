import type { ErrorCode } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient, TEST_PASSWORD, uniqueName, uniqueTag } from '../testing/clients.js';
import { describeEachDialect, startTestServer, type TestServer } from '../testing/harness.js';
import { api, expectError, RawSocket, type RawRequest } from '../testing/raw.js';

/** "Bad input gets a clear error and changes nothing", over HTTP. */

const KIB = 1024;

interface Case {
  name: string;
  method: string;
  /** Path under /api/v1; `:dm` and `:msg` are replaced by the test conversation and one of its messages. */
  path: string;
  req: RawRequest;
  status: number;
  code: ErrorCode;
  /** Detail paths the error must name. */
  details?: string[];
}

const send = (body: unknown): Pick<Case, 'method' | 'path' | 'req'> => ({ method: 'POST', path: '/conversations/:dm/messages', req: { body } });
const sendRaw = (rawBody: string, contentType?: string): Pick<Case, 'method' | 'path' | 'req'> => ({
  method: 'POST',
  path: '/conversations/:dm/messages',
  req: { rawBody, ...(contentType ? { contentType } : {}) },
});
const history = (query: Record<string, string>): Pick<Case, 'method' | 'path' | 'req'> => ({ method: 'GET', path: '/conversations/:dm/messages', req: { query } });
const ok = { clientId: 'never-stored', text: 'never stored' };

const cases: Case[] = [
  // Bodies that are not (the right) JSON.
  { name: 'malformed JSON', ...sendRaw('{"clientId": "a", "text": '), status: 400, code: 'invalid_json' },
  { name: 'empty JSON body', ...sendRaw(''), status: 400, code: 'invalid_json' },
  { name: 'a __proto__ key', ...sendRaw('{"clientId":"p1","text":"hi","__proto__":{"admin":true}}'), status: 400, code: 'invalid_json' },
  { name: 'JSON null', ...sendRaw('null'), status: 400, code: 'validation_failed' },
  { name: 'a JSON array', ...sendRaw('[]'), status: 400, code: 'validation_failed' },
  { name: 'a JSON string', ...sendRaw('"hello"'), status: 400, code: 'validation_failed' },
  { name: 'deeply nested JSON', ...sendRaw(`{"clientId":"n1","text":${'['.repeat(25_000)}${']'.repeat(25_000)}}`), status: 400, code: 'validation_failed' },
  { name: 'a form body', ...sendRaw('clientId=f1&text=hi', 'application/x-www-form-urlencoded'), status: 400, code: 'bad_request' },
  { name: 'a multipart body', ...sendRaw('--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--x--\r\n', 'multipart/form-data; boundary=x'), status: 400, code: 'bad_request' },
  { name: 'JSON without a content type', method: 'POST', path: '/conversations/:dm/messages', req: { rawBody: JSON.stringify(ok), headers: { 'content-type': '' } }, status: 400, code: 'bad_request' },
  { name: 'a body over the size limit', ...send({ clientId: 'big', text: 'a'.repeat(70 * KIB) }), status: 413, code: 'payload_too_large' },
  {
    name: 'a body over the size limit before logging in',
    method: 'POST',
    path: '/auth/register',
    req: { body: { username: 'bigbody', password: 'p'.repeat(70 * KIB) } },
    status: 413,
    code: 'payload_too_large',
  },
  // Fields.
  { name: 'wrong types', ...send({ clientId: 42, text: true }), status: 400, code: 'validation_failed', details: ['body.clientId', 'body.text'] },
  { name: 'missing fields', ...send({}), status: 400, code: 'validation_failed', details: ['body.clientId'] },
  { name: 'missing text', ...send({ clientId: 'only-id' }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'text over 16 KiB', ...send({ clientId: 'long', text: 'a'.repeat(16 * KIB + 1) }), status: 400, code: 'validation_failed', details: ['body.text'] },
  // 6,000 characters but 18,000 bytes of UTF-8.
  { name: 'text over 16 KiB of UTF-8 in fewer characters', ...send({ clientId: 'euro', text: '€'.repeat(6_000) }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'empty text', ...send({ clientId: 'empty', text: '' }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'whitespace-only text', ...send({ clientId: 'blank', text: ' \n\t \u00a0 ' }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'a control character', ...send({ clientId: 'bell', text: 'ding\u0007dong' }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'a NUL character', ...send({ clientId: 'nul', text: 'a\u0000b' }), status: 400, code: 'validation_failed', details: ['body.text'] },
  { name: 'an invalid clientId', ...send({ clientId: 'has spaces!', text: 'hi' }), status: 400, code: 'validation_failed', details: ['body.clientId'] },
  { name: 'a clientId too long', ...send({ clientId: 'c'.repeat(65), text: 'hi' }), status: 400, code: 'validation_failed', details: ['body.clientId'] },
  { name: 'replyTo that is not an id', ...send({ clientId: 'r1', text: 'hi', replyTo: 'nope' }), status: 400, code: 'validation_failed', details: ['body.replyTo'] },
  { name: 'replyTo an unknown message', ...send({ clientId: 'r2', text: 'hi', replyTo: '01JZ0000000000000000000000' }), status: 404, code: 'not_found' },
  { name: 'an unknown conversation kind', method: 'POST', path: '/conversations', req: { body: { kind: 'broadcast', title: 'x' } }, status: 400, code: 'validation_failed' },
  { name: 'a group without a title', method: 'POST', path: '/conversations', req: { body: { kind: 'group', memberIds: [] } }, status: 400, code: 'validation_failed' },
  { name: 'a DM with an invalid user id', method: 'POST', path: '/conversations', req: { body: { kind: 'dm', userId: 'bob' } }, status: 400, code: 'validation_failed' },
  { name: 'a DM with an unknown user', method: 'POST', path: '/conversations', req: { body: { kind: 'dm', userId: '01JZ0000000000000000000000' } }, status: 400, code: 'validation_failed' },
  { name: 'a channel name with spaces', method: 'POST', path: '/conversations', req: { body: { kind: 'channel', name: 'not a slug' } }, status: 400, code: 'validation_failed' },
  { name: 'a reaction that is not an emoji', method: 'POST', path: '/conversations/:dm/messages/:msg/reactions', req: { body: { emoji: 'thumbsup' } }, status: 400, code: 'validation_failed' },
  { name: 'a reaction of two emoji', method: 'POST', path: '/conversations/:dm/messages/:msg/reactions', req: { body: { emoji: '👍👍' } }, status: 400, code: 'validation_failed' },
  { name: 'an empty edit', method: 'PATCH', path: '/conversations/:dm/messages/:msg', req: { body: { text: '   ' } }, status: 400, code: 'validation_failed' },
  { name: 'a negative read position', method: 'POST', path: '/conversations/:dm/read', req: { body: { seq: -1 } }, status: 400, code: 'validation_failed' },
  { name: 'a fractional read position', method: 'POST', path: '/conversations/:dm/read', req: { body: { seq: 1.5 } }, status: 400, code: 'validation_failed' },
  { name: 'a read position as a string', method: 'POST', path: '/conversations/:dm/read', req: { body: { seq: '1' } }, status: 400, code: 'validation_failed' },
  { name: 'a profile change with nothing in it', method: 'PATCH', path: '/me', req: { body: {} }, status: 400, code: 'validation_failed' },
  { name: 'an avatar URL that is not http(s)', method: 'PATCH', path: '/me', req: { body: { avatarUrl: 'javascript:alert(1)' } }, status: 400, code: 'validation_failed' },
  // Paths.
  { name: 'an invalid conversation id', method: 'GET', path: '/conversations/not-an-id/messages', req: {}, status: 400, code: 'validation_failed', details: ['params.conversationId'] },
  { name: 'a lower-case conversation id', method: 'GET', path: '/conversations/:dm-lower/messages', req: {}, status: 400, code: 'validation_failed' },
  { name: 'a path traversal as id', method: 'GET', path: '/conversations/..%2F..%2Fme/messages', req: {}, status: 400, code: 'validation_failed' },
  { name: 'an invalid message id', method: 'GET', path: '/conversations/:dm/messages/%00', req: {}, status: 400, code: 'validation_failed', details: ['params.messageId'] },
  { name: 'an unknown conversation', method: 'GET', path: '/conversations/01JZ0000000000000000000000/messages', req: {}, status: 404, code: 'not_found' },
  { name: 'an unknown message', method: 'GET', path: '/conversations/:dm/messages/01JZ0000000000000000000000', req: {}, status: 404, code: 'not_found' },
  { name: 'an unknown route', method: 'GET', path: '/nothing-here', req: {}, status: 404, code: 'not_found' },
  { name: 'an unsupported method', method: 'PUT', path: '/conversations', req: { body: {} }, status: 404, code: 'not_found' },
  // Queries.
  { name: 'a negative limit', ...history({ limit: '-1' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'a fractional limit', ...history({ limit: '1.5' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'a zero limit', ...history({ limit: '0' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'a limit over 100', ...history({ limit: '101' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'a limit that is not a number', ...history({ limit: 'ten' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'an infinite limit', ...history({ limit: '1e309' }), status: 400, code: 'validation_failed', details: ['query.limit'] },
  { name: 'before and after together', ...history({ before: '5', after: '1' }), status: 400, code: 'validation_failed' },
  { name: 'before zero', ...history({ before: '0' }), status: 400, code: 'validation_failed', details: ['query.before'] },
  { name: 'a negative after', ...history({ after: '-3' }), status: 400, code: 'validation_failed', details: ['query.after'] },
  { name: 'an invalid thread id', ...history({ thread: 'x' }), status: 400, code: 'validation_failed', details: ['query.thread'] },
  { name: 'user search without a query', method: 'GET', path: '/users', req: {}, status: 400, code: 'validation_failed' },
  { name: 'presence of too many users', method: 'GET', path: '/presence', req: { query: { userIds: Array.from({ length: 101 }, () => '01JZ0000000000000000000000').join(',') } }, status: 400, code: 'validation_failed' },
];

describeEachDialect('bad HTTP input gets a clear error and changes nothing', (dialect) => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let dm: string;
  let firstId: string;

  async function state() {
    return {
      history: (await alice.messages(dm, { limit: 100 })).messages,
      aliceList: (await alice.conversations()).map((c) => [c.conversation.id, c.conversation.lastSeq, c.conversation.title, c.membership.readSeq]),
      bobList: (await bob.conversations()).map((c) => [c.conversation.id, c.conversation.lastSeq, c.membership.readSeq]),
      channels: (await alice.channels()).channels.map((c) => c.conversation.id),
      me: await alice.me(),
    };
  }
  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    alice = await newClient(t, 'alice');
    bob = await newClient(t, 'bob');
    dm = (await alice.createDm(bob.user!.id)).conversation.id;
    firstId = (await alice.sendMessage(dm, 'the only message')).id;
    before = await state();
  });
  afterAll(async () => {
    await t?.close();
  });

  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      const path = c.path.replace(':dm-lower', dm.toLowerCase()).replace(':dm', dm).replace(':msg', firstId);
      const res = await api(t, c.method, path, { token: alice.token, ...c.req });
      const error = expectError(res, c.status, c.code);
      expect(error.message.length).toBeGreaterThan(0);
      for (const d of c.details ?? []) expect(error.details?.map((x) => x.path) ?? [], `details of ${res.text}`).toContain(d);
      // The server stays up and nothing was stored.
      expect((await api(t, 'GET', '/me', { token: alice.token })).status).toBe(200);
      expect(await state()).toEqual(before);
    });
  }

  // Regression: text/plain bodies were parsed as a JSON string and answered validation_failed.
  it('a JSON body sent as text/plain: 400 bad_request', async () => {
    const res = await api(t, 'POST', `/conversations/${dm}/messages`, { token: alice.token, rawBody: JSON.stringify(ok), contentType: 'text/plain' });
    expectError(res, 400, 'bad_request');
  });

  it('a JSON body sent as text/plain is at least refused and stores nothing', async () => {
    const res = await api(t, 'POST', `/conversations/${dm}/messages`, { token: alice.token, rawBody: JSON.stringify(ok), contentType: 'text/plain' });
    expect(res.status).toBe(400);
    expectError(res, 400);
    expect(await state()).toEqual(before);
  });

  it('text exactly at the limit, tabs and newlines are accepted', async () => {
    const scratch = (await alice.createGroup('scratch')).conversation.id;
    const texts = ['a'.repeat(16 * KIB), '€'.repeat(5_461) + 'a', 'line one\nline two\tand a tab', '👩🏽‍💻 ünïcödé'];
    for (const text of texts) {
      const res = await api(t, 'POST', `/conversations/${scratch}/messages`, { token: alice.token, body: { clientId: `ok-${uniqueTag()}`, text } });
      expect(res.status, res.text.slice(0, 200)).toBe(201);
    }
    expect((await alice.messages(scratch)).messages.map((m) => m.text)).toEqual(texts);
    before = await state();
  });

  describe('accounts', () => {
    const register = (username: unknown, password: unknown = TEST_PASSWORD, extra: Record<string, unknown> = {}) =>
      api(t, 'POST', '/auth/register', { body: { username, password, ...extra } });

    it('refuses bad usernames and passwords with validation_failed, creating no account', async () => {
      const bad: [unknown, unknown, Record<string, unknown>?][] = [
        ['ab', TEST_PASSWORD],
        ['a'.repeat(33), TEST_PASSWORD],
        ['bad name!', TEST_PASSWORD],
        ['-leading', TEST_PASSWORD],
        ['trailing.', TEST_PASSWORD],
        ['émile', TEST_PASSWORD],
        ['', TEST_PASSWORD],
        [42, TEST_PASSWORD],
        [`pw${uniqueTag()}`, 'short'],
        [`pw${uniqueTag()}`, 'x'.repeat(257)],
        [`pw${uniqueTag()}`, null],
        [`pw${uniqueTag()}`, 12345678],
        [`dn${uniqueTag()}`, TEST_PASSWORD, { displayName: 'bell\u0007' }],
        [`dn${uniqueTag()}`, TEST_PASSWORD, { displayName: 'd'.repeat(65) }],
      ];
      expectError(await api(t, 'POST', '/auth/register', { body: { username: uniqueName('nopw') } }), 400, 'validation_failed');
      for (const [username, password, extra] of bad) {
        const res = await register(username, password, extra ?? {});
        expectError(res, 400, 'validation_failed');
        if (typeof username === 'string' && username.length >= 1 && username.length <= 32) {
          // No account was created: logging in with it fails.
          const login = await api(t, 'POST', '/auth/login', { body: { username, password: TEST_PASSWORD } });
          expectError(login, 401, 'invalid_credentials');
        }
      }
    });

    it('a taken username is refused with 409 username_taken, whatever its case', async () => {
      const name = uniqueName('taken');
      expect((await register(name)).status).toBe(201);
      for (const variant of [name, name.toUpperCase(), ` ${name} `, name[0]!.toUpperCase() + name.slice(1)]) {
        expectError(await register(variant, 'another password 123'), 409, 'username_taken');
      }
      // The original account keeps its password.
      expect((await api(t, 'POST', '/auth/login', { body: { username: name, password: TEST_PASSWORD } })).status).toBe(200);
      expectError(await api(t, 'POST', '/auth/login', { body: { username: name, password: 'another password 123' } }), 401, 'invalid_credentials');
    });

    it('an unknown user and a wrong password get exactly the same answer', async () => {
      const unknown = await api(t, 'POST', '/auth/login', { body: { username: uniqueName('ghost'), password: TEST_PASSWORD } });
      const wrong = await api(t, 'POST', '/auth/login', { body: { username: alice.user!.username, password: 'not the password' } });
      expectError(unknown, 401, 'invalid_credentials');
      expect(wrong.status).toBe(unknown.status);
      expect(wrong.json).toEqual(unknown.json);
      expect(wrong.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
      // Login does not tell a username's case apart either.
      expect((await api(t, 'POST', '/auth/login', { body: { username: alice.user!.username.toUpperCase(), password: TEST_PASSWORD } })).status).toBe(200);
    });

    it('login with wrong types or missing fields: 400 validation_failed', async () => {
      for (const body of [{}, { username: 'alice' }, { username: 1, password: 2 }, { username: 'alice', password: '' }]) {
        expectError(await api(t, 'POST', '/auth/login', { body }), 400, 'validation_failed');
      }
    });
  });
});

describeEachDialect('rate limits', (dialect) => {
  describe('logins per IP', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(dialect, { PARLEY_RATE_AUTH_PER_MINUTE: '3' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('the 4th login in a minute answers 429 rate_limited with Retry-After', async () => {
      const attempt = () => api(t, 'POST', '/auth/login', { body: { username: 'someone', password: 'a wrong password' } });
      for (let i = 0; i < 3; i++) expectError(await attempt(), 401, 'invalid_credentials');
      const limited = await attempt();
      const error = expectError(limited, 429, 'rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers.get('retry-after')}`).toBe(true);
      expect(error.retryAfterMs).toBeGreaterThan(0);
      // Registering shares the budget; other routes do not.
      expectError(await api(t, 'POST', '/auth/register', { body: { username: uniqueName(), password: TEST_PASSWORD } }), 429, 'rate_limited');
      expectError(await api(t, 'GET', '/me'), 401, 'unauthorized');
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });
  });

  describe('sends per user', () => {
    let t: TestServer;
    let alice: ParleyClient;
    let dm: string;
    beforeAll(async () => {
      t = await startTestServer(dialect, { PARLEY_RATE_SEND_PER_SECOND: '2', PARLEY_RATE_SEND_BURST: '3' });
      alice = await newClient(t, 'alice');
      const bob = await newClient(t, 'bob');
      dm = (await alice.createDm(bob.user!.id)).conversation.id;
    });
    afterAll(async () => {
      await t?.close();
    });

    it('the 4th rapid send answers 429 with Retry-After and is not stored', async () => {
      const sendOne = (text: string) => api(t, 'POST', `/conversations/${dm}/messages`, { token: alice.token, body: { clientId: `c-${uniqueTag()}`, text } });
      const statuses = [];
      for (const text of ['one', 'two', 'three']) statuses.push((await sendOne(text)).status);
      expect(statuses).toEqual([201, 201, 201]);
      const limited = await sendOne('four, refused');
      const error = expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(error.retryAfterMs).toBeGreaterThan(0);
      // Over the socket, the same budget answers an error frame.
      const ws = await RawSocket.open(t, { token: alice.token });
      const answer = await ws.request({ type: 'message.send', conversationId: dm, clientId: `c-${uniqueTag()}`, text: 'five, refused' });
      ws.close();
      expect(answer).toMatchObject({ type: 'error', error: { code: 'rate_limited' } });
      expect((answer.error as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      expect((await alice.messages(dm)).messages.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    });
  });
});
