import net from 'node:net';

/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface Ip {
  family: 4 | 6;
  value: bigint;
}

/** A network: the address with its host bits zero, and the prefix length. */
export interface Cidr extends Ip {
  prefix: number;
}

const bitsOf = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/**
 * Parses an IPv4 or IPv6 literal (brackets and a `%zone` suffix are ignored); null when it is not
 * one. Only the canonical dotted quad is accepted for IPv4: the odd forms (`127.1`, `0x7f.1`) are
 * normalised by the URL parser before they get here.
 */
export function parseIp(text: string): Ip | null {
  const s = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  switch (net.isIP(s)) {
    case 4:
      return { family: 4, value: ipv4Value(s) };
    case 6:
      return { family: 6, value: ipv6Value(s) };
    default:
      return null;
  }
}

function ipv4Value(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Assumes `net.isIP(s) === 6`. */
function ipv6Value(s: string): bigint {
  let text = s;
  // A trailing dotted quad (`::ffff:1.2.3.4`) stands for the last two 16-bit groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (quad !== undefined) {
    const v = Number(ipv4Value(quad));
    text = `${text.slice(0, -quad.length)}${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address back as text (IPv6 uncompressed), for messages and tests. */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

/** Parses `address/prefix`; null when malformed or when host bits are set (`10.0.0.1/8`). */
export function parseCidr(text: string): Cidr | null {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  const ip = parseIp(match[1]);
  const prefix = Number(match[2]);
  if (!ip || prefix > bitsOf(ip.family)) return null;
  const network = ip.value & mask(ip.family, prefix);
  return network === ip.value ? { ...ip, prefix } : null;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefix))) & all;
}

export function inCidr(ip: Ip, cidr: Cidr): boolean {
  return ip.family === cidr.family && (ip.value & mask(cidr.family, cidr.prefix)) === cidr.value;
}

/** A CIDR from a literal known to be valid (the tables of this folder). */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`invalid CIDR literal ${text}`);
  return parsed;
}

/** The 32 bits at `shift` (counted from the low end) of an IPv6 address, as an IPv4 address. */
export function embeddedIpv4(ip: Ip, shift: bigint): Ip {
  return { family: 4, value: (ip.value >> shift) & 0xffffffffn };
}
