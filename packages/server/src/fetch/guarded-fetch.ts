import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import type { AllowRule } from './allowlist.js';
import { checkUrl, resolveDestination, systemLookup, type Destination, type LookupAll } from './destination.js';
import { FetchRefusedError } from './errors.js';
import { ACCEPT_ENCODING, readCappedBody } from './read-body.js';

export interface FetchPolicy {
  /** Operator exceptions to the address policy (see `parseFetchAllow`). */
  allow: readonly AllowRule[];
  /** For the whole fetch: DNS, every redirect hop and the body. Default 5 s. */
  timeoutMs?: number;
  /** Default body cap; `get` can lower or raise it per call. Default 2 MB. */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  userAgent?: string;
  /** Resolves host names; tests inject a fake. Default `dns.lookup(host, { all: true })`. */
  lookup?: LookupAll;
}

export interface FetchOptions {
  accept?: string;
  maxBytes?: number;
  /** Extra request headers, sent to the first URL's origin only; Authorization to the first URL only. */
  headers?: Record<string, string>;
  /**
   * Past `maxBytes`, answer with the first `maxBytes` bytes instead of refusing (a page whose
   * `<head>` is all that is read). The rest is never downloaded.
   */
  partial?: boolean;
  /** Cancels the fetch (shutdown): it rejects with reason 'aborted'. */
  signal?: AbortSignal;
}

export interface FetchedResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Headers a caller may not set: they belong to the connection, or would leak the server's state. */
const RESERVED_HEADERS = new Set([
  'host', 'cookie', 'cookie2', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization',
  'content-length', 'transfer-encoding', 'te', 'upgrade', 'expect', 'accept-encoding', 'user-agent', 'accept',
]);

/**
 * Fetches URLs on behalf of users (link previews, GIF providers, webhooks) without letting them
 * reach the server's own network: every hop's addresses are checked, and the socket connects to
 * exactly the address that was checked.
 *
 * @example
 * const fetcher = new GuardedFetcher({ allow: parseFetchAllow(process.env.PARLEY_FETCH_ALLOW ?? '') });
 * const page = await fetcher.get('https://example.com/', { accept: 'text/html', maxBytes: 512 * 1024 });
 */
export class GuardedFetcher {
  readonly #allow: readonly AllowRule[];
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxRedirects: number;
  readonly #userAgent: string;
  readonly #lookup: LookupAll;

  constructor(policy: FetchPolicy) {
    this.#allow = policy.allow;
    this.#timeoutMs = policy.timeoutMs ?? 5_000;
    this.#maxBytes = policy.maxBytes ?? 2 * 1024 * 1024;
    this.#maxRedirects = policy.maxRedirects ?? 3;
    this.#userAgent = policy.userAgent ?? 'ParleyBot/1.0 (+link previews)';
    this.#lookup = policy.lookup ?? systemLookup;
  }

  /** GET with the guards; resolves for any final 2xx; non-2xx rejects with reason 'status'. */
  async get(url: string, options: FetchOptions = {}): Promise<FetchedResponse> {
    const first = checkUrl(url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const cancel = () => controller.abort();
    options.signal?.addEventListener('abort', cancel, { once: true });
    if (options.signal?.aborted) cancel();
    const hop = { host: first.hostname };
    try {
      return await this.#follow(first, options, controller.signal, hop);
    } catch (error) {
      if (options.signal?.aborted) throw new FetchRefusedError('aborted', `refused: the fetch from ${hop.host} was cancelled`);
      if (controller.signal.aborted) {
        throw new FetchRefusedError('timeout', `refused: ${hop.host} did not answer within ${this.#timeoutMs} ms`);
      }
      controller.abort(); // whatever is still open for this fetch
      if (error instanceof FetchRefusedError) throw error;
      throw new FetchRefusedError('network', `refused: could not fetch from ${hop.host}`);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', cancel);
    }
  }

  async #follow(first: URL, options: FetchOptions, signal: AbortSignal, hop: { host: string }): Promise<FetchedResponse> {
    const maxBytes = options.maxBytes ?? this.#maxBytes;
    let url = first;
    for (let redirects = 0; ; redirects++) {
      hop.host = url.hostname;
      const destination = await untilAborted(resolveDestination(url, this.#allow, this.#lookup), signal);
      const res = await send(destination, this.#headers(options, first, url, redirects), signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;

      if (REDIRECTS.has(status) && location !== undefined) {
        res.destroy();
        if (redirects >= this.#maxRedirects) {
          throw new FetchRefusedError('redirects', `refused: more than ${this.#maxRedirects} redirects from ${first.hostname}`);
        }
        url = checkUrl(location, url);
        continue;
      }
      if (status < 200 || status > 299) {
        res.destroy();
        throw new FetchRefusedError('status', `refused: ${url.hostname} answered with status ${status}`, status);
      }
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes && !options.partial) {
        res.destroy();
        throw new FetchRefusedError('too_large', `refused: the response from ${url.hostname} is larger than ${maxBytes} bytes`);
      }

      const { body, decoded } = await readCappedBody(res, maxBytes, url.hostname, options.partial ?? false);
      const headers = flattenHeaders(res);
      if (decoded) {
        delete headers['content-encoding'];
        delete headers['content-length'];
      }
      return { url: url.href, status, contentType: headers['content-type'] ?? null, headers, body };
    }
  }

  #headers(options: FetchOptions, first: URL, url: URL, redirects: number): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    // A redirect must not carry the caller's credentials or API keys to another origin.
    if (url.origin === first.origin) {
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        const lower = name.toLowerCase();
        if (RESERVED_HEADERS.has(lower) || (lower === 'authorization' && redirects > 0)) continue;
        headers[lower] = value;
      }
    }
    headers['user-agent'] = this.#userAgent;
    headers['accept'] = options.accept ?? '*/*';
    headers['accept-encoding'] = ACCEPT_ENCODING;
    return headers;
  }
}

/** Sends the GET to the checked addresses only; Host and TLS SNI stay the URL's hostname. */
function send(destination: Destination, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<IncomingMessage> {
  const { url, host, addresses } = destination;
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers,
      agent: false,
      signal,
      lookup: pinnedLookup(addresses),
      ...(url.protocol === 'https:' && net.isIP(host) === 0 ? { servername: host } : {}),
    });
    req.once('response', resolve);
    // `on`, not `once`: a late error (an abort after the response) must not go unhandled.
    req.on('error', reject);
    req.end();
  });
}

/**
 * A `lookup` for the socket that answers with the addresses already checked, so a DNS answer that
 * changes between the check and the connection (rebinding) is never used.
 */
function pinnedLookup(addresses: Destination['addresses']): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses.map((a) => ({ ...a })));
    else {
      const first = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0];
      if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '');
    }
  };
}

/** Settles with the promise, or rejects as soon as the signal aborts (DNS cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
