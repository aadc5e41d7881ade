import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { startServer, type ParleyServer } from '../app.js';
import { loadConfig } from '../config/config.js';
import type { Dialect } from '../db/database.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';

export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

/** Fast password hashing and generous rate limits, unless a test asks otherwise. */
export const testEnv: Record<string, string> = {
  PARLEY_HOST: '127.0.0.1',
  PARLEY_PORT: '0',
  PARLEY_LOG_LEVEL: 'silent',
  PARLEY_ARGON2_MEMORY_KIB: '1024',
  PARLEY_ARGON2_ITERATIONS: '1',
  PARLEY_RATE_AUTH_PER_MINUTE: '100000',
  PARLEY_RATE_SEND_PER_SECOND: '100000',
  PARLEY_RATE_SEND_BURST: '100000',
  PARLEY_RATE_SEND_IP_PER_SECOND: '100000',
  PARLEY_RATE_REQUESTS_PER_SECOND: '100000',
  PARLEY_PRESENCE_GRACE_MS: '100',
  PARLEY_SHUTDOWN_GRACE_MS: '5000',
};

export interface TestServer {
  readonly dialect: Dialect;
  readonly url: string;
  readonly wsUrl: string;
  readonly server: ParleyServer;
  /** Environment that reaches the same storage (for a server in a child process). */
  readonly storageEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Where a test server keeps its data; reusable across restarts of the server. */
export interface TestStorage {
  dialect: Dialect;
  env: Record<string, string>;
  destroy(): Promise<void>;
}

export async function createStorage(dialect: Dialect): Promise<TestStorage> {
  if (dialect === 'postgres') {
    const database = await createTestDatabase();
    return { dialect, env: { PARLEY_DATABASE_URL: database.url }, destroy: database.drop };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  return { dialect, env: { PARLEY_DATA_DIR: dir }, destroy: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a real server on an ephemeral port with its own fresh storage. */
export async function startTestServer(dialect: Dialect, env: Record<string, string> = {}, storage?: TestStorage): Promise<TestServer> {
  const store = storage ?? (await createStorage(dialect));
  const config = loadConfig({ ...testEnv, ...store.env, ...env });
  const server = await startServer({ config, validateResponses: true });
  return {
    dialect,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/api/v1/ws',
    server,
    storageEnv: store.env,
    close: async () => {
      await server.close();
      if (!storage) await store.destroy();
    },
  };
}

/** Runs a suite once per storage dialect (PostgreSQL skipped with a message outside CI when absent). */
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void): void {
  for (const dialect of dialects) {
    const skip = dialect === 'postgres' && !postgresAvailable;
    describe.skipIf(skip)(`${name} [${dialect}]`, () => suite(dialect));
  }
}
