import type { ConversationDetail, ParleyError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { failure, id, record, seen, sleep, summary, uniqueTag, UNKNOWN_ID } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { api } from '../testing/raw.js';

describeEachDialect('conversations', (dialect) => {
  const suite = useTestServer(dialect);
  const { user, users } = suite;

  describe('direct messages', () => {
    it('there is one DM per pair: created with 201, then the same one with 200, whoever asks', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const first = await api<ConversationDetail>(suite.t, 'POST', '/conversations', { token: alice.token, body: { kind: 'dm', userId: id(bob) } });
      expect(first.status).toBe(201);
      const dm = first.json.conversation;
      expect(dm).toMatchObject({ kind: 'dm', title: null, name: null, memberCount: 2, lastSeq: 0, dmUserIds: [id(alice), id(bob)].sort() });
      expect(first.json.membership).toMatchObject({ userId: id(alice), role: 'member', readSeq: 0 });

      const again = await api<ConversationDetail>(suite.t, 'POST', '/conversations', { token: alice.token, body: { kind: 'dm', userId: id(bob) } });
      expect(again.status).toBe(200);
      expect(again.json.conversation.id).toBe(dm.id);
      const reverse = await api<ConversationDetail>(suite.t, 'POST', '/conversations', { token: bob.token, body: { kind: 'dm', userId: id(alice) } });
      expect(reverse.status).toBe(200);
      expect(reverse.json.conversation.id).toBe(dm.id);
      expect(reverse.json.membership.userId).toBe(id(bob));
      expect((await alice.conversations()).filter((c) => c.conversation.kind === 'dm')).toHaveLength(1);
    });

    it('both people hear conversation.created live, once', async () => {
      const [alice, bob] = await users(['alice', 'bob']);
      const atAlice = record(alice, 'conversation.created');
      const atBob = record(bob, 'conversation.created');
      const dm = (await alice.createDm(id(bob))).conversation.id;
      for (const list of [atAlice, atBob]) {
        const e = await seen(list, (e) => e.conversation.id === dm, 'conversation.created');
        expect(e.conversation).toMatchObject({ kind: 'dm', dmUserIds: [id(alice), id(bob)].sort() });
      }
      await bob.createDm(id(alice));
      await sleep(150);
      expect(atBob.filter((e) => e.conversation.id === dm)).toHaveLength(1);
      // And the DM's messages reach bob live at once.
      const messages = record(bob, 'message.created');
      const m = await alice.sendMessage(dm, 'first words');
      await seen(messages, (e) => e.message.id === m.id, 'message.created');
    });

    it('two people starting the same DM at once get one conversation', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const [a, b] = await Promise.all([alice.createDm(id(bob)), bob.createDm(id(alice))]);
      expect(a.conversation.id).toBe(b.conversation.id);
    });

    it('a DM with an unknown user is 400 validation_failed', async () => {
      const alice = await user('alice', false);
      const err = await failure(alice.createDm(UNKNOWN_ID));
      expect(err.status).toBe(400);
      expect(err.code).toBe('validation_failed');
      expect(await alice.conversations()).toEqual([]);
    });

    it('a DM cannot be left, extended, renamed or have its members changed (400), and outsiders cannot see it (404)', async () => {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol'], false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      for (const call of [
        () => alice.leave(dm),
        () => alice.addMembers(dm, [id(carol)]),
        () => alice.removeMember(dm, id(bob)),
        () => alice.setRole(dm, id(bob), 'admin'),
        () => alice.updateConversation(dm, { topic: 'x' }),
      ]) {
        expect((await failure(call())).status).toBe(400);
      }
      expect((await alice.members(dm)).map((m) => m.userId).sort()).toEqual([id(alice), id(bob)].sort());
      expect((await failure(carol.conversation(dm))).status).toBe(404);
      expect((await failure(carol.messages(dm))).status).toBe(404);
      expect((await failure(carol.sendMessage(dm, 'hi'))).status).toBe(404);
    });
  });

  describe('groups', () => {
    it('the creator is owner, the others members, and conversation.created reaches every member live', async () => {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol']);
      const events = [alice, bob, carol].map((c) => record(c, 'conversation.created'));
      const { conversation, membership } = await alice.createGroup('Weekend trip', [id(bob), id(carol), id(bob)]);
      expect(conversation).toMatchObject({ kind: 'group', title: 'Weekend trip', name: null, memberCount: 3, createdBy: id(alice), dmUserIds: [] });
      expect(membership.role).toBe('owner');
      for (const list of events) {
        const e = await seen(list, (e) => e.conversation.id === conversation.id, 'conversation.created');
        expect(e.conversation).toMatchObject({ title: 'Weekend trip', memberCount: 3 });
      }
      const roles = Object.fromEntries((await bob.members(conversation.id)).map((m) => [m.userId, m.role]));
      expect(roles).toEqual({ [id(alice)]: 'owner', [id(bob)]: 'member', [id(carol)]: 'member' });
      // Members are listed with their profile.
      const members = await carol.members(conversation.id);
      expect(members.find((m) => m.userId === id(bob))?.user.username).toBe(bob.user!.username);
    });

    it('a group with an unknown member is 400 and is not created', async () => {
      const alice = await user('alice', false);
      const err = await failure(alice.createGroup('Nope', [UNKNOWN_ID]));
      expect(err.status).toBe(400);
      expect(err.code).toBe('validation_failed');
      expect(await alice.conversations()).toEqual([]);
    });

    it('owners and admins add members (a member gets 403); the added user gets member.added with the conversation, then its messages live', async () => {
      const [alice, bob, carol, dave] = await users(['alice', 'bob', 'carol', 'dave']);
      const g = (await alice.createGroup('Team', [id(bob)])).conversation.id;

      const denied = await failure(bob.addMembers(g, [id(carol)]));
      expect(denied.status).toBe(403);
      expect(denied.code).toBe('forbidden');

      const roleEvents = record(alice, 'member.updated');
      const promoted = await alice.setRole(g, id(bob), 'admin');
      expect(promoted.role).toBe('admin');
      await seen(roleEvents, (e) => e.conversationId === g && e.member.userId === id(bob) && e.member.role === 'admin', 'member.updated');

      const addedAtAlice = record(alice, 'member.added');
      const addedAtCarol = record(carol, 'member.added');
      const messagesAtCarol = record(carol, 'message.created');
      const added = await bob.addMembers(g, [id(carol)]);
      expect(added.map((m) => [m.userId, m.role])).toEqual([[id(carol), 'member']]);
      expect(added[0]?.user.id).toBe(id(carol));

      const atAlice = await seen(addedAtAlice, (e) => e.conversationId === g, 'member.added at alice');
      expect(atAlice.member.userId).toBe(id(carol));
      expect(atAlice.by).toBe(id(bob));
      const atCarol = await seen(addedAtCarol, (e) => e.conversationId === g, 'member.added at carol');
      expect(atCarol.conversation).toMatchObject({ id: g, title: 'Team', memberCount: 3 });

      // Without reconnecting, carol now receives the group's messages live.
      const sent = await alice.sendMessage(g, 'Welcome Carol');
      const live = await seen(messagesAtCarol, (e) => e.message.id === sent.id, 'message at carol');
      expect(live.message.text).toBe('Welcome Carol');
      expect((await carol.conversations()).map((c) => c.conversation.id)).toContain(g);

      // A plain member (carol) cannot add either.
      expect((await failure(carol.addMembers(g, [id(dave)]))).status).toBe(403);
      // Adding someone who is already there changes nothing.
      expect(await alice.addMembers(g, [id(carol)])).toEqual([]);
      expect((await alice.conversation(g)).conversation.memberCount).toBe(3);
    });

    it('two admins adding the same person at once both succeed', async () => {
      const [owner, admin, newcomer] = await users(['owner', 'admin', 'newcomer'], false);
      for (let round = 0; round < 10; round++) {
        const g = (await owner.createGroup(`Race ${round}`, [id(admin)])).conversation.id;
        await owner.setRole(g, id(admin), 'admin');
        const results = await Promise.allSettled([owner.addMembers(g, [id(newcomer)]), admin.addMembers(g, [id(newcomer)])]);
        expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as ParleyError).code))).toEqual(['ok', 'ok']);
        expect((await owner.conversation(g)).conversation.memberCount).toBe(3);
      }
    });

    it('removal: admins cannot remove the owner or another admin, the owner can; member.removed reaches everyone and the removed user stops receiving messages', async () => {
      const [owner, admin1, admin2, member] = await users(['owner', 'admin', 'admin', 'member']);
      const g = (await owner.createGroup('Rules', [id(admin1), id(admin2), id(member)])).conversation.id;
      await owner.setRole(g, id(admin1), 'admin');
      await owner.setRole(g, id(admin2), 'admin');

      expect((await failure(admin1.removeMember(g, id(owner)))).status).toBe(403);
      expect((await failure(admin1.removeMember(g, id(admin2)))).status).toBe(403);
      expect((await failure(member.removeMember(g, id(admin1)))).status).toBe(403);
      expect((await failure(admin1.removeMember(g, UNKNOWN_ID))).status).toBe(404);

      const removedAt = [owner, admin1, admin2, member].map((c) => record(c, 'member.removed'));
      const messagesAtMember = record(member, 'message.created');
      const messagesAtAdmin = record(admin1, 'message.created');
      await admin1.removeMember(g, id(member));
      for (const list of removedAt) {
        const e = await seen(list, (e) => e.conversationId === g && e.userId === id(member), 'member.removed');
        expect(e).toMatchObject({ by: id(admin1), reason: 'removed' });
        expect(e.conversation.memberCount).toBe(3);
      }

      const after = await owner.sendMessage(g, 'after the removal');
      await seen(messagesAtAdmin, (e) => e.message.id === after.id, 'message at a remaining member');
      await sleep(200);
      expect(messagesAtMember.filter((e) => e.conversationId === g)).toEqual([]);
      expect((await failure(member.messages(g))).status).toBe(404);
      expect((await member.conversations()).map((c) => c.conversation.id)).not.toContain(g);

      // The owner can remove an admin.
      await owner.removeMember(g, id(admin2));
      expect((await owner.members(g)).map((m) => m.userId).sort()).toEqual([id(owner), id(admin1)].sort());
    });

    it('only the owner changes roles, and the owner role cannot be changed that way', async () => {
      const [owner, admin, member] = await users(['owner', 'admin', 'member'], false);
      const g = (await owner.createGroup('Roles', [id(admin), id(member)])).conversation.id;
      await owner.setRole(g, id(admin), 'admin');
      expect((await failure(admin.setRole(g, id(member), 'admin'))).status).toBe(403);
      expect((await failure(member.setRole(g, id(member), 'admin'))).status).toBe(403);
      expect((await failure(owner.setRole(g, id(owner), 'member'))).status).toBe(400);
      expect((await owner.setRole(g, id(admin), 'member')).role).toBe('member');
      const roles = Object.fromEntries((await member.members(g)).map((m) => [m.userId, m.role]));
      expect(roles).toEqual({ [id(owner)]: 'owner', [id(admin)]: 'member', [id(member)]: 'member' });
    });

    it('an owner who leaves passes ownership to the longest-standing admin (member.updated, member.removed "left")', async () => {
      const [owner, early, admin, lateAdmin] = await users(['owner', 'early', 'admin', 'late']);
      const g = (await owner.createGroup('Succession', [id(early)])).conversation.id;
      await sleep(5);
      await owner.addMembers(g, [id(admin)]);
      await sleep(5);
      await owner.addMembers(g, [id(lateAdmin)]);
      await owner.setRole(g, id(lateAdmin), 'admin');
      await owner.setRole(g, id(admin), 'admin');

      const updates = record(early, 'member.updated');
      const removals = record(early, 'member.removed');
      await owner.leave(g);
      const update = await seen(updates, (e) => e.conversationId === g && e.member.role === 'owner', 'member.updated');
      expect(update.member.userId).toBe(id(admin));
      expect(update.by).toBe(id(owner));
      const removal = await seen(removals, (e) => e.conversationId === g, 'member.removed');
      expect(removal).toMatchObject({ userId: id(owner), by: id(owner), reason: 'left' });

      const roles = Object.fromEntries((await early.members(g)).map((m) => [m.userId, m.role]));
      expect(roles).toEqual({ [id(early)]: 'member', [id(admin)]: 'owner', [id(lateAdmin)]: 'admin' });
      expect((await failure(owner.conversation(g))).status).toBe(404);
      // The new owner has the owner's powers.
      expect((await admin.setRole(g, id(lateAdmin), 'member')).role).toBe('member');
    });

    it('without admins, ownership passes to the longest-standing member', async () => {
      const [owner, first, second] = await users(['owner', 'first', 'second'], false);
      const g = (await owner.createGroup('No admins', [id(first)])).conversation.id;
      await sleep(5);
      await owner.addMembers(g, [id(second)]);
      await owner.leave(g);
      const roles = Object.fromEntries((await second.members(g)).map((m) => [m.userId, m.role]));
      expect(roles).toEqual({ [id(first)]: 'owner', [id(second)]: 'member' });
      expect((await second.conversation(g)).conversation.memberCount).toBe(2);
    });

    it('owners and admins change the title and topic (conversation.updated live); members get 403', async () => {
      const [owner, admin, member] = await users(['owner', 'admin', 'member']);
      const g = (await owner.createGroup('Old title', [id(admin), id(member)])).conversation.id;
      await owner.setRole(g, id(admin), 'admin');
      const updates = record(member, 'conversation.updated');

      const renamed = await admin.updateConversation(g, { title: 'New title', topic: 'Planning' });
      expect(renamed.conversation).toMatchObject({ title: 'New title', topic: 'Planning' });
      const e = await seen(updates, (e) => e.conversation.id === g, 'conversation.updated');
      expect(e.conversation).toMatchObject({ title: 'New title', topic: 'Planning' });

      expect((await failure(member.updateConversation(g, { title: 'Mine' }))).status).toBe(403);
      expect((await owner.updateConversation(g, { topic: '' })).conversation.topic).toBeNull();
      expect((await member.conversation(g)).conversation).toMatchObject({ title: 'New title', topic: null });
      expect((await failure(owner.updateConversation(g, { title: '' }))).status).toBe(400);
    });
  });

  describe('channels', () => {
    it('names are lower-cased and unique (409 channel_name_taken, in any case)', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const k = uniqueTag();
      const { conversation, membership } = await alice.createChannel(`General-${k.toUpperCase()}`, 'Everything');
      expect(conversation).toMatchObject({ kind: 'channel', name: `general-${k}`, title: null, topic: 'Everything', memberCount: 1 });
      expect(membership.role).toBe('owner');
      for (const name of [`general-${k}`, `GENERAL-${k.toUpperCase()}`]) {
        const err = await failure(bob.createChannel(name));
        expect(err.status).toBe(409);
        expect(err.code).toBe('channel_name_taken');
      }
      expect((await failure(bob.createChannel('has space'))).status).toBe(400);
      // A channel has a topic but no title.
      expect((await failure(alice.updateConversation(conversation.id, { title: 'x' }))).status).toBe(400);
    });

    it('browse with joined flags; join is idempotent; outsiders see the channel but not its messages (403)', async () => {
      const alice = await user('alice');
      const bob = await user('bob', false);
      const carol = await user('carol', false);
      const k = uniqueTag();
      const c = (await alice.createChannel(`${k}-news`, 'Daily news')).conversation.id;
      await alice.createChannel(`${k}-random`);
      await alice.sendMessage(c, 'first post');

      const listed = await bob.channels(k);
      expect(listed.channels.map((ch) => [ch.conversation.name, ch.joined]).sort()).toEqual([
        [`${k}-news`, false],
        [`${k}-random`, false],
      ]);
      expect((await alice.channels(`${k}-news`)).channels.map((ch) => ch.joined)).toEqual([true]);
      // The topic is searched too.
      expect((await bob.channels('daily news')).channels.map((ch) => ch.conversation.id)).toContain(c);

      const view = await carol.conversation(c);
      expect(view.membership).toBeNull();
      expect(view.conversation).toMatchObject({ id: c, name: `${k}-news`, lastSeq: 1 });
      for (const call of [() => carol.messages(c), () => carol.sendMessage(c, 'hello?'), () => carol.members(c), () => carol.markRead(c, 1)]) {
        const err = await failure(call());
        expect(err.status).toBe(403);
        expect(err.code).toBe('forbidden');
      }

      const joins = record(alice, 'member.added');
      const joined = await bob.joinChannel(c);
      expect(joined.membership.role).toBe('member');
      const again = await bob.joinChannel(c);
      expect(again.membership.joinedAt).toBe(joined.membership.joinedAt);
      expect(again.conversation.memberCount).toBe(2);
      await seen(joins, (e) => e.conversationId === c && e.member.userId === id(bob), 'member.added');
      await sleep(150);
      expect(joins.filter((e) => e.conversationId === c)).toHaveLength(1);
      expect((await bob.channels(`${k}-news`)).channels.map((ch) => ch.joined)).toEqual([true]);
      expect((await bob.messages(c)).messages.map((m) => m.text)).toEqual(['first post']);
    });

    it('leaving a channel stops its messages; joining again brings them back live', async () => {
      const [alice, bob] = await users(['alice', 'bob']);
      const c = (await alice.createChannel(`${uniqueTag()}-talk`)).conversation.id;
      const atBob = record(bob, 'message.created');
      const atAlice = record(alice, 'message.created');
      const removed = record(alice, 'member.removed');
      await bob.joinChannel(c);

      await bob.leave(c);
      await seen(removed, (e) => e.conversationId === c && e.userId === id(bob) && e.reason === 'left', 'member.removed');
      expect((await bob.channels()).channels.find((ch) => ch.conversation.id === c)?.joined).toBe(false);
      const whileAway = await alice.sendMessage(c, 'while bob is away');
      await seen(atAlice, (e) => e.message.id === whileAway.id, 'alice sees her own message');
      await sleep(200);
      expect(atBob.filter((e) => e.conversationId === c)).toEqual([]);

      await bob.joinChannel(c);
      const back = await alice.sendMessage(c, 'welcome back');
      await seen(atBob, (e) => e.message.id === back.id, 'bob receives after rejoining');
      expect(atBob.filter((e) => e.conversationId === c).map((e) => e.message.text)).toEqual(['welcome back']);
    });

    it('joining the same channel several times at once succeeds every time', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      for (let round = 0; round < 5; round++) {
        const c = (await alice.createChannel(`${uniqueTag()}-rush`)).conversation.id;
        const results = await Promise.allSettled([bob.joinChannel(c), bob.joinChannel(c), bob.joinChannel(c)]);
        expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as ParleyError).code))).toEqual(['ok', 'ok', 'ok']);
        expect((await alice.conversation(c)).conversation.memberCount).toBe(2);
      }
    });

    it('a group cannot be joined by an outsider (404)', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      const g = (await alice.createGroup('Private')).conversation.id;
      expect((await failure(bob.joinChannel(g))).status).toBe(404);
      expect((await failure(bob.conversation(g))).status).toBe(404);
    });
  });

  describe('conversation list', () => {
    it('is sorted by last activity, with the last message, unread counts and the DM peer', async () => {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol'], false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      await sleep(5);
      const g = (await alice.createGroup('Group', [id(bob), id(carol)])).conversation.id;
      await sleep(5);
      const quiet = (await alice.createGroup('Quiet', [id(carol)])).conversation.id;

      // Newest first: creation time counts as activity while there are no messages.
      expect((await alice.conversations()).map((c) => c.conversation.id)).toEqual([quiet, g, dm]);

      await alice.sendMessage(dm, 'Hi Bob');
      await sleep(5);
      const b1 = await bob.sendMessage(dm, 'Hi Alice');
      await sleep(5);
      const b2 = await bob.sendMessage(dm, 'How are you?');
      let list = await alice.conversations();
      expect(list.map((c) => c.conversation.id)).toEqual([dm, quiet, g]);
      const dmSummary = list.find((c) => c.conversation.id === dm)!;
      expect(dmSummary.lastMessage?.id).toBe(b2.id);
      expect(dmSummary.unreadCount).toBe(2);
      expect(dmSummary.peer?.id).toBe(id(bob));
      expect(dmSummary.peer?.username).toBe(bob.user!.username);
      expect(list.find((c) => c.conversation.id === g)?.peer).toBeNull();
      expect(list.find((c) => c.conversation.id === g)?.lastMessage).toBeNull();

      // My own messages never count as unread; replying means I have read up to there.
      const bobsView = await summary(bob, dm);
      expect(bobsView.unreadCount).toBe(0);
      expect(bobsView.peer?.id).toBe(id(alice));

      // A deleted message no longer counts.
      await bob.deleteMessage(dm, b1.id);
      list = await alice.conversations();
      expect(list.find((c) => c.conversation.id === dm)?.unreadCount).toBe(1);

      // Activity elsewhere moves that conversation to the top.
      await sleep(5);
      const c1 = await carol.sendMessage(g, 'Group hello');
      list = await alice.conversations();
      expect(list.map((c) => c.conversation.id)).toEqual([g, dm, quiet]);
      expect(list[0]?.lastMessage?.text).toBe('Group hello');
      expect(list[0]?.unreadCount).toBe(1);

      await alice.markRead(g, c1.seq);
      await alice.markRead(dm, b2.seq);
      list = await alice.conversations();
      expect(list.map((c) => c.unreadCount)).toEqual([0, 0, 0]);
    });
  });
});
