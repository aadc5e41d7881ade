// Web app: how much JavaScript the browser downloads before the first page is usable. Measured on
// what Chromium actually fetches, not on the build's files: a new visitor's login page, and a
// logged-in user's conversation list, each in a fresh context (empty cache).
import { launchChromium, loadUntilReady, newContext } from '../lib/browser.mjs';
import { createDms, registerUsers } from '../lib/clients.mjs';
import { HttpClient } from '../lib/http.mjs';
import { round } from '../lib/stats.mjs';
import { gzipSize } from '../lib/web-app.mjs';

export const name = 'web-size';
export const description = 'JavaScript fetched by Chromium until the first page is usable, gzip level 9';
export const target = '< 200 kB gzip';

const TARGET_KB = 200;
/** kB as Vite prints them: 1,000 bytes. */
const KB = 1000;

const isScript = (response) => response.request().resourceType() === 'script' || /javascript/.test(response.headers()['content-type'] ?? '');

/** Loads `/` in a fresh context until `condition` holds; returns every script it fetched meanwhile, with its sizes. */
async function scriptsUntilReady(browser, baseUrl, user, condition) {
  const context = await newContext(browser, baseUrl, user);
  const responses = [];
  context.on('response', (r) => responses.push(r));
  const { page, timings } = await loadUntilReady(context, '/', condition);
  const loaded = responses.filter(isScript);
  const scripts = [];
  for (const response of loaded) {
    const body = await response.body();
    const sizes = await response.request().sizes();
    scripts.push({
      url: new URL(response.url()).pathname,
      status: response.status(),
      bytes: body.length,
      gzipBytes: gzipSize(body),
      // What went over the wire (the body as sent, compressed or not) and how it was encoded.
      transferBytes: sizes.responseBodySize,
      contentEncoding: response.headers()['content-encoding'] ?? null,
    });
  }
  await page.close();
  await context.close();
  return { scripts, timings };
}

function row(part, label, { scripts, timings }) {
  const sum = (key) => scripts.reduce((total, s) => total + s[key], 0);
  const gzipKB = round(sum('gzipBytes') / KB, 1);
  return {
    part,
    label: `${label}, ${scripts.length} script${scripts.length === 1 ? '' : 's'}`,
    gzipKB,
    rawKB: round(sum('bytes') / KB, 1),
    transferKB: round(sum('transferBytes') / KB, 1),
    met: gzipKB < TARGET_KB,
    scripts,
    readyMs: round(timings.readyMs),
  };
}

export async function run(ctx) {
  const http = new HttpClient(ctx.baseUrl);
  const [user, peer] = await registerUsers(http, 2, { prefix: 'ws', displayNameOf: (i) => `Size Peer ${i}` });
  await createDms(http, [[user, peer]]);
  http.close();

  const browser = await launchChromium();
  try {
    const visitor = await scriptsUntilReady(browser, ctx.baseUrl, null, { kind: 'login' });
    const member = await scriptsUntilReady(browser, ctx.baseUrl, user, { kind: 'conversations', titles: [peer.displayName] });
    const rows = [row('login page', 'new visitor until the login form is usable', visitor), row('logged in', 'logged-in user until the conversation list shows', member)];
    ctx.log(rows.map((r) => `${r.part}: ${r.gzipKB} kB gzip, ${r.rawKB} kB raw (${r.scripts.length} scripts)`).join('; '));
    return {
      rows,
      // Both pages appear in the summary: each is someone's first page.
      rowsInSummary: true,
      target,
      met: rows.every((r) => r.met),
      details: {
        kilobyte: `${KB} bytes`,
        gzip: 'zlib level 9 of each decoded body',
        // How the server itself sent them (null: uncompressed, so the transfer size is the raw size).
        contentEncodings: [...new Set(rows.flatMap((r) => r.scripts.map((s) => s.contentEncoding)))],
      },
    };
  } finally {
    await browser.close();
  }
}
