import { randomBytes } from 'node:crypto';
import { ParleyClient, ParleyError, type ClientEvents, type ConversationSummary, type ParleyClientOptions } from '@parley/sdk';
import { expect } from 'vitest';
import type { TestServer } from './harness.js';

let counter = 0;

/** A unique, valid username with a readable prefix. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${(++counter).toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 32);
}

/** Eight random lower-case letters: unique per call, and valid inside usernames, channel names and display names. */
export function uniqueTag(): string {
  return Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A valid id (ULID) that belongs to nobody. */
export const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** An SDK client of the test server, not logged in, that reconnects quickly after a drop. */
export function testClient(t: TestServer, options: Omit<ParleyClientOptions, 'baseUrl'> = {}): ParleyClient {
  return new ParleyClient({ baseUrl: t.url, reconnect: { baseMs: 50, maxMs: 500 }, ...options });
}

/** Registers a fresh user and returns their logged-in SDK client (not yet connected). */
export async function newClient(t: TestServer, prefix = 'user', displayName?: string): Promise<ParleyClient> {
  const client = testClient(t);
  await client.register({ username: uniqueName(prefix), password: TEST_PASSWORD, ...(displayName ? { displayName } : {}) });
  return client;
}

/** The user id of a logged-in client. */
export const id = (client: ParleyClient): string => client.user!.id;

/** Records every event of one type a client receives. */
export function record<K extends keyof ClientEvents>(client: ParleyClient, type: K): ClientEvents[K][] {
  const events: ClientEvents[K][] = [];
  client.on(type, (e) => events.push(e));
  return events;
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

/** Waits (3 s by default) for an event recorded with `record` that matches, and returns it. */
export function seen<T>(events: readonly T[], match: (event: T) => boolean, what: string, timeoutMs = 3000): Promise<T> {
  return eventually(() => events.find(match), timeoutMs, what);
}

/** Awaits an SDK call that must fail, and returns its ParleyError for the test to check. */
export async function failure(call: Promise<unknown>): Promise<ParleyError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ParleyError);
    return err as ParleyError;
  }
  throw new Error('expected the call to fail');
}

/** The client's entry for one conversation in its conversation list (fails if it is not there). */
export async function summary(client: ParleyClient, conversationId: string): Promise<ConversationSummary> {
  const found = (await client.conversations()).find((s) => s.conversation.id === conversationId);
  if (!found) throw new Error(`${conversationId} is not in the list`);
  return found;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
