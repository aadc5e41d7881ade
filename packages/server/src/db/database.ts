import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DB } from './schema.js';
import { migrations } from './migrations/index.js';
import { openSyncDescriptor, startCheckpointer } from './sqlite-checkpointer.js';
import { readsAfterSync } from './reads-after-sync.js';
import { SqliteWriterDialect, withStatementCache, type WriterPlacement } from './sqlite-writer-dialect.js';
import { WalSync } from './wal-sync.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Takes row locks for the rest of the transaction on PostgreSQL, where several connections write
 * at once. SQLite has one writer and no FOR UPDATE.
 */
export function lockingRows<Q extends { forUpdate(): Q }>(query: Q, dialect: Dialect): Q {
  return dialect === 'postgres' ? query.forUpdate() : query;
}

export interface Database {
  /** Writes and transactions. On SQLite, a connection on a worker thread. */
  readonly db: Kysely<DB>;
  /**
   * Reads that need no transaction. On SQLite, a read-only connection on the main thread (WAL lets
   * it read while the writer commits); on PostgreSQL, the same pool as `db`.
   */
  readonly reader: Kysely<DB>;
  readonly dialect: Dialect;
  /** Where the data lives, for logs: a file path or the database name. */
  readonly location: string;
  /** SQLite: where the writer connection runs. */
  readonly writer?: WriterPlacement;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolSize: number;
  /** SQLite: where the writer connection runs; `auto` picks a thread when there is a core for it. */
  sqliteWriter?: 'auto' | WriterPlacement;
  logger: Logger;
  /** SQLite: a WAL sync failed (see `WalSync`). By default the process logs it and exits. */
  onSyncFailure?: (err: Error) => void;
}

export function writerPlacement(setting: 'auto' | WriterPlacement = 'auto'): WriterPlacement {
  if (setting !== 'auto') return setting;
  // Respects CPU affinity (taskset, container limits): on one core a thread only adds hand-offs.
  return os.availableParallelism() > 1 ? 'thread' : 'inline';
}

const INT8_OID = 20;

/** Opens SQLite at `$dataDir/parley.db` unless a PostgreSQL URL is given, then migrates. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const database = openPostgres(options.databaseUrl, options.poolSize, options.logger);
    await migrateOrClose(database.db, options.logger, () => database.close());
    return database;
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'parley.db');
  const placement = writerPlacement(options.sqliteWriter);
  // On the event loop, the writer leaves each commit's fsync to the thread pool (WalSync): the loop
  // keeps serving sockets meanwhile, and every answer still waits for the disk. A writer thread
  // can afford to wait for the disk itself.
  const walSync =
    placement === 'inline'
      ? new WalSync({
          file,
          onFailure:
            options.onSyncFailure ??
            ((err) => {
              options.logger.fatal({ err }, 'the WAL could not be synced to disk: stopping rather than acknowledge what may be lost');
              process.exit(1);
            }),
        })
      : null;
  const writer = new Kysely<DB>({
    dialect: new SqliteWriterDialect({
      file,
      // A commit is on disk before it is answered, which is what an ack promises: FULL syncs
      // inside the commit, NORMAL leaves the sync to WalSync. A modest page cache over a
      // memory-mapped file: SQLite scans the whole cache at some commits (after page splits), so
      // a large one costs more than the reads it saves, while one smaller than the pages 1:1
      // traffic keeps touching (one per conversation per index) re-reads them at every commit.
      // Checkpoints are the checkpointer thread's work (`sqlite-checkpointer.ts`), its last copy
      // made while the writer is held so that the WAL starts over; the writer's own automatic
      // checkpoint, at a WAL of 60,000 pages, is a backstop should the thread stop or fall behind.
      pragmas: ['journal_mode = WAL', `synchronous = ${walSync ? 'NORMAL' : 'FULL'}`, 'foreign_keys = ON', 'busy_timeout = 5000', 'cache_size = -8000', `wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`, `mmap_size = ${MMAP_BYTES}`],
      statementCacheSize: STATEMENT_CACHE_SIZE,
      placement,
    }, walSync),
  });
  // The writer's connection first, then WalSync's descriptor once its last sync has run.
  const closeWriter = async () => {
    await writer.destroy();
    await walSync?.close();
  };
  await migrateOrClose(writer, options.logger, closeWriter);
  const syncFd = openSyncDescriptor(file);
  const checkpointer = await startCheckpointer({
    file,
    syncFd,
    intervalMs: CHECKPOINT_INTERVAL_MS,
    logger: options.logger,
    // Holding the writer's one connection: commits wait, the event loop does not.
    holdWriter: (work) => writer.connection().execute(work),
  }).catch(async (err: unknown) => {
    // The descriptor goes last, after the writer's connection (see `openSyncDescriptor`).
    await closeWriter();
    fs.closeSync(syncFd);
    throw err;
  });
  const readOnly = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  readOnly.pragma('busy_timeout = 5000');
  // History pages hop around a large file: keep hot pages in memory and map the rest.
  readOnly.pragma('cache_size = -65536');
  readOnly.pragma(`mmap_size = ${MMAP_BYTES}`);
  const readerDialect = new SqliteDialect({ database: withStatementCache(readOnly, STATEMENT_CACHE_SIZE) as never });
  const reader = new Kysely<DB>({ dialect: walSync ? readsAfterSync(readerDialect, walSync) : readerDialect });
  return {
    db: writer,
    reader,
    dialect: 'sqlite',
    location: file,
    writer: placement,
    async ping() {
      readOnly.prepare('select 1').get();
      await sql`select 1`.execute(writer);
    },
    async close() {
      await checkpointer.close();
      await reader.destroy();
      await closeWriter();
      fs.closeSync(syncFd);
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;
/**
 * How often the checkpointer thread copies the WAL into the database. Every copy ends with the
 * database file flushed, and that flush holds up the WAL syncs that acks wait for; copying less
 * often writes each hot page (a busy conversation's index leaves, its member and conversation
 * rows) once for many commits. Under the 1:1 benchmark, every 2 s instead of every 250 ms took the
 * slow WAL syncs from about 200 to about 100 in 20 s, and the 1:1 p99 from 11-14 ms to about 8.
 */
const CHECKPOINT_INTERVAL_MS = 2_000;
/**
 * The writer checkpoints by itself only if the WAL grows past this (about 240 MB, twice what an
 * interval adds at 2,000 1:1 messages a second): the checkpointer fell behind, as on a saturated
 * core, where it runs only when the event loop is idle. Not much more: under saturation (the
 * benchmark's `max`), with a backstop of 100,000 pages the server sustained 139,000 deliveries a
 * second (two runs), with 40,000 or 60,000 pages 160,000.
 */
const BACKSTOP_CHECKPOINT_PAGES = 60_000;
const MMAP_BYTES = 256 * 2 ** 20;

async function migrateOrClose(db: Kysely<DB>, logger: Logger, close: () => Promise<void>): Promise<void> {
  try {
    await migrate(db, logger);
  } catch (err) {
    await close();
    throw err;
  }
}

function openPostgres(url: string, poolSize: number, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Every bigint we store (times in ms, positions, seqs) fits in a double.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8_OID ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
    } as pg.CustomTypesConfig,
  });
  // An idle pooled connection can be cut (restart, failover); the pool replaces it. Without a
  // listener the error would crash the process.
  pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL connection lost'));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    reader: db,
    dialect: 'postgres',
    location: new URL(url).pathname.slice(1) || 'postgres',
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await db.destroy();
    },
  };
}

async function migrate(db: Kysely<DB>, logger: Logger): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') logger.info({ migration: r.migrationName }, 'migration applied');
    if (r.status === 'Error') logger.error({ migration: r.migrationName }, 'migration failed');
  }
  if (error) throw error;
}
