import { ParleyClient, type Message } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, uniqueName } from '../testing/clients.js';
import { createStorage, startTestServer, type TestServer, type TestStorage } from '../testing/harness.js';
import { postgresAvailable } from '../testing/postgres.js';

/** Two server processes (here: two servers in one process, each with its own pool) on one PostgreSQL. */
describe.skipIf(!postgresAvailable)('several servers sharing one PostgreSQL [postgres]', () => {
  let storage: TestStorage;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    storage = await createStorage('postgres');
    a = await startTestServer('postgres', { PARLEY_LOG_LEVEL: 'error' }, storage);
    b = await startTestServer('postgres', { PARLEY_LOG_LEVEL: 'error' }, storage);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await storage.destroy();
  });

  it('concurrent sends through both keep seq and event positions gap-free, and clientIds unique', async () => {
    const onA = new ParleyClient({ baseUrl: a.url });
    await onA.register({ username: uniqueName('node_a'), password: TEST_PASSWORD });
    const onB = new ParleyClient({ baseUrl: b.url });
    await onB.login(onA.user!.username, TEST_PASSWORD);
    const other = new ParleyClient({ baseUrl: b.url });
    await other.register({ username: uniqueName('node_b'), password: TEST_PASSWORD });
    const { conversation } = await onA.createGroup('shared', [other.user!.id]);

    const sends: Promise<Message>[] = [];
    for (let i = 0; i < 100; i++) {
      sends.push(onA.sendMessage(conversation.id, `a ${i}`));
      sends.push(other.sendMessage(conversation.id, `b ${i}`));
      // The same clientId sent to both nodes at once is one message.
      if (i % 10 === 0) {
        const clientId = `dup-${i}`;
        sends.push(onA.sendMessage(conversation.id, `dup ${i}`, { clientId }));
        sends.push(onB.sendMessage(conversation.id, `dup ${i}`, { clientId }));
      }
    }
    const results = await Promise.all(sends);
    const distinct = new Map(results.map((m) => [m.id, m]));
    expect(distinct.size).toBe(210);
    expect([...distinct.values()].map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 210 }, (_, i) => i + 1));

    const { db } = a.server.database;
    const positions = (await db.selectFrom('events').select('pos').orderBy('pos').execute()).map((r) => r.pos);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
    const head = await db.selectFrom('event_head').select('pos').executeTakeFirstOrThrow();
    expect(head.pos).toBe(positions.length);
  });
});
