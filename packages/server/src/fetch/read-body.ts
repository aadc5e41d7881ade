import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchRefusedError } from './errors.js';

/** The encodings the fetcher advertises in Accept-Encoding, and so decodes. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads a response body of at most `maxBytes`, counted after decompression so a small gzip bomb
 * cannot expand past the cap. Past the cap it stops reading and throws 'too_large' (or, when
 * `partial`, returns the first `maxBytes`); the caller destroys the socket. Stream errors are
 * rethrown as they are, for the caller to classify.
 */
export async function readCappedBody(res: IncomingMessage, maxBytes: number, host: string, partial = false): Promise<{ body: Buffer; decoded: boolean }> {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = decoderFor(encoding);
  if (decoder === undefined) throw new FetchRefusedError('network', `refused: ${host} sent an unsupported content encoding`);
  const source: Readable = decoder ? pipeline(res, decoder, () => {}) : res;

  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (total + chunk.length > maxBytes) {
        if (!partial) throw new FetchRefusedError('too_large', `refused: the response from ${host} is larger than ${maxBytes} bytes`);
        chunks.push(chunk.subarray(0, maxBytes - total));
        total = maxBytes;
        break;
      }
      total += chunk.length;
      chunks.push(chunk);
    }
  } finally {
    // Leaving the loop early (cap, error) must not leave the decoder or the socket reading on.
    decoder?.destroy();
    if (!res.complete) res.destroy();
  }
  return { body: Buffer.concat(chunks, total), decoded: decoder !== null };
}
