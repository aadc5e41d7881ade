import type { DurableEvent, Membership, ParleyClient } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { eventually, failure, id, newClient, record, seen, sleep, summary, TEST_PASSWORD, testClient, uniqueTag } from '../testing/clients.js';
import { createStorage, describeEachDialect, startTestServer, useTestServer, type TestServer } from '../testing/harness.js';
import { api, expectError, RawSocket } from '../testing/raw.js';

const HOUR = 3_600_000;

/** The keys of a member as other members see it: no private setting among them. */
const SHARED_MEMBER_KEYS = ['deliveredSeq', 'joinedAt', 'readSeq', 'role', 'userId'];

describeEachDialect('mute', (dialect) => {
  const suite = useTestServer(dialect);
  const { user, users, device } = suite;

  async function muteIn(client: ParleyClient, conversationId: string): Promise<Membership['mute']> {
    return (await summary(client, conversationId)).membership.mute;
  }

  async function storedMutes(conversationIds: readonly string[]) {
    return suite.t.server.database.db
      .selectFrom('members')
      .select(['conversation_id', 'user_id', 'muted_until'])
      .where('conversation_id', 'in', [...conversationIds])
      .where('muted_until', 'is not', null)
      .execute();
  }

  describe('setting and clearing', () => {
    it('mutes for 1h, 8h or 1w from now, always, or until a time; unmutes; my list and the conversation show it', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const g = (await alice.createGroup('Noisy', [id(bob)])).conversation.id;
      expect(await muteIn(alice, g)).toBeNull();
      expect((await alice.conversation(g)).membership?.mute).toBeNull();

      for (const [duration, ms] of [['1h', HOUR], ['8h', 8 * HOUR], ['1w', 7 * 24 * HOUR]] as const) {
        const before = Date.now();
        const membership = await alice.mute(g, duration);
        const after = Date.now();
        expect(membership).toMatchObject({ userId: id(alice), role: 'owner', readSeq: 0 });
        const until = Date.parse(membership.mute!.until!);
        expect(until, duration).toBeGreaterThanOrEqual(before + ms);
        expect(until, duration).toBeLessThanOrEqual(after + ms);
        expect(await muteIn(alice, g)).toEqual(membership.mute);
        expect((await alice.conversation(g)).membership?.mute).toEqual(membership.mute);
      }

      expect((await alice.mute(g, 'always')).mute).toEqual({ until: null });
      expect(await muteIn(alice, g)).toEqual({ until: null });
      const at = new Date(Date.now() + 3 * 24 * HOUR);
      expect((await alice.mute(g, at)).mute).toEqual({ until: at.toISOString() });
      expect(await muteIn(alice, g)).toEqual({ until: at.toISOString() });
      // The SDK's default is "until I unmute".
      expect((await alice.mute(g)).mute).toEqual({ until: null });

      expect((await alice.unmute(g)).mute).toBeNull();
      expect(await muteIn(alice, g)).toBeNull();
      // Unmuting what is not muted is no error and changes nothing.
      expect((await alice.unmute(g)).mute).toBeNull();
      // Muting is mine alone: bob's membership is untouched.
      expect(await muteIn(bob, g)).toBeNull();
    });

    it('is plain JSON over HTTP: POST /conversations/:id/mute {for | until}, DELETE to unmute, 200 with my membership', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      const path = `/conversations/${dm}/mute`;
      const muted = await api<Membership>(suite.t, 'POST', path, { token: alice.token, body: { for: 'always' } });
      expect(muted.status).toBe(200);
      expect(muted.json).toMatchObject({ userId: id(alice), mute: { until: null } });
      const until = new Date(Date.now() + 2 * HOUR).toISOString();
      const timed = await api<Membership>(suite.t, 'POST', path, { token: alice.token, body: { until } });
      expect(timed.status).toBe(200);
      expect(timed.json.mute).toEqual({ until });
      const cleared = await api<Membership>(suite.t, 'DELETE', path, { token: alice.token });
      expect(cleared.status).toBe(200);
      expect(cleared.json.mute).toBeNull();
    });

    it('another device, and a new session after a reload, see the mute', async () => {
      const alice = await user('alice', false);
      const g = (await alice.createChannel(`quiet-${uniqueTag()}`)).conversation.id;
      const muted = await alice.mute(g, '1w');
      const reloaded = await device(alice, false);
      expect(await muteIn(reloaded, g)).toEqual(muted.mute);
      expect((await reloaded.conversation(g)).membership?.mute).toEqual(muted.mute);
    });

    it('a mute that has ended reads as not muted everywhere, and can be set again', async () => {
      const alice = await user('alice', false);
      const g = (await alice.createChannel(`brief-${uniqueTag()}`)).conversation.id;
      const soon = new Date(Date.now() + 1_000);
      expect((await alice.mute(g, soon)).mute).toEqual({ until: soon.toISOString() });
      expect(await muteIn(alice, g)).toEqual({ until: soon.toISOString() });
      await sleep(soon.getTime() - Date.now() + 50);
      expect(await muteIn(alice, g)).toBeNull();
      expect((await alice.conversation(g)).membership?.mute).toBeNull();
      expect((await alice.markRead(g, 0)).mute).toBeNull();
      expect((await alice.mute(g, '1h')).mute).not.toBeNull();
    });

    it('leaving a channel drops the mute: joining again starts unmuted', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const ch = (await alice.createChannel(`rejoin-${uniqueTag()}`)).conversation.id;
      await bob.joinChannel(ch);
      await bob.mute(ch, 'always');
      await bob.leave(ch);
      expect((await bob.joinChannel(ch)).membership.mute).toBeNull();
      expect(await muteIn(bob, ch)).toBeNull();
    });
  });

  describe('bad input and access', () => {
    it('a bad body is a 400 JSON validation error and changes nothing', async () => {
      const alice = await user('alice', false);
      const g = (await alice.createGroup('Careful', [])).conversation.id;
      const muted = await alice.mute(g, '8h');
      const path = `/conversations/${g}/mute`;
      const future = new Date(Date.now() + HOUR).toISOString();
      const bad: unknown[] = [
        {},
        { for: '2h' },
        { for: 'forever' },
        { for: 1 },
        { for: null },
        { until: null },
        { until: 'tomorrow' },
        { until: Date.now() + HOUR },
        { until: '2030-01-01T09:00:00+01:00' },
        { for: '1h', until: future },
        { for: '1h', extra: true },
        [],
        'always',
        null,
      ];
      for (const body of bad) {
        const error = expectError(await api(suite.t, 'POST', path, { token: alice.token, body }), 400, 'validation_failed');
        expect(error.message, JSON.stringify(body)).toMatch(/^body/);
      }
      const past = expectError(await api(suite.t, 'POST', path, { token: alice.token, body: { until: '2000-01-01T00:00:00.000Z' } }), 400, 'validation_failed');
      expect(past.details).toEqual([{ path: 'body.until', message: 'must be in the future' }]);
      const unknown = expectError(await api(suite.t, 'POST', path, { token: alice.token, body: { for: '2h' } }), 400, 'validation_failed');
      expect(unknown.message).toContain('"for": "1h" | "8h" | "1w" | "always"');
      expectError(await api(suite.t, 'POST', path, { token: alice.token }), 400, 'validation_failed');
      expectError(await api(suite.t, 'POST', path, { token: alice.token, rawBody: '{"for": ' }), 400, 'invalid_json');
      expectError(await api(suite.t, 'POST', `/conversations/not-an-id/mute`, { token: alice.token, body: { for: '1h' } }), 400, 'validation_failed');

      expect(await muteIn(alice, g)).toEqual(muted.mute);
      const logged = await suite.t.server.database.db
        .selectFrom('events')
        .select('pos')
        .where('conversation_id', '=', g)
        .where('type', '=', 'membership.updated')
        .execute();
      expect(logged).toHaveLength(1);
    });

    it('outsiders get 404, a channel I have not joined 403, a removed member 404, a logged-out session 401; nothing is stored', async () => {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol'], false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      const g = (await alice.createGroup('Private', [id(bob)])).conversation.id;
      const ch = (await alice.createChannel(`open-${uniqueTag()}`)).conversation.id;

      for (const conversationId of [dm, g]) {
        expect((await failure(carol.mute(conversationId, '1h'))).status).toBe(404);
        expect((await failure(carol.unmute(conversationId))).status).toBe(404);
      }
      expect((await failure(carol.mute(ch, '1h'))).status).toBe(403);
      expect((await failure(carol.unmute(ch))).status).toBe(403);

      await bob.mute(g, 'always');
      await alice.removeMember(g, id(bob));
      expect((await failure(bob.mute(g, '1h'))).status).toBe(404);
      expectError(await api(suite.t, 'DELETE', `/conversations/${g}/mute`, { token: bob.token }), 404, 'not_found');

      const laptop = await device(alice, false);
      const token = laptop.token;
      await laptop.logout();
      expectError(await api(suite.t, 'POST', `/conversations/${g}/mute`, { token, body: { for: '1h' } }), 401, 'unauthorized');
      expectError(await api(suite.t, 'DELETE', `/conversations/${g}/mute`, { token }), 401, 'unauthorized');

      expect(await storedMutes([dm, g, ch])).toEqual([]);
      expect(await carol.conversations()).toEqual([]);
    });
  });

  describe('live and private', () => {
    it('my other devices hear of it live (membership.updated), and on resume after being offline', async () => {
      const alice = await user('alice');
      const [phone, tablet] = [await device(alice), await device(alice)];
      const bob = await user('bob', false);
      const g = (await alice.createGroup('Family', [id(bob)])).conversation.id;
      const atPhone = record(phone, 'membership.updated');
      const atTablet = record(tablet, 'membership.updated');

      const muted = await alice.mute(g, '8h');
      const live = await seen(atPhone, (e) => e.conversationId === g, 'membership.updated on the phone');
      expect(live.membership).toEqual(muted);
      expect(live.pos).toBeGreaterThan(0);
      await seen(atTablet, (e) => e.conversationId === g, 'membership.updated on the tablet');

      tablet.disconnect();
      await alice.unmute(g);
      const forever = await alice.mute(g, 'always');
      // Setting what is set already is told to nobody.
      await alice.mute(g, 'always');
      await tablet.connect();
      await eventually(() => atTablet.length >= 3, 5_000, 'replayed membership.updated');
      await sleep(100);
      expect(atTablet.map((e) => e.membership.mute)).toEqual([muted.mute, null, { until: null }]);
      expect(atTablet[2]!.membership).toEqual(forever);
      expect(atPhone.map((e) => e.membership.mute)).toEqual([muted.mute, null, { until: null }]);
    });

    it('other members never hear of my mute, live or on replay, and never see it in lists or member events', async () => {
      const alice = await user('alice');
      const [bob, carol] = await users(['bob', 'carol']);
      const g = (await alice.createGroup('Team', [id(bob), id(carol)])).conversation.id;
      const bobWs = await RawSocket.live(suite.t, { token: bob.token });
      const from = (await bobWs.ping()).pos as number;
      const atBob = record(bob, 'event');
      const atCarol = record(carol, 'membership.updated');
      const atAlice = record(alice, 'membership.updated');

      await alice.mute(g, '1w');
      await alice.unmute(g);
      await alice.mute(g, 'always');
      await carol.mute(g, '8h');
      // A member event about a muted member shows only what everyone sees.
      await alice.setRole(g, id(carol), 'admin');
      const marker = await alice.sendMessage(g, 'after the mutes');
      await seen(atBob, (e) => e.type === 'message.created' && e.message.id === marker.id, 'the marker message');
      await bobWs.waitFor((f) => f.type === 'message.created' && (f.message as { id: string }).id === marker.id, 5_000, 'the marker frame');

      expect(atBob.filter((e) => e.type === 'membership.updated')).toEqual([]);
      expect(bobWs.ofType('membership.updated')).toEqual([]);
      expect(bobWs.texts.filter((t) => t.includes('"mute"'))).toEqual([]);
      const promoted = atBob.find((e): e is Extract<DurableEvent, { type: 'member.updated' }> => e.type === 'member.updated');
      expect(Object.keys(promoted!.member).sort()).toEqual(SHARED_MEMBER_KEYS);

      // Each muter hears of their own changes only.
      await eventually(() => atAlice.length === 3 && atCarol.length === 1, 3_000, 'own membership.updated');
      expect(atAlice.every((e) => e.membership.userId === id(alice))).toBe(true);
      expect(atCarol.map((e) => e.membership.userId)).toEqual([id(carol)]);

      // A replay from before the mutes carries none of them either.
      const replay = await RawSocket.open(suite.t, { token: bob.token });
      await replay.resume(from);
      expect(replay.frames.some((f) => f.type === 'message.created' && (f.message as { id: string }).id === marker.id)).toBe(true);
      expect(replay.frames.some((f) => f.type === 'member.updated')).toBe(true);
      expect(replay.ofType('membership.updated')).toEqual([]);
      expect(replay.texts.filter((t) => t.includes('"mute"'))).toEqual([]);
      replay.close();
      bobWs.close();

      // Lists: nobody's mute in the members list (mine neither: it is the shared view) or receipts.
      for (const viewer of [bob, alice]) {
        const members = await api(suite.t, 'GET', `/conversations/${g}/members`, { token: viewer.token });
        expect(members.status).toBe(200);
        expect(members.text).not.toContain('"mute"');
        for (const m of (members.json as { members: Record<string, unknown>[] }).members) {
          expect(Object.keys(m).filter((k) => k !== 'user').sort()).toEqual(SHARED_MEMBER_KEYS);
        }
        expect((await api(suite.t, 'GET', `/conversations/${g}/receipts`, { token: viewer.token })).text).not.toContain('"mute"');
      }
      expect(await muteIn(bob, g)).toBeNull();
      expect(await muteIn(alice, g)).toEqual({ until: null });

      // In the log, each such event is addressed to its member alone.
      const logged = await suite.t.server.database.db
        .selectFrom('events')
        .select('recipient_id')
        .where('conversation_id', '=', g)
        .where('type', '=', 'membership.updated')
        .orderBy('pos')
        .execute();
      expect(logged.map((r) => r.recipient_id)).toEqual([id(alice), id(alice), id(alice), id(carol)]);
    });

    it('a muted conversation still counts unread messages and mentions, and its messages still arrive live', async () => {
      const alice = await user('alice');
      const bob = await user('bob', false);
      const g = (await alice.createGroup('Busy', [id(bob)])).conversation.id;
      await alice.mute(g, 'always');
      const messages = record(alice, 'message.created');
      await bob.sendMessage(g, 'plain message');
      const last = await bob.sendMessage(g, `@${alice.user!.username} can you look?`);
      await seen(messages, (e) => e.message.id === last.id, 'message.created while muted');
      const s = await summary(alice, g);
      expect(s).toMatchObject({ unreadCount: 2, mentionCount: 1, membership: { mute: { until: null } } });
      const read = await alice.markRead(g, last.seq);
      expect(read).toMatchObject({ readSeq: last.seq, mute: { until: null } });
    });
  });
});

describeEachDialect('mute across a restart', (dialect) => {
  it('a mute is stored: after the server restarts it is still in my list', async () => {
    const storage = await createStorage(dialect);
    let t: TestServer | undefined;
    try {
      t = await startTestServer(dialect, {}, storage);
      const alice = await newClient(t, 'alice');
      const bob = await newClient(t, 'bob');
      const g = (await alice.createGroup('Durable', [id(bob)])).conversation.id;
      const dm = (await alice.createDm(id(bob))).conversation.id;
      const week = await alice.mute(g, '1w');
      await alice.mute(dm, 'always');
      await t.close();
      t = undefined;

      t = await startTestServer(dialect, {}, storage);
      const again = testClient(t);
      await again.login(alice.user!.username, TEST_PASSWORD);
      expect((await summary(again, g)).membership.mute).toEqual(week.mute);
      expect((await summary(again, dm)).membership.mute).toEqual({ until: null });
      const bobAgain = testClient(t);
      await bobAgain.login(bob.user!.username, TEST_PASSWORD);
      expect((await summary(bobAgain, g)).membership.mute).toBeNull();
    } finally {
      await t?.close();
      await storage.destroy();
    }
  });
});
