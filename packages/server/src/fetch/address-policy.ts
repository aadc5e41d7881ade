import { cidr, embeddedIpv4, inCidr, parseIp, type Cidr, type Ip } from './ip.js';

/**
 * Which addresses the server refuses to connect to on a user's behalf: everything that is not a
 * public unicast address (IANA special-purpose registries, RFC 6890 and successors).
 */
const forbiddenV4: readonly (readonly [Cidr, string])[] = [
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'carrier-grade NAT'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'IETF protocol assignments'],
  [cidr('192.0.2.0/24'), 'documentation'],
  [cidr('192.88.99.0/24'), '6to4 relay anycast'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'benchmarking'],
  [cidr('198.51.100.0/24'), 'documentation'],
  [cidr('203.0.113.0/24'), 'documentation'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved or broadcast'],
];

/** IPv6 ranges refused whole, checked before the embedded-IPv4 forms below. */
const forbiddenV6: readonly (readonly [Cidr, string])[] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  // Deprecated IPv4-compatible form (`::127.0.0.1`): nothing legitimate lives here.
  [cidr('::/96'), 'IPv4-compatible'],
  [cidr('::ffff:0:0:0/96'), 'IPv4-translated'],
  [cidr('64:ff9b:1::/48'), 'NAT64 local-use'],
  [cidr('100::/64'), 'discard-only'],
  // Teredo hides an obfuscated client address; not worth decoding.
  [cidr('2001::/32'), 'Teredo'],
  [cidr('2001:db8::/32'), 'documentation'],
  [cidr('2001::/23'), 'IETF protocol assignments'],
  [cidr('3fff::/20'), 'documentation'],
  [cidr('fc00::/7'), 'unique local (private)'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'site-local'],
  [cidr('ff00::/8'), 'multicast'],
];

/** IPv6 forms that carry an IPv4 address: the IPv4 address decides. `shift` locates its 32 bits. */
const embedding: readonly (readonly [Cidr, string, bigint])[] = [
  [cidr('::ffff:0:0/96'), 'IPv4-mapped', 0n],
  [cidr('64:ff9b::/96'), 'NAT64', 0n],
  [cidr('2002::/16'), '6to4', 80n],
];

const globalUnicastV6 = cidr('2000::/3');

/**
 * Why an address must not be connected to, or null when it is a public address.
 * Text that is not an IP address is refused too.
 *
 * @example forbiddenRange('::ffff:7f00:1') // 'IPv4-mapped loopback'
 */
export function forbiddenRange(address: string | Ip): string | null {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return 'not an IP address';
  if (ip.family === 4) return forbiddenV4.find(([range]) => inCidr(ip, range))?.[1] ?? null;

  const whole = forbiddenV6.find(([range]) => inCidr(ip, range));
  if (whole) return whole[1];
  for (const [range, name, shift] of embedding) {
    if (!inCidr(ip, range)) continue;
    const inner = forbiddenRange(embeddedIpv4(ip, shift));
    return inner === null ? null : `${name} ${inner}`;
  }
  return inCidr(ip, globalUnicastV6) ? null : 'not global unicast';
}

export const isForbiddenAddress = (address: string | Ip): boolean => forbiddenRange(address) !== null;
