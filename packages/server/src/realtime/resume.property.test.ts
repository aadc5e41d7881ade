import fc from 'fast-check';
import { expect, it } from 'vitest';
import { eventually, newClient } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { newFlakyClient, type FlakyClient } from '../testing/network.js';

type Command = { kind: 'send'; client: number; count: number } | { kind: 'drop'; client: number } | { kind: 'offline'; client: number } | { kind: 'online'; client: number };

const CLIENTS = 3;

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), client: fc.nat(CLIENTS - 1), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), client: fc.nat(CLIENTS - 1) }) },
);

describeEachDialect('property: interleaved sends, disconnects and reconnects', (dialect) => {
  const suite = useTestServer(dialect);

  it('every client ends with every message exactly once, in seq order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        const clients: FlakyClient[] = await Promise.all(Array.from({ length: CLIENTS }, () => newFlakyClient(suite.t, 'prop')));
        const owner = await newClient(suite.t, 'owner');
        const { conversation } = await owner.createGroup('property', clients.map((c) => c.client.user!.id));
        const received = clients.map(() => [] as number[]);
        clients.forEach((c, i) => c.client.on('message.created', (e) => e.conversationId === conversation.id && received[i]!.push(e.message.seq)));
        await Promise.all(clients.map((c) => c.client.connect()));
        const offline = new Set<number>();
        const sends: Promise<unknown>[] = [];
        for (const cmd of commands) {
          const c = clients[cmd.client]!;
          if (cmd.kind === 'send') {
            for (let k = 0; k < cmd.count; k++) sends.push(c.client.sendMessage(conversation.id, `m ${cmd.client}.${sends.length}`, { timeoutMs: 20_000 }));
          } else if (cmd.kind === 'drop' && !offline.has(cmd.client)) {
            c.dropConnection();
          } else if (cmd.kind === 'offline' && !offline.has(cmd.client)) {
            offline.add(cmd.client);
            await c.setOffline(true);
          } else if (cmd.kind === 'online' && offline.has(cmd.client)) {
            offline.delete(cmd.client);
            await c.setOffline(false);
          }
        }
        for (const i of offline) await clients[i]!.setOffline(false);
        await Promise.all(sends);
        const total = sends.length;
        await eventually(() => received.every((r) => r.length >= total), 10_000, 'all clients caught up');
        await new Promise((r) => setTimeout(r, 50));
        const expected = Array.from({ length: total }, (_, i) => i + 1);
        for (const r of received) expect(r).toEqual(expected);
        for (const c of [...clients.map((x) => x.client), owner]) c.disconnect();
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});
