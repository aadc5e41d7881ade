import type { ClientEvents, ParleyClient } from '@parley/sdk';
import { beforeAll, expect, it } from 'vitest';
import { eventually, newClient, record } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { newFlakyClient, type FlakyClient } from '../testing/network.js';

function texts(events: ClientEvents['message.created'][], conversationId: string): string[] {
  return events.filter((e) => e.conversationId === conversationId).map((e) => e.message.text);
}

describeEachDialect('reconnect and resume', (dialect) => {
  const suite = useTestServer(dialect);
  let alice: ParleyClient;
  let carol: ParleyClient;
  let bob: FlakyClient;
  let groupId: string;

  beforeAll(async () => {
    [alice, carol] = await suite.users(['alice', 'carol']);
    bob = await newFlakyClient(suite.t);
    suite.track(bob.client);
    await bob.client.connect();
    groupId = (await alice.createGroup('resume', [bob.client.user!.id, carol.user!.id])).conversation.id;
    await eventually(() => bob.client.position !== null, 2000);
  });

  it('a client that lost its connection while others sent receives everything once, in order', async () => {
    const received = record(bob.client, 'message.created');
    await alice.sendMessage(groupId, 'before');
    await eventually(() => texts(received, groupId).includes('before'), 3000, 'first message');

    await bob.setOffline(true);
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const sender = i % 2 === 0 ? alice : carol;
      sent.push((await sender.sendMessage(groupId, `while away ${i}`)).text);
    }
    await bob.setOffline(false);
    await eventually(() => texts(received, groupId).length === 31, 5000, 'replay');
    expect(texts(received, groupId)).toEqual(['before', ...sent]);
    const seqs = received.map((e) => e.message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('edits, deletions, reactions and reads made while away are replayed too', async () => {
    const msg = await alice.sendMessage(groupId, 'to be changed');
    await eventually(async () => (await bob.client.messages(groupId, { after: msg.seq - 1 })).messages.length === 1);
    const updates = record(bob.client, 'message.updated');
    const deletions = record(bob.client, 'message.deleted');
    const reactions = record(bob.client, 'reaction.added');
    const reads = record(bob.client, 'read');
    await bob.setOffline(true);
    await alice.editMessage(groupId, msg.id, 'changed');
    await carol.toggleReaction(groupId, msg.id, '🎉');
    await carol.markRead(groupId, msg.seq);
    const other = await alice.sendMessage(groupId, 'to be deleted');
    await alice.deleteMessage(groupId, other.id);
    await bob.setOffline(false);
    await eventually(() => updates.length >= 1 && deletions.length >= 1 && reactions.length >= 1 && reads.length >= 1, 5000, 'replayed changes');
    expect(updates.find((u) => u.message.id === msg.id)?.message.text).toBe('changed');
    expect(deletions[0]!.message).toMatchObject({ id: other.id, text: '' });
    expect(reactions[0]).toMatchObject({ messageId: msg.id, emoji: '🎉', userId: carol.user!.id, count: 1 });
    expect(reads.some((r) => r.userId === carol.user!.id && r.seq === msg.seq)).toBe(true);
  });

  it('a send queued while offline goes out once after the reconnect', async () => {
    const aliceSees = record(alice, 'message.created');
    await bob.setOffline(true);
    const sending = bob.client.sendMessage(groupId, 'queued while offline');
    await new Promise((r) => setTimeout(r, 100));
    expect(aliceSees.some((e) => e.message.text === 'queued while offline')).toBe(false);
    await bob.setOffline(false);
    const message = await sending;
    expect(message.text).toBe('queued while offline');
    await eventually(() => aliceSees.some((e) => e.message.id === message.id), 3000);
    await new Promise((r) => setTimeout(r, 200));
    expect(aliceSees.filter((e) => e.message.text === 'queued while offline')).toHaveLength(1);
    const history = await alice.messages(groupId, { limit: 100 });
    expect(history.messages.filter((m) => m.text === 'queued while offline')).toHaveLength(1);
  });

  it('a position older than the replay horizon gets an explicit resync, not a silent gap', async () => {
    const dave = await newClient(suite.t);
    await carol.addMembers(groupId, [dave.user!.id]).catch(() => alice.addMembers(groupId, [dave.user!.id]));
    await dave.connect();
    const resyncs = record(dave, 'resync');
    dave.disconnect();
    await alice.sendMessage(groupId, 'pruned away');
    // Retention passes: the log forgets everything so far.
    const { db } = suite.t.server.database;
    const head = await db.selectFrom('event_head').select('pos').executeTakeFirstOrThrow();
    await db.deleteFrom('events').where('pos', '<=', head.pos).execute();
    await db.updateTable('event_head').set({ pruned_pos: head.pos }).execute();
    await dave.connect();
    expect(resyncs).toHaveLength(1);
    expect(resyncs[0]!.reason).toMatch(/horizon/);
    // After a resync the client refetches state, and live events continue.
    const live = record(dave, 'message.created');
    await alice.sendMessage(groupId, 'after resync');
    await eventually(() => live.some((e) => e.message.text === 'after resync'), 3000);
    dave.disconnect();
  });

  it('a new connection after a clean disconnect resumes from where it stopped', async () => {
    const received = record(carol, 'message.created');
    carol.disconnect();
    const m1 = await alice.sendMessage(groupId, 'while carol is offline 1');
    const m2 = await alice.sendMessage(groupId, 'while carol is offline 2');
    await carol.connect();
    await eventually(() => received.length >= 2, 3000);
    expect(received.map((e) => e.message.id)).toEqual([m1.id, m2.id]);
  });
});
