// The browser of the web scenarios: Debian's Chromium driven by playwright-core (never Playwright's
// own browser downloads). It is launched by the generator, so it inherits the generator's core
// (taskset -c 1): the whole browser, renderer included, shares one core, away from the server's.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { descendantsOf } from './proc.mjs';

export const CHROMIUM = '/usr/bin/chromium';
/** The app's texts, and so the labels the scenarios look for, are English. */
const LOCALE = 'en-US';

export function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`the web scenarios need Chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A browser context (own cookies, own HTTP cache) logged in as `user` through a cookie session, or logged out. */
export async function newContext(browser, baseUrl, user = null) {
  const context = await browser.newContext({ locale: LOCALE, baseURL: baseUrl });
  if (user) {
    // The context's request client shares its cookie jar: the session cookie lands in the browser.
    const res = await context.request.post('/api/v1/auth/login', { data: { username: user.username, password: user.password, session: 'cookie' } });
    if (res.status() !== 200) throw new Error(`cookie login of ${user.username}: ${res.status()} ${await res.text()}`);
  }
  return context;
}

/** The distinct CPU affinities of the browser's processes (e.g. ["1"]), to prove the pinning in the results. */
export function browserAffinity() {
  const affinities = new Set();
  for (const pid of descendantsOf(process.pid)) {
    try {
      // Read from /proc rather than with taskset: Chromium's short-lived processes may be gone by then.
      const cpus = /^Cpus_allowed_list:\s*(\S+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (cpus) affinities.add(cpus);
    } catch {
      // exited meanwhile
    }
  }
  return [...affinities];
}

/**
 * Installed in every page before its own scripts (an init script, so it sees the first frame):
 * records, on the page's clock (0 = navigation start), when `ready()` first holds after a DOM
 * change, and when the frame showing it has been produced. Arguments must be serialisable.
 */
export function watchUntilReady({ kind, titles }) {
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const checks = {
    // A new visitor: the login form's Username field can be typed into.
    login: () =>
      [...document.querySelectorAll('input')].some(
        (input) => [...(input.labels ?? [])].some((l) => l.textContent.trim().startsWith('Username')) && !input.matches(':disabled') && visible(input),
      ),
    // A logged-in user: every one of their conversations is listed (a button named after it).
    conversations: () => {
      const buttons = [...document.querySelectorAll('button')].filter(visible);
      return titles.every((title) => buttons.some((b) => b.textContent.includes(title)));
    },
  };
  const ready = checks[kind];
  const mark = { readyAt: null, paintedAt: null };
  window.__benchReady = mark;
  const observer = new MutationObserver(() => {
    if (mark.readyAt !== null || !ready()) return;
    mark.readyAt = performance.now();
    observer.disconnect();
    // rAF runs just before the frame is painted; a task posted from it runs just after.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        mark.paintedAt = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/**
 * Opens `path` in a new page of `context` and resolves to the page and its timings (ms from
 * navigation start): ready (the DOM condition held), painted (the frame showing it was produced),
 * and the navigation timing entry's milestones.
 */
export async function loadUntilReady(context, path, condition, { timeoutMs = 30_000 } = {}) {
  const page = await context.newPage();
  await page.addInitScript(watchUntilReady, condition);
  await page.goto(path, { waitUntil: 'commit', timeout: timeoutMs });
  await page.waitForFunction(() => window.__benchReady?.paintedAt != null, null, { polling: 50, timeout: timeoutMs });
  const timings = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      readyMs: window.__benchReady.readyAt,
      paintedMs: window.__benchReady.paintedAt,
      responseEndMs: nav?.responseEnd ?? null,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null,
      loadMs: nav?.loadEventEnd || null,
    };
  });
  return { page, timings };
}
