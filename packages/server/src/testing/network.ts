import { ParleyError, defaultSocketFactory, type ParleyClient, type WebSocketLike } from '@parley/sdk';
import type { TestServer } from './harness.js';
import { TEST_PASSWORD, eventually, testClient, uniqueName } from './clients.js';

/** An SDK client whose network a test can cut, as a flaky mobile network would. */
export interface FlakyClient {
  client: ParleyClient;
  /** Drops the current socket abruptly; the SDK notices and reconnects by itself. */
  dropConnection(): void;
  /** While offline the socket is dropped and every reconnect attempt fails. */
  setOffline(offline: boolean): Promise<void>;
}

export async function newFlakyClient(t: TestServer, prefix = 'flaky'): Promise<FlakyClient> {
  let current: WebSocketLike | null = null;
  let offline = false;
  const client = testClient(t, {
    reconnect: { baseMs: 20, maxMs: 200 },
    openSocket: async (url, headers) => {
      if (offline) throw new ParleyError({ code: 'network_error', message: 'offline (test)' });
      return (current = await defaultSocketFactory(url, headers));
    },
  });
  await client.register({ username: uniqueName(prefix), password: TEST_PASSWORD });
  const drop = () => current?.close(4000, 'test drop');
  return {
    client,
    dropConnection: drop,
    async setOffline(value) {
      offline = value;
      // A socket that was opening when the network went down may still connect: drop it too.
      await eventually(() => {
        if (value && client.connectionState === 'connected') drop();
        return value ? client.connectionState === 'reconnecting' : client.connectionState === 'connected';
      }, 10_000, value ? 'client offline' : 'client back online');
    },
  };
}
