import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where file bytes live, under keys the server generates (never a client's file name). Local disk
 * by default; an S3-compatible store implements the same interface.
 */
export interface BlobStore {
  /** A path on the store's filesystem for staging an upload, so `adopt` can be a rename. */
  stagingPath(): string;
  /** Moves a finished staged file in under a new key, and returns the key. */
  adopt(stagedPath: string): Promise<string>;
  /** Stores these bytes under a new key. */
  put(bytes: Uint8Array): Promise<string>;
  /** A second key for the same bytes (the GIF library sends copies). */
  copy(key: string): Promise<string>;
  /** Bytes `start`..`end` inclusive, or all of them. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** The local path, for decoders that read files (sharp, music-metadata). */
  localPath(key: string): string;
  delete(key: string): Promise<void>;
}

const newKey = () => randomBytes(16).toString('hex');

export class LocalDiskBlobStore implements BlobStore {
  private readonly staging: string;

  constructor(private readonly root: string) {
    this.staging = path.join(root, 'staging');
    fs.mkdirSync(this.staging, { recursive: true });
    // Staged files of a process that died mid-upload belong to nobody.
    for (const name of fs.readdirSync(this.staging)) fs.rmSync(path.join(this.staging, name), { force: true });
  }

  stagingPath(): string {
    return path.join(this.staging, newKey());
  }

  async adopt(stagedPath: string): Promise<string> {
    const key = newKey();
    const target = this.localPath(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(stagedPath, target);
    return key;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const staged = this.stagingPath();
    await fsp.writeFile(staged, bytes);
    return this.adopt(staged);
  }

  async copy(key: string): Promise<string> {
    const copy = newKey();
    const target = this.localPath(copy);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.link(this.localPath(key), target).catch(() => fsp.copyFile(this.localPath(key), target));
    return copy;
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.localPath(key), range ? { start: range.start, end: range.end } : {});
  }

  localPath(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('invalid blob key');
    // Two levels of fan-out keep directories small.
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.localPath(key), { force: true });
  }
}
