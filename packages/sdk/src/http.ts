import type { ErrorBody, RouteDef, RouteInput, RouteResponse } from '@parley/protocol';
import { ParleyError } from './errors.js';

export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body?: string; credentials?: 'include' | 'same-origin' }) => Promise<{
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/** Calls protocol routes: fills the path, encodes the query, sends JSON, turns errors into ParleyError. */
export class HttpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | null,
    private readonly fetchImpl: FetchLike,
  ) {}

  async call<R extends RouteDef>(route: R, input: RouteInput<R>): Promise<RouteResponse<R>> {
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
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
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const init: Parameters<FetchLike>[1] = { method: route.method, headers, credentials: 'include' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/api/v1${path}`, init);
    } catch (err) {
      throw new ParleyError({ code: 'network_error', message: `Cannot reach the server: ${(err as Error).message}` });
    }
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
}
