/**
 * The SDK (packages/sdk) against a real server. It lives here rather than in packages/sdk/src
 * because the sdk TypeScript project (rootDir/include = packages/sdk/src, referenced by the server
 * project) cannot include the server's test harness: tsc -b fails with TS6059/TS6307.
 */
import {
  defaultSocketFactory,
  ParleyClient,
  ParleyError,
  type ClientEvents,
  type ConnectionState,
  type Message,
  type SocketFactory,
  type WebSocketLike,
} from '@parley/sdk';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { eventually, failure, id, record, sleep, TEST_PASSWORD, testClient, uniqueName, UNKNOWN_ID } from './clients.js';
import { describeEachDialect, useTestServer } from './harness.js';

/**
 * A socket factory (the SDK's own, wrapped) whose network the test controls: cut the connection,
 * refuse new ones, hold back what the server sends, and see what was sent.
 */
function controlledNetwork() {
  /** The newest socket, and whether what arrives on it still reaches the client. */
  let current: { socket: WebSocketLike; heard: boolean } | null = null;
  const net = {
    /** New connections fail while true. */
    offline: false,
    /** Frames from the server are dropped while true (as if lost on the way). */
    muted: false,
    /** Every frame the client sent, in order. */
    sent: [] as string[],
    /** Loses the current connection: nothing more arrives on it, and it closes. */
    cut(): void {
      if (!current) return;
      current.heard = false;
      current.socket.close(4000, 'network cut (test)');
    },
    open: (async (url, headers) => {
      if (net.offline) throw new Error('network is down');
      const inner = await defaultSocketFactory(url, headers);
      const link = { socket: inner, heard: true };
      current = link;
      const socket: WebSocketLike = {
        get readyState() {
          return inner.readyState;
        },
        send: (data) => {
          net.sent.push(data);
          inner.send(data);
        },
        close: (code, reason) => inner.close(code, reason),
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
      inner.onopen = (ev) => socket.onopen?.(ev);
      inner.onmessage = (ev) => {
        if (link.heard && !net.muted) socket.onmessage?.(ev);
      };
      inner.onerror = (ev) => socket.onerror?.(ev);
      inner.onclose = (ev) => socket.onclose?.(ev);
      return socket;
    }) satisfies SocketFactory,
    sends(clientId: string): number {
      return net.sent.filter((f) => {
        const frame = JSON.parse(f) as { type?: string; clientId?: string };
        return frame.type === 'message.send' && frame.clientId === clientId;
      }).length;
    },
  };
  return net;
}

describe('SDK typing', () => {
  it('events and results are typed from the protocol', () => {
    const client = new ParleyClient({ baseUrl: 'http://127.0.0.1:9' });
    client.on('message.created', (e) => {
      expectTypeOf(e.message.text).toEqualTypeOf<string>();
      expectTypeOf(e.message.seq).toEqualTypeOf<number>();
      expectTypeOf(e.conversationId).toEqualTypeOf<string>();
      expectTypeOf(e.pos).toEqualTypeOf<number>();
      expectTypeOf(e.type).toEqualTypeOf<'message.created'>();
    });
    client.on('reaction.added', (e) => {
      expectTypeOf(e.emoji).toEqualTypeOf<string>();
      expectTypeOf(e.count).toEqualTypeOf<number>();
    });
    client.on('member.removed', (e) => expectTypeOf(e.reason).toEqualTypeOf<'left' | 'removed'>());
    client.on('connection', (e) => expectTypeOf(e.state).toEqualTypeOf<ConnectionState>());
    expectTypeOf<ClientEvents['typing']>().toEqualTypeOf<{ conversationId: string; userId: string; active: boolean }>();
    expectTypeOf<ClientEvents['presence']['status']>().toEqualTypeOf<'online' | 'away' | 'offline'>();
    expectTypeOf(client.sendMessage).returns.resolves.toEqualTypeOf<Message>();
    // @ts-expect-error: there is no such event
    client.on('message.exploded', () => undefined);
    // @ts-expect-error: a message.created event has no emoji
    client.on('message.created', (e) => e.emoji);
  });
});

describeEachDialect('SDK against a real server', (dialect) => {
  const suite = useTestServer(dialect);
  const { user } = suite;

  describe('errors', () => {
    it('a 404 is a ParleyError with code not_found and status 404, not retryable', async () => {
      const alice = await user('alice', false);
      const err = await failure(alice.getUser(UNKNOWN_ID));
      expect(err.code).toBe('not_found');
      expect(err.status).toBe(404);
      expect(err.message).toEqual(expect.any(String));
      expect(err.isRetryable()).toBe(false);
      expect(err.isRateLimited()).toBe(false);
      expect(err.retryAfterMs()).toBeNull();
    });

    it('a validation error carries details; a missing session is unauthorized', async () => {
      const alice = await user('alice', false);
      const err = await failure(alice.updateProfile({ avatarUrl: 'javascript:alert(1)' }));
      expect(err.code).toBe('validation_failed');
      expect(err.status).toBe(400);
      expect(err.details.map((d) => d.path)).toEqual([expect.stringContaining('avatarUrl')]);

      const anonymous = suite.client();
      const unauthorized = await failure(anonymous.me());
      expect(unauthorized.isUnauthorized()).toBe(true);
      expect(unauthorized.status).toBe(401);
    });

    it('an unreachable server is a retryable network_error', async () => {
      const client = new ParleyClient({ baseUrl: 'http://127.0.0.1:9' });
      const err = await failure(client.login('nobody', TEST_PASSWORD));
      expect(err.code).toBe('network_error');
      expect(err.status).toBeNull();
      expect(err.isRetryable()).toBe(true);
    });

    it('an error answered on the socket is a ParleyError with the HTTP-equivalent status', async () => {
      const alice = await user('alice');
      const bob = await user('bob', false);
      const carol = await user('carol', false);
      const dm = (await bob.createDm(id(carol))).conversation.id;
      const err = await failure(alice.sendMessage(dm, 'let me in'));
      expect(err.code).toBe('not_found');
      expect(err.status).toBe(404);
    });
  });

  describe('ended sessions', () => {
    it('a live socket whose session is logged out elsewhere emits sessionEnded and closes for good', async () => {
      const alice = await user('alice');
      const other = await suite.device(alice, false);
      const ended = record(alice, 'sessionEnded');
      await other.logout({ all: true });
      await eventually(() => ended.length === 1, 3000, 'sessionEnded');
      expect(alice.connectionState).toBe('closed');
      await sleep(300);
      expect(alice.connectionState).toBe('closed');
    });

    it('connecting with an ended session is refused: connect() rejects with unauthorized and sessionEnded fires', async () => {
      const alice = await user('alice', false);
      const token = alice.token;
      await alice.logout({ all: true });
      const stale = suite.track(new ParleyClient({ baseUrl: suite.t.url, token }));
      const ended = record(stale, 'sessionEnded');
      const outcome = await Promise.race([
        stale.connect().then(
          () => 'connected',
          (err: unknown) => err,
        ),
        sleep(1000).then(() => `connect() did not settle within 1 s (state ${stale.connectionState})`),
      ]);
      expect(outcome).toBeInstanceOf(ParleyError);
      expect((outcome as ParleyError).code).toBe('unauthorized');
      expect(ended).toHaveLength(1);
      expect(stale.connectionState).toBe('closed');
    });
  });

  describe('rate limits', () => {
    const limited = useTestServer(dialect, { PARLEY_RATE_SEND_PER_SECOND: '1', PARLEY_RATE_SEND_BURST: '2' });

    /** Alice sends Bob three messages in a row, one more than the burst allows; returns the refused one's error. */
    async function sendOverTheBurst(aliceConnected: boolean) {
      const alice = await limited.user('limited', aliceConnected);
      const bob = await limited.user('limited', false);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      await alice.sendMessage(dm, 'one');
      await alice.sendMessage(dm, 'two');
      const err = await failure(alice.sendMessage(dm, 'three'));
      return { alice, bob, dm, err };
    }

    it('a 429 over HTTP: isRateLimited(), retryAfterMs() > 0, and the send works after waiting', async () => {
      const { alice, bob, dm, err } = await sendOverTheBurst(false);
      expect(err.status).toBe(429);
      expect(err.code).toBe('rate_limited');
      expect(err.isRateLimited()).toBe(true);
      expect(err.isRetryable()).toBe(true);
      const wait = err.retryAfterMs();
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
      await sleep(wait! + 50);
      expect((await alice.sendMessage(dm, 'three')).seq).toBe(3);
      expect((await bob.messages(dm)).messages.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    });

    it('a rate-limited send over the socket is a ParleyError with isRateLimited() and retryAfterMs() > 0', async () => {
      const { alice, err } = await sendOverTheBurst(true);
      expect(err.isRateLimited()).toBe(true);
      expect(err.status).toBe(429);
      expect(err.retryAfterMs()).toBeGreaterThan(0);
      expect(alice.connectionState).toBe('connected');
    });
  });

  describe('outbox', () => {
    /** Alice, connected through a network the test controls, in a DM with Bob. */
    async function dmOverControlledNetwork(bobConnected: boolean) {
      const net = controlledNetwork();
      const alice = suite.track(testClient(suite.t, { openSocket: net.open, reconnect: { baseMs: 20, maxMs: 100 } }));
      await alice.register({ username: uniqueName('alice'), password: TEST_PASSWORD });
      await alice.connect();
      const bob = await user('bob', bobConnected);
      const dm = (await alice.createDm(id(bob))).conversation.id;
      return { net, alice, bob, dm };
    }

    it('a send made while connect() is still pending goes out once the socket is live', async () => {
      const alice = await user('alice', false);
      const bob = await user('bob');
      const atBob = record(bob, 'message.created');
      const dm = (await alice.createDm(id(bob))).conversation.id;

      const connecting = alice.connect();
      expect(alice.connectionState).toBe('connecting');
      const sending = alice.sendMessage(dm, 'sent while connecting');
      await connecting;
      const m = await sending;
      expect(m.text).toBe('sent while connecting');
      await eventually(() => atBob.some((e) => e.message.id === m.id), 3000, 'bob receives');
      expect((await bob.messages(dm)).messages.map((x) => x.id)).toEqual([m.id]);
    });

    it('a send made while reconnecting waits in the outbox and goes out once after the reconnect', async () => {
      const { net, alice, bob, dm } = await dmOverControlledNetwork(true);
      const atBob = record(bob, 'message.created');
      const states = record(alice, 'connection');

      net.offline = true;
      net.cut();
      await eventually(() => states.some((s) => s.state === 'reconnecting'), 3000, 'reconnecting');
      const sending = alice.sendMessage(dm, 'written in a tunnel', { clientId: 'tunnel-1' });
      await sleep(300);
      expect(alice.connectionState).toBe('reconnecting');
      expect(net.sends('tunnel-1')).toBe(0);
      expect((await bob.messages(dm)).messages).toEqual([]);

      net.offline = false;
      const m = await sending;
      expect(m).toMatchObject({ text: 'written in a tunnel', clientId: 'tunnel-1', seq: 1 });
      expect(alice.connectionState).toBe('connected');
      expect(net.sends('tunnel-1')).toBe(1);
      await eventually(() => atBob.some((e) => e.message.id === m.id), 3000, 'bob receives');
      await sleep(100);
      expect(atBob.filter((e) => e.conversationId === dm).map((e) => e.message.id)).toEqual([m.id]);
      expect((await bob.messages(dm)).messages.map((x) => x.id)).toEqual([m.id]);
    });

    it('a send whose ack was lost is resent after the reconnect and resolves with the one stored message', async () => {
      const { net, alice, bob, dm } = await dmOverControlledNetwork(false);

      // The frame reaches the server, the answer is lost, then the connection drops.
      net.muted = true;
      const sending = alice.sendMessage(dm, 'did this arrive?', { clientId: 'lost-ack-1' });
      const stored = await eventually(async () => (await bob.messages(dm)).messages[0], 3000, 'stored on the server');
      await sleep(100); // the ack has been sent by now, and dropped
      net.cut();
      net.muted = false; // the old socket delivers nothing more; the next one is heard again

      const m = await sending;
      expect(m.id).toBe(stored.id);
      expect(net.sends('lost-ack-1')).toBe(2);
      expect((await bob.messages(dm)).messages.map((x) => x.id)).toEqual([stored.id]);
    });
  });
});
