import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { png } from '../../../server/src/testing/media.js';
import { skipBrowserTests } from './browser.js';
import { PASSWORD, useWebApp } from './fixture.js';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const LIGHT = 'rgb(255, 255, 255)';
const DARK = 'rgb(22, 24, 29)';

describe.skipIf(skipBrowserTests)('web app: settings, themes and languages', () => {
  const { openApp, register, pageErrors } = useWebApp();

  it('edits the profile and picture, switches theme (kept across reloads) and language', async () => {
    const olga = await openApp({ locale: 'en-US', colorScheme: 'light' });
    await register(olga, 'olga', 'Olga Petrova');
    expect(await background(olga)).toBe(LIGHT);

    await olga.getByRole('button', { name: 'Settings' }).click();
    const settings = olga.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Display name').fill('Olga P.');
    await settings.getByLabel('Status').fill('On holiday 🌴');
    await settings.getByRole('button', { name: 'Save profile' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await olga.locator('.topbar .me', { hasText: 'Olga P.' }).waitFor();

    // A picture replaces the initials.
    expect(await olga.locator('.topbar .me .avatar-initials').textContent()).toBe('OP');
    await settings.locator('input[type="file"]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await png(200, 200) });
    await olga.locator('.topbar .me img.avatar').waitFor();
    await expect.poll(() => olga.locator('.topbar .me img.avatar').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // Dark, and still dark after a reload; "system" follows the system's scheme.
    await settings.getByLabel('Dark').check();
    expect(await background(olga)).toBe(DARK);
    await olga.reload();
    await olga.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    expect(await background(olga)).toBe(DARK);
    await olga.getByRole('button', { name: 'Settings' }).click();
    await settings.getByLabel('Same as the system').check();
    expect(await background(olga)).toBe(LIGHT);
    await olga.emulateMedia({ colorScheme: 'dark' });
    expect(await background(olga)).toBe(DARK);

    // French: the page starts again in French, and stays French.
    await settings.getByLabel('Language').selectOption('fr');
    await olga.getByRole('button', { name: 'Réglages' }).waitFor();
    expect(await olga.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await olga.getByRole('button', { name: 'Nouveau message' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('speaks French from the first screen to a browser set to French, in a dark system theme', async () => {
    const page = await openApp({ locale: 'fr-FR', colorScheme: 'dark' });
    expect(await background(page)).toBe(DARK);
    await page.getByRole('heading', { name: 'Connexion à Parley' }).waitFor();
    await page.getByRole('button', { name: 'Nouveau ? Créer un compte' }).click();
    await page.getByLabel('Nom d’utilisateur').fill('pierre');
    await page.getByLabel('Nom affiché').fill('Pierre Curie');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();
    for (const name of ['Nouveau message', 'Nouveau groupe', 'Canaux', 'Réglages', 'Se déconnecter']) await page.getByRole('button', { name }).waitFor();
    await page.getByRole('button', { name: 'Nouveau groupe' }).click();
    await page.getByRole('dialog', { name: 'Nouveau groupe' }).getByLabel('Nom du groupe').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
