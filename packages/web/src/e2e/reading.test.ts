import { ParleyClient } from '@parley/sdk';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { PASSWORD, sentMessage, timeline, useWebApp } from './fixture.js';

/** On screen inside the conversation's scroller, not merely rendered somewhere in it. */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const view = el.closest('.message-scroller')!.getBoundingClientRect();
    return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
  });

describe.skipIf(skipBrowserTests)('web app: catching up on a conversation', () => {
  const fixture = useWebApp();
  const { openApp, register, pageErrors } = fixture;

  it('marks where new messages start, jumps to the latest, and keeps drafts until logout', async () => {
    const wes = await openApp();
    await register(wes, 'wes', 'Wes Anderson');
    // Xena writes from a script, through the SDK, while Wes is elsewhere in the app.
    const xena = new ParleyClient({ baseUrl: fixture.server.url });
    await xena.register({ username: 'xena', password: PASSWORD, displayName: 'Xena Warrior' });
    const { conversation } = await xena.createDm((await xena.searchUsers('wes'))[0]!.id);
    await xena.sendMessage(conversation.id, 'read before');
    const item = wes.getByRole('button', { name: /Xena Warrior/ });
    await item.click();
    await sentMessage(wes, 'read before').waitFor();
    await wes.goto(`${fixture.server.url}/`);
    await wes.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    for (let i = 1; i <= 40; i++) await xena.sendMessage(conversation.id, `catch up #${i}.`);
    await item.locator('.badge', { hasText: '40' }).waitFor();

    // Opening it: the divider sits before the first unread one, in view; the bottom is further on.
    await item.click();
    const divider = timeline(wes).locator('.unread-divider', { hasText: 'New messages' });
    await divider.waitFor();
    expect(await inView(divider)).toBe(true);
    expect(await inView(sentMessage(wes, 'catch up #40.'))).toBe(false);
    expect(await timeline(wes).locator('.unread-divider + li').textContent()).toContain('catch up #1.');
    const jump = wes.getByRole('button', { name: /Jump to latest/ });
    await jump.click();
    await jump.waitFor({ state: 'detached' });
    await expect.poll(() => inView(sentMessage(wes, 'catch up #40.'))).toBe(true);

    // Scrolled up when another arrives: the button counts it.
    await wes.locator('.message-scroller').first().evaluate((el) => el.scrollTo({ top: 0 }));
    await jump.waitFor();
    await xena.sendMessage(conversation.id, 'one more');
    await wes.getByRole('button', { name: /1 new below/ }).click();
    await expect.poll(() => inView(sentMessage(wes, 'one more'))).toBe(true);

    // By keyboard: one tab stop for the history, arrows between messages, Tab into the toolbar.
    const history = wes.locator('.pane .message-scroller');
    await history.focus();
    await wes.keyboard.press('ArrowUp');
    expect(await wes.evaluate(() => document.activeElement?.textContent)).toContain('one more');
    await wes.keyboard.press('ArrowUp');
    expect(await wes.evaluate(() => document.activeElement?.textContent)).toContain('catch up #40.');
    await wes.keyboard.press('Tab');
    expect(await wes.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('React with 👍');
    await wes.keyboard.press('Enter');
    await sentMessage(wes, 'catch up #40.').locator('.reaction', { hasText: '👍' }).waitFor();
    await wes.keyboard.press('Escape');
    expect(await wes.evaluate(() => document.activeElement?.tagName)).toBe('LI');
    await wes.keyboard.press('Home');
    expect(await wes.evaluate(() => document.activeElement?.textContent)).toContain('read before');

    // A draft survives a reload, and goes with logout.
    const composer = wes.getByLabel('Message', { exact: true });
    await composer.fill('half-written thought');
    await wes.reload();
    await wes.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    expect(await composer.inputValue()).toBe('half-written thought');
    await wes.getByRole('button', { name: 'Log out' }).click();
    await wes.getByLabel('Username').fill('wes');
    await wes.getByLabel('Password').fill(PASSWORD);
    await wes.getByRole('button', { name: 'Log in' }).click();
    await wes.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    expect(await composer.inputValue()).toBe('');

    // Read part of the way on another device: the badge counts what is left.
    await wes.goto(`${fixture.server.url}/`);
    await wes.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    const sent = [];
    for (const text of ['later 1', 'later 2', 'later 3']) sent.push(await xena.sendMessage(conversation.id, text));
    await item.locator('.badge', { hasText: '3' }).waitFor();
    const wesPhone = new ParleyClient({ baseUrl: fixture.server.url });
    await wesPhone.login('wes', PASSWORD);
    await wesPhone.markRead(conversation.id, sent[0]!.seq);
    await item.locator('.badge', { hasText: '2' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('offers Retry when history fails to load, in the conversation and in a thread', async () => {
    const yan = await openApp();
    await register(yan, 'yan', 'Yan Tiersen');
    const zoe = new ParleyClient({ baseUrl: fixture.server.url });
    await zoe.register({ username: 'zoe', password: PASSWORD, displayName: 'Zoe Kravitz' });
    const { conversation } = await zoe.createDm((await zoe.searchUsers('yan'))[0]!.id);
    const root = await zoe.sendMessage(conversation.id, 'a root with replies');
    await zoe.sendMessage(conversation.id, 'the reply in the thread', { replyTo: root.id });

    // The next history request of each kind fails once, as on a flaky network.
    const failNext = new Set(['topLevel', 'thread']);
    await yan.route('**/api/v1/conversations/*/messages?*', (route) => {
      const kind = new URL(route.request().url()).searchParams.has('thread') ? 'thread' : 'topLevel';
      if (!failNext.delete(kind)) return route.continue();
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Try again shortly.' } }) });
    });

    await yan.getByRole('button', { name: /Zoe Kravitz/ }).click();
    await yan.getByRole('alert').filter({ hasText: 'Could not load messages.' }).waitFor();
    await yan.getByRole('button', { name: 'Retry', exact: true }).click();
    const rootItem = sentMessage(yan, 'a root with replies');
    await rootItem.waitFor();

    await rootItem.getByRole('button', { name: '1 reply' }).click();
    const thread = yan.getByRole('complementary', { name: 'Thread' });
    await thread.getByRole('alert').filter({ hasText: 'Could not load messages.' }).waitFor();
    await thread.getByRole('button', { name: 'Retry', exact: true }).click();
    await thread.locator('.message[data-status="sent"]', { hasText: 'the reply in the thread' }).waitFor();
    expect(await thread.getByRole('alert').count()).toBe(0);
  });
});
