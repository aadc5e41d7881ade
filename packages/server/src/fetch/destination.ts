import dns from 'node:dns';
import { forbiddenRange } from './address-policy.js';
import { allowsAddress, allowsHost, type AllowRule } from './allowlist.js';
import { FetchRefusedError } from './errors.js';
import { parseIp } from './ip.js';

/** Resolves a host name to all of its addresses; `dns.lookup` unless a test injects one. */
export type LookupAll = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true });

/** Where a request may go: the URL, and the checked addresses it may connect to. */
export interface Destination {
  url: URL;
  /** The hostname without IPv6 brackets, for SNI and messages. */
  host: string;
  port: number;
  addresses: readonly { address: string; family: 4 | 6 }[];
}

/** Parses a URL (relative to `base` for redirects) and applies the checks that need no network. */
export function checkUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new FetchRefusedError('invalid_url', 'refused: not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchRefusedError('scheme', `refused: only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchRefusedError('credentials', `refused: URLs with credentials are not fetched (${url.hostname})`);
  }
  return url;
}

/**
 * Resolves the URL's host and checks every address: one forbidden address refuses the whole
 * destination, since the connection could otherwise be steered to it. IP literals skip DNS.
 */
export async function resolveDestination(url: URL, allow: readonly AllowRule[], lookup: LookupAll): Promise<Destination> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const candidates = parseIp(host) ? [{ address: host }] : await resolve(host, lookup);

  const hostAllowed = allowsHost(allow, host, port);
  const addresses = candidates.map(({ address }) => {
    const ip = parseIp(address);
    if (!ip) throw new FetchRefusedError('dns', `refused: ${host} did not resolve to an IP address`);
    if (!hostAllowed && forbiddenRange(ip) !== null && !allowsAddress(allow, ip, port)) {
      throw new FetchRefusedError('address', `refused: ${host} is not a public address`);
    }
    return { address, family: ip.family };
  });
  return { url, host, port, addresses };
}

async function resolve(host: string, lookup: LookupAll) {
  let found: readonly { address: string }[];
  try {
    found = await lookup(host);
  } catch {
    throw new FetchRefusedError('dns', `refused: ${host} could not be resolved`);
  }
  if (found.length === 0) throw new FetchRefusedError('dns', `refused: ${host} could not be resolved`);
  return found;
}
