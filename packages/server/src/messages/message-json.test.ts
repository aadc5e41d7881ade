import { afterAll, expect, it } from 'vitest';
import { newClient, TEST_PASSWORD, testClient } from '../testing/clients.js';
import { createStorage, describeEachDialect, startTestServer, type TestServer, type TestStorage } from '../testing/harness.js';

/**
 * Messages store their presentation (`messages.json`). Rows without one (stored before it existed,
 * or by an older server during a rolling upgrade) are still served correctly, and are filled when
 * a server starts.
 */
describeEachDialect('stored message presentations', (dialect) => {
  let storage: TestStorage;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await storage?.destroy();
  });

  it('a message stored without its presentation is served from its columns, then filled at the next start', async () => {
    storage = await createStorage(dialect);
    t = await startTestServer(dialect, {}, storage);
    const alice = await newClient(t, 'alice');
    const bob = await newClient(t, 'bob');
    const { conversation } = await alice.createDm(bob.user!.id);
    const first = await alice.sendMessage(conversation.id, 'first, with a **reaction**');
    await bob.toggleReaction(conversation.id, first.id, '🎉');
    await bob.sendMessage(conversation.id, 'a reply', { replyTo: first.id });
    const before = await alice.messages(conversation.id);

    // As an older server would have left them.
    await t.server.database.db.updateTable('messages').set({ json: '' }).where('conversation_id', '=', conversation.id).execute();
    expect(await alice.messages(conversation.id)).toEqual(before);

    await t.close();
    t = await startTestServer(dialect, {}, storage);
    const missing = await t.server.database.reader.selectFrom('messages').select('id').where('json', '=', '').execute();
    expect(missing).toEqual([]);
    const again = testClient(t);
    await again.login(alice.user!.username, TEST_PASSWORD);
    expect(await again.messages(conversation.id)).toEqual(before);
  });
});
