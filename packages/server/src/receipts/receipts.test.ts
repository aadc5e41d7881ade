import { ParleyClient } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { eventually, failure, id, record, seen, sleep, summary, TEST_PASSWORD, uniqueName } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';

const at = (c: ParleyClient): string => `@${c.user!.username}`;

describeEachDialect('receipts and mentions', (dialect) => {
  const suite = useTestServer(dialect);
  const { user, users, device } = suite;

  async function counts(c: ParleyClient, conversationId: string): Promise<{ unread: number; mentions: number }> {
    const s = await summary(c, conversationId);
    return { unread: s.unreadCount, mentions: s.mentionCount };
  }

  describe('read receipts', () => {
    it('markRead only moves forward and is clamped to the last message', async () => {
      const alice = await user('alice', false);
      const bob = await user('bob');
      const reads = record(bob, 'read');
      const dm = (await alice.createDm(id(bob))).conversation.id;
      for (const text of ['one', 'two', 'three']) await bob.sendMessage(dm, text);

      expect((await alice.markRead(dm, 2)).readSeq).toBe(2);
      expect((await alice.markRead(dm, 1)).readSeq).toBe(2);
      expect((await alice.markRead(dm, 0)).readSeq).toBe(2);
      expect((await alice.markRead(dm, 99)).readSeq).toBe(3);
      const receipts = (await bob.receipts(dm)).receipts.find((r) => r.userId === id(alice));
      expect(receipts?.readSeq).toBe(3);

      await eventually(() => reads.some((e) => e.userId === id(alice) && e.seq === 3), 3000, 'read 3');
      await sleep(100);
      expect(reads.filter((e) => e.conversationId === dm && e.userId === id(alice)).map((e) => e.seq)).toEqual([2, 3]);
      expect((await failure(alice.markRead(dm, -1))).status).toBe(400);
    });

    it('concurrent markRead calls never move the read position backwards', async () => {
      const [alice, bob] = await users(['alice', 'bob'], false);
      for (let round = 0; round < 3; round++) {
        const g = (await alice.createGroup(`Catch up ${round}`, [id(bob)])).conversation.id;
        for (let i = 1; i <= 10; i++) await bob.sendMessage(g, `m${i}`);
        await Promise.all([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((seq) => alice.markRead(g, seq)));
        const mine = (await alice.receipts(g)).receipts.find((r) => r.userId === id(alice));
        expect(mine?.readSeq).toBe(10);
      }
    });

    it('the read event reaches the other members and the reader’s other devices', async () => {
      const alice = await user('alice');
      const alicePhone = await device(alice);
      const [bob, carol] = await users(['bob', 'carol']);
      const g = (await alice.createGroup('Readers', [id(bob), id(carol)])).conversation.id;
      const m = await carol.sendMessage(g, 'Did everyone see this?');
      const readsAt = [bob, carol, alicePhone].map((c) => record(c, 'read'));

      await alice.markRead(g, m.seq);
      for (const list of readsAt) {
        await seen(list, (e) => e.conversationId === g && e.userId === id(alice) && e.seq === m.seq, 'read event');
      }
    });

    it('receipts() lists each member’s read and delivered positions', async () => {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol'], false);
      const g = (await alice.createGroup('Positions', [id(bob), id(carol)])).conversation.id;
      await alice.sendMessage(g, 'one');
      await alice.sendMessage(g, 'two');
      await bob.markRead(g, 1);
      await carol.markDelivered(g, 2);
      const byUser = await eventually(
        async () => {
          const list = (await alice.receipts(g)).receipts;
          const map = new Map(list.map((r) => [r.userId, { readSeq: r.readSeq, deliveredSeq: r.deliveredSeq }]));
          return map.get(id(carol))?.deliveredSeq === 2 ? map : undefined;
        },
        3000,
        'carol delivered',
      );
      expect(byUser.size).toBe(3);
      expect(byUser.get(id(alice))).toEqual({ readSeq: 2, deliveredSeq: 2 });
      // Reading implies delivery.
      expect(byUser.get(id(bob))).toEqual({ readSeq: 1, deliveredSeq: 1 });
      expect(byUser.get(id(carol))).toEqual({ readSeq: 0, deliveredSeq: 2 });
    });

    it('outsiders can neither read the receipts nor move them (404)', async () => {
      const [alice, bob, eve] = await users(['alice', 'bob', 'eve'], false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      expect((await failure(eve.receipts(dm))).status).toBe(404);
      expect((await failure(eve.markRead(dm, 1))).status).toBe(404);
      expect((await failure(eve.markDelivered(dm, 1))).status).toBe(404);
    });
  });

  describe('delivery receipts', () => {
    it('a connected recipient’s SDK reports delivery by itself: the sender gets `delivered` within a second', async () => {
      const [alice, bob] = await users(['alice', 'bob']);
      const delivered = record(alice, 'delivered');
      const dm = (await alice.createDm(id(bob))).conversation.id;
      const started = Date.now();
      const m = await alice.sendMessage(dm, 'Are you there?');
      const e = await seen(delivered, (d) => d.conversationId === dm && d.userId === id(bob), 'delivered', 2000);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(e.seq).toBe(m.seq);
      const bobReceipt = (await alice.receipts(dm)).receipts.find((r) => r.userId === id(bob));
      expect(bobReceipt).toEqual({ userId: id(bob), readSeq: 0, deliveredSeq: m.seq });
    });

    it('nobody reports delivery for an offline member or a client that turned it off', async () => {
      const alice = await user('alice');
      const offline = await user('offline', false);
      const quiet = suite.track(new ParleyClient({ baseUrl: suite.t.url, autoDeliveryReceipts: false }));
      await quiet.register({ username: uniqueName('quiet'), password: TEST_PASSWORD });
      await quiet.connect();
      const bob = await user('bob');
      const delivered = record(alice, 'delivered');
      const g = (await alice.createGroup('Delivery', [id(offline), id(quiet), id(bob)])).conversation.id;
      const m = await alice.sendMessage(g, 'ping');
      await seen(delivered, (d) => d.conversationId === g && d.userId === id(bob) && d.seq === m.seq, 'bob delivered', 2000);
      await sleep(400);
      expect(delivered.filter((d) => d.conversationId === g).map((d) => d.userId)).toEqual([id(bob)]);
      const receipts = new Map((await alice.receipts(g)).receipts.map((r) => [r.userId, r.deliveredSeq]));
      expect(receipts.get(id(offline))).toBe(0);
      expect(receipts.get(id(quiet))).toBe(0);
    });
  });

  describe('mentions', () => {
    async function trio() {
      const [alice, bob, carol] = await users(['alice', 'bob', 'carol'], false);
      const g = (await alice.createGroup('Mentions', [id(bob), id(carol)])).conversation.id;
      return { alice, bob, carol, g };
    }

    it('@user counts for that member only, in any case', async () => {
      const { alice, bob, carol, g } = await trio();
      const m = await alice.sendMessage(g, `hi ${at(bob)}, can you look?`);
      expect(m.mentions).toEqual([id(bob)]);
      expect(m.mentionsChannel).toBe(false);
      expect(await counts(bob, g)).toEqual({ unread: 1, mentions: 1 });
      expect(await counts(carol, g)).toEqual({ unread: 1, mentions: 0 });
      expect(await counts(alice, g)).toEqual({ unread: 0, mentions: 0 });

      await alice.sendMessage(g, `also ${at(bob).toUpperCase()}!`);
      expect(await counts(bob, g)).toEqual({ unread: 2, mentions: 2 });
    });

    it('@channel, @here and @everyone count for every other member', async () => {
      const { alice, bob, carol, g } = await trio();
      for (const word of ['@channel', '@here', '@everyone']) {
        const m = await alice.sendMessage(g, `${word} standup in 5`);
        expect(m.mentionsChannel, word).toBe(true);
      }
      expect(await counts(bob, g)).toEqual({ unread: 3, mentions: 3 });
      expect(await counts(carol, g)).toEqual({ unread: 3, mentions: 3 });
      expect(await counts(alice, g)).toEqual({ unread: 0, mentions: 0 });
    });

    it('mentions in a code span, a fenced block or an e-mail address do not count', async () => {
      const { alice, bob, g } = await trio();
      const texts = [
        `use \`${at(bob)}\` to mention`,
        `\`\`\`\nping ${at(bob)}\n\`\`\``,
        `\`\`\`js\nconst who = '${at(bob)} @channel';\n\`\`\`\nsee above`,
        `write to someone${at(bob)}.example.com`,
        '`@channel` is how you ping everyone',
      ];
      for (const text of texts) {
        const m = await alice.sendMessage(g, text);
        expect(m.mentions, text).toEqual([]);
        expect(m.mentionsChannel, text).toBe(false);
      }
      expect(await counts(bob, g)).toEqual({ unread: texts.length, mentions: 0 });
    });

    it('a mention inside a double-backtick code span does not count', async () => {
      const { alice, bob, g } = await trio();
      const m = await alice.sendMessage(g, `type \`\`${at(bob)}\`\` here`);
      expect(m.mentions).toEqual([]);
      expect((await counts(bob, g)).mentions).toBe(0);
    });

    it('a mention inside a ~~~ fenced code block does not count', async () => {
      const { alice, bob, g } = await trio();
      const m = await alice.sendMessage(g, `~~~\nping ${at(bob)}\n~~~`);
      expect(m.mentions).toEqual([]);
      expect((await counts(bob, g)).mentions).toBe(0);
    });

    it('mentioning someone who is not a member stores no mention', async () => {
      const { alice, bob, g } = await trio();
      const outsider = await user('outsider', false);
      const m = await alice.sendMessage(g, `hey ${at(outsider)} and ${at(bob)}`);
      expect(m.mentions).toEqual([id(bob)]);
      const stored = await suite.t.server.database.db.selectFrom('mentions').select('user_id').where('message_id', '=', m.id).execute();
      expect(stored.map((r) => r.user_id)).toEqual([id(bob)]);
      expect(await outsider.conversations()).toEqual([]);
    });

    it('marking read resets unread and mention counts to 0', async () => {
      const { alice, bob, g } = await trio();
      await alice.sendMessage(g, `${at(bob)} one`);
      const last = await alice.sendMessage(g, '@channel two');
      expect(await counts(bob, g)).toEqual({ unread: 2, mentions: 2 });
      await bob.markRead(g, last.seq);
      expect(await counts(bob, g)).toEqual({ unread: 0, mentions: 0 });
      // Only what comes after the read position counts again.
      await alice.sendMessage(g, `${at(bob)} three`);
      expect(await counts(bob, g)).toEqual({ unread: 1, mentions: 1 });
    });

    it('editing a message re-parses its mentions (and tells the members live)', async () => {
      const { alice, bob, carol, g } = await trio();
      await bob.connect();
      const updates = record(bob, 'message.updated');
      const m = await alice.sendMessage(g, 'hello');
      expect(await counts(bob, g)).toEqual({ unread: 1, mentions: 0 });

      const edited = await alice.editMessage(g, m.id, `hello ${at(bob)}`);
      expect(edited.mentions).toEqual([id(bob)]);
      expect(await counts(bob, g)).toEqual({ unread: 1, mentions: 1 });
      const live = await seen(updates, (u) => u.message.id === m.id, 'message.updated');
      expect(live.message.mentions).toEqual([id(bob)]);

      const moved = await alice.editMessage(g, m.id, `hello ${at(carol)}`);
      expect(moved.mentions).toEqual([id(carol)]);
      expect((await counts(bob, g)).mentions).toBe(0);
      expect((await counts(carol, g)).mentions).toBe(1);

      const broadcast = await alice.editMessage(g, m.id, 'hello @here');
      expect(broadcast).toMatchObject({ mentions: [], mentionsChannel: true });
      expect((await counts(bob, g)).mentions).toBe(1);
      expect((await counts(carol, g)).mentions).toBe(1);
    });

    it('deleting a message removes its mention and its unread', async () => {
      const { alice, bob, g } = await trio();
      const m = await alice.sendMessage(g, `${at(bob)} look`);
      const c = await alice.sendMessage(g, '@channel all look');
      expect(await counts(bob, g)).toEqual({ unread: 2, mentions: 2 });
      await alice.deleteMessage(g, m.id);
      await alice.deleteMessage(g, c.id);
      expect(await counts(bob, g)).toEqual({ unread: 0, mentions: 0 });
    });

    it('a message mentioning someone by name and with @channel counts once', async () => {
      const { alice, bob, g } = await trio();
      await alice.sendMessage(g, `${at(bob)} @channel deploy is done`);
      expect(await counts(bob, g)).toEqual({ unread: 1, mentions: 1 });
    });
  });
});
