import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests } from './browser.js';
import { sentMessage, startDm, useWebApp } from './fixture.js';

const PHONE = { locale: 'en-US', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Nothing wider than the screen: no sideways scrolling. */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.skipIf(skipBrowserTests)('web app: on a phone, installed, offline', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('shows one pane at a time with a way back, with touch-sized targets', async () => {
    const quinn = await openApp(PHONE);
    const rosa = await openApp();
    await register(quinn, 'quinn', 'Quinn Fabray');
    await register(rosa, 'rosa', 'Rosa Diaz');
    expect(await overflows(quinn)).toBe(false);

    await quinn.getByRole('button', { name: 'New message' }).tap();
    await quinn.getByLabel('Find a person by name').fill('rosa');
    await quinn.getByRole('dialog').getByRole('button', { name: /Rosa Diaz/ }).tap();
    await quinn.getByRole('heading', { name: 'Rosa Diaz' }).waitFor();
    // The conversation takes the screen; the list is hidden until Back.
    expect(await quinn.getByRole('navigation', { name: 'Conversations' }).isVisible()).toBe(false);
    const composer = quinn.getByLabel('Message', { exact: true });
    await composer.fill('hi from my phone');
    await composer.press('Enter');
    await sentMessage(quinn, 'hi from my phone').waitFor();
    expect(await overflows(quinn)).toBe(false);
    const back = quinn.getByRole('button', { name: 'Back to conversations' });
    expect((await back.boundingBox())!.height).toBeGreaterThanOrEqual(44);

    // A tap on a message brings up its actions.
    await sentMessage(quinn, 'hi from my phone').tap();
    await sentMessage(quinn, 'hi from my phone').getByRole('button', { name: 'React with ❤️' }).tap();
    await rosa.getByRole('button', { name: /Quinn Fabray/ }).click();
    await sentMessage(rosa, 'hi from my phone').locator('.reaction', { hasText: '❤️' }).waitFor();

    await back.tap();
    await quinn.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(await quinn.locator('.pane').count()).toBe(0);
    // The browser's back button does the same as the app's.
    await quinn.getByRole('button', { name: /Rosa Diaz/ }).tap();
    await quinn.getByRole('heading', { name: 'Rosa Diaz' }).waitFor();
    await quinn.goBack();
    await quinn.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('is installable, opens without a network, and sends what was written offline once it is back', async () => {
    const sam = await openApp();
    const tina = await openApp();
    await register(sam, 'sam', 'Sam Carter');
    await register(tina, 'tina', 'Tina Cohen');

    // Installable: a manifest with icons, and a service worker controlling the page.
    const manifest = await sam.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? ((await (await fetch(link.href)).json()) as { name: string; display: string; icons: { sizes: string }[] }) : null;
    });
    expect(manifest).toMatchObject({ name: 'Parley', display: 'standalone' });
    expect(manifest!.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(await sam.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL.endsWith('/sw.js'))).toBe(true);

    await startDm(sam, 'tina', 'Tina Cohen');
    const composer = sam.getByLabel('Message', { exact: true });
    await composer.fill('before the tunnel');
    await composer.press('Enter');
    await tina.getByRole('button', { name: /Sam Carter/ }).click();
    await sentMessage(tina, 'before the tunnel').waitFor();

    // The network drops: the app says so, and a message written now waits, visibly.
    await sam.context().setOffline(true);
    await sam.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await composer.fill('written in the tunnel');
    await composer.press('Enter');
    await sam.locator('.pane .message[data-status="pending"]', { hasText: 'written in the tunnel' }).waitFor();

    // Back online: it goes out by itself, once, without a reload.
    await sam.context().setOffline(false);
    await sentMessage(sam, 'written in the tunnel').waitFor();
    await sentMessage(tina, 'written in the tunnel').waitFor();
    await sam.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    expect(await sentMessage(tina, 'written in the tunnel').count()).toBe(1);
    expect(await sam.locator('.pane .message', { hasText: 'written in the tunnel' }).count()).toBe(1);

    // Offline again, the installed app still opens from its cache, and says it is waiting.
    await sam.context().setOffline(true);
    await sam.reload();
    await sam.getByRole('status').filter({ hasText: 'Can’t reach Parley right now' }).waitFor();
    await sam.context().setOffline(false);
    await sam.getByRole('heading', { name: 'Tina Cohen' }).waitFor();
    expect(pageErrors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});
