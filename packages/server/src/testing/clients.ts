import { randomBytes } from 'node:crypto';
import { ParleyClient, type ClientEvents } from '@parley/sdk';
import type { TestServer } from './harness.js';

let counter = 0;

/** A unique, valid username with a readable prefix. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${(++counter).toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 32);
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Registers a fresh user and returns their logged-in SDK client (not yet connected). */
export async function newClient(t: TestServer, prefix = 'user', displayName?: string): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: t.url, reconnect: { baseMs: 50, maxMs: 500 } });
  await client.register({ username: uniqueName(prefix), password: TEST_PASSWORD, ...(displayName ? { displayName } : {}) });
  return client;
}

type Tuple<N extends number, T, Acc extends T[] = []> = Acc['length'] extends N ? Acc : Tuple<N, T, [...Acc, T]>;

/** Registers and connects several users. */
export async function connectedClients<N extends 1 | 2 | 3 | 4 | 5 | 6>(t: TestServer, count: N, prefix = 'user'): Promise<Tuple<N, ParleyClient>> {
  const clients = await Promise.all(Array.from({ length: count }, () => newClient(t, prefix)));
  await Promise.all(clients.map((c) => c.connect()));
  return clients as Tuple<N, ParleyClient>;
}

/** Records every event of one type a client receives. */
export function record<K extends keyof ClientEvents>(client: ParleyClient, type: K): ClientEvents[K][] {
  const seen: ClientEvents[K][] = [];
  client.on(type, (e) => seen.push(e));
  return seen;
}

/** Polls until the check passes (returns its value) or the time runs out. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
