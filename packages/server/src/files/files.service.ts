import fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { avatarSizes, type StorageUsage, type Upload } from '@parley/protocol';
import type { Kysely } from 'kysely';
import { requireMember } from '../conversations/access.js';
import type { Dialect } from '../db/database.js';
import type { DB, FilePurpose, FileRow } from '../db/schema.js';
import { ApiError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { BlobStore } from './blob-store.js';
import { neutraliseFileName } from './file-names.js';
import { presentUpload, variantsOf } from './file.presenter.js';
import * as repo from './files.repository.js';
import { inspectFile, squareVariants } from './inspect.js';
import { formatBytes, receiveToFile } from './receive.js';

export interface FileLimits {
  maxFileBytes: number;
  quotaBytes: number;
  maxPixels: number;
  /** Uploads no message carries are deleted after this long. */
  unattachedTtlMs: number;
}

export interface UploadOptions {
  name: string;
  kind?: 'voice' | undefined;
  durationMs?: number | undefined;
  waveform?: number[] | undefined;
}

/** A stored file ready to be streamed back. */
export interface Servable {
  blobKey: string;
  contentType: string;
  name: string;
}

/** Reading by id alone is never enough: each purpose says who may read. */
const READABLE_BY_ANY_USER: readonly FilePurpose[] = ['avatar', 'emoji', 'gif'];

export class FilesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly reader: Kysely<DB>,
    private readonly dialect: Dialect,
    readonly store: BlobStore,
    readonly limits: FileLimits,
  ) {}

  /** Streams an upload to disk, works out what it is, and records it against the uploader's quota. */
  async upload(userId: string, request: IncomingMessage, options: UploadOptions, purpose: FilePurpose = 'attachment'): Promise<Upload> {
    const row = await this.receive(userId, request, options, purpose);
    return presentUpload(row);
  }

  /** The stored row of a new upload (also used for custom emoji and the GIF library). */
  async receive(userId: string, request: IncomingMessage, options: UploadOptions, purpose: FilePurpose): Promise<FileRow> {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > 0) await this.checkQuota(this.reader, userId, declared);
    const staged = this.store.stagingPath();
    const size = await receiveToFile(request, staged, this.limits.maxFileBytes);
    const stored: string[] = [];
    try {
      const voice = options.kind === 'voice' ? { durationMs: options.durationMs, waveform: options.waveform } : undefined;
      const info = await inspectFile(staged, () => this.store.stagingPath(), { maxPixels: this.limits.maxPixels, voice });
      const finalSize = info.replacementPath ? (await fsp.stat(info.replacementPath)).size : size;
      const blobKey = await this.store.adopt(info.replacementPath ?? staged);
      stored.push(blobKey);
      const variants: Record<string, string> = {};
      if (info.thumbnail) stored.push((variants.thumb = await this.store.put(info.thumbnail)));
      const now = Date.now();
      const row: FileRow = {
        id: newId(now),
        owner_id: userId,
        purpose,
        blob_key: blobKey,
        kind: info.kind,
        name: neutraliseFileName(options.name),
        content_type: info.contentType,
        size: finalSize,
        width: info.width,
        height: info.height,
        duration_ms: info.durationMs,
        waveform: info.waveform ? JSON.stringify(info.waveform) : null,
        blurhash: info.blurhash,
        variants: JSON.stringify(variants),
        conversation_id: null,
        message_id: null,
        created_at: now,
      };
      await this.insertWithinQuota(userId, row);
      return row;
    } catch (err) {
      await Promise.all(stored.map((key) => this.store.delete(key)));
      throw err;
    } finally {
      await fsp.rm(staged, { force: true });
    }
  }

  /** Square WebP crops at every avatar size, stored as one file row (readable by any user). */
  async receiveAvatar(userId: string, request: IncomingMessage): Promise<FileRow> {
    const staged = this.store.stagingPath();
    await receiveToFile(request, staged, this.limits.maxFileBytes);
    const stored: string[] = [];
    try {
      const crops = await squareVariants(staged, avatarSizes, this.limits.maxPixels);
      const variants: Record<string, string> = {};
      for (const [size, bytes] of crops) stored.push((variants[String(size)] = await this.store.put(bytes)));
      const largest = crops.get(avatarSizes[avatarSizes.length - 1]!)!;
      const now = Date.now();
      const row: FileRow = {
        id: newId(now),
        owner_id: userId,
        purpose: 'avatar',
        blob_key: variants[String(avatarSizes[avatarSizes.length - 1])]!,
        kind: 'image',
        name: 'avatar.webp',
        content_type: 'image/webp',
        size: largest.length,
        width: avatarSizes[avatarSizes.length - 1]!,
        height: avatarSizes[avatarSizes.length - 1]!,
        duration_ms: null,
        waveform: null,
        blurhash: null,
        variants: JSON.stringify(variants),
        conversation_id: null,
        message_id: null,
        created_at: now,
      };
      await repo.insertFile(this.db, row);
      return row;
    } catch (err) {
      await Promise.all(stored.map((key) => this.store.delete(key)));
      throw err;
    } finally {
      await fsp.rm(staged, { force: true });
    }
  }

  private async insertWithinQuota(userId: string, row: FileRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // Uploads of one user take turns here, so two at once cannot both slip under the quota.
      if (this.dialect === 'postgres') await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
      await this.checkQuota(tx, userId, row.size);
      await repo.insertFile(tx, row);
    });
  }

  private async checkQuota(db: Kysely<DB>, userId: string, adding: number): Promise<void> {
    const used = await repo.bytesOwnedBy(db, userId);
    if (used + adding > this.limits.quotaBytes) {
      throw new ApiError('quota_exceeded', `This upload would pass your storage quota of ${formatBytes(this.limits.quotaBytes)} (${formatBytes(used)} used)`);
    }
  }

  async usage(userId: string): Promise<StorageUsage> {
    return { usedBytes: await repo.bytesOwnedBy(this.reader, userId), quotaBytes: this.limits.quotaBytes, maxFileBytes: this.limits.maxFileBytes };
  }

  /** The file if this user may read it; otherwise the same "not found" whether or not it exists. */
  async readable(fileId: string, userId: string): Promise<FileRow> {
    const row = await repo.findFile(this.reader, fileId);
    if (!row) throw notFound('File');
    if (READABLE_BY_ANY_USER.includes(row.purpose)) return row;
    if (row.conversation_id) {
      await requireMember(this.reader, row.conversation_id, userId);
      return row;
    }
    if (row.owner_id === userId && row.purpose === 'attachment') return row;
    throw notFound('File');
  }

  async original(fileId: string, userId: string): Promise<Servable> {
    const row = await this.readable(fileId, userId);
    if (row.purpose === 'avatar') throw notFound('File');
    return { blobKey: row.blob_key, contentType: row.content_type, name: row.name };
  }

  async thumbnail(fileId: string, userId: string): Promise<Servable> {
    const row = await this.readable(fileId, userId);
    const thumb = variantsOf(row).thumb;
    if (!thumb) throw notFound('Thumbnail');
    return { blobKey: thumb, contentType: 'image/webp', name: row.name.replace(/\.[^.]*$/, '') + '.webp' };
  }

  async avatar(fileId: string, size: number): Promise<Servable> {
    const row = await repo.findFile(this.reader, fileId);
    const key = row?.purpose === 'avatar' ? variantsOf(row)[String(size)] : undefined;
    if (!key) throw notFound('Avatar');
    return { blobKey: key, contentType: 'image/webp', name: `avatar-${size}.webp` };
  }

  /** The uploader deletes an upload no message carries yet (freeing quota). */
  async deleteUpload(fileId: string, userId: string): Promise<void> {
    const row = await repo.findFile(this.reader, fileId);
    if (!row || row.owner_id !== userId || row.purpose !== 'attachment') throw notFound('File');
    if (row.message_id) throw new ApiError('conflict', 'This file is attached to a message: delete the message instead');
    await this.removeRows({ ids: [fileId], unattached: true });
  }

  /** Deletes rows and then their bytes. */
  async removeRows(where: repo.FileSelector): Promise<void> {
    const keys = await repo.deleteFiles(this.db, where);
    await this.removeBlobs(keys);
  }

  async removeBlobs(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.store.delete(k)));
  }

  /** Uploads nobody attached within the TTL; run periodically. */
  async sweepUnattached(now = Date.now()): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = await repo.unattachedBefore(this.reader, 'attachment', now - this.limits.unattachedTtlMs, 500);
      if (rows.length === 0) return removed;
      await this.removeRows({ ids: rows.map((r) => r.id), unattached: true });
      removed += rows.length;
    }
  }
}
