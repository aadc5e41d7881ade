import { ParleyClient, type Message } from '@parley/sdk';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_PASSWORD, eventually, uniqueName } from '../testing/clients.js';
import { createStorage, describeEachDialect, startTestServer, type TestStorage } from '../testing/harness.js';

describeEachDialect('graceful shutdown', (dialect) => {
  let storage: TestStorage;
  afterAll(() => storage?.destroy());

  it('finishes in-flight sends, then closes sockets with a reconnect frame; clients resume on the next server', async () => {
    storage = await createStorage(dialect);
    const first = await startTestServer(dialect, {}, storage);
    const alice = new ParleyClient({ baseUrl: first.url, reconnect: { baseMs: 50, maxMs: 200 } });
    await alice.register({ username: uniqueName('shut'), password: TEST_PASSWORD });
    const { conversation } = await alice.createChannel(uniqueName('room').replace(/_/g, '-'));
    await alice.connect();

    const raw = new WebSocket(first.wsUrl, { headers: { authorization: `Bearer ${alice.token}` } });
    const frames: { type: string }[] = [];
    raw.on('message', (d) => frames.push(JSON.parse(d.toString()) as { type: string }));
    const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
    await eventually(() => frames.some((f) => f.type === 'hello'));

    const acked: Message[] = [];
    const failures: unknown[] = [];
    const sends = Array.from({ length: 200 }, (_, i) =>
      alice.sendMessage(conversation.id, `m${i}`, { clientId: `c${i}`, timeoutMs: 10_000 }).then((m) => void acked.push(m), (e: unknown) => void failures.push(e)),
    );
    await eventually(() => acked.length >= 20, 5000);
    const port = first.server.port;
    await first.server.close();

    expect(await closed).toBe(1001);
    expect(frames.at(-1)).toMatchObject({ type: 'reconnect' });
    const readyAfterClose = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    expect(readyAfterClose?.status ?? 503).not.toBe(200);

    // The client reconnects to the next server (same storage) and its queued sends go out there.
    const second = await startTestServer(dialect, { PARLEY_PORT: String(port) }, storage);
    await Promise.all(sends);
    expect(failures).toEqual([]);
    const history = await alice.messages(conversation.id, { limit: 100, after: 0 });
    const all: Message[] = [...history.messages];
    for (let after = all.at(-1)?.seq ?? 0; history.hasMore && all.length < 200; ) {
      const page = await alice.messages(conversation.id, { after, limit: 100 });
      all.push(...page.messages);
      if (!page.hasMore) break;
      after = page.messages.at(-1)!.seq;
    }
    expect(all.map((m) => m.text).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`).sort());
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const m of acked) expect(all.find((x) => x.clientId === m.clientId)?.id).toBe(m.id);
    alice.disconnect();
    await second.close();
  });
});
