import { expect, it } from 'vitest';
import { newClient } from '../testing/clients.js';
import { describeEachDialect, useTestServer } from '../testing/harness.js';
import { RawSocket } from '../testing/raw.js';

describeEachDialect('heartbeat', (dialect) => {
  // The shortest interval allowed, spread over ten ticks of 100 ms.
  const suite = useTestServer(dialect, { PARLEY_WS_HEARTBEAT_MS: '1000' });

  it('drops sockets whose peer stopped answering pings, and keeps every socket that answers', async () => {
    const { t } = suite;
    const users = await Promise.all(['hb-a', 'hb-b', 'hb-c', 'hb-d'].map((p) => newClient(t, p)));
    // Several sockets, so that they fall in different slices of the heartbeat.
    const answering = await Promise.all(users.map((u) => RawSocket.live(t, { token: u.token })));
    const silent = await Promise.all(users.map((u) => RawSocket.live(t, { token: u.token, autoPong: false })));

    // A silent socket is pinged within one interval and dropped at its next turn, one interval later.
    const started = Date.now();
    await Promise.all(silent.map((s) => s.closed));
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(answering.map((s) => s.isClosed)).toEqual([false, false, false, false]);

    // Answering sockets stay open through further intervals.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(answering.map((s) => s.isClosed)).toEqual([false, false, false, false]);
    for (const s of answering) s.close();
  });
});
