import { ErrorBody, type ErrorCode, type HelloFrame } from '@parley/protocol';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { TestServer } from './harness.js';

/**
 * Raw HTTP and WebSocket helpers for tests that must send what the SDK never would (bad input,
 * foreign origins, revoked tokens) and look at exactly what comes back.
 */

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON; `T` is what the caller expects it to be. */
  json: T;
}

export interface RawRequest {
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string | null;
  /** Serialised as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Sent as is (with `contentType`, default application/json). */
  rawBody?: string;
  contentType?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls `/api/v1<path>` with exactly the given method, headers and body. */
export async function api<T = unknown>(t: TestServer, method: string, path: string, req: RawRequest = {}): Promise<RawResponse<T>> {
  const qs = req.query ? '?' + new URLSearchParams(req.query).toString() : '';
  return rawFetch<T>(`${t.url}/api/v1${path}${qs}`, method, req);
}

export async function rawFetch<T = unknown>(url: string, method: string, req: RawRequest = {}): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  let body: string | undefined;
  if (req.rawBody !== undefined) {
    body = req.rawBody;
    headers['content-type'] ??= req.contentType ?? 'application/json';
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] ??= req.contentType ?? 'application/json';
  }
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

/** Asserts the response is the one JSON error shape with this status (and code), and returns the payload. */
export function expectError(res: RawResponse, status: number, code?: ErrorCode | readonly ErrorCode[]): ErrorBody['error'] {
  expect(res.status, `status (body ${res.text.slice(0, 300)})`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const parsed = ErrorBody.safeParse(res.json);
  expect(parsed.success, `error body shape: ${res.text.slice(0, 300)}`).toBe(true);
  const error = parsed.data!.error;
  if (typeof code === 'string') expect(error.code).toBe(code);
  else if (code) expect(code).toContain(error.code);
  return error;
}

export interface RawSocketOptions {
  token?: string | null;
  /** False: the socket never answers the server's pings (a peer that silently went away). */
  autoPong?: boolean;
  headers?: Record<string, string>;
  origin?: string;
  query?: Record<string, string>;
}

/** What a refused upgrade answered. */
export interface Refusal {
  status: number;
  body: string;
}

function socketUrl(t: TestServer, query?: Record<string, string>): string {
  return t.wsUrl + (query ? '?' + new URLSearchParams(query).toString() : '');
}

function socketHeaders(opts: RawSocketOptions): Record<string, string> {
  return { ...(opts.headers ?? {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
}

/** Tries to open a socket that should be refused at the handshake; resolves with the HTTP answer. */
export function refusedUpgrade(t: TestServer, opts: RawSocketOptions = {}): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(t, opts.query), { headers: socketHeaders(opts), ...(opts.origin ? { origin: opts.origin } : {}) });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

export type Frame = Record<string, unknown> & { type?: string };

let requestCounter = 0;
export const nextRequestId = () => `r${++requestCounter}`;

/** A raw `ws` socket that records every frame it receives. */
export class RawSocket {
  /** Every text frame, parsed, in order of arrival. */
  readonly frames: Frame[] = [];
  /** The same frames as the exact text received. */
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  isClosed = false;
  hello!: HelloFrame;
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('message', (data, isBinary) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
      this.texts.push(isBinary ? `<binary>${text}` : text);
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        frame = { type: '<unparsable>', text };
      }
      this.frames.push(frame);
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /** Opens a socket and waits for its `hello` (not yet resumed: no events until `resume`). */
  static async open(t: TestServer, opts: RawSocketOptions = {}): Promise<RawSocket> {
    const ws = new WebSocket(socketUrl(t, opts.query), {
      headers: socketHeaders(opts),
      autoPong: opts.autoPong ?? true,
      ...(opts.origin ? { origin: opts.origin } : {}),
    });
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once('error', reject);
    });
    socket.hello = (await socket.waitFor((f) => f.type === 'hello', 5_000, 'hello')) as unknown as HelloFrame;
    return socket;
  }

  /** Opens a socket and resumes from its hello position: it receives live events from then on. */
  static async live(t: TestServer, opts: RawSocketOptions = {}): Promise<RawSocket> {
    const socket = await RawSocket.open(t, opts);
    await socket.resume();
    return socket;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Waits for a frame (received at or after index `from`) that passes the check. */
  waitFor(check: (f: Frame) => boolean, timeoutMs = 5_000, what = 'frame', from = 0): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const look = () => {
        for (let i = from; i < this.frames.length; i++) {
          const f = this.frames[i]!;
          if (check(f)) {
            done();
            resolve(f);
            return;
          }
        }
        if (this.isClosed) {
          done();
          reject(new Error(`socket closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; got ${this.texts.slice(-5).join(' | ').slice(0, 1000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(look);
      };
      this.waiters.add(look);
      look();
    });
  }

  /** Sends a frame with a fresh `id` and waits for the ack or error frame carrying that id. */
  async request(frame: Record<string, unknown>, timeoutMs = 5_000): Promise<Frame> {
    const id = nextRequestId();
    const from = this.frames.length;
    this.send({ ...frame, id });
    return this.waitFor((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, timeoutMs, `answer to ${String(frame.type)}`, from);
  }

  async resume(since?: number): Promise<Frame> {
    const from = this.frames.length;
    this.send({ type: 'resume', since: since ?? this.hello.pos });
    return this.waitFor((f) => f.type === 'resumed' || f.type === 'resync', 5_000, 'resumed', from);
  }

  /**
   * Pings and waits for the pong: every event dispatched before the ping that this socket may see
   * has been written to it by then (frames are handled in order).
   */
  async ping(timeoutMs = 5_000): Promise<Frame> {
    const id = nextRequestId();
    const from = this.frames.length;
    this.send({ type: 'ping', id });
    return this.waitFor((f) => f.type === 'pong' && f.id === id, timeoutMs, 'pong', from);
  }

  /** Frames of these types received at or after `from`. */
  ofType(type: string, from = 0): Frame[] {
    return this.frames.slice(from).filter((f) => f.type === type);
  }

  close(): void {
    if (!this.isClosed) this.ws.terminate();
  }
}
