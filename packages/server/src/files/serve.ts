import fsp from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../lib/errors.js';
import type { BlobStore } from './blob-store.js';
import { isInlineSafe } from './inspect.js';
import type { Servable } from './files.service.js';

/** Nothing in a served file may run: no scripts, no plugins, no same-origin access. */
const FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266). */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Streams a stored file with headers that keep it inert: types a browser could execute (SVG, HTML,
 * anything undetected) go out as `application/octet-stream` attachments, and every response
 * carries `nosniff` and a sandboxing CSP. Single byte ranges are served, so media can seek.
 */
export async function sendFile(request: FastifyRequest, reply: FastifyReply, store: BlobStore, file: Servable, options: { download?: boolean } = {}): Promise<unknown> {
  const inline = isInlineSafe(file.contentType) && !options.download;
  let size: number;
  try {
    size = (await fsp.stat(store.localPath(file.blobKey))).size;
  } catch {
    throw new ApiError('not_found', 'File not found');
  }
  const etag = `"${file.blobKey}"`;
  inertHeaders(reply, file, inline, etag);
  reply.header('accept-ranges', 'bytes');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  const rangeHeader = request.headers.range;
  const range = rangeHeader ? parseRange(rangeHeader, size) : null;
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    return reply.code(416).send();
  }
  if (range) {
    reply.code(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
    reply.header('content-length', range.end - range.start + 1);
    return reply.send(store.read(file.blobKey, range));
  }
  reply.header('content-length', size);
  return reply.send(store.read(file.blobKey));
}

/** Headers every served file carries, so that it stays inert. */
function inertHeaders(reply: FastifyReply, file: { contentType: string; name: string }, inline: boolean, etag: string): void {
  reply.header('content-type', inline ? file.contentType : 'application/octet-stream');
  reply.header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name));
  reply.header('content-security-policy', FILE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cross-origin-resource-policy', 'same-origin');
  // Access can be revoked (removal from a conversation), so only the user's own browser caches.
  reply.header('cache-control', 'private, max-age=3600');
  reply.header('etag', etag);
}

/** Bytes held in memory (a GIF fetched from a provider), served with the same guards as a stored file. */
export function sendBytes(request: FastifyRequest, reply: FastifyReply, bytes: Buffer, file: { contentType: string; name: string; etag: string }): unknown {
  const etag = `"${file.etag}"`;
  inertHeaders(reply, file, isInlineSafe(file.contentType), etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.header('content-length', bytes.length);
  return reply.send(bytes);
}
