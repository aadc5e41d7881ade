// The web app the web scenarios load: built from packages/web's sources with Vite into a fresh
// temporary folder that the server is pointed at (PARLEY_WEB_DIR), as the browser tests do, so
// that a stale packages/web/dist is never measured and the one in the working tree is left alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { REPO_ROOT } from './server.mjs';

const VITE_CONFIG = path.join(REPO_ROOT, 'packages/web/vite.config.ts');

/** Bytes of `buffer` compressed with gzip at its highest level, as a server or CDN would serve it. */
export function gzipSize(buffer) {
  return zlib.gzipSync(buffer, { level: 9 }).length;
}

/** Every file of the build with its size, raw and gzip: what exists, whether the browser loads it or not. */
function listFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const bytes = fs.readFileSync(file);
      return { name: path.relative(dir, file), bytes: bytes.length, gzipBytes: gzipSize(bytes) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Builds the app; resolves to { dir, seconds, files, remove() }. */
export async function buildWebApp() {
  const { build } = await import('vite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-web-'));
  const started = performance.now();
  try {
    await build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, sourcemap: false } });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    files: listFiles(dir),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
