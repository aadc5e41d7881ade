import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

/**
 * In the page before the app: notifications are recorded instead of shown, and the tab can be
 * put in the background (`window.__setHidden`), which a headless browser never is by itself.
 */
function recordNotifications() {
  const w = window as unknown as { __notes: { title: string; body: string }[]; __hidden: boolean; __setHidden(h: boolean): void };
  w.__notes = [];
  w.__hidden = false;
  w.__setHidden = (hidden) => {
    w.__hidden = hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
  const Real = window.Notification;
  class Recorded extends EventTarget {
    static get permission() {
      return Real.permission;
    }
    static requestPermission = () => Real.requestPermission();
    onclick: (() => void) | null = null;
    constructor(title: string, options: NotificationOptions = {}) {
      super();
      w.__notes.push({ title, body: options.body ?? '' });
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: Recorded });
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(h), hidden);

describe.skipIf(skipBrowserTests)('web app: notifications, tab title and mute', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('notifies of DMs while in the background, counts unread in the title, and stays quiet when muted', async () => {
    const jack = await openApp({ locale: 'en-US', permissions: ['notifications'] }, recordNotifications);
    const kate = await openApp();
    await register(jack, 'jack', 'Jack Shephard');
    await register(kate, 'kate', 'Kate Austen');
    expect(await jack.title()).toBe('Parley');

    await startDm(kate, 'jack', 'Jack Shephard');
    const composer = kate.getByLabel('Message', { exact: true });
    await composer.fill('are you there?');
    await composer.press('Enter');

    // Jack has not opened it: the title counts it; the tab is in front, so no notification.
    await expect.poll(() => jack.title()).toBe('(1) Parley');
    expect(await notes(jack)).toEqual([]);

    // In the background, a DM notifies, with who and what.
    await setHidden(jack, true);
    await composer.fill('ping');
    await composer.press('Enter');
    await expect.poll(() => notes(jack)).toEqual([{ title: 'Kate Austen', body: 'ping' }]);
    await expect.poll(() => jack.title()).toBe('(2) Parley');

    // Opened and read: the count goes. Then he mutes the DM for an hour.
    await setHidden(jack, false);
    await jack.getByRole('button', { name: /Kate Austen/ }).click();
    await expect.poll(() => jack.title()).toBe('Parley');
    await jack.getByLabel('Mute', { exact: true }).selectOption('1h');
    await jack.locator('.pane-head [data-muted="true"]', { hasText: 'Muted until' }).waitFor();
    await jack.getByRole('button', { name: /Kate Austen/ }).getByRole('img', { name: 'Muted' }).waitFor();

    // Muted: a message in the background neither notifies nor counts in the title.
    // Away from the DM (an open one reads its messages at once).
    await jack.goto(`${new URL(jack.url()).origin}/`);
    await jack.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    await setHidden(jack, true);
    await composer.fill('quiet please');
    await composer.press('Enter');
    await jack.getByRole('button', { name: /Kate Austen/ }).filter({ hasText: 'quiet please' }).waitFor();
    expect(await jack.title()).toBe('Parley');
    expect(await notes(jack)).toEqual([]);
    // The mute is his alone: Kate's header offers her own.
    expect(await kate.getByLabel('Mute', { exact: true }).count()).toBe(1);

    // Unmuted (after a reload, the setting came from the server), the title counts again.
    await setHidden(jack, false);
    await jack.getByRole('button', { name: /Kate Austen/ }).click();
    await jack.getByRole('button', { name: 'Unmute' }).click();
    await jack.getByLabel('Mute', { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('asks for permission only once the person has sent a message, and "Not now" is remembered', async () => {
    const lena = await openApp();
    const mike = await openApp();
    await register(lena, 'lena', 'Lena Headey');
    await register(mike, 'mike', 'Mike Ross');
    const prompt = lena.getByRole('region', { name: 'Notifications' });
    expect(await prompt.count()).toBe(0);

    await startDm(lena, 'mike', 'Mike Ross');
    const composer = lena.getByLabel('Message', { exact: true });
    await composer.fill('hello');
    await composer.press('Enter');
    await sentMessage(lena, 'hello').waitFor();
    await prompt.waitFor();
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });

    await lena.reload();
    await composer.fill('again');
    await composer.press('Enter');
    await sentMessage(lena, 'again').waitFor();
    expect(await prompt.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
