import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../lib/errors.js';

/**
 * The browser app's policy: only its own scripts and styles, nothing inline, no plugins, no
 * framing; images and media from this server (previews and GIFs are proxied) or the page itself.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built web app at `/`: its files, and index.html for any other page path (the app
 * routes in the browser). Paths under /api/ stay JSON 404s. Without a build, `/` says how to make one.
 */
export function registerWebApp(app: FastifyInstance, webDir: string): void {
  const root = path.resolve(webDir);
  const index = path.join(root, 'index.html');

  // Off the event loop: a page or asset request must not block the sockets while the disk answers.
  const fileSize = async (file: string) => {
    const stat = await fs.promises.stat(file).catch(() => null);
    return stat?.isFile() ? stat.size : null;
  };

  const send = (reply: FastifyReply, file: string, size: number) => {
    const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
    return reply
      .type(TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', size)
      .header('content-security-policy', APP_CSP)
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      // Built assets carry a content hash in their name; everything else is checked every time.
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(fs.createReadStream(file));
  };

  app.get('/*', async (request, reply) => {
    const pathname = request.url.split('?')[0]!;
    if (pathname.startsWith('/api/')) throw new ApiError('not_found', `No route ${request.method} ${pathname}`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      throw new ApiError('bad_request', 'The path is not valid percent-encoding');
    }
    const file = path.join(root, path.normalize(decoded));
    // path.join normalises `..` away; anything that still escapes the root is refused.
    if (decoded.includes('\0') || (file !== root && !file.startsWith(root + path.sep))) throw new ApiError('not_found', 'No such file');
    const size = await fileSize(file);
    if (size !== null) return send(reply, file, size);
    // A missing file with an extension is a missing asset, not a page of the app.
    if (path.extname(decoded)) throw new ApiError('not_found', 'No such file');
    const indexSize = await fileSize(index);
    if (indexSize === null) throw new ApiError('not_found', 'The web app is not built: run `npm run build`; the API is at /api/v1');
    return send(reply, index, indexSize);
  });
}
