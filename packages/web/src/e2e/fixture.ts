import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/src/testing/harness.js';
import { buildWebApp, launchChromium } from './browser.js';

export const PASSWORD = 'correct horse battery staple';

export interface WebAppFixture {
  readonly server: TestServer;
  /**
   * Errors pages logged, CSP violations included: the app must run clean under the server's
   * policy. HTTP errors the app expects and handles (401 before login, 409 for a taken username)
   * are logged by Chromium as "Failed to load resource" and left out.
   */
  readonly pageErrors: string[];
  /** A fresh browser context (its own cookies: another person or device) on the app; `init` runs in the page before the app. */
  openApp(options?: BrowserContextOptions, init?: () => void): Promise<Page>;
  /** Registers through the form and waits until the app is online. */
  register(page: Page, username: string, displayName: string): Promise<void>;
}

/**
 * One built app, one server and one browser for a test file: the app is built by Vite into a
 * temporary folder, so tests never depend on a stale dist.
 */
export function useWebApp(): WebAppFixture {
  let app: { dir: string; remove(): void } | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await buildWebApp();
    server = await startTestServer('sqlite', { PARLEY_WEB_DIR: app.dir });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    app?.remove();
  });

  return {
    get server() {
      return server!;
    },
    pageErrors,
    async openApp(options = { locale: 'en-US' }, init) {
      const context = await browser!.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      if (init) await page.addInitScript(init);
      // Shorter than the test's own timeout, so a stuck step names its locator instead of timing the test out.
      page.setDefaultTimeout(10_000);
      page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && pageErrors.push(m.text()));
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(server!.url);
      return page;
    },
    async register(page, username, displayName) {
      await page.getByRole('button', { name: 'New here? Create an account' }).click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Display name').fill(displayName);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    },
  };
}

/** The conversation's own timeline (the thread panel has its own). */
export const timeline = (page: Page) => page.locator('.pane .timeline');
export const sentMessage = (page: Page, text: string) => timeline(page).locator('.message[data-status="sent"]', { hasText: text });

/** "New message", find the person by `query`, pick them by display name: the DM opens. */
export async function startDm(page: Page, query: string, displayName: string): Promise<void> {
  await page.getByRole('button', { name: 'New message' }).click();
  await page.getByLabel('Find a person by name').fill(query);
  await page.getByRole('dialog').getByRole('button', { name: new RegExp(displayName) }).click();
}
