import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/**
 * A new database in WAL mode in a folder of its own under the system's temporary folder, with one
 * table `t (id, body)`. The caller removes `dir` after the test.
 */
export function tempWalDatabase(prefix: string, synchronous: 'NORMAL' | 'FULL'): { dir: string; file: string; writer: SqliteDatabase.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'parley.db');
  const writer = new SqliteDatabase(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma(`synchronous = ${synchronous}`);
  writer.exec('create table t (id integer primary key, body text not null)');
  return { dir, file, writer };
}
