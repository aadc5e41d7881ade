#!/usr/bin/env node
// The benchmark's reference server: the least a WebSocket broadcast server can do for the
// benchmark's fanout, max and dm scenarios. It speaks the subset of Parley's public API those
// scenarios use and keeps everything in memory: no storage, no fsync, no validation, no rate
// limits, no slow-consumer handling; "auth" is a map from random tokens to users. Run against it
// (`node bench/run.mjs --reference fanout max dm`), the benchmark measures what the machine, Node
// and the ws package reach with the same load generator, which calibrates Parley's figures.
//
// Listens on 127.0.0.1 and PARLEY_PORT (set by bench/lib/server.mjs); exits on SIGTERM.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PARLEY_PORT ?? 3000);
const WS_PATH = '/api/v1/ws';
/** Like Parley's sockets: text frames, even when the data is a Buffer. */
const TEXT = { binary: false };

const users = new Map(); // id → { id, username, displayName }
const usernames = new Set();
const tokens = new Map(); // token → user id
const conversations = new Map(); // id → { id, kind, title, members: Set<user id>, seq }
const dms = new Map(); // "<smaller id>:<larger id>" → conversation id
const socketsByUser = new Map(); // user id → Set<ws>
let pos = 0; // global event position, as Parley's event log has

const randomId = (bytes = 12) => randomBytes(bytes).toString('hex');

function userOf(authorization) {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  return match ? (users.get(tokens.get(match[1])) ?? null) : null;
}

// ---- HTTP -------------------------------------------------------------------------------------

function reply(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const apiError = (res, status, code, message) => reply(res, status, { error: { code, message } });

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function register(res, body) {
  const { username } = body;
  if (typeof username !== 'string' || usernames.has(username)) return apiError(res, 409, 'conflict', 'Username taken or missing');
  const user = { id: randomId(), username, displayName: username };
  const token = randomId(24);
  users.set(user.id, user);
  usernames.add(username);
  tokens.set(token, user.id);
  reply(res, 201, { user, token });
}

const conversationJson = (c) => ({ id: c.id, kind: c.kind, title: c.title, memberIds: [...c.members] });

function createConversation(res, user, body) {
  if (body.kind === 'group') {
    const c = { id: randomId(), kind: 'group', title: body.title ?? null, members: new Set([user.id, ...(body.memberIds ?? [])]), seq: 0 };
    conversations.set(c.id, c);
    return reply(res, 201, { conversation: conversationJson(c) });
  }
  if (body.kind === 'dm') {
    const key = [user.id, body.userId].sort().join(':');
    const existing = dms.get(key);
    if (existing) return reply(res, 200, { conversation: conversationJson(conversations.get(existing)) });
    const c = { id: randomId(), kind: 'dm', title: null, members: new Set([user.id, body.userId]), seq: 0 };
    conversations.set(c.id, c);
    dms.set(key, c.id);
    return reply(res, 201, { conversation: conversationJson(c) });
  }
  apiError(res, 400, 'bad_request', 'kind must be "group" or "dm"');
}

async function route(req, res) {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/readyz') return reply(res, 200, { status: 'ready' });
  // Empty on purpose: the benchmark's server counters (group commits, slow consumers) are null.
  if (req.method === 'GET' && path === '/metrics') return reply(res, 200, '', 'text/plain; version=0.0.4');
  if (req.method !== 'POST') return apiError(res, 404, 'not_found', 'Not found');
  const body = await readJson(req);
  if (body === undefined || body === null || typeof body !== 'object') return apiError(res, 400, 'invalid_json', 'Body is not a JSON object');
  if (path === '/api/v1/auth/register') return register(res, body);
  if (path === '/api/v1/conversations') {
    const user = userOf(req.headers.authorization);
    if (!user) return apiError(res, 401, 'unauthorized', 'Authenticate with a bearer token');
    return createConversation(res, user, body);
  }
  apiError(res, 404, 'not_found', 'Not found');
}

// ---- WebSocket --------------------------------------------------------------------------------

function sendError(ws, id, code, message) {
  ws.send(JSON.stringify({ type: 'error', ...(id !== undefined ? { id } : {}), error: { code, message } }));
}

/**
 * Stores nothing: the frame is built once as a string (every client-given string JSON-escaped),
 * converted to bytes once, and the same Buffer is written to every live socket of every member.
 */
function broadcast(ws, user, frame) {
  const c = conversations.get(frame.conversationId);
  if (!c || !c.members.has(user.id)) return sendError(ws, frame.id, 'not_found', 'Conversation not found');
  const seq = ++c.seq;
  const message =
    `{"id":"${randomId()}","conversationId":"${c.id}","seq":${seq},"senderId":"${user.id}",` +
    `"clientId":${JSON.stringify(String(frame.clientId))},"text":${JSON.stringify(String(frame.text))},"createdAt":"${new Date().toISOString()}"}`;
  const event = Buffer.from(`{"pos":${++pos},"type":"message.created","conversationId":"${c.id}","message":${message}}`);
  for (const member of c.members) {
    const sockets = socketsByUser.get(member);
    if (!sockets) continue;
    for (const s of sockets) if (s.live) s.send(event, TEXT);
  }
  ws.send(`{"type":"ack","id":${JSON.stringify(frame.id ?? null)},"message":${message}}`);
}

function onFrame(ws, user, data) {
  let frame;
  try {
    frame = JSON.parse(data.toString('utf8'));
  } catch {
    return sendError(ws, undefined, 'invalid_json', 'Frame is not valid JSON');
  }
  const type = frame?.type;
  if (type === 'message.send') return broadcast(ws, user, frame);
  if (type === 'resume') {
    // Nothing is stored, so nothing is replayed: the socket goes live at the current position.
    ws.live = true;
    return ws.send(JSON.stringify({ type: 'resumed', pos, replayed: 0 }));
  }
  sendError(ws, frame?.id, 'unknown_frame', `Unknown frame type ${JSON.stringify(type)}; the reference server knows message.send and resume`);
}

function open(ws, user) {
  // Like Parley, events go only to sockets that have resumed.
  ws.live = false;
  let sockets = socketsByUser.get(user.id);
  if (!sockets) socketsByUser.set(user.id, (sockets = new Set()));
  sockets.add(ws);
  ws.on('message', (data) => onFrame(ws, user, data));
  ws.on('close', () => sockets.delete(ws));
  ws.on('error', () => ws.terminate());
  ws.send(JSON.stringify({ type: 'hello', userId: user.id, pos }));
}

function rejectUpgrade(socket, status, reason) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

// ---- Server -----------------------------------------------------------------------------------

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    process.stderr.write(`request failed: ${err.stack ?? err}\n`);
    if (!res.headersSent) apiError(res, 500, 'internal', 'Internal error');
  });
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
server.on('upgrade', (req, socket, head) => {
  if (req.url.split('?')[0] !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
  const user = userOf(req.headers.authorization);
  if (!user) return rejectUpgrade(socket, 401, 'Unauthorized');
  wss.handleUpgrade(req, socket, head, (ws) => open(ws, user));
});
server.listen(PORT, HOST);

// The bench stops servers with SIGTERM; exit cleanly (code 0) rather than be killed by it.
process.on('SIGTERM', () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  for (const sockets of socketsByUser.values()) for (const s of sockets) s.terminate();
  setTimeout(() => process.exit(0), 1_000).unref();
});
