import type { Logger } from 'pino';
import type { z } from 'zod';
import { isFetchRefused, type GuardedFetcher } from '../fetch/index.js';
import { ApiError } from '../lib/errors.js';

/** One size of a GIF, at the provider. */
export interface Rendition {
  url: string;
  width: number;
  height: number;
}

/** A provider's GIF, in the shape the rest of the feature uses whatever the provider. */
export interface ProviderGif {
  /** The provider's own id. */
  id: string;
  title: string;
  /** Animated, sized for a picker. */
  animated: Rendition;
  /** A still of it. */
  still: Rendition;
  /** What a message stores when the GIF is sent: the largest size that stays small (≈2 MB). */
  full: Rendition;
}

export type ProviderName = 'giphy' | 'tenor';

/** A GIF search API (Giphy, Tenor). Its requests carry the API key: it never appears in an error or a log. */
export interface GifProvider {
  readonly name: ProviderName;
  search(q: string, limit: number): Promise<ProviderGif[]>;
  /** The GIF with this id, or null when the provider has none. */
  find(id: string): Promise<ProviderGif | null>;
}

export interface ProviderContext {
  fetcher: GuardedFetcher;
  logger: Logger;
  /** The API's origin (and path prefix), without a trailing slash. */
  baseUrl: string;
  apiKey: string;
}

/** Provider ids become part of ours (`giphy-<id>`): anything else is left out of results. */
export const PROVIDER_ID = /^[A-Za-z0-9_]{1,64}$/;

const LABELS: Record<ProviderName, { label: string; setting: string }> = {
  giphy: { label: 'Giphy', setting: 'PARLEY_GIPHY_API_KEY' },
  tenor: { label: 'Tenor', setting: 'PARLEY_TENOR_API_KEY' },
};

const API_RESPONSE_BYTES = 2 * 1024 * 1024;

export const upstreamFailed = (message: string) => new ApiError('upstream_failed', message);

/**
 * GETs a provider API URL (which carries the key) through the guarded fetcher and parses its JSON.
 * Null for a 404. Every failure becomes an `upstream_failed` error that says what happened in
 * words of its own: nothing of the URL, the provider's answer or the network reaches the caller,
 * and the log records only the provider, the reason and the status.
 */
export async function getJson<S extends z.ZodType>(provider: ProviderName, ctx: ProviderContext, url: string, schema: S): Promise<z.output<S> | null> {
  const { label, setting } = LABELS[provider];
  let body: Buffer;
  try {
    body = (await ctx.fetcher.get(url, { accept: 'application/json', maxBytes: API_RESPONSE_BYTES })).body;
  } catch (err) {
    if (isFetchRefused(err, 'status') && err.status === 404) return null;
    const reason = isFetchRefused(err) ? err.reason : 'network';
    const status = isFetchRefused(err) ? err.status : undefined;
    ctx.logger.warn({ provider, reason, status }, 'GIF provider request failed');
    if (reason === 'timeout') throw upstreamFailed(`${label} did not answer in time; try again`);
    if (status === 401 || status === 403) throw upstreamFailed(`${label} refused this server's API key (an operator should check ${setting})`);
    if (status === 429) throw upstreamFailed(`${label} is limiting this server's searches; try again in a minute`);
    throw upstreamFailed(`${label} could not be reached; try again later`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    ctx.logger.warn({ provider, reason: 'unexpected_response' }, 'GIF provider request failed');
    throw upstreamFailed(`${label} sent an answer this server does not understand`);
  }
  return parsed.data;
}

/** Builds an API URL under the base: `path` plus query parameters (the key among them). */
export function apiUrl(ctx: ProviderContext, path: string, query: Record<string, string | number>): string {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${ctx.baseUrl}${path}?${search.toString()}`;
}

/** The items of a list that parse, mapped; a malformed item is skipped rather than failing the search. */
export function parseEach<S extends z.ZodType, T>(items: readonly unknown[], schema: S, map: (item: z.output<S>) => T | null): T[] {
  const out: T[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    const mapped = parsed.success ? map(parsed.data) : null;
    if (mapped) out.push(mapped);
  }
  return out;
}
