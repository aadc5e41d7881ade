import { ParleyClient, type Message } from '@parley/sdk';
import { afterAll, expect, it } from 'vitest';
import { TEST_PASSWORD, uniqueName } from '../testing/clients.js';
import { createStorage, describeEachDialect, type TestStorage } from '../testing/harness.js';
import { spawnServer, type ServerProcess } from '../testing/process.js';

async function registered(url: string): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: url, autoDeliveryReceipts: false });
  await client.register({ username: uniqueName('durable'), password: TEST_PASSWORD });
  return client;
}

describeEachDialect('durability across a crash', (dialect) => {
  let storage: TestStorage;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await storage?.destroy();
  });

  // On SQLite, with the writer on its own thread and on the event loop (see PARLEY_SQLITE_WRITER).
  const placements = dialect === 'sqlite' ? ['thread', 'inline'] : ['(PostgreSQL)'];
  it.each(placements)('every acknowledged message survives SIGKILL during a burst, exactly once, with no gap in seq (writer: %s)', async (placement) => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await storage?.destroy();
    storage = await createStorage(dialect);
    const env = dialect === 'sqlite' ? { ...storage.env, PARLEY_SQLITE_WRITER: placement } : storage.env;
    server = await spawnServer(env);
    const senders = await Promise.all([1, 2, 3].map(() => registered(server!.url)));
    const [owner, ...others] = senders as [ParleyClient, ...ParleyClient[]];
    const { conversation } = await owner.createGroup('crash', others.map((c) => c.user!.id));
    await Promise.all(senders.map((c) => c.connect()));

    // Each sender keeps up to 20 sends in flight until the server dies.
    const acked: Message[] = [];
    const clientIds = new Set<string>();
    let stop = false;
    const bursts = senders.map(async (client, s) => {
      for (let i = 0; !stop; i++) {
        const batch = Array.from({ length: 20 }, (_, k) => {
          const clientId = `s${s}-${i}-${k}`;
          clientIds.add(clientId);
          return client
            .sendMessage(conversation.id, `burst ${clientId}`, { clientId, timeoutMs: 5_000 })
            .then((m) => void acked.push(m), () => undefined);
        });
        await Promise.all(batch);
      }
    });
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    const { signal } = await server.exited;
    expect(signal).toBe('SIGKILL');
    stop = true;
    senders.forEach((c) => c.disconnect());
    await Promise.all(bursts);
    // The kill really interrupted the burst: some sends never got their ack.
    expect(clientIds.size).toBeGreaterThan(acked.length);

    server = await spawnServer(env);
    const reader = new ParleyClient({ baseUrl: server.url });
    await reader.login(owner.user!.username, TEST_PASSWORD);
    const stored: Message[] = [];
    for (let after = 0; ; ) {
      const page = await reader.messages(conversation.id, { after, limit: 100 });
      stored.push(...page.messages);
      if (!page.hasMore) break;
      after = page.messages.at(-1)!.seq;
    }
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const byClientId = new Map(stored.map((m) => [m.clientId, m]));
    expect(byClientId.size).toBe(stored.length);
    for (const m of acked) expect(byClientId.get(m.clientId)).toMatchObject({ id: m.id, seq: m.seq, text: m.text });
    const detail = await reader.conversation(conversation.id);
    expect(detail.conversation.lastSeq).toBe(stored.length);

    // Sends after the restart continue the sequence.
    const next = await reader.sendMessage(conversation.id, 'after restart');
    expect(next.seq).toBe(stored.length + 1);
  });
});
