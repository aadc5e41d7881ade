import type { DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';
import type { WalSync } from './wal-sync.js';

/**
 * Kysely dialect for the SQLite reader connection when commits are synced off the event loop
 * (`WalSync`): every query first waits until each commit made so far is on disk. WAL readers see
 * a commit as soon as SQLite has written it, and an answer must never show what a power cut could
 * still take back. The wait is at most one `fdatasync`, and none at all when nothing is pending.
 */
export function readsAfterSync(dialect: Dialect, walSync: WalSync): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => new ReadsAfterSyncDriver(dialect.createDriver(), walSync),
  };
}

class ReadsAfterSyncDriver implements Driver {
  constructor(
    private readonly driver: Driver,
    private readonly walSync: WalSync,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const pending = this.walSync.whenSynced();
    if (pending) await pending;
    return this.driver.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.driver.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}
