import { readCookie } from '@parley/protocol';
import { ParleyError } from './errors.js';
import { UNAUTHORIZED_CLOSE, type SocketFactory, type WebSocketLike } from './socket.js';

export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

interface NodeWs {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  on(event: 'unexpected-response', cb: (req: { destroy(): void }, res: { statusCode?: number }) => void): void;
}

/**
 * Node: the `ws` package, which can send an Authorization header. A refused handshake (401) is
 * reported as close code 4401 so the client stops retrying.
 */
async function openNodeSocket(url: string, headers: Record<string, string>): Promise<WebSocketLike> {
  const { default: WebSocket } = (await import('ws')) as unknown as { default: new (url: string, opts: object) => NodeWs };
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  let refusedStatus: number | undefined;
  let closed = false;
  const onClosed = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    socket.onclose?.({ code, reason });
  };
  const socket: WebSocketLike = {
    get readyState() {
      return ws.readyState;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.on('open', () => socket.onopen?.({}));
  ws.on('message', (data, isBinary) => socket.onmessage?.({ data: isBinary ? data : data.toString('utf8') }));
  // A refused handshake ends with neither 'error' nor 'close' from ws once we take the response,
  // so it is reported here as a close.
  ws.on('unexpected-response', (req, res) => {
    refusedStatus = res.statusCode;
    req.destroy();
    onClosed(refusedStatus === 401 ? UNAUTHORIZED_CLOSE : 1006, `handshake refused (${refusedStatus ?? 'no status'})`);
  });
  ws.on('error', (err) => socket.onerror?.(err));
  ws.on('close', (code, reason) => onClosed(code, reason.toString()));
  return socket;
}

/** Browsers: the platform WebSocket (authenticated by cookie or by a ticket in the URL). */
async function openBrowserSocket(url: string): Promise<WebSocketLike> {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Ctor) throw new ParleyError({ code: 'network_error', message: 'No WebSocket implementation available' });
  return new Ctor(url);
}

export const defaultSocketFactory: SocketFactory = (url, headers) => (isNode ? openNodeSocket(url, headers) : openBrowserSocket(url));

/** A cookie of this page, or null outside a browser. */
export function pageCookie(name: string): string | null {
  return readCookie((globalThis as { document?: { cookie?: string } }).document?.cookie, name);
}
