import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

/** Debian's Chromium (apt-get install chromium); Playwright's own browser downloads are not used. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM);
/** Outside CI a missing browser skips the browser tests; in CI it fails them, so they cannot silently stop running. */
export const skipBrowserTests = !chromiumAvailable && !process.env.CI;

if (skipBrowserTests) console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium). In CI they fail instead.`);

export function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) throw new Error(`Browser tests need Chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // A fake microphone (a beep) that needs no permission prompt: voice notes can be recorded.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

/** Builds the web app into a fresh temporary folder (the server is pointed at it), so tests never depend on a stale dist. */
export async function buildWebApp(): Promise<{ dir: string; remove(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true, sourcemap: false },
  });
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
