import { CSRF_HEADER, needsCsrf, type ErrorBody, type RouteDef, type RouteInput, type RouteResponse } from '@parley/protocol';
import { ParleyError } from './errors.js';

export type FetchLike = (
  input: string,
  init: { method: string; headers: Record<string, string>; body?: string | ReadableStream<Uint8Array>; credentials?: 'include' | 'same-origin'; duplex?: 'half'; signal?: AbortSignal },
) => Promise<{
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer?(): Promise<ArrayBuffer>;
}>;

/** What an upload can read from: bytes, a browser Blob/File, or a Node stream (any async iterable of bytes). */
export type UploadData = Uint8Array | Blob | AsyncIterable<Uint8Array>;

export interface TransferOptions {
  /** Called as bytes go out: `sent` so far, of `total` when known. */
  onProgress?: (progress: { sent: number; total: number | null }) => void;
  signal?: AbortSignal;
}

const CHUNK = 256 * 1024;

type Response = Awaited<ReturnType<FetchLike>>;

/** Calls protocol routes: fills the path, encodes the query, sends JSON, turns errors into ParleyError. */
export class HttpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | null,
    private readonly fetchImpl: FetchLike,
    /** The CSRF value to send with writes when the session is a browser cookie. */
    private readonly csrf: () => string | null = () => null,
  ) {}

  /** Absolute URL of a route, or of a server path such as an attachment's `url`. */
  url<R extends RouteDef>(route: R | string, input?: RouteInput<R>): string {
    if (typeof route === 'string') return /^https?:/.test(route) ? route : `${this.baseUrl}${route}`;
    const { params, query } = (input ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown> };
    let path = route.path.replace(/:(\w+)/g, (_, name: string) => {
      const value = params?.[name];
      if (value === undefined) throw new ParleyError({ code: 'validation_failed', message: `missing path parameter ${name}` });
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      search.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    if ([...search.keys()].length > 0) path += `?${search.toString()}`;
    return `${this.baseUrl}/api/v1${path}`;
  }

  private headers(method = 'GET'): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const csrf = needsCsrf(method) ? this.csrf() : null;
    if (csrf) headers[CSRF_HEADER] = csrf;
    return headers;
  }

  async call<R extends RouteDef>(route: R, input: RouteInput<R>): Promise<RouteResponse<R>> {
    const { body } = input as { body?: unknown };
    const headers = this.headers(route.method);
    const init: Parameters<FetchLike>[1] = { method: route.method, headers, credentials: 'include' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.json<R>(await this.send(this.url(route, input), init));
  }

  /**
   * A GET that revalidates what the caller kept: sent with `If-None-Match: <etag>`, it resolves to
   * null when the server answers 304 (unchanged), else to the body and its new ETag.
   */
  async callIfChanged<R extends RouteDef>(route: R, input: RouteInput<R>, etag: string | null): Promise<{ body: RouteResponse<R>; etag: string | null } | null> {
    const headers = this.headers();
    if (etag) headers['if-none-match'] = etag;
    const response = await this.send(this.url(route, input), { method: route.method, headers, credentials: 'include' });
    if (response.status === 304) return null;
    return { body: await this.json<R>(response), etag: response.headers.get('etag') };
  }

  /**
   * Streams bytes to an upload route, reporting progress. In browsers it uses XMLHttpRequest (the
   * only API with upload progress); elsewhere a streamed fetch body.
   */
  async upload<R extends RouteDef>(route: R, input: RouteInput<R>, data: UploadData, options: TransferOptions = {}): Promise<RouteResponse<R>> {
    const url = this.url(route, input);
    const total = data instanceof Uint8Array ? data.byteLength : isBlob(data) ? data.size : null;
    if (typeof XMLHttpRequest !== 'undefined' && (data instanceof Uint8Array || isBlob(data))) {
      return this.json<R>(await this.xhrUpload(route.method, url, data, total, options));
    }
    const headers: Record<string, string> = { ...this.headers(route.method), 'content-type': 'application/octet-stream' };
    if (total !== null) headers['content-length'] = String(total);
    const init: Parameters<FetchLike>[1] = { method: route.method, headers, credentials: 'include', body: countingStream(data, total, options.onProgress), duplex: 'half' };
    if (options.signal) init.signal = options.signal;
    return this.json<R>(await this.send(url, init));
  }

  /** The bytes of a file route or server path (e.g. an attachment's `url`), with its type. */
  async download(pathOrRoute: string): Promise<{ bytes: Uint8Array; contentType: string | null; contentDisposition: string | null }> {
    const response = await this.send(this.url(pathOrRoute), { method: 'GET', headers: { ...this.headers(), accept: '*/*' }, credentials: 'include' });
    if (!response.ok) await this.json(response);
    if (!response.arrayBuffer) throw new ParleyError({ code: 'internal', message: 'This fetch implementation cannot read binary bodies' });
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type'),
      contentDisposition: response.headers.get('content-disposition'),
    };
  }

  private async send(url: string, init: Parameters<FetchLike>[1]): Promise<Response> {
    try {
      return await this.fetchImpl(url, init);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw new ParleyError({ code: 'network_error', message: 'The request was cancelled' });
      throw new ParleyError({ code: 'network_error', message: `Cannot reach the server: ${(err as Error).message}` });
    }
  }

  private async json<R extends RouteDef>(response: Response): Promise<RouteResponse<R>> {
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ParleyError({ code: 'internal', message: `Server answered ${response.status} with a body that is not JSON` }, response.status);
    }
    if (!response.ok) {
      const error = (json as ErrorBody | undefined)?.error;
      throw ParleyError.fromPayload(
        error ?? { code: 'internal', message: `Server answered ${response.status}` },
        response.status,
        response.headers.get('retry-after'),
      );
    }
    return json as RouteResponse<R>;
  }

  private xhrUpload(method: string, url: string, data: Uint8Array | Blob, total: number | null, options: TransferOptions): Promise<Response> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.withCredentials = true;
      for (const [k, v] of Object.entries(this.headers(method))) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => options.onProgress?.({ sent: e.loaded, total: e.lengthComputable ? e.total : total });
      xhr.onload = () =>
        resolve({
          status: xhr.status,
          ok: xhr.status >= 200 && xhr.status < 300,
          headers: { get: (name) => xhr.getResponseHeader(name) },
          text: async () => xhr.responseText,
        });
      xhr.onerror = () => reject(new ParleyError({ code: 'network_error', message: 'The upload failed: network error' }));
      xhr.onabort = () => reject(new ParleyError({ code: 'network_error', message: 'The upload was cancelled' }));
      options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data);
    });
  }
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}

async function* chunksOf(data: UploadData): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.byteLength; i += CHUNK) yield data.subarray(i, i + CHUNK);
  } else if (isBlob(data)) {
    const reader = data.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } else {
    yield* data;
  }
}

/** A pull-based body: the next chunk is read only when the network takes the previous one. */
function countingStream(data: UploadData, total: number | null, onProgress: TransferOptions['onProgress']): ReadableStream<Uint8Array> {
  const source = chunksOf(data);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.next();
      if (done) {
        controller.close();
        return;
      }
      sent += value.byteLength;
      onProgress?.({ sent, total });
      controller.enqueue(value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
