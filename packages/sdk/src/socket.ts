import {
  closeCodes,
  type AckFrame,
  type ClientFrame,
  type DurableEvent,
  type EphemeralEvent,
  type HelloFrame,
  type RequestId,
} from '@parley/protocol';
import { TypedEmitter } from './emitter.js';
import { ParleyError } from './errors.js';

/** The part of the WebSocket API the SDK uses (browsers' WebSocket and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** Opens a socket to `url`, sending `headers` where the platform allows (Node). */
export type SocketFactory = (url: string, headers: Record<string, string>) => Promise<WebSocketLike>;

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SocketEvents extends Record<string, unknown> {
  /** Every durable event, in log order, each exactly once. */
  event: DurableEvent;
  ephemeral: EphemeralEvent;
  state: { state: ConnectionState; error?: ParleyError };
  /** Replay after a reconnect finished; `replayed` events were delivered before this. */
  resumed: { pos: number; replayed: number };
  /** The gap was too old to replay: refetch state (conversations, recent history). */
  resync: { pos: number; reason: string };
  /** A server error not tied to a request (e.g. a malformed frame the SDK sent). */
  error: ParleyError;
  /** The session was logged out (here or elsewhere); the socket will not reconnect. */
  sessionEnded: { reason: string };
}

export interface SocketOptions {
  /** ws(s)://host/api/v1/ws */
  url: string;
  open: SocketFactory;
  /** Headers (Node: Authorization) or query (browsers: ticket) for the next connection attempt. */
  credentials(): Promise<{ query: Record<string, string>; headers: Record<string, string> }>;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  requestTimeoutMs: number;
  random: () => number;
}

interface PendingRequest {
  frame: Extract<ClientFrame, { id?: RequestId }>;
  resolve(ack: AckFrame): void;
  reject(err: ParleyError): void;
  /** Message sends survive reconnects (their clientId makes the resend safe); others fail. */
  outbox: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  sent: boolean;
}

const OPEN = 1;

type RequestFrame = Extract<ClientFrame, { id?: RequestId }>;
/** A request frame without its id (assigned here); distributes over the union of frames. */
export type RequestFrameInput = RequestFrame extends infer F ? (F extends unknown ? Omit<F, 'id'> : never) : never;
/** Close code the SDK uses locally when the server refused the handshake as unauthenticated. */
export const UNAUTHORIZED_CLOSE = 4401;

/**
 * The live connection: reconnects with jittered exponential backoff, resumes from the last position
 * it saw so every missed event arrives once and in order, resends queued messages after a
 * reconnect, and detects dead connections with application pings.
 */
export class RealtimeSocket extends TypedEmitter<SocketEvents> {
  state: ConnectionState = 'idle';
  /** Position of the newest event received; resume starts after it. */
  position: number | null = null;
  private ws: WebSocketLike | null = null;
  private attempts = 0;
  private retryAfterMs = 0;
  private nextRequestId = 1;
  private readonly pending = new Map<RequestId, PendingRequest>();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The network came back while an attempt was under way: do not back off after it. */
  private retryNow = false;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastReceivedAt = 0;
  private generation = 0;

  constructor(private readonly options: SocketOptions) {
    super();
  }

  /** Connects and resolves once live (resumed or resynced); rejects if the session is refused. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => {
      const off = this.on('state', ({ state, error }) => {
        if (state === 'connected') {
          off();
          resolve();
        } else if (state === 'closed') {
          off();
          reject(error ?? new ParleyError({ code: 'disconnected', message: 'Connection closed' }));
        }
      });
    });
    if (this.state === 'idle' || this.state === 'closed') {
      this.setState('connecting');
      void this.open();
    }
    return ready;
  }

  /** Closes for good (no reconnect); pending requests fail. */
  close(): void {
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    ws?.close(closeCodes.normal, 'client closed');
    this.failPending(() => true, new ParleyError({ code: 'disconnected', message: 'Connection closed' }));
    this.setState('closed');
  }

  /**
   * The device lost its network (a browser's `offline` event): drop the socket now rather than
   * wait for the heartbeat to notice, so sends queue in the outbox and the state says so.
   */
  networkLost(): void {
    if (this.ws) this.drop('network lost');
  }

  /** The network is back (`online`): reconnect at once instead of waiting out the backoff. */
  networkBack(): void {
    if (this.state !== 'reconnecting') return;
    this.attempts = 0;
    if (!this.reconnectTimer) {
      // An attempt is on its way, started while offline: if it fails, the next starts at once.
      this.retryNow = true;
      return;
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    void this.open();
  }

  /** Sends a frame that expects an ack; message sends wait in an outbox across reconnects. */
  request(frame: RequestFrameInput, options: { outbox?: boolean; timeoutMs?: number } = {}): Promise<AckFrame> {
    const id = `r${this.nextRequestId++}`;
    const full = { ...frame, id } as PendingRequest['frame'];
    return new Promise<AckFrame>((resolve, reject) => {
      const entry: PendingRequest = { frame: full, resolve, reject, outbox: options.outbox ?? false, timer: null, sent: false };
      const timeout = options.timeoutMs ?? this.options.requestTimeoutMs;
      if (timeout > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ParleyError({ code: 'timeout', message: `No answer within ${timeout} ms` }));
        }, timeout);
      }
      if (!entry.outbox && this.state !== 'connected') {
        if (entry.timer) clearTimeout(entry.timer);
        reject(new ParleyError({ code: 'disconnected', message: 'Not connected' }));
        return;
      }
      this.pending.set(id, entry);
      if (this.state === 'connected') this.transmit(entry);
    });
  }

  /** Fire-and-forget frames (typing, delivery receipts, presence); dropped while offline. */
  notify(frame: ClientFrame): void {
    if (this.state === 'connected' && this.ws?.readyState === OPEN) this.ws.send(JSON.stringify(frame));
  }

  private transmit(entry: PendingRequest): void {
    if (this.ws?.readyState !== OPEN) return;
    entry.sent = true;
    this.ws.send(JSON.stringify(entry.frame));
  }

  private setState(state: ConnectionState, error?: ParleyError): void {
    if (this.state === state && !error) return;
    this.state = state;
    this.emit('state', error ? { state, error } : { state });
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    let ws: WebSocketLike;
    try {
      const { query, headers } = await this.options.credentials();
      const url = new URL(this.options.url);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      ws = await this.options.open(url.toString(), headers);
    } catch (err) {
      if (generation !== this.generation) return;
      const error = err instanceof ParleyError ? err : new ParleyError({ code: 'network_error', message: (err as Error).message });
      if (error.isUnauthorized()) return this.endSession('unauthorized', error);
      return this.scheduleReconnect();
    }
    if (generation !== this.generation) {
      ws.close();
      return;
    }
    this.ws = ws;
    this.lastReceivedAt = Date.now();
    ws.onmessage = (ev) => {
      if (generation === this.generation) this.receive(typeof ev.data === 'string' ? ev.data : String(ev.data));
    };
    ws.onclose = (ev) => {
      if (generation === this.generation) this.closed(ev.code, ev.reason);
    };
    ws.onerror = () => undefined;
  }

  private receive(data: string): void {
    this.lastReceivedAt = Date.now();
    let frame: { type: string; pos?: number; id?: RequestId } & Record<string, unknown>;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame.pos === 'number' && frame.type !== 'resumed' && frame.type !== 'resync' && frame.type !== 'pong' && frame.type !== 'hello') {
      // A durable event: drop what was already seen (a replay can overlap live delivery).
      if (this.position !== null && frame.pos <= this.position) return;
      this.position = frame.pos;
      this.emit('event', frame as unknown as DurableEvent);
      return;
    }
    switch (frame.type) {
      case 'hello':
        return this.hello(frame as unknown as HelloFrame);
      case 'resumed':
        this.position = Math.max(this.position ?? 0, frame.pos ?? 0);
        this.emit('resumed', { pos: this.position, replayed: Number(frame.replayed ?? 0) });
        return this.live();
      case 'resync':
        this.position = frame.pos ?? 0;
        this.emit('resync', { pos: this.position, reason: String(frame.reason ?? '') });
        return this.live();
      case 'ack':
      case 'error':
        return this.settle(frame);
      case 'reconnect':
        this.retryAfterMs = Number(frame.retryAfterMs ?? 0);
        return;
      case 'pong':
        if (typeof frame.pos === 'number') this.position = Math.max(this.position ?? 0, frame.pos);
        return;
      case 'typing':
      case 'presence':
        this.emit('ephemeral', frame as unknown as EphemeralEvent);
        return;
    }
  }

  private hello(hello: HelloFrame): void {
    // First connection: start from now. Later ones: from the last event seen.
    const since = this.position ?? hello.pos;
    this.position = since;
    this.ws?.send(JSON.stringify({ type: 'resume', since }));
    this.startHeartbeat(hello.heartbeatIntervalMs);
  }

  private live(): void {
    this.attempts = 0;
    this.retryAfterMs = 0;
    this.setState('connected');
    for (const entry of this.pending.values()) this.transmit(entry);
  }

  private settle(frame: { type: string; id?: RequestId } & Record<string, unknown>): void {
    const entry = frame.id !== undefined ? this.pending.get(frame.id) : undefined;
    if (!entry) {
      if (frame.type === 'error') this.emit('error', ParleyError.fromPayload(frame.error as never));
      return;
    }
    this.pending.delete(frame.id!);
    if (entry.timer) clearTimeout(entry.timer);
    if (frame.type === 'ack') entry.resolve(frame as unknown as AckFrame);
    else entry.reject(ParleyError.fromPayload(frame.error as never));
  }

  private closed(code: number, reason: string): void {
    this.ws = null;
    this.stopHeartbeat();
    if (code === closeCodes.sessionEnded || code === UNAUTHORIZED_CLOSE) {
      return this.endSession(reason || 'session ended', new ParleyError({ code: 'unauthorized', message: 'Session ended: log in again' }));
    }
    this.failPending((p) => !p.outbox, new ParleyError({ code: 'disconnected', message: 'Connection lost' }));
    for (const p of this.pending.values()) p.sent = false;
    this.scheduleReconnect();
  }

  private endSession(reason: string, error: ParleyError): void {
    this.failPending(() => true, error);
    this.emit('sessionEnded', { reason });
    this.setState('closed', error);
  }

  /** Full jitter: a random delay up to an exponentially growing cap, at least what the server asked. */
  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const cap = Math.min(this.options.reconnectMaxMs, this.options.reconnectBaseMs * 2 ** this.attempts);
    const delay = this.retryNow ? 0 : Math.max(this.retryAfterMs, Math.floor(this.options.random() * cap));
    this.retryNow = false;
    this.attempts++;
    this.retryAfterMs = 0;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.open();
    }, delay);
  }

  private failPending(match: (p: PendingRequest) => boolean, error: ParleyError): void {
    for (const [id, p] of this.pending) {
      if (!match(p)) continue;
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(error);
    }
  }

  /** Pings on the server's interval; a socket silent for two intervals is presumed dead. */
  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    const every = Math.max(1_000, Math.min(intervalMs, 30_000));
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastReceivedAt > every * 2) return this.drop('heartbeat timeout');
      if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify({ type: 'ping' }));
    }, every);
    (this.heartbeatTimer as { unref?: () => void }).unref?.();
  }

  /** Gives up on the current socket as if it had closed, and reconnects with backoff. */
  private drop(reason: string): void {
    const ws = this.ws;
    this.closed(closeCodes.goingAway, reason);
    this.generation++;
    ws?.close();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}

