import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe } from 'vitest';
import { startServer, type ParleyServer } from '../app.js';
import { loadConfig } from '../config/config.js';
import type { Dialect } from '../db/database.js';
import { staleMessageJson } from '../messages/message-json.js';
import { newClient, TEST_PASSWORD, testClient } from './clients.js';
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
    // Files live on disk whatever the database.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
    const destroy = async () => {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { dialect, env: { PARLEY_DATABASE_URL: database.url, PARLEY_DATA_DIR: dir }, destroy };
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
      // Every write path keeps a message's stored presentation in step with its columns.
      const stale = await staleMessageJson(server.database.reader);
      await server.close();
      if (!storage) await store.destroy();
      if (stale.length) throw new Error(`messages whose stored json differs from their columns: ${stale.join(', ')}`);
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

/** The server of one describe block, and the SDK clients its tests make (see useTestServer). */
export interface SuiteServer {
  /** The running server; it starts in beforeAll, so use it inside tests and hooks only. */
  readonly t: TestServer;
  /** Registers a user whose client is connected (live events) unless `connect` is false. */
  user(prefix?: string, connect?: boolean): Promise<ParleyClient>;
  /** Registers one user per prefix, one after the other, as `user` does. */
  users<const P extends readonly string[]>(prefixes: P, connect?: boolean): Promise<{ -readonly [K in keyof P]: ParleyClient }>;
  /** Another device of the same person: a new client logged in as them, connected unless `connect` is false. */
  device(of: ParleyClient, connect?: boolean): Promise<ParleyClient>;
  /** A new client that is not logged in (see testClient). */
  client(): ParleyClient;
  /** Has a client made some other way disconnected with the others after the block. */
  track<C extends ParleyClient>(client: C): C;
}

/**
 * Starts a server for the enclosing describe block (beforeAll) and, after its tests, disconnects
 * every client made through it and closes the server, which drops its storage (afterAll). Hooks
 * the block registers later run after the start and before the close.
 */
export function useTestServer(dialect: Dialect, env: Record<string, string> = {}): SuiteServer {
  let server: TestServer | undefined;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    server = await startTestServer(dialect, env);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  const suite: SuiteServer = {
    get t() {
      if (!server) throw new Error('the test server starts in beforeAll: use it inside tests and hooks');
      return server;
    },
    track(client) {
      clients.push(client);
      return client;
    },
    client: () => suite.track(testClient(suite.t)),
    async user(prefix = 'user', connect = true) {
      const client = suite.track(await newClient(suite.t, prefix));
      if (connect) await client.connect();
      return client;
    },
    async users(prefixes, connect = true) {
      const clients: ParleyClient[] = [];
      for (const prefix of prefixes) clients.push(await suite.user(prefix, connect));
      return clients as { -readonly [K in keyof typeof prefixes]: ParleyClient };
    },
    async device(of, connect = true) {
      const client = suite.client();
      await client.login(of.user!.username, TEST_PASSWORD);
      if (connect) await client.connect();
      return client;
    },
  };
  return suite;
}
