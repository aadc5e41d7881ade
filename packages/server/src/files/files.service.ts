import fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { avatarSizes, type AttachmentKind, type StorageUsage, type Upload } from '@parley/protocol';
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
import { fitImage, inspectFile, squareVariants, type PreviewImage } from './inspect.js';
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
  /** Refuse (415) anything that is not of this kind, e.g. 'gif' for the GIF library. */
  only?: AttachmentKind | undefined;
}

/** An image the server scales down and re-encodes (custom emoji). */
export interface FittedImageOptions {
  purpose: FilePurpose;
  /** Without extension: the image's own is added. */
  name: string;
  /** Fits in a square of this side. */
  px: number;
  maxBytes: number;
  /** Lower than the installation's limit, when the image is small anyway. */
  maxPixels: number;
}

/** A stored file ready to be streamed back. */
export interface Servable {
  blobKey: string;
  contentType: string;
  name: string;
}

/** A new row for a WebP image the server made (no duration, waveform or blurhash). */
function webpRow(fields: Pick<FileRow, 'owner_id' | 'purpose' | 'blob_key' | 'name' | 'size' | 'width' | 'height'> & Partial<Pick<FileRow, 'variants' | 'conversation_id' | 'message_id'>>): FileRow {
  const now = Date.now();
  return {
    id: newId(now),
    kind: 'image',
    content_type: 'image/webp',
    duration_ms: null,
    waveform: null,
    blurhash: null,
    variants: '{}',
    conversation_id: null,
    message_id: null,
    created_at: now,
    ...fields,
  };
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
    return this.storeStaged(userId, staged, size, options, purpose);
  }

  /** Bytes the server fetched for a user (a GIF from a provider), stored as their upload would be. */
  async receiveBytes(userId: string, bytes: Buffer, options: UploadOptions, purpose: FilePurpose): Promise<FileRow> {
    await this.checkQuota(this.reader, userId, bytes.length);
    const staged = this.store.stagingPath();
    await fsp.writeFile(staged, bytes).catch(async (err: unknown) => {
      await fsp.rm(staged, { force: true });
      throw err;
    });
    return this.storeStaged(userId, staged, bytes.length, options, purpose);
  }

  /** Works out what a staged file is and records it; the staged file is used up either way. */
  private async storeStaged(userId: string, staged: string, size: number, options: UploadOptions, purpose: FilePurpose): Promise<FileRow> {
    const stored: string[] = [];
    try {
      const voice = options.kind === 'voice' ? { durationMs: options.durationMs, waveform: options.waveform } : undefined;
      const info = await inspectFile(staged, () => this.store.stagingPath(), { maxPixels: this.limits.maxPixels, voice });
      if (options.only && info.kind !== options.only) {
        if (info.replacementPath) await fsp.rm(info.replacementPath, { force: true });
        throw new ApiError('unsupported_media_type', `The file must be of kind ${options.only}; this one is ${info.contentType}`);
      }
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
      const row = webpRow({
        owner_id: userId,
        purpose: 'avatar',
        blob_key: variants[String(avatarSizes[avatarSizes.length - 1])]!,
        name: 'avatar.webp',
        size: largest.length,
        width: avatarSizes[avatarSizes.length - 1]!,
        height: avatarSizes[avatarSizes.length - 1]!,
        variants: JSON.stringify(variants),
      });
      await repo.insertFile(this.db, row);
      return row;
    } catch (err) {
      await Promise.all(stored.map((key) => this.store.delete(key)));
      throw err;
    } finally {
      await fsp.rm(staged, { force: true });
    }
  }

  /** An image scaled to fit a square (`fitImage`), stored as one row of `purpose` within the uploader's quota. */
  async receiveFitted(userId: string, request: IncomingMessage, options: FittedImageOptions): Promise<FileRow> {
    const staged = this.store.stagingPath();
    await receiveToFile(request, staged, options.maxBytes);
    let blobKey: string | null = null;
    try {
      const image = await fitImage(staged, options.px, Math.min(options.maxPixels, this.limits.maxPixels));
      blobKey = await this.store.put(image.bytes);
      // The fields of any image the server made, in the image's own format.
      const row: FileRow = {
        ...webpRow({ owner_id: userId, purpose: options.purpose, blob_key: blobKey, name: neutraliseFileName(`${options.name}.${image.contentType.split('/')[1]}`), size: image.bytes.length, width: image.width, height: image.height }),
        kind: image.contentType === 'image/gif' ? 'gif' : 'image',
        content_type: image.contentType,
      };
      await this.insertWithinQuota(userId, row);
      return row;
    } catch (err) {
      if (blobKey) await this.store.delete(blobKey);
      throw err;
    } finally {
      await fsp.rm(staged, { force: true });
    }
  }

  /** A copy of a stored file (a library GIF) as the user's own upload, within their quota, ready to attach. */
  async copyAsUpload(source: FileRow, userId: string, name: string): Promise<Upload> {
    const stored: string[] = [];
    try {
      const blobKey = await this.store.copy(source.blob_key);
      stored.push(blobKey);
      const variants: Record<string, string> = {};
      for (const [variant, key] of Object.entries(variantsOf(source))) stored.push((variants[variant] = await this.store.copy(key)));
      const now = Date.now();
      const row: FileRow = {
        ...source,
        id: newId(now),
        owner_id: userId,
        purpose: 'attachment',
        blob_key: blobKey,
        name: neutraliseFileName(name),
        variants: JSON.stringify(variants),
        conversation_id: null,
        message_id: null,
        created_at: now,
      };
      await this.insertWithinQuota(userId, row);
      return presentUpload(row);
    } catch (err) {
      await this.removeBlobs(stored);
      throw err;
    }
  }

  /**
   * Stores a link preview's image (re-encoded by `previewImage`) under a new blob, and returns its
   * row for the caller to insert in the transaction that shows it: readable by the members of the
   * message's conversation only, owned by nobody (it counts against no one's quota). If that
   * transaction does not happen, the caller removes the blob (`removeBlobs`).
   */
  async stagePreviewImage(image: PreviewImage, shownBy: { conversationId: string; messageId: string }): Promise<FileRow> {
    const blobKey = await this.store.put(image.bytes);
    return webpRow({
      owner_id: null,
      purpose: 'preview',
      blob_key: blobKey,
      name: 'preview.webp',
      size: image.bytes.length,
      width: image.width,
      height: image.height,
      conversation_id: shownBy.conversationId,
      message_id: shownBy.messageId,
    });
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
