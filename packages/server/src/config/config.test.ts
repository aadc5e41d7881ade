import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from './config.js';

const docs = fs.readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

describe('loadConfig', () => {
  it('needs nothing: port 8080, SQLite under ./data, OWASP argon2id', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir.endsWith('data')).toBe(true);
    expect(config.argon2).toEqual({ memoryKib: 19_456, iterations: 2 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every problem at once, with the variable name', () => {
    try {
      loadConfig({ PARLEY_PORT: 'eighty', PARLEY_DATABASE_URL: 'mysql://x', PARLEY_TYPO: '1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toContain('PARLEY_PORT');
      expect(message).toContain('PARLEY_DATABASE_URL');
      expect(message).toContain('PARLEY_TYPO: unknown setting');
    }
  });

  it('checks the fetch allowlist at start, naming the bad entry', () => {
    expect(() => loadConfig({ PARLEY_FETCH_ALLOW: '127.0.0.1:8123, http://intranet' })).toThrow(/PARLEY_FETCH_ALLOW: invalid fetch allowlist entry "http:\/\/intranet"/);
    expect(loadConfig({ PARLEY_FETCH_ALLOW: '127.0.0.1:8123, media.internal, 10.1.0.0/16' }).fetch.allow).toBe('127.0.0.1:8123, media.internal, 10.1.0.0/16');
  });

  it('every setting is documented in docs/configuration.md, and nothing else is', () => {
    const documented = new Set([...docs.matchAll(/`(PARLEY_[A-Z0-9_]+)`/g)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });
});
