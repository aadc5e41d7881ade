import type { ParleyClient } from '@parley/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, record } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';

describeEachDialect('messaging through the SDK', (dialect) => {
  const suite = useTestServer(dialect);
  let alice: ParleyClient;
  let bob: ParleyClient;
  let conversationId: string;

  beforeAll(async () => {
    [alice, bob] = await suite.users(['alice', 'bob']);
    conversationId = (await alice.createDm(bob.user!.id)).conversation.id;
  });

  it('delivers a sent message live to the other member, once', async () => {
    const received = record(bob, 'message.created');
    const sent = await alice.sendMessage(conversationId, 'Hello **Bob**');
    expect(sent.seq).toBe(1);
    await eventually(() => received.some((e) => e.message.id === sent.id), 3000, 'bob receives');
    expect(received.filter((e) => e.message.id === sent.id)).toHaveLength(1);
    expect(received[0]!.message.text).toBe('Hello **Bob**');
  });

  it('asking for the DM again returns the same conversation', async () => {
    const again = await bob.createDm(alice.user!.id);
    expect(again.conversation.id).toBe(conversationId);
  });

  describe('threads', () => {
    it('a reply points to its root and the root counts replies', async () => {
      const root = await alice.sendMessage(conversationId, 'Root');
      const updates = record(alice, 'message.updated');
      const reply = await bob.sendMessage(conversationId, 'Reply', { replyTo: root.id });
      const replyToReply = await alice.sendMessage(conversationId, 'Reply 2', { replyTo: reply.id });
      expect(reply.replyTo).toBe(root.id);
      expect(replyToReply.replyTo).toBe(root.id);
      const fetched = await alice.message(conversationId, root.id);
      expect(fetched.replyCount).toBe(2);
      await eventually(() => updates.some((u) => u.message.id === root.id && u.message.replyCount === 2), 3000, 'root update');
      const thread = await bob.messages(conversationId, { thread: root.id });
      expect(thread.messages.map((m) => m.text)).toEqual(['Reply', 'Reply 2']);
    });
  });
});
