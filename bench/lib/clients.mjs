// Setting up the population a scenario needs: users (registered over HTTP in parallel batches),
// conversations, and authenticated WebSocket connections that have resumed (are receiving live).
import WebSocket from 'ws';
import { mapConcurrent } from './http.mjs';

const PASSWORD = 'bench-password';

/**
 * Registers `count` users named <prefix>00000, <prefix>00001, ... (display names from
 * `displayNameOf(i)` if given); returns [{ id, username, displayName, password, token }].
 */
export async function registerUsers(http, count, { prefix = 'u', concurrency = 32, displayNameOf = null } = {}) {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapConcurrent(indexes, concurrency, async (i) => {
    const username = `${prefix}${String(i).padStart(5, '0')}`; // 3 characters at least
    const body = { username, password: PASSWORD, ...(displayNameOf ? { displayName: displayNameOf(i) } : {}) };
    const res = await http.json('POST', '/api/v1/auth/register', { body, expect: [201] });
    return { id: res.user.id, username, displayName: res.user.displayName, password: PASSWORD, token: res.token };
  });
}

/**
 * Creates one group per member list (the first user creates it; the others are added at creation).
 * Returns [{ id, members }].
 */
export async function createGroups(http, memberLists, { concurrency = 8 } = {}) {
  return mapConcurrent(memberLists, concurrency, async (members, i) => {
    const [creator, ...others] = members;
    const res = await http.json('POST', '/api/v1/conversations', {
      token: creator.token,
      body: { kind: 'group', title: `bench group ${i}`, memberIds: others.map((u) => u.id) },
      expect: [201],
    });
    return { id: res.conversation.id, members };
  });
}

/** Creates a DM for each [a, b] pair (a starts it); returns [{ id, members: [a, b] }]. */
export async function createDms(http, pairs, { concurrency = 16 } = {}) {
  return mapConcurrent(pairs, concurrency, async ([a, b]) => {
    const res = await http.json('POST', '/api/v1/conversations', { token: a.token, body: { kind: 'dm', userId: b.id }, expect: [200, 201] });
    return { id: res.conversation.id, members: [a, b] };
  });
}

/**
 * Sends `count` messages to a conversation over HTTP (POST .../messages), `concurrency` at a
 * time so that the server's group commit batches them; message i is sent by `senderOf(i)` with
 * the text `textOf(i)`. Returns the stored messages in order.
 */
export async function sendMessages(http, conversationId, count, { senderOf, textOf, concurrency = 64 }) {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapConcurrent(indexes, concurrency, (i) =>
    http.json('POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: senderOf(i).token,
      body: { clientId: `seed-${conversationId}-${i}`, text: textOf(i) },
      expect: [201],
    }),
  );
}

/**
 * One authenticated socket. Frames are handed to `onFrame(text, receivedAt)` as latin1 strings:
 * every frame we care about is ASCII, and latin1 decoding is the cheapest conversion, which keeps
 * the generator's receive path light.
 */
export class BenchSocket {
  constructor(ws, user) {
    this.ws = ws;
    this.user = user;
    this.hello = null;
    this.closed = null;
    this.onFrame = null;
    this.onClose = null;
  }

  send(text) {
    this.ws.send(text);
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/**
 * Opens a socket for `user`, waits for `hello`, and (with resume) sends `{type:"resume", since}`
 * and waits for `resumed`, after which live events flow.
 */
export function connect(wsUrl, user, { resume = true, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, {
      headers: { authorization: `Bearer ${user.token}` },
      perMessageDeflate: false,
      // The server's frames are valid UTF-8; checking each one would only load the generator.
      skipUTF8Validation: true,
    });
    const socket = new BenchSocket(ws, user);
    const timer = setTimeout(() => fail(new Error(`socket of ${user.username}: no ${socket.hello ? 'resumed' : 'hello'} within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    function fail(err) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    }
    function done() {
      settled = true;
      clearTimeout(timer);
      resolve(socket);
    }
    ws.on('message', (data) => {
      const text = data.toString('latin1');
      if (settled) {
        socket.onFrame?.(text, performance.now());
        return;
      }
      const frame = JSON.parse(text);
      if (frame.type === 'hello') {
        socket.hello = frame;
        if (!resume) return done();
        ws.send(JSON.stringify({ type: 'resume', since: frame.pos }));
      } else if (frame.type === 'resumed') {
        done();
      } else if (frame.type === 'error') {
        fail(new Error(`socket of ${user.username}: ${frame.error.code}: ${frame.error.message}`));
      }
    });
    ws.on('unexpected-response', (_req, res) => fail(new Error(`socket of ${user.username}: handshake answered ${res.statusCode}`)));
    ws.on('error', (err) => fail(err));
    ws.on('close', (code, reason) => {
      socket.closed = { code, reason: reason.toString() };
      if (!settled) fail(new Error(`socket of ${user.username} closed during setup: ${code} ${reason}`));
      else socket.onClose?.(code, reason.toString());
    });
  });
}

/** Connects every user (at most `concurrency` handshakes at a time), in the users' order. */
export function connectAll(wsUrl, users, { resume = true, concurrency = 100 } = {}) {
  return mapConcurrent(users, concurrency, (u) => connect(wsUrl, u, { resume }));
}

/** Terminates all sockets and waits briefly for them to be closed. */
export async function closeAll(sockets) {
  for (const s of sockets) s.close();
  await new Promise((r) => setTimeout(r, 200));
}
