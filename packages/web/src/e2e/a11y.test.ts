import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, useWebApp } from './fixture.js';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * What axe-core (the accessibility rules screen-reader users rely on: names, roles, labels,
 * landmarks, contrast, focusable scrollers) finds wrong on the page as it is now, one line each.
 */
async function audit(page: Page, screen: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[]; any: { message: string }[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}${n.any[0] ? `: ${n.any[0].message}` : ''}`).join('; ')})`);
  });
  return violations.map((v) => `${screen}: ${v}`);
}

describe.skipIf(skipBrowserTests)('web app: accessibility audit of every main screen', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('has no axe-core violations on the login, conversation, thread, dialogs, dark theme and phone screens', async () => {
    // The page's CSP forbids injected scripts (as it should): the audit's own script is let in.
    const kim = await openApp({ locale: 'en-US', bypassCSP: true, colorScheme: 'light' });
    const leo = await openApp({ locale: 'en-US', bypassCSP: true, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const found: string[] = [];

    await kim.getByRole('heading', { name: 'Log in to Parley' }).waitFor();
    found.push(...(await audit(kim, 'login')));
    await kim.getByRole('button', { name: 'New here? Create an account' }).click();
    found.push(...(await audit(kim, 'register')));
    await kim.getByRole('button', { name: 'Already have an account? Log in' }).click();
    await register(kim, 'kim', 'Kim Wexler');
    await register(leo, 'leo', 'Leo Tolstoy');

    await kim.getByRole('button', { name: 'New message' }).click();
    await kim.getByLabel('Find a person by name').fill('leo');
    await kim.getByRole('dialog').getByRole('button', { name: /Leo Tolstoy/ }).waitFor();
    found.push(...(await audit(kim, 'new message dialog')));
    await kim.getByRole('dialog').getByRole('button', { name: /Leo Tolstoy/ }).click();

    const composer = kim.getByLabel('Message', { exact: true });
    for (const text of ['**Bold** and _italic_ with `code`', 'a link: https://example.invalid/page', '```\nconst x = 1;\n```']) {
      await composer.fill(text);
      await composer.press('Enter');
    }
    const first = sentMessage(kim, 'Bold');
    await first.waitFor();
    await first.hover();
    await first.getByRole('button', { name: 'React with 👍' }).click();
    await first.locator('.reaction').waitFor();
    found.push(...(await audit(kim, 'conversation')));

    await first.hover();
    await first.getByRole('button', { name: 'Reply in thread' }).click();
    const thread = kim.getByRole('complementary', { name: 'Thread' });
    await thread.getByLabel('Reply', { exact: true }).fill('in the thread');
    await thread.getByLabel('Reply', { exact: true }).press('Enter');
    await thread.locator('.message[data-status="sent"]', { hasText: 'in the thread' }).waitFor();
    found.push(...(await audit(kim, 'thread')));
    await thread.getByRole('button', { name: 'Close thread' }).click();

    await kim.getByRole('button', { name: 'Settings' }).click();
    await kim.getByRole('dialog', { name: 'Settings' }).waitFor();
    found.push(...(await audit(kim, 'settings')));
    await kim.getByRole('dialog', { name: 'Settings' }).getByLabel('Dark').check();
    await kim.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
    found.push(...(await audit(kim, 'conversation, dark')));

    // Leo, on a phone in the dark: the list, then the conversation.
    await leo.getByRole('button', { name: /Kim Wexler/ }).waitFor();
    found.push(...(await audit(leo, 'phone list')));
    await leo.getByRole('button', { name: /Kim Wexler/ }).click();
    await sentMessage(leo, 'Bold').waitFor();
    found.push(...(await audit(leo, 'phone conversation')));

    expect(found).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
