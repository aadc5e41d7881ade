import { describe, expect, it } from 'vitest';
import { allowsAddress, allowsHost, describeRule, parseFetchAllow } from './allowlist.js';
import { parseIp } from './ip.js';

const ip = (text: string) => parseIp(text)!;

describe('parseFetchAllow', () => {
  it('reads hosts, host:port, IP literals and networks, separated by commas or spaces', () => {
    const rules = parseFetchAllow(' 127.0.0.1:8123, Media.Internal  cache.internal:9000,10.0.0.0/8 [::1]:8080 fd00::/8 ::1 ');
    expect(rules.map(describeRule)).toEqual([
      '127.0.0.1:8123',
      'media.internal',
      'cache.internal:9000',
      '10.0.0.0/8',
      '[0:0:0:0:0:0:0:1]:8080',
      'fd00:0:0:0:0:0:0:0/8',
      '0:0:0:0:0:0:0:1',
    ]);
  });

  it('is empty for an empty setting', () => {
    expect(parseFetchAllow('')).toEqual([]);
    expect(parseFetchAllow(' , ')).toEqual([]);
  });

  it.each([
    ['127.0.0.1:', 'port'],
    ['127.0.0.1:0', 'port'],
    ['127.0.0.1:65536', 'port'],
    ['host:http', 'port'],
    ['10.0.0.1/8', 'network'],
    ['10.0.0.0/40', 'network'],
    ['intranet/8', 'network'],
    ['fe80::zz:8080', 'brackets'],
    ['[127.0.0.1]:80', 'IPv6'],
    ['user@host', 'expected host'],
    ['http://host', 'without a scheme'],
    ['[::1', 'expected host'],
  ])('refuses %s with a message about the %s', (entry, hint) => {
    expect(() => parseFetchAllow(`ok.example, ${entry}`)).toThrow(`invalid fetch allowlist entry "${entry}"`);
    expect(() => parseFetchAllow(entry)).toThrow(hint);
  });
});

describe('matching', () => {
  const rules = parseFetchAllow('127.0.0.1:8123 media.internal:9000 cache.internal 10.1.0.0/16');

  it('matches an IP entry on the connected address and port', () => {
    expect(allowsAddress(rules, ip('127.0.0.1'), 8123)).toBe(true);
    expect(allowsAddress(rules, ip('127.0.0.1'), 9999)).toBe(false);
    expect(allowsAddress(rules, ip('127.0.0.2'), 8123)).toBe(false);
    expect(allowsAddress(rules, ip('::ffff:127.0.0.1'), 8123)).toBe(false);
  });

  it('matches a network on any port', () => {
    expect(allowsAddress(rules, ip('10.1.200.3'), 443)).toBe(true);
    expect(allowsAddress(rules, ip('10.2.0.1'), 443)).toBe(false);
  });

  it('matches a named entry on the hostname only, never on an address', () => {
    expect(allowsHost(rules, 'media.internal', 9000)).toBe(true);
    expect(allowsHost(rules, 'media.internal.', 9000)).toBe(true);
    expect(allowsHost(rules, 'media.internal', 9001)).toBe(false);
    expect(allowsHost(rules, 'cache.internal', 1)).toBe(true);
    expect(allowsHost(rules, 'evil.cache.internal', 80)).toBe(false);
    expect(allowsHost(rules, '127.0.0.1', 8123)).toBe(false);
  });
});
