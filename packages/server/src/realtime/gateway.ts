import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { closeCodes } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthContext, Authenticator } from '../accounts/authenticator.js';
import type { DB } from '../db/schema.js';
import { errorBody } from '../http/error-handler.js';
import { ApiError } from '../lib/errors.js';
import type { Metrics } from '../observability/metrics.js';
import { Connection } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import type { FrameHandler } from './frame-handler.js';
import type { PresenceTracker } from './presence.js';

export const WS_PATH = '/api/v1/ws';

export interface GatewayOptions {
  allowedOrigins: readonly string[];
  publicUrl: string | null;
  trustProxy: boolean;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
}

/**
 * The WebSocket endpoint: checks Origin and authenticates at the handshake (ticket or bearer
 * token; tokens never in URLs), then wires each socket to the dispatcher and frame handler.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private heartbeat: NodeJS.Timeout | null = null;
  private beats = 0;
  /** Heartbeat ticks per interval: up to 30, at least 100 ms apart. */
  private readonly heartbeatSlices: number;
  private accepting = true;

  constructor(
    private readonly options: GatewayOptions,
    private readonly reader: Kysely<DB>,
    private readonly authenticator: Authenticator,
    private readonly dispatcher: Dispatcher,
    private readonly frames: FrameHandler,
    private readonly presence: PresenceTracker,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    // Frames between the soft limit (answered with an error) and this hard one close the socket.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes * 4, perMessageDeflate: false, clientTracking: false });
    this.heartbeatSlices = Math.max(1, Math.min(30, Math.floor(options.heartbeatMs / 100)));
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((err: unknown) => {
        this.logger.error({ err }, 'upgrade failed');
        reject(socket, new ApiError('internal', 'Upgrade failed'));
      });
    });
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs / this.heartbeatSlices);
    this.heartbeat.unref();
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  /** Sends every client a "reconnect" frame and closes its socket. */
  closeAll(reason: string, retryAfterMs: number): void {
    for (const c of [...this.dispatcher.connections()]) c.close(closeCodes.goingAway, reason, retryAfterMs);
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return reject(socket, new ApiError('not_found', `WebSocket endpoint is ${WS_PATH}`));
    if (!this.accepting) return reject(socket, new ApiError('unavailable', 'Server is shutting down'));
    if (!this.originAllowed(req)) return reject(socket, new ApiError('origin_not_allowed', 'This origin may not open a socket'));
    const auth = await this.authenticate(req, url);
    if (!auth) return reject(socket, new ApiError('unauthorized', 'Authenticate with a bearer token or a ticket'));
    const ip = this.clientIp(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, socket, auth, ip));
  }

  private async authenticate(req: IncomingMessage, url: URL): Promise<AuthContext | null> {
    const ticket = url.searchParams.get('ticket');
    if (ticket) return this.authenticator.fromTicket(ticket);
    return this.authenticator.tryFromRequest(req);
  }

  /** Browsers always send Origin; non-browser clients (SDK in Node, bots) send none. */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.options.allowedOrigins.includes(origin)) return true;
    try {
      const host = new URL(origin).host;
      if (this.options.publicUrl) return new URL(this.options.publicUrl).host === host;
      return host === req.headers.host;
    } catch {
      return false;
    }
  }

  private clientIp(req: IncomingMessage): string {
    const forwarded = req.headers['x-forwarded-for'];
    if (this.options.trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]!.trim();
    return req.socket.remoteAddress ?? 'unknown';
  }

  private async open(ws: WebSocket, socket: Duplex, auth: AuthContext, ip: string): Promise<void> {
    const c = new Connection(ws, socket, auth.userId, auth.sessionId, ip, this.options.maxBufferedBytes, () => this.metrics.slowConsumers.inc());
    this.metrics.connections.inc();
    this.dispatcher.register(c);
    const helloPos = this.dispatcher.position;
    c.cursor = helloPos;
    // Frames sent before the membership list is loaded wait for it.
    let ready: Promise<void> = Promise.resolve();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      ready = ready.then(() => this.frames.handle(c, data, isBinary));
    });
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('error', (err) => this.logger.debug({ err }, 'socket error'));
    ws.on('close', () => {
      c.closed = true;
      this.dispatcher.unregister(c);
      this.presence.disconnected(c.userId, c.id);
      this.metrics.connections.dec();
    });
    ready = (async () => {
      try {
        const { conversationIds, asOfPos } = await loadMemberships(this.reader, c.userId);
        if (c.closed) return;
        this.dispatcher.subscribeInitial(c, conversationIds, asOfPos);
        this.presence.connected(c.userId, c.id);
        c.sendControl({ type: 'hello', userId: c.userId, sessionId: c.sessionId, pos: helloPos, heartbeatIntervalMs: this.options.heartbeatMs });
      } catch (err) {
        this.logger.error({ err }, 'could not open socket');
        c.close(closeCodes.goingAway, 'server error', 1000);
      }
    })();
  }

  /**
   * Pings one slice of the sockets (by connection id), so that each is pinged once per heartbeat
   * interval. Pinging all of them at once wrote to every socket in one turn of the event loop:
   * 26-36 ms during which no send was answered, with 1,000 sockets.
   */
  private beat(): void {
    const slices = this.heartbeatSlices;
    const slice = this.beats++ % slices;
    for (const c of this.dispatcher.connections()) {
      if (c.id % slices !== slice) continue;
      if (!c.alive) {
        c.terminate();
        continue;
      }
      c.alive = false;
      c.ping();
    }
  }
}

/** The user's conversations and the log position they are current as of, in one statement (one snapshot). */
async function loadMemberships(db: Kysely<DB>, userId: string): Promise<{ conversationIds: string[]; asOfPos: number }> {
  const rows = await db
    .selectFrom('event_head as h')
    .leftJoin('members as m', (join) => join.on('m.user_id', '=', userId))
    .select(['h.pos', 'm.conversation_id'])
    .where('h.id', '=', 1)
    .execute();
  return {
    asOfPos: rows[0]?.pos ?? 0,
    conversationIds: rows.flatMap((r) => (r.conversation_id ? [r.conversation_id] : [])),
  };
}

function reject(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(errorBody(error));
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[error.status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
