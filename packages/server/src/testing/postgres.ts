import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where tests find PostgreSQL; CI provisions it (see .ci/run). */
export const POSTGRES_ADMIN_URL = process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresAvailable = await probe();

if (!postgresAvailable) {
  if (process.env.CI) throw new Error(`PostgreSQL is required in CI but not reachable at ${POSTGRES_ADMIN_URL}`);
  console.warn(`[parley tests] PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: PostgreSQL variants are skipped`);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test server, dropped afterwards. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `parley_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return {
    url: withDatabase(POSTGRES_ADMIN_URL, name),
    drop: () => dropWhenIdle(name),
  };
}

/**
 * Drops a test database once the server's connections have gone (they may still be closing when
 * the pool has ended); forces it only if they linger.
 */
async function dropWhenIdle(name: string): Promise<void> {
  await admin(async (c) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await c.query(`drop database if exists ${name}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await c.query(`drop database if exists ${name} with (force)`);
  });
}
