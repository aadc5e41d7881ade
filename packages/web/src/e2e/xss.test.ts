import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message, ParleyClient } from '@parley/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../server/src/fetch/testing.js';
import { neutraliseFileName } from '../../../server/src/files/file-names.js';
import { newClient, testClient } from '../../../server/src/testing/clients.js';
import { startTestServer, type TestServer } from '../../../server/src/testing/harness.js';
import { png } from '../../../server/src/testing/media.js';
import { buildWebApp, launchChromium, skipBrowserTests } from './browser.js';
import { PASSWORD } from './fixture.js';
import {
  channelTopic,
  corpusSize,
  fileNamePayloads,
  filesTitle,
  groupTitle,
  groupTopic,
  imageNamePayloads,
  malloryName,
  messagePayloads,
  namePayloads,
  pathNamePayloads,
  payloadOf,
  previewPayloads,
  previewUrlPayloads,
  typedPayloads,
  updatedName,
  victimName,
  type Payload,
} from './xss-payloads.js';

/**
 * The XSS corpus: hundreds of payloads go in through every way text reaches another person's
 * screen (message text, display names, conversation titles and topics, file names, link
 * previews), and none may run. Each payload, if it ran, would call `__xss(n)`, open a dialog or
 * set `window.name` / `document.title`; the pages record those, CSP violations (markup that became
 * live DOM and was only stopped by the policy counts as a failure), errors, frames, popups and
 * every request. The DOM is also inspected: no element, handler or script URL of a payload, and
 * the payload shown as the text that was sent.
 */

/** Records whatever a payload could do in one page. */
interface Watched {
  readonly name: string;
  readonly page: Page;
  readonly hits: string[];
  readonly dialogs: string[];
  readonly csp: string[];
  /** Violations by the app's own code, not a payload (see the last test). */
  readonly appCsp: string[];
  readonly errors: string[];
  readonly requests: string[];
  readonly frames: string[];
  readonly popups: string[];
  readonly navigations: string[];
}

/** Runs first in every document and frame of the pages: the probes the payloads would trigger. */
function installProbes(): void {
  const hits: string[] = [];
  const violations: string[] = [];
  const report = (kind: string, text: string) => {
    // The console reaches the test from frames too (which may be of another origin).
    console.log(`${kind} ${text}`);
  };
  Object.defineProperty(window, '__xssHits', { value: hits });
  Object.defineProperty(window, '__cspViolations', { value: violations });
  Object.defineProperty(window, '__xss', {
    value: (n: unknown) => {
      hits.push(String(n));
      report('__XSS_HIT__', String(n));
    },
  });
  document.addEventListener(
    'securitypolicyviolation',
    (e) => {
      const v = JSON.stringify({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` });
      violations.push(v);
      report('__XSS_CSP__', v);
    },
    true,
  );
}

/**
 * What is wrong with the page's DOM, as readable lines (runs in the page, so self-contained).
 * Markup from a payload would show up here even where the CSP stopped it from running.
 */
function domProblems(origin: string): string[] {
  const out: string[] = [];
  const show = (el: Element) => `${el.outerHTML.slice(0, 200)} (in .${el.parentElement?.className ?? '?'})`;

  // Elements no text may ever become (the app itself renders none of them in the body).
  const banned = [
    'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'base', 'basefont', 'bgsound', 'meta', 'link', 'style',
    'title', 'template', 'noscript', 'noembed', 'noframes', 'xmp', 'plaintext', 'listing', 'marquee', 'blink', 'isindex', 'keygen', 'portal',
    'fencedframe', 'xss', 'image', 'math', 'svg script', 'svg foreignObject', 'svg animate', 'svg set', 'svg use', 'svg a',
  ];
  for (const el of document.body.querySelectorAll(banned.join(', '))) out.push(`banned element: ${show(el)}`);

  // The head holds the app's own files only (React 19 would hoist a <title>, <meta>, <link> or <style> there).
  for (const el of document.head.children) {
    const tag = el.tagName.toLowerCase();
    const ok =
      (tag === 'meta' && !el.hasAttribute('http-equiv')) ||
      tag === 'title' ||
      (tag === 'link' && (el as HTMLLinkElement).href.startsWith(`${origin}/`)) ||
      (tag === 'script' && (el as HTMLScriptElement).src.startsWith(`${origin}/`) && !el.textContent?.trim());
    if (!ok) out.push(`unexpected in <head>: ${show(el)}`);
  }

  // No handler, srcdoc or script URL on any element.
  const urlAttributes = new Set(['href', 'src', 'srcset', 'action', 'formaction', 'data', 'poster', 'cite', 'background', 'codebase', 'xlink:href', 'ping', 'lowsrc', 'dynsrc']);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) out.push(`event handler attribute ${name}: ${show(el)}`);
      if (['srcdoc', 'formaction', 'xlink:href', 'http-equiv', 'ng-app', 'ng-focus', 'autofocus'].includes(name) && !(name === 'autofocus' && el.matches('.composer textarea, .dialog *, .lightbox *')))
        out.push(`attribute ${name}: ${show(el)}`);
      if (urlAttributes.has(name)) {
        const squashed = attr.value.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g, '').toLowerCase();
        if (/^(javascript|vbscript|livescript|mocha|data|jar|view-source|about|file):/.test(squashed)) out.push(`script-capable URL in ${name}: ${show(el)}`);
      }
      if (name === 'style' && /expression|javascript|vbscript|url\s*\(|behavior|binding|@import/i.test(attr.value)) out.push(`style attribute: ${show(el)}`);
    }
  }

  // Links go to the web (or mail), other sites in a new tab without an opener.
  for (const a of document.querySelectorAll<HTMLAnchorElement | HTMLAreaElement>('a[href], area[href]')) {
    const url = new URL(a.href);
    if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) out.push(`link to ${url.protocol}: ${show(a)}`);
    else if (url.protocol !== 'mailto:' && url.origin !== origin && (a.target !== '_blank' || !/\bnoopener\b/.test(a.rel) || !/\bnoreferrer\b/.test(a.rel)))
      out.push(`link to another site that keeps its opener: ${show(a)}`);
  }

  // Pictures and media are this server's files (or a local upload being sent), in the app's own places.
  const fromServer = (v: string) => v === '' || v.startsWith(`${origin}/api/`) || v.startsWith('blob:');
  for (const el of document.querySelectorAll('img, video, audio, source, track, input[type="image"]')) {
    const src = (el as HTMLImageElement).src ?? '';
    const srcset = el.getAttribute('srcset') ?? '';
    if (!fromServer(src) || (srcset !== '' && srcset.split(',').some((part) => !fromServer(new URL(part.trim().split(/\s+/)[0] ?? '', document.baseURI).href))))
      out.push(`media not from the server: ${show(el)}`);
    if (el.tagName === 'IMG' && !el.closest('.attachment, .lightbox, .upload-tray') && !el.matches('.preview-image, .avatar')) out.push(`image outside the app's places: ${show(el)}`);
    if ((el.tagName === 'VIDEO' || el.tagName === 'AUDIO') && !el.closest('.attachment, .composer')) out.push(`media outside the app's places: ${show(el)}`);
  }

  // Message text is Markdown's few elements.
  const markdown = new Set(['P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'A', 'SPAN']);
  for (const el of document.querySelectorAll('.message .text *')) {
    if (!markdown.has(el.tagName) || (el.tagName === 'SPAN' && !/\b(mention|edited)\b/.test(el.className))) out.push(`not Markdown in a message: ${show(el)}`);
  }
  // Names, titles, topics, file names and preview fields are plain text.
  const plain = [
    '.sender', '.pane-head h2', '.pane-head .topic', '.seen-by', '.typing', '.preview-site', '.preview-title', '.preview-description', '.file-name',
    '.lightbox-name', '.upload-name', '.conversation-preview', '.person-name', '.channel-row .muted', '.reaction-emoji', '.reaction-count',
  ];
  for (const el of document.querySelectorAll(plain.join(', '))) if (el.children.length > 0) out.push(`markup in plain text: ${show(el)}`);
  for (const el of document.querySelectorAll('.conversation-title *, .topbar .me *')) {
    if (!(el.tagName === 'SPAN' && /\b(presence-dot|muted-icon|avatar)\b/.test(el.className)) && !el.matches('img.avatar')) out.push(`markup in a title: ${show(el)}`);
  }

  // The page is still the app, untouched.
  if (location.origin !== origin) out.push(`navigated to ${location.href}`);
  if (window.name) out.push(`window.name = ${window.name}`);
  if (!/^(\(\d+\) )?Parley$/.test(document.title)) out.push(`document.title = ${document.title}`);
  const w = window as unknown as { __xssHits?: string[]; __cspViolations?: string[] };
  if (!w.__xssHits || !w.__cspViolations) out.push('the probes are gone');
  for (const n of w.__xssHits ?? []) out.push(`__xss(${n}) ran`);
  return out;
}

/** Visible text, ignoring what Markdown may legitimately consume (emphasis and code markers) and spacing. */
const squash = (s: string) => s.replace(/[\s*_~`]/g, '');

/** What the server keeps of a page's text for a preview (as its extractor: controls and bidi overrides gone, spaces collapsed, capped). */
function previewText(s: string, max: number): string {
  const text = s.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One page of the loopback site: its preview fields are payloads. */
interface SitePage {
  path: string;
  siteName: Payload;
  title: Payload;
  description: Payload;
  /** The title as `<title>` rather than og:title. */
  titleTag?: boolean;
  /** Written raw in single-quoted attributes (the payloads have no `'`), not escaped. */
  raw?: boolean;
  ogUrl?: Payload;
  ogImage?: string;
}

function pageHtml(p: SitePage): string {
  const value = (s: string) => (p.raw ? `'${s}'` : `"${escapeHtml(s)}"`);
  const meta = (property: string, content: string) => `<meta property="${property}" content=${value(content)}>`;
  return `<!doctype html><html><head><meta charset="utf-8">
    ${p.titleTag ? `<title>${p.raw ? p.title.text : escapeHtml(p.title.text)}</title>` : meta('og:title', p.title.text)}
    ${meta('og:description', p.description.text)}
    ${meta('og:site_name', p.siteName.text)}
    ${p.ogUrl ? meta('og:url', p.ogUrl.text) : ''}
    ${p.ogImage ? meta('og:image', p.ogImage) : ''}
    </head><body><p>${escapeHtml(p.description.text)}</p></body></html>`;
}

describe.skipIf(skipBrowserTests)('web app: an XSS corpus runs nowhere', () => {
  let site: LocalServer;
  let app: { dir: string; remove(): void } | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const clients: ParleyClient[] = [];
  let origin: string;
  let picture: Buffer;

  // The site's pages: 15 of escaped payloads, one raw.
  const pages: SitePage[] = [];
  for (let i = 0; i * 3 < previewPayloads.length; i++) {
    const [siteName, title, description] = previewPayloads.slice(i * 3, i * 3 + 3) as [Payload, Payload, Payload];
    pages.push({
      path: `/p/${i}`,
      siteName,
      title,
      description,
      titleTag: i < 3,
      ...(i >= 3 && i < 3 + previewUrlPayloads.length ? { ogUrl: previewUrlPayloads[i - 3]! } : {}),
      ...(i === 0 || i === 1 ? { ogImage: '/picture.png' } : i === 2 ? { ogImage: '/logo.svg' } : i >= 9 ? { ogImage: previewUrlPayloads[(i - 9) % previewUrlPayloads.length]!.text } : {}),
    });
  }
  // Three of them again, unescaped in single-quoted attributes (nothing for the parser to decode).
  const raw = previewPayloads.filter((p) => !p.text.includes("'") && !p.text.includes('\n')).slice(0, 3) as [Payload, Payload, Payload];
  pages.push({ path: '/raw', siteName: raw[0], title: raw[1], description: raw[2], raw: true });

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    const page = pages.find((p) => p.path === path);
    if (page) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(page));
    else if (path === '/picture.png') res.writeHead(200, { 'content-type': 'image/png' }).end(picture);
    else if (path === '/logo.svg') res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" onload="__xss(0)"><script>__xss(0)</script></svg>');
    else res.writeHead(404).end();
  }

  beforeAll(async () => {
    picture = await png(600, 315);
    site = await startLocalServer(serve);
    app = await buildWebApp();
    server = await startTestServer('sqlite', {
      PARLEY_WEB_DIR: app.dir,
      // The preview fetcher may reach this loopback site, and nothing else on loopback.
      PARLEY_FETCH_ALLOW: `127.0.0.1:${site.port}`,
      PARLEY_RATE_UPLOADS_PER_MINUTE: '10000',
    });
    origin = server.url;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    await site?.close();
    app?.remove();
  });

  /** Requests a page may make: the app's files and API, a conversation's address, blobs of uploads. */
  const allowedRequest = (raw: string) => {
    if (raw.startsWith('blob:')) return true;
    const url = new URL(raw);
    if (url.origin !== origin) return false;
    return url.pathname === '/' || /^\/(api|assets)\//.test(url.pathname) || /^\/c\/[0-9A-Z]{26}$/.test(url.pathname) || /^\/[\w-]+\.(svg|png|ico|webmanifest)$/.test(url.pathname);
  };

  async function openWatched(name: string): Promise<Watched> {
    // Tall: the timeline draws only the messages near the screen, and the checks below look at a
    // whole conversation of the corpus (up to 50 messages, or dozens of senders) at once.
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1600 } });
    contexts.push(context);
    await context.addInitScript(installProbes);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const w: Watched = { name, page, hits: [], dialogs: [], csp: [], appCsp: [], errors: [], requests: [], frames: [], popups: [], navigations: [] };
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('__XSS_HIT__ ')) w.hits.push(text.slice(12));
      else if (text.startsWith('__XSS_CSP__ ')) recordViolation(w, text.slice(12));
      else if (m.type() === 'error' && !text.startsWith('Failed to load resource')) w.errors.push(text);
    });
    page.on('pageerror', (e) => w.errors.push(e.message));
    page.on('dialog', (d) => {
      w.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('frameattached', (f) => w.frames.push(f.url() || '(new frame)'));
    page.on('popup', (p) => w.popups.push(p.url()));
    page.on('request', (r) => allowedRequest(r.url()) || w.requests.push(r.url()));
    page.on('framenavigated', (f) => f === page.mainFrame() && !f.url().startsWith(`${origin}/`) && w.navigations.push(f.url()));
    await page.goto(origin);
    return w;
  }

  /**
   * Zod's check for whether it may compile validators (`Function('')` in a try) is refused by the
   * policy and reported like any violation; it comes from the app's own bundle and is no payload.
   */
  const isZodEvalProbe = (v: { directive?: string; blocked?: string; source?: string }) =>
    v.directive === 'script-src' && v.blocked === 'eval' && (v.source ?? '').startsWith(`${origin}/assets/`);

  function recordViolation(w: Watched, json: string): void {
    const list = isZodEvalProbe(JSON.parse(json) as object) ? w.appCsp : w.csp;
    if (!list.includes(json)) list.push(json);
  }

  /** Everything recorded and found so far must be empty, in every page. */
  async function expectClean(watched: readonly Watched[], stage: string): Promise<void> {
    for (const w of watched) {
      await w.page.mouse.move(500, 400); // a payload waiting for the pointer would get it here
      const dom = await w.page.evaluate(domProblems, origin);
      // The page's own record too, in case a console message was missed.
      for (const v of await w.page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])) recordViolation(w, v);
      const found = {
        hits: w.hits.map((n) => `__xss(${n}) ran: ${payloadOf(n)?.text ?? '?'}`),
        dialogs: w.dialogs,
        csp: w.csp,
        errors: w.errors,
        requests: w.requests,
        frames: w.frames,
        popups: w.popups,
        navigations: w.navigations,
        dom,
      };
      expect(found, `${stage}, in ${w.name}'s page`).toEqual({ hits: [], dialogs: [], csp: [], errors: [], requests: [], frames: [], popups: [], navigations: [], dom: [] });
    }
  }

  /**
   * Opens a conversation the way the app's own links do, and waits for its header and its history.
   * Sends wait for the history: the app's first page replaces what it holds when it arrives, so a
   * message coming live while that page is on its way would be dropped (an app race, not XSS).
   */
  async function openConversation(w: Watched, conversationId: string, title: string, waitForHistory = true): Promise<void> {
    const history = waitForHistory && w.page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/conversations/${conversationId}/messages`);
    if (history) history.catch(() => {}); // awaited below; not left unhandled if the header never comes
    await w.page.evaluate((id) => {
      window.history.pushState(null, '', `/c/${id}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, conversationId);
    await waitFor(w, (t) => document.querySelector('.pane-head h2')?.textContent === t, title);
    if (!history) return;
    await (await history).finished();
    await w.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
  }

  /** Polls `check(arg)` in the page (plain data only: Playwright's handle unboxing is not needed here, hence the cast). */
  async function waitFor<A>(w: Watched, check: (arg: A) => boolean, arg: A, timeout = 10_000): Promise<void> {
    try {
      await w.page.waitForFunction(check as (arg: unknown) => boolean, arg as unknown, { timeout, polling: 50 });
    } catch (err) {
      throw new Error(`in ${w.name}'s page, waiting for ${String(check)} with ${JSON.stringify(arg).slice(0, 300)}: ${(err as Error).message}`);
    }
  }

  const waitForMessages = (w: Watched, ids: readonly string[]) =>
    waitFor(w, (list) => list.every((id) => document.querySelector(`.pane .timeline .message[data-status="sent"][data-id="${id}"]`)), ids);

  /** Each message's text as the page shows it (null when it is not there). */
  const shownTexts = (w: Watched, ids: readonly string[]) =>
    w.page.evaluate((list) => list.map((id) => document.querySelector(`.pane .timeline [data-id="${id}"] .text`)?.textContent ?? null), ids);

  /** The payloads whose message does not show what was sent. */
  async function notShown(w: Watched, sent: readonly { payload: Payload; id: string }[]) {
    const texts = await shownTexts(w, sent.map((s) => s.id));
    return sent.flatMap(({ payload }, i) => {
      const shown = texts[i] ?? null;
      return shown !== null && squash(shown) === squash(payload.visible ?? payload.text) ? [] : [{ n: payload.n, sent: payload.text, shown }];
    });
  }

  const login = async (w: Watched, username: string) => {
    await w.page.getByLabel('Username').fill(username);
    await w.page.getByLabel('Password').fill(PASSWORD);
    await w.page.getByRole('button', { name: 'Log in' }).click();
    await w.page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
  };

  const track = <C extends ParleyClient>(c: C) => (clients.push(c), c);

  // Shared by the tests, in order: the reader (victim) and the sender (mallory), each in a browser.
  let victim: Watched;
  let mallory: Watched;
  let victimSdk: ParleyClient;
  let mallorySdk: ParleyClient;
  let victimId: string;
  let dmId: string;
  const all = () => [victim, mallory];

  it('the corpus is large and every payload is distinct', () => {
    const texts = [
      ...messagePayloads, ...typedPayloads, ...namePayloads, victimName, malloryName, updatedName, groupTitle, groupTopic, channelTopic, filesTitle,
      ...fileNamePayloads, ...pathNamePayloads, ...imageNamePayloads, ...previewPayloads, ...previewUrlPayloads,
    ].map((p) => p.text);
    expect(new Set(texts).size).toBe(corpusSize());
    expect(messagePayloads.length).toBeGreaterThanOrEqual(100);
    expect(corpusSize()).toBeGreaterThanOrEqual(250);
    for (const p of [...namePayloads, victimName, malloryName, updatedName]) expect(p.text.length, p.text).toBeLessThanOrEqual(64);
    console.info(
      `XSS corpus: ${messagePayloads.length + typedPayloads.length} in messages (${typedPayloads.length} typed), ${namePayloads.length + 3} display names, ` +
        `4 titles and topics, ${fileNamePayloads.length + pathNamePayloads.length + imageNamePayloads.length} file names, ` +
        `${previewPayloads.length} preview fields + ${previewUrlPayloads.length} preview URLs on ${pages.length} pages: ${corpusSize()} in all`,
    );
  });

  it('the probes see a payload that became markup (a canary page, not the app)', async () => {
    const canary = await openWatched('canary');
    await canary.page.getByLabel('Username').waitFor();
    await canary.page.evaluate(() => {
      // What a rendering bug would do: payload markup parsed into the page.
      document.body.insertAdjacentHTML('beforeend', '<div class="message"><div class="text"><img src=x onerror=__xss(0)><a href="javascript:__xss(0)">x</a><b>b</b></div></div>');
      (window as unknown as { __xss(n: number): void }).__xss(0);
    });
    await canary.page.evaluate(() => alert('canary'));
    await expect.poll(() => canary.csp.length).toBeGreaterThan(0);
    expect(canary.csp.some((v) => v.includes('"directive":"script-src-attr"'))).toBe(true);
    expect(canary.hits).toEqual(['0']);
    expect(canary.dialogs).toEqual(['alert: canary']);
    await expect.poll(() => canary.requests).toEqual([`${origin}/x`]);
    expect(await canary.page.evaluate(domProblems, origin)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^event handler attribute onerror/),
        expect.stringMatching(/^script-capable URL in href/),
        expect.stringMatching(/^link to javascript:/),
        expect.stringMatching(/^image outside the app's places/),
        expect.stringMatching(/^not Markdown in a message: <b>/),
        '__xss(0) ran',
      ]),
    );
    await canary.page.context().close();
  });

  it('message text: live to the reader, in the sender\'s own view, typed or sent, and after a reload', async () => {
    victim = await openWatched('victim');
    await victim.page.getByRole('button', { name: 'New here? Create an account' }).click();
    await victim.page.getByLabel('Username').fill('victim');
    await victim.page.getByLabel('Display name').fill(victimName.text);
    await victim.page.getByLabel('Password').fill(PASSWORD);
    await victim.page.getByRole('button', { name: 'Create account' }).click();
    await victim.page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    victimSdk = track(testClient(server!));
    await victimSdk.login('victim', PASSWORD);
    victimId = victimSdk.user!.id;
    expect(victimSdk.user!.displayName).toBe(victimName.text);

    mallorySdk = track(await newClient(server!, 'mallory', malloryName.text));
    await mallorySdk.connect(); // sends go over the socket: quicker than a request each
    mallory = await openWatched('mallory');
    await login(mallory, mallorySdk.user!.username);
    dmId = (await mallorySdk.createDm(victimId)).conversation.id;
    await mallorySdk.sendMessage(dmId, 'hello');
    await expectClean(all(), 'before any payload');

    // At most 45 messages a conversation, so each fits in the newest page the app loads.
    const chunks: Payload[][] = [];
    for (let i = 0; i < messagePayloads.length; i += 45) chunks.push(messagePayloads.slice(i, i + 45));
    const sentAll: { payload: Payload; id: string }[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const group = i > 0 ? (await mallorySdk.createGroup(`Corpus ${i + 1}`, [victimId])).conversation.id : null;
      await openConversation(victim, group ?? dmId, group ? `Corpus ${i + 1}` : malloryName.text);
      await openConversation(mallory, group ?? dmId, group ? `Corpus ${i + 1}` : victimName.text);
      // All at once over the socket; each payload is found again by its message's id.
      const sent = await Promise.all(chunk.map(async (payload) => ({ payload, id: (await mallorySdk.sendMessage(group ?? dmId, payload.text)).id })));
      sentAll.push(...sent);
      for (const w of all()) {
        await waitForMessages(w, sent.map((s) => s.id));
        expect(await notShown(w, sent), `message text as ${w.name} sees it`).toEqual([]);
      }
      await expectClean(all(), `messages ${chunk[0]!.n}-${chunk.at(-1)!.n}`);
    }

    // Typed into the sender's composer: shown pending, then sent, on both sides.
    await openConversation(victim, dmId, malloryName.text);
    await openConversation(mallory, dmId, victimName.text);
    const composer = mallory.page.getByLabel('Message', { exact: true });
    for (const payload of typedPayloads) {
      await composer.fill(payload.text);
      await composer.press('Enter');
      await expect.poll(() => composer.inputValue()).toBe('');
    }
    // The composer empties at once; the server has the last one a moment later.
    const latest = async () => (await mallorySdk.messages(dmId, { limit: typedPayloads.length })).messages;
    await expect.poll(async () => (await latest()).map((m) => m.text)).toEqual(typedPayloads.map((p) => p.text));
    const newest = await latest();
    const typed = typedPayloads.map((payload, i) => ({ payload, id: newest[i]!.id }));
    for (const w of all()) {
      await waitForMessages(w, typed.map((s) => s.id));
      expect(await notShown(w, typed), `typed text as ${w.name} sees it`).toEqual([]);
    }
    await expectClean(all(), 'typed messages');

    // From history rather than live: the reader reloads the DM (its newest 50 messages).
    await victim.page.reload();
    await victim.page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    await waitFor(victim, (t) => document.querySelector('.pane-head h2')?.textContent === t, malloryName.text);
    const history = [...sentAll.slice(0, chunks[0]!.length), ...typed].slice(-50);
    await waitForMessages(victim, history.map((s) => s.id));
    expect(await notShown(victim, history), 'message text after a reload').toEqual([]);
    await expectClean(all(), 'after a reload');
  });

  it('display names, a group title and topic, a channel topic: sidebar, headers, senders, reactions, seen by, typing, search', async () => {
    // One attacker per name; one more changes a plain name to a payload.
    const attackers: ParleyClient[] = [];
    attackers.push(...(await Promise.all(namePayloads.map(async (p) => track(await newClient(server!, 'atk', p.text))))));
    const shifter = track(await newClient(server!, 'atk', 'Plain Person'));
    await shifter.updateProfile({ displayName: updatedName.text, statusText: `<img src=x onerror=__xss(${updatedName.n})>` });
    attackers.push(shifter);
    const names = [...namePayloads, updatedName].map((p) => p.text);
    expect(attackers.map((a) => a.user!.displayName)).toEqual(names);

    // Each starts a DM with the reader: the sidebar lists them by name, live.
    const dms: string[] = [];
    for (const a of attackers) {
      const dm = (await a.createDm(victimId)).conversation.id;
      dms.push(dm);
      await a.sendMessage(dm, `hi from @${a.user!.username}`);
    }
    await waitFor(victim, (list) => list.every((n) => [...document.querySelectorAll('.conversation-title')].some((el) => el.textContent === n)), names);
    for (const [i, dm] of dms.entries()) await openConversation(victim, dm, names[i]!, false);
    await expectClean(all(), 'DMs from people with payload names');

    // A group with a payload title and topic; everyone speaks in it. The topic is set once the
    // creator's app lists the group and before the others join: the app refetches its list on a
    // new conversation, and an update arriving during that refetch is lost (an app race, not XSS).
    const group = (await mallorySdk.createGroup(groupTitle.text)).conversation.id;
    await waitFor(mallory, (t) => [...document.querySelectorAll('.conversation-title')].some((el) => el.textContent === t), groupTitle.text);
    await mallorySdk.updateConversation(group, { topic: groupTopic.text });
    await mallorySdk.addMembers(group, [victimId, ...attackers.map((a) => a.user!.id)]);
    await waitFor(victim, (t) => [...document.querySelectorAll('.conversation-title')].some((el) => el.textContent === t), groupTitle.text);
    for (const w of all()) {
      await openConversation(w, group, groupTitle.text);
      await waitFor(w, (t) => document.querySelector('.pane-head .topic')?.textContent === t, groupTopic.text);
    }
    await Promise.all(attackers.map((a) => a.sendMessage(group, 'present')));
    const composer = victim.page.getByLabel('Message', { exact: true });
    await composer.fill('who has seen this?');
    await composer.press('Enter');
    const everyone = [...names, victimName.text];
    for (const w of all()) await waitFor(w, (list) => list.every((n) => [...document.querySelectorAll('.message-group .sender')].some((el) => el.textContent === n)), everyone);

    // They react to the reader's message and read it; two of them type.
    const last = async () => (await victimSdk.messages(group, { limit: 1 })).messages[0];
    await expect.poll(async () => (await last())?.text).toBe('who has seen this?');
    const question = (await last())!;
    await Promise.all(attackers.map(async (a) => {
      await a.toggleReaction(group, question.id, '👍');
      await a.markRead(group, question.seq);
    }));
    const chip = `.pane .timeline [data-id="${question.id}"] .reaction`;
    await waitFor(victim, ([selector, count]) => document.querySelector(selector)?.querySelector('.reaction-count')?.textContent === count, [chip, String(attackers.length)] as const);
    const seenBy = `.pane .timeline [data-id="${question.id}"] .seen-by`;
    await waitFor(victim, ([selector, list]) => list.every((n) => document.querySelector(selector)?.getAttribute('title')?.includes(n)), [seenBy, names] as const);
    const tooltip = (await victim.page.locator(chip).getAttribute('title')) ?? '';
    expect(names.filter((n) => !tooltip.includes(n)), 'names in the reaction tooltip').toEqual([]);
    const seenText = (await victim.page.locator(seenBy).textContent()) ?? '';
    expect(seenText.startsWith('Seen by') && names.some((n) => seenText.includes(n)), seenText).toBe(true);
    const typists = attackers.slice(0, 2);
    for (const a of typists) {
      await a.connect();
      a.typing(group, true);
    }
    await waitFor(victim, (list) => list.every((n) => document.querySelector('.pane .typing')?.textContent?.includes(n)), names.slice(0, 2));
    await expectClean(all(), 'a group of payload names');
    for (const a of typists) a.typing(group, false);

    // Finding people by name lists them as text.
    await victim.page.getByRole('button', { name: 'New message' }).click();
    await victim.page.getByLabel('Find a person by name').fill('atk');
    await victim.page.locator('.person-name').first().waitFor();
    const found = await victim.page.locator('.person-name').allTextContents();
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((n) => !names.includes(n))).toEqual([]);
    await expectClean(all(), 'people search');
    await victim.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await victim.page.getByRole('dialog').waitFor({ state: 'detached' });

    // A channel's topic, in the channel browser and the header.
    await mallorySdk.createChannel('xss-lab', channelTopic.text);
    await victim.page.getByRole('button', { name: 'Channels' }).click();
    const row = victim.page.locator('.channel-row', { hasText: '#xss-lab' });
    await row.waitFor();
    expect(await row.locator('.muted').textContent()).toBe(channelTopic.text);
    await expectClean(all(), 'channel browser');
    await row.getByRole('button', { name: 'Join #xss-lab' }).click();
    await waitFor(victim, (t) => document.querySelector('.pane-head h2')?.textContent === '#xss-lab' && document.querySelector('.pane-head .topic')?.textContent === t, channelTopic.text);
    expect(await victim.page.locator('.topbar .me').textContent()).toContain(victimName.text);
    await expectClean(all(), 'channel topic');
  });

  let filesGroup: string;

  it('file names: in the sender\'s tray, file cards, image alt text and labels, and the lightbox', async () => {
    filesGroup = (await mallorySdk.createGroup(filesTitle.text, [victimId])).conversation.id;
    for (const w of all()) await openConversation(w, filesGroup, filesTitle.text);

    // Picked in the sender's browser: the tray shows each name as given.
    await mallory.page.locator('.pane input[type="file"]').setInputFiles(fileNamePayloads.map((p) => ({ name: p.text, mimeType: 'text/plain', buffer: Buffer.from(`file ${p.n}\n`) })));
    const tray = mallory.page.locator('.upload-tray');
    await expect.poll(() => tray.locator('.upload[data-status="done"]').count()).toBe(fileNamePayloads.length);
    expect(await tray.locator('.upload-name').allTextContents()).toEqual(fileNamePayloads.map((p) => p.text));
    await expectClean([mallory], 'the upload tray');
    await mallory.page.getByLabel('Message', { exact: true }).fill('files by the picker');
    await mallory.page.getByLabel('Message', { exact: true }).press('Enter');
    await tray.waitFor({ state: 'detached' });
    // The tray empties once the message is taken; the server has it a moment later.
    const newest = async () => (await mallorySdk.messages(filesGroup, { limit: 1 })).messages[0];
    await expect.poll(async () => (await newest())?.text).toBe('files by the picker');
    const picked = (await newest())!;

    // Through the SDK: names with paths, scripts as content, and pictures.
    const upload = async (name: string, bytes: Uint8Array) => (await mallorySdk.uploadFile(bytes, { name })).id;
    const files: string[] = [];
    for (const p of pathNamePayloads) files.push(await upload(p.text, Buffer.from(`path ${p.n}\n`)));
    files.push(await upload('page.html', Buffer.from(`<!doctype html><script>__xss(${pathNamePayloads[0]!.n})</script><img src=x onerror=__xss(${pathNamePayloads[0]!.n})>`)));
    files.push(await upload('logo.svg', Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="__xss(${pathNamePayloads[1]!.n})"><script>__xss(${pathNamePayloads[1]!.n})</script></svg>`)));
    const byPath = await mallorySdk.sendMessage(filesGroup, 'files by the SDK', { attachments: files });
    const pictures: string[] = [];
    for (const p of imageNamePayloads) pictures.push(await upload(p.text, await png(64, 48)));
    const photos = await mallorySdk.sendMessage(filesGroup, 'pictures', { attachments: pictures });

    // The server keeps neutralised names; the pages show exactly those, as text.
    const raw = [...fileNamePayloads, ...pathNamePayloads].map((p) => p.text).concat(['page.html', 'logo.svg']);
    expect([...picked.attachments, ...byPath.attachments].map((a) => a.name)).toEqual(raw.map(neutraliseFileName));
    expect(photos.attachments.map((a) => [a.kind, a.name])).toEqual(imageNamePayloads.map((p) => ['image', neutraliseFileName(p.text)]));
    for (const w of all()) {
      await waitForMessages(w, [picked.id, byPath.id, photos.id]);
      for (const m of [picked, byPath]) {
        const cards = w.page.locator(`.pane .timeline [data-id="${m.id}"] .file-card`);
        expect(await cards.locator('.file-name').allTextContents(), `file names as ${w.name} sees them`).toEqual(m.attachments.map((a) => a.name));
        expect(await cards.evaluateAll((links) => links.map((a) => a.getAttribute('download')))).toEqual(m.attachments.map((a) => a.name));
      }
      const buttons = w.page.locator(`.pane .timeline [data-id="${photos.id}"] .attachment[data-kind="image"] button`);
      expect(await buttons.evaluateAll((list) => list.map((b) => b.getAttribute('aria-label')))).toEqual(photos.attachments.map((a) => `Open ${a.name}`));
      expect(await buttons.locator('img').evaluateAll((list) => list.map((img) => img.getAttribute('alt')))).toEqual(photos.attachments.map((a) => a.name));
    }
    await expectClean(all(), 'attachments');

    // The lightbox names the picture too.
    await victim.page.locator(`.pane .timeline [data-id="${photos.id}"] .attachment button`).first().click();
    const lightbox = victim.page.locator('dialog.lightbox');
    await lightbox.waitFor();
    const first = photos.attachments[0]!.name;
    expect(await lightbox.getAttribute('aria-label')).toBe(first);
    expect(await lightbox.locator('.lightbox-name').textContent()).toBe(first);
    expect(await lightbox.locator('a[download]').getAttribute('download')).toBe(first);
    await expectClean([victim], 'the lightbox');
    await victim.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
  });

  it('link previews: site names, titles and descriptions of loopback pages', async () => {
    const links = pages.map((p) => site.origin + p.path);
    const sent: Message[] = [];
    for (let i = 0; i < links.length; i += 3) sent.push(await mallorySdk.sendMessage(filesGroup, `read ${links.slice(i, i + 3).join(' and ')}`));

    // The previews arrive a moment later (message.updated), in both pages.
    for (const w of all()) {
      await waitFor(
        w,
        (list) => list.every(([id, count]) => document.querySelectorAll(`.pane .timeline [data-id="${id}"] .preview`).length === count),
        sent.map((m, i) => [m.id, Math.min(3, links.length - i * 3)] as const),
        15_000,
      );
    }
    const stored = await Promise.all(sent.map((m) => victimSdk.message(filesGroup, m.id)));
    const previews = stored.flatMap((m) => m.previews);
    expect(previews.map((p) => p.url)).toEqual(links);

    // The server kept each payload as text (decoded once, spaces collapsed, bidi overrides dropped), and only safe URLs.
    const expected = pages.map((p) => ({
      siteName: previewText(p.siteName.text, 300),
      title: previewText(p.title.text, 300),
      description: previewText(p.description.text, 1000),
    }));
    expect(previews.map((p) => ({ siteName: p.siteName, title: p.title, description: p.description }))).toEqual(expected);
    expect(previews.filter((p) => p.imageUrl !== null && !p.imageUrl.startsWith('/api/'))).toEqual([]);
    expect(previews.filter((p) => p.imageUrl !== null).length).toBe(2); // the two real pictures, proxied

    // And the pages show exactly that, as text.
    for (const w of all()) {
      const shown = await w.page.evaluate(
        (ids) =>
          ids.flatMap((id) =>
            [...document.querySelectorAll(`.pane .timeline [data-id="${id}"] .preview`)].map((li) => ({
              siteName: li.querySelector('.preview-site')?.textContent ?? null,
              title: li.querySelector('.preview-title')?.textContent ?? null,
              href: li.querySelector('.preview-title')?.getAttribute('href') ?? null,
              description: li.querySelector('.preview-description')?.textContent ?? null,
            })),
          ),
        sent.map((m) => m.id),
      );
      expect(shown, `previews as ${w.name} sees them`).toEqual(previews.map((p) => ({ siteName: p.siteName, title: p.title, href: p.url, description: p.description })));
      expect(await notShown(w, sent.map((m) => ({ payload: { n: 0, text: m.text }, id: m.id })))).toEqual([]);
    }
    // The browser never went to the site: the server fetched it, and serves its pictures itself.
    expect(site.requests.length).toBeGreaterThanOrEqual(pages.length);
    await expectClean(all(), 'link previews');
  });

  it('after everything, nothing ran in either page', async () => {
    await expectClean(all(), 'the end');
  });

  it('the app itself runs clean under its own policy (no CSP violation of its own code either)', () => {
    // Zod 4 probes for eval (`Function('')`) unless configured jitless: under `script-src 'self'`
    // that is a violation on every load, reported to any report-uri the policy would name.
    const own = all().flatMap((w) => w.appCsp.map((v) => `${w.name}: ${v}`));
    expect(own, "the app's bundle tried eval: Zod's JIT probe, off with z.config({ jitless: true }) before any schema is used").toEqual([]);
  });
});
