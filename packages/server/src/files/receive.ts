import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../lib/errors.js';

export const tooLarge = (maxBytes: number) => new ApiError('payload_too_large', `Files may be at most ${formatBytes(maxBytes)}`);

/** Counts bytes as they pass and fails the stream as soon as the cap is passed. */
class ByteCap extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) callback(tooLarge(this.maxBytes));
    else callback(null, chunk);
  }
}

/**
 * Streams a request body to `stagedPath`, never holding more than a chunk in memory. Refuses a
 * declared or actual size past `maxBytes` (413) and compressed bodies (which could expand without
 * bound); on any failure nothing is left behind.
 */
export async function receiveToFile(request: IncomingMessage, stagedPath: string, maxBytes: number): Promise<number> {
  const encoding = request.headers['content-encoding'];
  if (encoding && encoding !== 'identity') {
    throw new ApiError('unsupported_media_type', 'Send the file as it is, without Content-Encoding');
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (declared === 0 || request.readableEnded) throw new ApiError('bad_request', 'The file is empty');
  const cap = new ByteCap(maxBytes);
  // Piped rather than part of the pipeline: a refusal stops reading without destroying the
  // connection, so the client still receives the 413 (the route then closes the connection).
  request.pipe(cap);
  request.once('error', (err) => cap.destroy(err));
  try {
    await pipeline(cap, fs.createWriteStream(stagedPath, { highWaterMark: 1 << 20 }));
  } catch (err) {
    request.unpipe(cap);
    await fsp.rm(stagedPath, { force: true });
    if (err instanceof ApiError) throw err;
    throw new ApiError('bad_request', 'The upload was interrupted');
  }
  if (cap.bytes === 0) {
    await fsp.rm(stagedPath, { force: true });
    throw new ApiError('bad_request', 'The file is empty');
  }
  return cap.bytes;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${+(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${+(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}
