import { formatIp, inCidr, parseCidr, parseIp, type Cidr, type Ip } from './ip.js';

/**
 * One operator exception to the address policy. A named host matches the URL's hostname; an IP
 * address or network matches the address actually connected to, so allowing `127.0.0.1:8123`
 * does not open every loopback service.
 */
export type AllowRule =
  | { kind: 'host'; host: string; port: number | null }
  | { kind: 'address'; address: Ip; port: number | null }
  | { kind: 'network'; network: Cidr };

const usage = 'expected host, host:port, [ipv6]:port or a network such as 10.0.0.0/8';

/**
 * Parses the operator allowlist: entries separated by commas or spaces.
 *
 * @example parseFetchAllow('127.0.0.1:8123, media.internal, 10.1.0.0/16')
 * @throws Error naming the first invalid entry.
 */
export function parseFetchAllow(value: string): AllowRule[] {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const rule = parseEntry(entry);
      if (typeof rule === 'string') throw new Error(`invalid fetch allowlist entry "${entry}": ${rule}`);
      return rule;
    });
}

/** A rule, or why the entry is invalid. */
function parseEntry(entry: string): AllowRule | string {
  if (entry.includes('://')) return 'write the host without a scheme';
  if (entry.includes('/')) {
    const network = parseCidr(entry);
    return network ? { kind: 'network', network } : 'not a valid network (address/prefix, host bits zero)';
  }
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(entry);
  if (bracketed) {
    const address = parseIp(bracketed[1] ?? '');
    if (address?.family !== 6) return 'not a valid IPv6 address';
    const port = parsePort(bracketed[2]);
    return typeof port === 'string' ? port : { kind: 'address', address, port };
  }
  const bare = parseIp(entry);
  if (bare) return { kind: 'address', address: bare, port: null };

  const parts = entry.split(':');
  if (parts.length > 2) return `${usage} (write IPv6 addresses in brackets when adding a port)`;
  const host = normaliseHost(parts[0] ?? '');
  if (host === null) return usage;
  const port = parsePort(parts[1]);
  if (typeof port === 'string') return port;
  const address = parseIp(host);
  return address ? { kind: 'address', address, port } : { kind: 'host', host, port };
}

/** The port (null: any), or why it is invalid. */
function parsePort(text: string | undefined): number | null | string {
  if (text === undefined) return null;
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= 65535 ? n : 'the port must be a number from 1 to 65535';
}

/** The host name as the URL parser writes it (lower case, punycode), or null if it is not one. */
function normaliseHost(host: string): string | null {
  if (!/^[^\s@?#[\]\\]+$/u.test(host)) return null;
  try {
    const parsed = new URL(`http://${host}/`).hostname;
    return parsed.startsWith('[') ? null : stripDot(parsed);
  } catch {
    return null;
  }
}

const stripDot = (host: string) => host.replace(/\.$/, '');

/** Whether a named rule allows this hostname (as `new URL()` wrote it) and port. */
export function allowsHost(rules: readonly AllowRule[], hostname: string, port: number): boolean {
  const host = stripDot(hostname);
  return rules.some((r) => r.kind === 'host' && r.host === host && (r.port === null || r.port === port));
}

/** Whether an address rule or network allows connecting to this address and port. */
export function allowsAddress(rules: readonly AllowRule[], address: Ip, port: number): boolean {
  return rules.some((r) => {
    switch (r.kind) {
      case 'host':
        return false;
      case 'address':
        return r.address.family === address.family && r.address.value === address.value && (r.port === null || r.port === port);
      case 'network':
        return inCidr(address, r.network);
    }
  });
}

/** The rule as an operator would write it, for logs at start. */
export function describeRule(rule: AllowRule): string {
  switch (rule.kind) {
    case 'host':
      return rule.port === null ? rule.host : `${rule.host}:${rule.port}`;
    case 'address': {
      const text = formatIp(rule.address);
      if (rule.port === null) return text;
      return rule.address.family === 6 ? `[${text}]:${rule.port}` : `${text}:${rule.port}`;
    }
    case 'network':
      return `${formatIp(rule.network)}/${rule.network.prefix}`;
  }
}
