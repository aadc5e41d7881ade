import { routes, type RouteDef, type RouteName } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient, uniqueTag } from '../testing/clients.js';
import { describeEachDialect, startTestServer, type TestServer } from '../testing/harness.js';
import { api, expectError, refusedUpgrade, RawSocket, type RawResponse } from '../testing/raw.js';

/**
 * "Nobody reads what is not theirs": every route that names a conversation or a message, and every
 * socket, checked against outsiders, removed members and revoked sessions.
 */

const routeEntries = Object.entries(routes) as [RouteName, RouteDef][];
/** Every route that reaches into a conversation (new ones are picked up automatically). */
const conversationRoutes = routeEntries.filter(([, def]) => /:conversationId|:messageId/.test(def.path));
const authRoutes = routeEntries.filter(([, def]) => def.auth);


interface Ids {
  conversationId: string;
  messageId: string;
  /** For `:userId`: whoever the caller targets (a member, or themselves). */
  userId: string;
  sessionId: string;
  /** For `:fileId`: a file the caller targets. */
  fileId: string;
  /** For `:emojiName`: a custom emoji's name. */
  emojiName: string;
  /** For `:gifId`: a GIF of a search (a library GIF's id is also a valid one). */
  gifId: string;
}

/**
 * A valid body and query for each route, so that a refusal is about who asks and never about the
 * input. A route added without an entry here fails the "has a valid sample" test below.
 */
const samples: Partial<Record<RouteName, (ids: Ids) => { body?: unknown; query?: Record<string, string> }>> = {
  register: () => ({ body: { username: `x${uniqueTag()}`, password: 'long enough password' } }),
  login: () => ({ body: { username: 'nobody', password: 'long enough password' } }),
  logout: () => ({ body: {} }),
  updateMe: () => ({ body: { statusText: 'hijacked' } }),
  searchUsers: () => ({ query: { q: 'a' } }),
  getPresence: (ids) => ({ query: { userIds: ids.userId } }),
  createConversation: (ids) => ({ body: { kind: 'dm', userId: ids.userId } }),
  updateConversation: () => ({ body: { topic: 'hijacked topic' } }),
  addMembers: (ids) => ({ body: { userIds: [ids.userId] } }),
  updateMember: () => ({ body: { role: 'admin' } }),
  muteConversation: () => ({ body: { for: '8h' } }),
  sendMessage: () => ({ body: { clientId: `intruder-${uniqueTag()}`, text: 'intruder message' } }),
  editMessage: () => ({ body: { text: 'intruder edit' } }),
  toggleReaction: () => ({ body: { emoji: '👍' } }),
  markRead: () => ({ body: { seq: 1 } }),
  markDelivered: () => ({ body: { seq: 1 } }),
  uploadFile: () => ({ query: { name: 'note.txt' } }),
  addCustomEmoji: () => ({ query: { name: 'intruder' } }),
  searchGifs: () => ({ query: { q: 'party' } }),
  addLibraryGif: () => ({ query: { title: 'Intruder', tags: 'party' } }),
};

function input(name: RouteName, ids: Ids): { body?: unknown; query?: Record<string, string> } {
  return samples[name]?.(ids) ?? {};
}

function fillPath(path: string, ids: Ids): string {
  return path.replace(/:(\w+)/g, (_, param: string) => {
    const value = (ids as unknown as Record<string, string | undefined>)[param];
    if (!value) throw new Error(`no test value for path parameter :${param} in ${path}; add one to Ids`);
    return value;
  });
}

function call(t: TestServer, name: RouteName, token: string | null, ids: Ids): Promise<RawResponse> {
  const def = routes[name];
  const { body, query } = input(name, ids);
  return api(t, def.method, fillPath(def.path, ids), { token, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}) });
}

describe('authorization test inputs', () => {
  it('every route has a sample input its schemas accept', () => {
    const ids: Ids = { conversationId: '01JZ0000000000000000000000', messageId: '01JZ0000000000000000000001', userId: '01JZ0000000000000000000002', sessionId: '01JZ0000000000000000000003', fileId: '01JZ0000000000000000000004', emojiName: 'parley', gifId: '01JZ0000000000000000000005' };
    const problems: string[] = [];
    for (const [name, def] of routeEntries) {
      const { body, query } = input(name, ids);
      if (def.body && !def.body.safeParse(body).success) problems.push(`${name}: add a valid body to \`samples\``);
      if (def.query && !def.query.safeParse(query ?? {}).success) problems.push(`${name}: add a valid query to \`samples\``);
      if (def.params) {
        try {
          fillPath(def.path, ids);
        } catch (err) {
          problems.push(`${name}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describeEachDialect('nobody reads what is not theirs', (dialect) => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let dave: ParleyClient;
  let erin: ParleyClient;
  let erinToken: string;
  let erinSessionId: string;
  let erinTicket: string;
  let dm: string;
  let group: string;
  let channel: string;
  let carolDm: string;
  let groupTitle: string;
  const firstMessage: Record<string, string> = {};
  /** Every message text of the three conversations: no answer to an outsider may contain one. */
  const secrets: string[] = [];
  let daveOldMessage: { id: string; clientId: string; text: string };
  let aliceWs: RawSocket;
  let bobWs: RawSocket;
  let carolWs: RawSocket;
  let daveWs: RawSocket;
  let erinWs: RawSocket;
  let erinClosed: Promise<{ code: number; reason: string }>;
  let before: Snapshot;

  type Snapshot = Awaited<ReturnType<typeof snapshot>>;

  const secret = (where: string) => {
    const s = `secret-${where}-${uniqueTag()}`;
    secrets.push(s);
    return s;
  };

  /** What alice (a member of everything) sees of the three conversations. */
  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const id of [dm, group, channel]) {
      const detail = await alice.conversation(id);
      out[id] = {
        conversation: detail.conversation,
        messages: (await alice.messages(id, { limit: 100 })).messages,
        members: (await alice.members(id)).map((m) => ({ userId: m.userId, role: m.role, readSeq: m.readSeq })).sort((a, b) => a.userId.localeCompare(b.userId)),
        receipts: (await alice.receipts(id)).receipts,
      };
    }
    return out;
  }

  function leaks(text: string): string[] {
    return [...secrets, groupTitle].filter((s) => text.includes(s));
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    [alice, bob, carol, dave, erin] = (await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin'].map((p) => newClient(t, p)))) as [
      ParleyClient,
      ParleyClient,
      ParleyClient,
      ParleyClient,
      ParleyClient,
    ];
    const id = (c: ParleyClient) => c.user!.id;
    groupTitle = `Private plans ${uniqueTag()}`;
    dm = (await alice.createDm(id(bob))).conversation.id;
    group = (await alice.createGroup(groupTitle, [id(bob), id(dave), id(erin)])).conversation.id;
    channel = (await alice.createChannel(`open-${uniqueTag()}`, 'everyone welcome')).conversation.id;
    await bob.joinChannel(channel);
    carolDm = (await carol.createDm(id(dave))).conversation.id;

    [aliceWs, bobWs, carolWs, daveWs, erinWs] = (await Promise.all([alice, bob, carol, dave, erin].map((c) => RawSocket.live(t, { token: c.token! })))) as [
      RawSocket,
      RawSocket,
      RawSocket,
      RawSocket,
      RawSocket,
    ];
    erinClosed = erinWs.closed;

    firstMessage[dm] = (await alice.sendMessage(dm, secret('dm'))).id;
    await bob.sendMessage(dm, secret('dm-reply'));
    firstMessage[group] = (await alice.sendMessage(group, secret('group'))).id;
    firstMessage[channel] = (await alice.sendMessage(channel, secret('channel'))).id;
    await bob.sendMessage(channel, secret('channel-reply'));
    const daveText = secret('dave-in-group');
    const daveClientId = `dave-${uniqueTag()}`;
    daveOldMessage = { id: (await dave.sendMessage(group, daveText, { clientId: daveClientId })).id, clientId: daveClientId, text: daveText };
    await daveWs.waitFor((f) => f.type === 'message.created' && (f.message as { text?: string }).text === daveText, 5_000, 'dave sees the group');

    // Dave is removed from the group.
    await alice.removeMember(group, id(dave));
    await daveWs.waitFor((f) => f.type === 'member.removed' && f.userId === id(dave), 5_000, 'dave removed');
    // After his removal, his old message gets a reaction: a removed member must not learn of it.
    await alice.toggleReaction(group, daveOldMessage.id, '🎉');

    // Erin takes a socket ticket, then logs out: her token, her socket and the ticket all end.
    erinToken = erin.token!;
    erinSessionId = (await erin.sessions())[0]!.id;
    erinTicket = (await erin.request(routes.createWsTicket, {})).ticket;
    await erin.logout();
    before = await snapshot();
  });

  afterAll(async () => {
    for (const s of [aliceWs, bobWs, carolWs, daveWs, erinWs]) s?.close();
    await t?.close();
  });

  const ids = (conversationId: string, userId: string, sessionId = '01JZ0000000000000000000003'): Ids => ({
    conversationId,
    messageId: firstMessage[conversationId]!,
    userId,
    sessionId,
    fileId: '01JZ0000000000000000000004',
    emojiName: 'parley',
    gifId: '01JZ0000000000000000000005',
  });

  describe('HTTP', () => {
    for (const [name, def] of conversationRoutes) {
      it(`${def.method} ${def.path} (${name}) refuses outsiders, removed members and revoked sessions`, async () => {
        const problems: string[] = [];
        const check = (who: string, where: string, res: RawResponse, allowed: number[]) => {
          const what = `${who} on ${where}: ${res.status} ${res.text.slice(0, 200)}`;
          if (!allowed.includes(res.status)) problems.push(`${what} (expected ${allowed.join(' or ')})`);
          if (res.status >= 400) {
            const body = res.json as { error?: { code?: unknown; message?: unknown } } | undefined;
            if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') problems.push(`${what}: not the JSON error shape`);
          }
          const leaked = leaks(res.text);
          if (leaked.length) problems.push(`${what}: leaks ${leaked.join(', ')}`);
        };
        const kinds: [string, string][] = [
          ['dm', dm],
          ['group', group],
          ['channel', channel],
        ];
        for (const [who, client] of [
          ['carol (outsider)', carol],
          ['dave (removed from the group)', dave],
        ] as const) {
          for (const [kind, conversationId] of kinds) {
            // Targets: a member of the conversation, and the caller themself.
            const targets = def.path.includes(':userId') ? [bob.user!.id, client.user!.id] : [bob.user!.id];
            for (const userId of targets) {
              if (kind === 'channel' && name === 'joinChannel') continue; // anyone may join a public channel
              const res = await call(t, name, client.token, ids(conversationId, userId));
              if (kind === 'channel') {
                // A public channel may be looked at, not acted in, by a non-member.
                if (name === 'getConversation') {
                  check(who, kind, res, [200]);
                  if (res.status === 200) expect((res.json as { membership: unknown }).membership).toBeNull();
                } else check(who, kind, res, [403, 404]);
              } else check(who, kind, res, [404]);
            }
          }
        }
        for (const [, conversationId] of kinds) {
          const res = await call(t, name, erinToken, ids(conversationId, bob.user!.id));
          check('erin (logged out)', conversationId, res, [401]);
          if (res.status === 401) expectError(res, 401, 'unauthorized');
        }
        expect(problems).toEqual([]);
      });
    }

    it('every authenticated route answers 401 without a token, with a revoked one and with garbage', async () => {
      const problems: string[] = [];
      for (const [name, def] of authRoutes) {
        const i = ids(group, bob.user!.id, erinSessionId);
        const { body, query } = input(name, i);
        const path = fillPath(def.path, i);
        const variants: [string, Record<string, string>][] = [
          ['no token', {}],
          ['revoked token', { authorization: `Bearer ${erinToken}` }],
          ['garbage token', { authorization: 'Bearer prl_not-a-real-token' }],
          ['not a bearer', { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` }],
          ['ticket as token', { authorization: `Bearer ${erinTicket}` }],
        ];
        for (const [variant, headers] of variants) {
          const res = await api(t, def.method, path, { headers, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}) });
          const code = (res.json as { error?: { code?: string } } | undefined)?.error?.code;
          if (res.status !== 401 || code !== 'unauthorized') problems.push(`${name} with ${variant}: ${res.status} ${res.text.slice(0, 150)}`);
          if (leaks(res.text).length) problems.push(`${name} with ${variant}: leaks`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('a token in the URL authenticates nothing (tokens never travel in URLs)', async () => {
      for (const param of ['token', 'access_token']) {
        expectError(await api(t, 'GET', '/me', { query: { [param]: alice.token! } }), 401, 'unauthorized');
      }
    });

    it('none of the refused attempts changed anything', async () => {
      expect(await snapshot()).toEqual(before);
      for (const client of [carol, dave]) {
        const mine = (await client.conversations()).map((c) => c.conversation.id);
        expect(mine).not.toContain(dm);
        expect(mine).not.toContain(group);
        expect(mine).not.toContain(channel);
      }
      // Erin's session is gone for good: logging out again is refused too.
      expectError(await api(t, 'POST', '/auth/logout', { token: erinToken, body: {} }), 401, 'unauthorized');
    });

    it('members cannot do what their role does not allow', async () => {
      const bobToken = bob.token;
      const aliceId = alice.user!.id;
      const refused: [string, string, unknown][] = [
        ['PATCH', `/conversations/${group}`, { title: 'renamed by bob' }],
        ['DELETE', `/conversations/${group}/members/${aliceId}`, undefined],
        ['PATCH', `/conversations/${group}/members/${aliceId}`, { role: 'member' }],
        ['PATCH', `/conversations/${group}/messages/${firstMessage[group]!}`, { text: 'bob rewrote this' }],
        ['DELETE', `/conversations/${group}/messages/${firstMessage[group]!}`, undefined],
        ['DELETE', `/conversations/${dm}/messages/${firstMessage[dm]!}`, undefined],
        ['PATCH', `/conversations/${channel}`, { topic: 'bob was here' }],
        ['DELETE', `/conversations/${channel}/messages/${firstMessage[channel]!}`, undefined],
      ];
      for (const [method, path, body] of refused) {
        const res = await api(t, method, path, { token: bobToken, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path}: ${res.text}`).toBe(403);
        expectError(res, 403, 'forbidden');
      }
      expect(await snapshot()).toEqual(before);
    });

    it('lists show outsiders only what is public', async () => {
      const res = await api(t, 'GET', '/channels', { token: carol.token });
      expect(res.status).toBe(200);
      const channels = (res.json as { channels: { conversation: { id: string }; joined: boolean }[] }).channels;
      expect(channels.find((c) => c.conversation.id === channel)?.joined).toBe(false);
      expect(channels.map((c) => c.conversation.id)).not.toContain(group);
      expect(channels.map((c) => c.conversation.id)).not.toContain(dm);
      expect(leaks(res.text)).toEqual([]);
      const list = await api(t, 'GET', '/conversations', { token: dave.token });
      expect(list.status).toBe(200);
      expect(leaks(list.text)).toEqual([]);
    });

    it('a message of another conversation cannot be reached through one the caller is in', async () => {
      const foreign = firstMessage[dm]!;
      const base = `/conversations/${carolDm}/messages/${foreign}`;
      for (const [method, path, body] of [
        ['GET', base, undefined],
        ['PATCH', base, { text: 'intruder edit' }],
        ['DELETE', base, undefined],
        ['POST', `${base}/reactions`, { emoji: '👍' }],
      ] as const) {
        const res = await api(t, method, path, { token: carol.token, ...(body ? { body } : {}) });
        expectError(res, 404, 'not_found');
        expect(leaks(res.text)).toEqual([]);
      }
      // Replying to it from her own conversation is refused and stores nothing.
      const reply = await api(t, 'POST', `/conversations/${carolDm}/messages`, {
        token: carol.token,
        body: { clientId: `reply-${uniqueTag()}`, text: 'what did you say?', replyTo: foreign },
      });
      expectError(reply, 404, 'not_found');
      expect(leaks(reply.text)).toEqual([]);
      expect((await carol.messages(carolDm)).messages).toEqual([]);
      // Its thread, asked for from her own conversation, is empty.
      const thread = await api(t, 'GET', `/conversations/${carolDm}/messages`, { token: carol.token, query: { thread: foreign } });
      expect(thread.status).toBe(200);
      expect((thread.json as { messages: unknown[] }).messages).toEqual([]);
      expect(leaks(thread.text)).toEqual([]);
      // Even a member of both cannot mix them up.
      expectError(await api(t, 'GET', `/conversations/${dm}/messages/${firstMessage[group]!}`, { token: alice.token }), 404, 'not_found');
      expect(await snapshot()).toEqual(before);
    });

    // Regression: the clientId replay was answered before membership was checked.
    it('a removed member retrying an old send (same clientId) is refused, not answered with the message', async () => {
      const res = await api(t, 'POST', `/conversations/${group}/messages`, {
        token: dave.token,
        body: { clientId: daveOldMessage.clientId, text: daveOldMessage.text },
      });
      expectError(res, 404, 'not_found');
      expect(res.text).not.toContain('🎉');
    });
  });

  describe('WebSocket', () => {
    it('a removed member retrying an old send over the socket gets an error, not an ack', async () => {
      const socket = await RawSocket.open(t, { token: dave.token });
      const answer = await socket.request({ type: 'message.send', conversationId: group, clientId: daveOldMessage.clientId, text: daveOldMessage.text });
      socket.close();
      expect(answer).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    });

    it('closes the socket of a session that logs out with 4001', async () => {
      const { code } = await erinClosed;
      expect(code).toBe(4001);
    });

    it('refuses a handshake with an invalid, revoked or missing token with 401', async () => {
      for (const token of ['prl_invalid', erinToken, null]) {
        const refusal = await refusedUpgrade(t, { token });
        expect(refusal.status).toBe(401);
        expect(JSON.parse(refusal.body)).toMatchObject({ error: { code: 'unauthorized' } });
      }
      for (const param of ['token', 'access_token']) {
        expect((await refusedUpgrade(t, { query: { [param]: alice.token! } })).status).toBe(401);
      }
    });

    it('refuses a foreign Origin with 403 and accepts none or its own', async () => {
      const port = new URL(t.url).port;
      for (const origin of ['https://evil.example', 'null', `http://127.0.0.1.evil.example:${port}`, 'http://127.0.0.1:1']) {
        const refusal = await refusedUpgrade(t, { token: alice.token, origin });
        expect(refusal.status, origin).toBe(403);
        expect(JSON.parse(refusal.body)).toMatchObject({ error: { code: 'origin_not_allowed' } });
      }
      const noOrigin = await RawSocket.open(t, { token: alice.token });
      const ownOrigin = await RawSocket.open(t, { token: alice.token, origin: t.url });
      expect(noOrigin.hello.userId).toBe(alice.user!.id);
      expect(ownOrigin.hello.userId).toBe(alice.user!.id);
      noOrigin.close();
      ownOrigin.close();
    });

    it('a ticket opens one socket, once', async () => {
      const { ticket } = await alice.request(routes.createWsTicket, {});
      const first = await RawSocket.open(t, { query: { ticket } });
      expect(first.hello.userId).toBe(alice.user!.id);
      first.close();
      expect((await refusedUpgrade(t, { query: { ticket } })).status).toBe(401);
      // A ticket taken before logging out dies with its session.
      expect((await refusedUpgrade(t, { query: { ticket: erinTicket } })).status).toBe(401);
    });

    it('outsiders, removed members and ended sessions receive nothing while members talk', async () => {
      const carolStart = carolWs.frames.length;
      const daveRemovedAt = daveWs.frames.findIndex((f) => f.type === 'member.removed' && f.userId === dave.user!.id);
      expect(daveRemovedAt).toBeGreaterThanOrEqual(0);
      expect(daveWs.frames[daveRemovedAt]).toMatchObject({ conversationId: group, reason: 'removed' });
      const bobStart = bobWs.frames.length;

      for (const conversationId of [dm, group, channel]) {
        const m = await alice.sendMessage(conversationId, secret('live'));
        // Over the socket too.
        const ack = await bobWs.request({ type: 'message.send', conversationId, clientId: `b-${uniqueTag()}`, text: secret('live-ws') });
        expect(ack.type).toBe('ack');
        await alice.editMessage(conversationId, m.id, secret('edited'));
        await bob.toggleReaction(conversationId, m.id, '❤️');
        await alice.deleteMessage(conversationId, m.id);
        aliceWs.send({ type: 'typing', conversationId, active: true });
        const seq = (ack.message as { seq: number }).seq;
        const read = await bobWs.request({ type: 'read', conversationId, seq });
        expect(read.type).toBe('ack');
        await alice.markRead(conversationId, seq);
      }
      // Bob saw all of it: the activity was real.
      for (const conversationId of [dm, group, channel]) {
        for (const type of ['message.created', 'message.updated', 'message.deleted', 'reaction.added', 'typing', 'read']) {
          await bobWs.waitFor((f) => f.type === type && f.conversationId === conversationId, 5_000, `${type} in ${conversationId}`, bobStart);
        }
      }
      await Promise.all([carolWs.ping(), daveWs.ping(), aliceWs.ping(), bobWs.ping()]);

      const mentions = (text: string, ...conversationIds: string[]) => conversationIds.some((id) => text.includes(id)) || leaks(text).length > 0;
      expect(carolWs.frames.length).toBeGreaterThan(carolStart); // the pong, at least
      expect(carolWs.texts.filter((x) => mentions(x, dm, group, channel))).toEqual([]);
      // Dave saw the group until his removal, then nothing more of it (and never the others).
      expect(daveWs.texts.slice(daveRemovedAt + 1).filter((x) => mentions(x, dm, group, channel))).toEqual([]);
      expect(daveWs.texts.filter((x) => x.includes(dm) || x.includes(channel))).toEqual([]);
      // Erin's socket was closed at logout and got nothing after.
      expect(erinWs.isClosed).toBe(true);
      const live = secrets.filter((s) => s.includes('-live') || s.includes('-edited'));
      expect(erinWs.texts.filter((x) => live.some((s) => x.includes(s)))).toEqual([]);
    });

    it('a resume from the beginning replays nothing of conversations the user is not in', async () => {
      const carolAgain = await RawSocket.open(t, { token: carol.token });
      const carolResumed = await carolAgain.resume(0);
      expect(carolResumed.type).toBe('resumed');
      expect(carolAgain.texts.filter((x) => [dm, group, channel].some((id) => x.includes(id)) || leaks(x).length > 0)).toEqual([]);

      const daveAgain = await RawSocket.open(t, { token: dave.token });
      expect((await daveAgain.resume(0)).type).toBe('resumed');
      const aboutGroup = daveAgain.frames.filter((f) => JSON.stringify(f).includes(group));
      // Only the event that told him he was removed.
      expect(aboutGroup.map((f) => [f.type, f.userId])).toEqual([['member.removed', dave.user!.id]]);
      // (The removal event names the group, which he knew; nothing else of it, and nothing of the others.)
      const daveRest = daveAgain.texts.filter((x) => !x.includes('"type":"member.removed"'));
      expect(daveRest.filter((x) => x.includes(dm) || x.includes(channel) || x.includes(group) || leaks(x).length > 0)).toEqual([]);
      carolAgain.close();
      daveAgain.close();
    });

    it('frames about conversations the sender is not in get errors and reach nobody', async () => {
      const snap = await snapshot();
      const aliceStart = aliceWs.frames.length;
      const bobStart = bobWs.frames.length;
      for (const socket of [carolWs, daveWs]) {
        for (const conversationId of [dm, group, channel]) {
          const send = await socket.request({ type: 'message.send', conversationId, clientId: `x-${uniqueTag()}`, text: 'intruder message' });
          expect(send.type).toBe('error');
          expect(['not_found', 'forbidden']).toContain((send.error as { code: string }).code);
          if (conversationId !== channel) expect((send.error as { code: string }).code).toBe('not_found');
          const read = await socket.request({ type: 'read', conversationId, seq: 1 });
          expect(read).toMatchObject({ type: 'error' });
          expect(['not_found', 'forbidden']).toContain((read.error as { code: string }).code);
          const from = socket.frames.length;
          socket.send({ type: 'typing', conversationId, active: true });
          const typingError = await socket.waitFor((f) => f.type === 'error', 3_000, 'typing refused', from);
          expect(['not_found', 'forbidden']).toContain((typingError.error as { code: string }).code);
          socket.send({ type: 'delivered', conversationId, seq: 1 });
          expect(leaks(socket.texts.slice(from).join('\n'))).toEqual([]);
        }
      }
      await new Promise((r) => setTimeout(r, 400)); // delivery reports are flushed every 200 ms
      await Promise.all([aliceWs.ping(), bobWs.ping()]);
      const intruders = [carol.user!.id, dave.user!.id];
      for (const s of [aliceWs, bobWs]) {
        const got = s.frames.slice(s === aliceWs ? aliceStart : bobStart);
        expect(got.filter((f) => intruders.includes(f.userId as string) || intruders.includes((f.message as { senderId?: string } | undefined)?.senderId ?? ''))).toEqual([]);
        expect(got.filter((f) => ['message.created', 'typing', 'read', 'delivered'].includes(f.type ?? ''))).toEqual([]);
      }
      expect(await snapshot()).toEqual(snap);
    });
  });
});
