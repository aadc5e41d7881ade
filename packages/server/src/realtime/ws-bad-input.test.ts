import type { Socket } from 'node:net';
import type { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, newClient, uniqueTag } from '../testing/clients.js';
import { describeEachDialect, startTestServer, type TestServer } from '../testing/harness.js';
import { api, RawSocket, type Frame } from '../testing/raw.js';

/** "Bad input gets a clear error and changes nothing", over a raw WebSocket; and slow readers. */

const KIB = 1024;

const errorOf = (f: Frame) => f.error as { code: string; message: string; details?: { path: string }[] };

describeEachDialect('bad WebSocket input', (dialect) => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let dm: string;
  let aliceWs: RawSocket;
  let bobWs: RawSocket;
  /** Texts of the valid sends: the conversation must hold exactly these. */
  const stored: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(dialect);
    alice = await newClient(t, 'alice');
    bob = await newClient(t, 'bob');
    dm = (await alice.createDm(bob.user!.id)).conversation.id;
    [aliceWs, bobWs] = await Promise.all([RawSocket.live(t, { token: alice.token }), RawSocket.live(t, { token: bob.token })]);
  });
  afterAll(async () => {
    aliceWs?.close();
    bobWs?.close();
    await t?.close();
  });

  /** The next frame (from now) that is an error, after sending this. */
  async function errorAfter(socket: RawSocket, send: () => void): Promise<Frame> {
    const from = socket.frames.length;
    send();
    return socket.waitFor((f) => f.type === 'error', 5_000, 'error frame', from);
  }

  /** The socket still answers a ping and still sends a message. */
  async function stillWorks(socket: RawSocket): Promise<void> {
    const pong = await socket.ping();
    expect(pong.type).toBe('pong');
    const text = `still works ${uniqueTag()}`;
    const ack = await socket.request({ type: 'message.send', conversationId: dm, clientId: `ok-${uniqueTag()}`, text });
    expect(ack.type, JSON.stringify(ack)).toBe('ack');
    expect((ack.message as { text: string }).text).toBe(text);
    stored.push(text);
  }

  it('malformed JSON: error invalid_json, socket stays usable', async () => {
    const e = await errorAfter(aliceWs, () => aliceWs.sendRaw('{"type":"ping",'));
    expect(errorOf(e).code).toBe('invalid_json');
    await stillWorks(aliceWs);
  });

  it('a binary frame: error bad_request', async () => {
    const e = await errorAfter(aliceWs, () => aliceWs.sendRaw(Buffer.from(JSON.stringify({ type: 'ping', id: 'bin' })), true));
    expect(errorOf(e).code).toBe('bad_request');
    await stillWorks(aliceWs);
  });

  it('an unknown frame type: error unknown_frame echoing the id', async () => {
    const e = await errorAfter(aliceWs, () => aliceWs.send({ type: 'message.destroy', id: 'u-1', conversationId: dm }));
    expect(e).toMatchObject({ type: 'error', id: 'u-1', error: { code: 'unknown_frame' } });
    const numeric = await errorAfter(aliceWs, () => aliceWs.send({ id: 77 }));
    expect(numeric).toMatchObject({ type: 'error', id: 77, error: { code: 'unknown_frame' } });
    // A server frame type is not a client frame type.
    const hello = await errorAfter(aliceWs, () => aliceWs.send({ type: 'hello', id: 'h' }));
    expect(hello).toMatchObject({ id: 'h', error: { code: 'unknown_frame' } });
    for (const raw of ['42', 'null', '[]', '"ping"', '{}', '{"type":null}']) {
      const err = await errorAfter(aliceWs, () => aliceWs.sendRaw(raw));
      expect(errorOf(err).code, raw).toBe('unknown_frame');
    }
    await stillWorks(aliceWs);
  });

  it('a valid type with wrong fields: error validation_failed echoing the id', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ type: 'message.send', id: 'v-1', conversationId: dm, clientId: 'c1', text: 42 }, 'frame.text'],
      [{ type: 'message.send', id: 'v-2', conversationId: dm, clientId: 'c2' }, 'frame.text'],
      [{ type: 'message.send', id: 'v-3', conversationId: 'not-an-id', clientId: 'c3', text: 'hi' }, 'frame.conversationId'],
      [{ type: 'message.send', id: 'v-4', conversationId: dm, clientId: 'c4', text: '€'.repeat(6_000) }, 'frame.text'],
      [{ type: 'message.send', id: 'v-5', conversationId: dm, clientId: 'c5', text: '   ' }, 'frame.text'],
      [{ type: 'message.send', id: 'v-6', conversationId: dm, clientId: 'c6', text: 'bell\u0007' }, 'frame.text'],
      [{ type: 'message.send', id: 'v-7', conversationId: dm, clientId: 'bad id!', text: 'hi' }, 'frame.clientId'],
      [{ type: 'read', id: 'v-8', conversationId: dm, seq: -1 }, 'frame.seq'],
      [{ type: 'read', id: 'v-9', conversationId: dm, seq: 1.5 }, 'frame.seq'],
      [{ type: 'resume', id: 'v-10', since: 'yesterday' }, 'frame.since'],
      [{ type: 'presence.set', id: 'v-11', status: 'invisible' }, 'frame.status'],
      [{ type: 'presence.subscribe', id: 'v-12', userIds: [] }, 'frame.userIds'],
      [{ type: 'typing', id: 'v-13', conversationId: dm, active: 'yes' }, 'frame.active'],
    ];
    for (const [frame, path] of bad) {
      const e = await errorAfter(aliceWs, () => aliceWs.send(frame));
      expect(e, JSON.stringify(frame).slice(0, 100)).toMatchObject({ type: 'error', id: frame.id, error: { code: 'validation_failed' } });
      expect(errorOf(e).details?.map((d) => d.path)).toContain(path);
    }
    // message.send requires an id: refused, and there is no id to echo.
    const noId = await errorAfter(aliceWs, () => aliceWs.send({ type: 'message.send', conversationId: dm, clientId: 'no-id', text: 'hi' }));
    expect(errorOf(noId).code).toBe('validation_failed');
    expect(noId.id).toBeUndefined();
    // An unknown conversation (a valid id) is not found, with the id echoed.
    const unknown = await aliceWs.request({ type: 'message.send', conversationId: '01JZ0000000000000000000000', clientId: 'c-unknown', text: 'hi' });
    expect(unknown).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    await stillWorks(aliceWs);
  });

  it('a frame over the size limit: error payload_too_large, the socket stays open', async () => {
    const big = JSON.stringify({ type: 'message.send', id: 'big', conversationId: dm, clientId: 'big', text: 'a'.repeat(100 * KIB) });
    const e = await errorAfter(aliceWs, () => aliceWs.sendRaw(big));
    expect(errorOf(e).code).toBe('payload_too_large');
    expect(aliceWs.isClosed).toBe(false);
    await stillWorks(aliceWs);
  });

  it('a frame over the hard limit closes that socket with 1009; the server serves the others', async () => {
    const victim = await RawSocket.live(t, { token: alice.token });
    victim.sendRaw(JSON.stringify({ type: 'ping', pad: 'x'.repeat(300 * KIB) }));
    expect((await victim.closed).code).toBe(1009);
    await stillWorks(aliceWs);
    await bobWs.ping();
    const again = await RawSocket.live(t, { token: alice.token });
    await stillWorks(again);
    again.close();
  });

  it('a flood of frames is rate limited without closing the socket', async () => {
    const flooder = await RawSocket.live(t, { token: bob.token });
    const from = flooder.frames.length;
    for (let i = 0; i < 300; i++) flooder.send({ type: 'ping', id: `f${i}` });
    const limited = await flooder.waitFor((f) => f.type === 'error', 5_000, 'rate limited', from);
    expect(errorOf(limited).code).toBe('rate_limited');
    await new Promise((r) => setTimeout(r, 300));
    expect((await flooder.ping()).type).toBe('pong');
    expect(flooder.isClosed).toBe(false);
    flooder.close();
  });

  it('nothing the bad frames carried was stored or delivered', async () => {
    await bobWs.ping();
    const history = (await alice.messages(dm, { limit: 100 })).messages.map((m) => m.text);
    expect(history).toEqual(stored);
    const created = bobWs.frames.filter((f) => f.type === 'message.created').map((f) => (f.message as { text: string }).text);
    expect(created).toEqual(stored);
  });
});

describeEachDialect('a client that does not read', (dialect) => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let slow: ParleyClient;
  let group: string;

  beforeAll(async () => {
    t = await startTestServer(dialect, { PARLEY_WS_MAX_BUFFERED_BYTES: '65536' });
    [alice, bob, slow] = await Promise.all([newClient(t, 'alice'), newClient(t, 'bob'), newClient(t, 'slow')]);
    group = (await alice.createGroup('busy room', [bob.user!.id, slow.user!.id])).conversation.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function slowDisconnects(): Promise<number> {
    const res = await fetch(`${t.url}/metrics`);
    const line = (await res.text()).split('\n').find((l) => l.startsWith('parley_ws_slow_consumer_disconnects_total'));
    return Number(line?.split(' ')[1] ?? 0);
  }

  it('is disconnected once its buffer is full, while the others receive everything', async () => {
    const bobWs = await RawSocket.live(t, { token: bob.token });
    const slowWs = await RawSocket.live(t, { token: slow.token });
    (slowWs.ws as unknown as { _socket: Socket })._socket.pause();

    const pad = 'x'.repeat(3 * KIB);
    let sent = 0;
    const sendBatch = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () => {
          const i = sent++;
          return api(t, 'POST', `/conversations/${group}/messages`, { token: alice.token, body: { clientId: `m${i}`, text: `${i} ${pad}` } }).then((r) => {
            if (r.status !== 201) throw new Error(`send ${i}: ${r.status} ${r.text}`);
          });
        }),
      );
    // Send until the server drops the reader (and a little more), at most 3,000 messages.
    while (sent < 3_000 && (await slowDisconnects()) === 0) {
      for (let k = 0; k < 5; k++) await sendBatch(40);
    }
    expect(await slowDisconnects()).toBeGreaterThanOrEqual(1);
    await sendBatch(50);

    // The server is responsive and the reading members got every message, in order.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    await eventually(() => bobWs.ofType('message.created').length >= sent, 20_000, `bob receives ${sent} messages`);
    const seqs = bobWs.ofType('message.created').map((f) => (f.message as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: sent }, (_, i) => i + 1));

    // Once it reads again, the slow client finds its socket closed.
    (slowWs.ws as unknown as { _socket: Socket })._socket.resume();
    const closed = await slowWs.closed;
    expect([4008, 1006]).toContain(closed.code);
    expect(slowWs.ofType('message.created').length).toBeLessThan(sent);

    // It can come back and pick up where it was.
    const back = await RawSocket.open(t, { token: slow.token });
    const lastPos = Math.max(slowWs.hello.pos, ...slowWs.frames.map((f) => (typeof f.pos === 'number' ? f.pos : 0)));
    const resumed = await back.resume(lastPos);
    expect(resumed.type).toBe('resumed');
    const all = [...slowWs.ofType('message.created'), ...back.ofType('message.created')].map((f) => (f.message as { seq: number }).seq);
    expect(new Set(all).size).toBe(sent);
    back.close();
    bobWs.close();
  });

  // Regression: replay wrote 500 events at a time, ignoring PARLEY_WS_MAX_BUFFERED_BYTES, so a
  // client with a large backlog was dropped as a slow consumer on every reconnect.
  it('a reader that missed a large backlog can resume it within the buffer bound', async () => {
    const first = await RawSocket.live(t, { token: slow.token });
    const since = first.hello.pos;
    first.close();
    const pad = 'y'.repeat(15 * KIB);
    const before = (await alice.messages(group, { limit: 1 })).messages[0]?.seq ?? 0;
    for (let k = 0; k < 12; k++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          api(t, 'POST', `/conversations/${group}/messages`, { token: alice.token, body: { clientId: `big-${k}-${j}`, text: `${k}.${j} ${pad}` } }),
        ),
      );
    }
    const back = await RawSocket.open(t, { token: slow.token });
    const resumed = await back.resume(since);
    expect(resumed.type).toBe('resumed');
    const seqs = back.ofType('message.created').map((f) => (f.message as { seq: number }).seq);
    expect(seqs.filter((s) => s > before)).toHaveLength(600);
    back.close();
  });
});
